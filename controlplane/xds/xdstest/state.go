package xdstest

import (
	"context"
	"fmt"
	"maps"
	"sync"

	"google.golang.org/protobuf/proto"
)

// typeState is one xDS type as the client holds it.
type typeState struct {
	subscribed bool     // a request for the type was sent
	names      []string // resource names asked for; nil with wildcard
	version    string   // version accepted last
	nonce      string   // nonce of the last response
	resources  map[string]proto.Message
	responses  int
}

// state is what a client holds, shared with tests through its methods.
type state struct {
	mu      sync.Mutex
	types   map[string]*typeState
	changed chan struct{} // closed and replaced on every change
	done    chan struct{} // closed when the stream ends
	err     error
}

func newState() *state {
	return &state{types: map[string]*typeState{}, changed: make(chan struct{}), done: make(chan struct{})}
}

// of returns typeURL's state, creating it; callers hold s.mu.
func (s *state) of(typeURL string) *typeState {
	t, ok := s.types[typeURL]
	if !ok {
		t = &typeState{}
		s.types[typeURL] = t
	}
	return t
}

// change runs fn under the lock and wakes waiters.
func (s *state) change(fn func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn()
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *state) finish(err error) {
	s.change(func() { s.err = err })
	close(s.done)
}

// Version is the version of typeURL the client accepted last.
func (s *state) Version(typeURL string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.of(typeURL).version
}

// Responses counts the responses of typeURL received, accepted or not.
func (s *state) Responses(typeURL string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.of(typeURL).responses
}

// Resources are the accepted resources of typeURL by name.
func (s *state) Resources(typeURL string) map[string]proto.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.of(typeURL).resources)
}

// Err is why the stream ended, nil while it runs.
func (s *state) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Wait blocks until cond, which may call the client's other methods, holds;
// or until ctx or the stream ends.
func (s *state) Wait(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		changed := s.changed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		if err := s.Err(); err != nil {
			return fmt.Errorf("stream ended: %w", err)
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// WaitVersions waits until the client runs every type URL -> version in want.
func (s *state) WaitVersions(ctx context.Context, want map[string]string) error {
	var missing string
	err := s.Wait(ctx, func() bool {
		for url, v := range want {
			if have := s.Version(url); have != v {
				missing = fmt.Sprintf("%s at %q (has %q)", url, v, have)
				return false
			}
		}
		return true
	})
	if err != nil {
		return fmt.Errorf("waiting for %s: %w", missing, err)
	}
	return nil
}

// Done is closed when the stream ends.
func (s *state) Done() <-chan struct{} { return s.done }
