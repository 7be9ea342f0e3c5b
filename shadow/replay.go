package shadow

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// ReplayOptions describe one replay of recorded traffic against both sides.
type ReplayOptions struct {
	Routes map[string]Route // from the route file
	// Match names the route a request belongs to (the lead passes a matcher
	// built from the route file); ok false skips the request.
	Match             func(method, path string, header http.Header) (route string, ok bool)
	Source            io.Reader
	Format            string // FormatAccessLog or FormatHAR
	LegacyURL, NewURL string // when set, replace every route's endpoints of that side
	Concurrency       int    // requests in flight; default 4
	Progress          io.Writer
	Store             *Store        // where results are recorded (required)
	CallTimeout       time.Duration // per call when the route sets none; default 10s
	MaxBody           int64         // response bodies kept; default 1 MiB
	Log               *slog.Logger
}

// Summary is what a replay did.
type Summary struct {
	Read          int            `json:"read"`     // requests read from the source
	Replayed      int            `json:"replayed"` // sent to both sides
	Skipped       map[string]int `json:"skipped"`  // by reason: invalid, unmatched, unknown_route, method
	Compared      int            `json:"compared"`
	Matched       int            `json:"matched"`
	NotComparable map[string]int `json:"not_comparable"`
	StoreErrors   int            `json:"store_errors"`
}

// MatchRate is Matched/Compared in percent.
func (s Summary) MatchRate() float64 {
	if s.Compared == 0 {
		return 0
	}
	return 100 * float64(s.Matched) / float64(s.Compared)
}

// Skip reasons in Summary.Skipped.
const (
	skipInvalid   = "invalid"
	skipUnmatched = "unmatched"
	skipUnknown   = "unknown_route"
	skipMethod    = "method" // not a shadow method of the route, or a write without allow_writes
)

// Replay reads recorded requests, sends each to legacy and to the new
// service, compares and records into the store like the receiver does.
// Unsafe methods are replayed only on routes that allow writes.
func Replay(ctx context.Context, o ReplayOptions) (Summary, error) {
	sum := Summary{Skipped: map[string]int{}, NotComparable: map[string]int{}}
	if o.Store == nil || o.Match == nil || o.Source == nil {
		return sum, errors.New("replay: Store, Match and Source are required")
	}
	routes, err := replayRoutes(o)
	if err != nil {
		return sum, err
	}
	src, err := openSource(o.Source, o.Format)
	if err != nil {
		return sum, err
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	lim := limits{timeout: routes.cfg.CallTimeout, maxBody: routes.cfg.MaxBody}
	m, _ := newMetrics(nil, nil) // unregistered: a replay is a one-off command
	pr := &pairer{client: newClient(o.Concurrency), metrics: m, log: o.Log, noiseRoll: rollPercent}
	prog := newProgress(o.Progress, src.total())

	type item struct {
		rs  *routeState
		req *request
	}
	items := make(chan item)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range o.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range items {
				obs := pr.observe(ctx, it.rs, it.req, nil, lim)
				err := o.Store.Record(ctx, obs)
				mu.Lock()
				sum.add(&obs, err)
				prog.update(&sum)
				mu.Unlock()
			}
		}()
	}
	err = feed(ctx, src, o, routes, func(rs *routeState, req *request) { items <- item{rs, req} }, func(reason string) {
		mu.Lock()
		sum.Read++
		if reason != "" {
			sum.Skipped[reason]++
			prog.update(&sum)
		}
		mu.Unlock()
	})
	close(items)
	wg.Wait()
	prog.done(&sum)
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	return sum, err
}

// feed reads the source and hands every replayable request on; read is
// told of each request read, with the reason when it is skipped.
func feed(ctx context.Context, src source, o ReplayOptions, routes *routeTable, send func(*routeState, *request), read func(reason string)) error {
	for n := 1; ctx.Err() == nil; n++ {
		req, err := src.next()
		var bad *badEntry
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case errors.As(err, &bad):
			o.Log.Warn("replay: skipped", "err", err)
			read(skipInvalid)
			continue
		case err != nil:
			return fmt.Errorf("replay: %w", err)
		}
		if req.ID == "" {
			req.ID = "replay-" + strconv.Itoa(n)
		}
		name, ok := o.Match(req.Method, pathOnly(req.URI), hostHeader(req))
		rs := routes.routes[name]
		switch {
		case !ok:
			read(skipUnmatched)
		case rs == nil:
			read(skipUnknown)
		case !rs.mayCall(req.Method):
			read(skipMethod)
		default:
			read("")
			send(rs, req)
		}
	}
	return nil
}

// hostHeader is the request's headers with Host, for the route matcher.
func hostHeader(req *request) http.Header {
	h := req.Header.Clone()
	if req.Host != "" {
		h.Set("Host", req.Host)
	}
	return h
}

func replayRoutes(o ReplayOptions) (*routeTable, error) {
	cfg := Config{Routes: make(map[string]Route, len(o.Routes)), CallTimeout: o.CallTimeout, MaxBody: o.MaxBody}
	for name, r := range o.Routes {
		if o.LegacyURL != "" {
			r.Legacy = []string{o.LegacyURL}
		}
		if o.NewURL != "" {
			r.New = []string{o.NewURL}
		}
		cfg.Routes[name] = r
	}
	t, err := buildTable(cfg)
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	return t, nil
}

func (s *Summary) add(obs *Observation, storeErr error) {
	s.Replayed++
	if storeErr != nil {
		s.StoreErrors++
	}
	switch r := obs.reason(); {
	case r != "":
		s.NotComparable[r]++
	case obs.Result.Match:
		s.Compared++
		s.Matched++
	default:
		s.Compared++
	}
}
