package shadow

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/rueidis"

	"github.com/strangler-dev/strangler/shadow/diff"
)

// Store keeps comparison results in Redis, added up across every receiver
// (and replay) writing to the same Redis, and reads them back as reports.
//
// Key layout. Every key of route R carries the hash tag {R}, so a route's
// keys share one Redis Cluster slot and a report is one node's work:
//
//	sh:{R}:m:<minute>     HASH  route counters for one minute (unix seconds / 60):
//	                            compared, matched, differing, nc:<reason>, noise
//	                            (legacy-vs-legacy samples), lat:legacy:<bound>,
//	                            lat:new:<bound> (latency histogram buckets, bound in
//	                            ms or +Inf), new:req, new:5xx (new-side answers and
//	                            failures, for the rollout gate)
//	sh:{R}:m:<minute>:e   HASH  the same counters per endpoint: "<counter>\t<METHOD> <path template>"
//	sh:{R}:m:<minute>:f   HASH  per endpoint and field template: "raw\t<endpoint>\t<template>",
//	                            "noise\t<endpoint>\t<template>", "kind:<kind>\t<endpoint>\t<template>"
//	sh:{R}:idx            ZSET  the minutes that have data (member and score: the minute)
//	sh:{R}:s:<endpoint>\t<template>
//	                      LIST  newest samples first (JSON Sample), LPUSH + LTRIM to SamplesPerField
//	sh:routes             ZSET  routes with data, scored by the last write (unix seconds)
//
// Every key expires after the retention (7 days by default), refreshed on
// write; counters are only ever incremented (HINCRBY), which is what lets
// several receivers add up. Samples hold only what the comparer already
// redacted: differences and bodies with redacted values replaced, and the
// request's method, path (no query) and x-request-id — never its headers or
// body.
type Store struct {
	c          rueidis.Client
	retention  time.Duration
	perField   atomic.Int64
	every      time.Duration
	thresholds diff.Thresholds

	mu      sync.Mutex
	sampled map[string]time.Time // sample key -> last push by this process
}

// StoreOption tunes a Store.
type StoreOption func(*Store)

// WithRetention sets how long buckets and samples live (default 7 days).
func WithRetention(d time.Duration) StoreOption { return func(s *Store) { s.retention = d } }

// WithSamplesPerField caps the samples kept per field template (default 5).
func WithSamplesPerField(n int) StoreOption {
	return func(s *Store) { s.perField.Store(int64(n)) }
}

// WithSampleInterval pushes at most one sample per field template per
// interval from this process (default 1s; 0: every differing pair). Samples
// are whole redacted bodies: without it a field that differs on every
// request would rewrite them at the request rate.
func WithSampleInterval(d time.Duration) StoreOption { return func(s *Store) { s.every = d } }

// WithThresholds sets the noise thresholds reports classify fields with.
func WithThresholds(th diff.Thresholds) StoreOption { return func(s *Store) { s.thresholds = th } }

// DefaultRetention is how long results stay in Redis.
const DefaultRetention = 7 * 24 * time.Hour

// maxSampledKeys bounds the sample-throttle memory; past it the map starts over.
const maxSampledKeys = 10000

// NewStore wraps a Redis client (see internal/redisconn).
func NewStore(client rueidis.Client, opts ...StoreOption) *Store {
	s := &Store{c: client, retention: DefaultRetention, every: time.Second, thresholds: diff.DefaultThresholds,
		sampled: map[string]time.Time{}}
	s.perField.Store(DefaultSamplesPerField)
	for _, o := range opts {
		o(s)
	}
	if s.retention < time.Minute {
		s.retention = DefaultRetention
	}
	if s.perField.Load() <= 0 {
		s.perField.Store(DefaultSamplesPerField)
	}
	return s
}

// setSamplesPerField applies the receiver's configuration.
func (s *Store) setSamplesPerField(n int) {
	if n > 0 {
		s.perField.Store(int64(n))
	}
}

const routesKey = "sh:routes"

func routePrefix(route string) string { return "sh:{" + route + "}" }

func minuteKey(route string, m int64) string {
	return routePrefix(route) + ":m:" + strconv.FormatInt(m, 10)
}

func endpointsKey(route string, m int64) string { return minuteKey(route, m) + ":e" }

func fieldsKey(route string, m int64) string { return minuteKey(route, m) + ":f" }

func indexKey(route string) string { return routePrefix(route) + ":idx" }

func sampleKey(route, endpoint, template string) string {
	return routePrefix(route) + ":s:" + endpoint + "\t" + template
}

func minuteOf(t time.Time) int64 { return t.Unix() / 60 }

// checkRoute keeps a route name from breaking the hash tag.
func checkRoute(route string) error {
	if route == "" || strings.ContainsAny(route, "{}") {
		return fmt.Errorf("route %q: names must be non-empty and hold no braces", route)
	}
	return nil
}

// dueSample reports whether this process should push a sample to key now.
func (s *Store) dueSample(key string, now time.Time) bool {
	if s.every <= 0 {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if last, ok := s.sampled[key]; ok && now.Sub(last) < s.every {
		return false
	}
	if len(s.sampled) >= maxSampledKeys {
		clear(s.sampled)
	}
	s.sampled[key] = now
	return true
}
