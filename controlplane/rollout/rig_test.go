package rollout

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"

	"github.com/strangler-dev/strangler/internal/redistest"
	"github.com/strangler-dev/strangler/routes"
)

// figures are what the controlled shadow source reports for a route.
type figures struct {
	compared, matched int64
	requests, errors  int64
	p99               time.Duration
	err               error
}

var healthy = figures{compared: 1000, matched: 999, requests: 1000, errors: 2, p99: 120 * time.Millisecond}

// shadowFigures is the controlled ShadowSource: tests set what the shadow
// receiver would have seen; each controller gets its own view so the
// calls made by each can be counted.
type shadowFigures struct {
	mu    sync.Mutex
	by    map[string]figures
	calls map[string]int // by controller name
}

func newShadowFigures() *shadowFigures {
	return &shadowFigures{by: map[string]figures{}, calls: map[string]int{}}
}

func (s *shadowFigures) set(route string, f figures) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.by[route] = f
}

func (s *shadowFigures) callsBy(name string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[name]
}

type shadowView struct {
	s    *shadowFigures
	name string
}

func (v shadowView) get(route string, from, to time.Time) figures {
	v.s.mu.Lock()
	defer v.s.mu.Unlock()
	v.s.calls[v.name]++
	if !from.Before(to) {
		return figures{err: io.ErrUnexpectedEOF}
	}
	return v.s.by[route]
}

func (v shadowView) MatchRate(_ context.Context, route string, from, to time.Time) (int64, int64, error) {
	f := v.get(route, from, to)
	return f.compared, f.matched, f.err
}

func (v shadowView) NewSideStats(_ context.Context, route string, from, to time.Time) (int64, int64, time.Duration, error) {
	f := v.get(route, from, to)
	return f.requests, f.errors, f.p99, f.err
}

type rig struct {
	t      testing.TB
	srv    *redistest.Server
	redis  rueidis.Client
	clock  *FakeClock
	shadow *shadowFigures
	prom   *promStandIn
}

func newRig(t testing.TB) *rig {
	t.Helper()
	srv := redistest.Start(t)
	return &rig{t: t, srv: srv, redis: redisClient(t, srv.Addr()), clock: NewFakeClock(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)),
		shadow: newShadowFigures(), prom: newPromStandIn(t)}
}

func redisClient(t testing.TB, addr string) rueidis.Client {
	t.Helper()
	c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{addr}, DisableCache: true, ForceSingleClient: true})
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return c
}

// controller makes a Controller named name on the rig's Redis, each with
// its own client and registry as a separate replica would have.
func (r *rig) controller(name string, tune ...func(*Options)) (*Controller, *prometheus.Registry) {
	r.t.Helper()
	reg := prometheus.NewRegistry()
	prom, err := NewPrometheus(r.prom.srv.URL, nil, Queries{})
	require.NoError(r.t, err)
	opts := Options{Redis: redisClient(r.t, r.srv.Addr()), Shadow: shadowView{s: r.shadow, name: name}, Envoy: prom,
		Clock: r.clock, Owner: name, Registerer: reg, Logger: testLogger(r.t),
		LeaseTTL: 900 * time.Millisecond, Refresh: 50 * time.Millisecond}
	for _, f := range tune {
		f(&opts)
	}
	c, err := New(opts)
	require.NoError(r.t, err)
	return c, reg
}

// run starts c.Run; the returned stop ends it and waits.
func (r *rig) run(c *Controller) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = c.Run(ctx)
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			<-done
		})
	}
	r.t.Cleanup(stop)
	return stop
}

func (r *rig) update(c *Controller, src string) {
	r.t.Helper()
	require.NoError(r.t, c.Update(context.Background(), parseFile(r.t, src), "file"))
}

func parseFile(t testing.TB, src string) *routes.File {
	t.Helper()
	f, err := routes.Parse("routes.yaml", []byte(src))
	require.NoError(t, err)
	return f
}

// settle waits until c's driver has caught up with the fake clock and is
// idle: it ran at the current time, or nothing is due before it.
func (r *rig) settle(c *Controller) {
	r.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c.progMu.Lock()
		p := c.progress
		c.progMu.Unlock()
		now := r.clock.Now()
		if p.waiting && p.kicks == c.kicks.Load() && (!p.at.Before(now) || p.next.IsZero() || p.next.After(now)) {
			return
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("driver of %s not idle at %s: %+v (leading %v)", c.owner, now, p, c.Leading())
		}
		time.Sleep(time.Millisecond)
	}
}

// tick moves the fake clock by d and lets the leader act on it.
func (r *rig) tick(c *Controller, d time.Duration) {
	r.t.Helper()
	r.clock.Advance(d)
	r.settle(c)
}

func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func (r *rig) lead(c *Controller) {
	r.t.Helper()
	waitFor(r.t, c.owner+" to lead", c.Leading)
	r.settle(c)
}

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// fileBase is a route file with one rollout; replace parts with strings.Replace.
const fileBase = `version: 1
listen: 0.0.0.0:10000
legacy: magento
metrics: {prometheus: http://prometheus:9090}
backends:
  magento: {endpoints: [magento.internal:80]}
  catalog: {endpoints: [10.0.0.5:8080]}
routes:
  - name: orders-api
    match: {prefix: /rest/V1/orders}
    to: catalog
    percent: 0
    rollout:
      steps: [1, 5, 25, pause, 50, 100]
      hold: 10m
      gates: {interval: 1m, shadow_match: 99.5%, error_rate: 1%, p99_latency: 300ms, min_requests: 100, failures: 3}
      on_failure: rollback
  - name: catalog-read
    match: {prefix: /rest/V1/products}
    to: catalog
    percent: 10
`

func withFile(old, repl string) string {
	if !strings.Contains(fileBase, old) {
		panic("fileBase has no " + old)
	}
	return strings.Replace(fileBase, old, repl, 1)
}

func (r *rig) effective(c *Controller, route string) routes.Percent {
	r.t.Helper()
	p, ok := c.Effective()[route]
	require.True(r.t, ok, "%s not in Effective", route)
	return p
}

func (r *rig) status(c *Controller, route string) Status {
	r.t.Helper()
	st, err := c.Status(context.Background(), route)
	require.NoError(r.t, err)
	return st
}

func actions(events []Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[len(events)-1-i] = e.Action + " " + e.From.String() + "→" + e.To.String()
	}
	return out
}

// started is a rig whose sources report a healthy new service, with one
// controller "a" following src and leading.
func started(t testing.TB, src string) (*rig, *Controller) {
	t.Helper()
	r := newRig(t)
	r.shadow.set("orders-api", healthy)
	goodEnvoy(r)
	c, _ := r.controller("a")
	r.update(c, src)
	r.run(c)
	r.lead(c)
	return r, c
}

// minutes ticks the clock n times by a minute.
func (r *rig) minutes(c *Controller, n int) {
	r.t.Helper()
	for range n {
		r.tick(c, time.Minute)
	}
}
