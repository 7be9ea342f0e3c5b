package cache

import "sync"

// flight is one fill of a key within this process: the first request for
// a missing key leads it, later ones wait on done instead of asking Redis
// or the origin.
type flight struct {
	done chan struct{}
	once sync.Once
	res  fillResult // valid once done is closed
}

// fillResult is what waiters get: an entry to serve, or nil to go to the
// origin themselves.
type fillResult struct {
	e     *entry
	stale bool // e is a stale entry standing in for a failed origin
}

type flights struct {
	mu sync.Mutex
	m  map[string]*flight
}

func newFlights() *flights { return &flights{m: map[string]*flight{}} }

// join returns the key's flight, starting one (leader true) if there is none.
func (fs *flights) join(h string) (*flight, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if f, ok := fs.m[h]; ok {
		return f, false
	}
	f := &flight{done: make(chan struct{})}
	fs.m[h] = f
	return f, true
}

// finish ends a flight once; later calls do nothing.
func (fs *flights) finish(h string, f *flight, res fillResult) {
	f.once.Do(func() {
		fs.mu.Lock()
		if fs.m[h] == f {
			delete(fs.m, h)
		}
		fs.mu.Unlock()
		f.res = res
		close(f.done)
	})
}
