package cache

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestMissThenHit(t *testing.T) {
	for _, local := range []bool{false, true} {
		t.Run(fmt.Sprintf("local=%v", local), func(t *testing.T) {
			o := newOrigin(t, page("cat_p_1,cat_c_2"))
			cfg := testConfig(pdp())
			if local {
				cfg.LocalCacheBytes = 0 // the default budget
			}
			r := startRig(t, cfg, nil, o)
			e := r.envoy("pdp")

			miss := e.get("/p1.html")
			expect(t, miss, 200, "MISS")
			if miss.header.Get("X-Magento-Tags") != "" {
				t.Fatal("X-Magento-Tags reached the client")
			}
			for range 3 {
				hit := e.get("/p1.html")
				expect(t, hit, 200, "HIT")
				if !hit.immediate || hit.origin || string(hit.body) != string(miss.body) {
					t.Fatalf("hit: immediate %v origin %v body %q, want %q", hit.immediate, hit.origin, hit.body, miss.body)
				}
				if hit.header.Get("X-Magento-Tags") != "" || hit.header.Get("Age") == "" ||
					hit.header.Get("Content-Type") != "text/html; charset=UTF-8" {
					t.Fatalf("hit headers: %v", hit.header)
				}
			}
			head := e.do("HEAD", "/p1.html")
			expect(t, head, 200, "HIT")
			if len(head.body) != 0 {
				t.Fatalf("HEAD hit with a body: %q", head.body)
			}
			if n := o.fetches.Load(); n != 1 {
				t.Fatalf("origin fetched %d times, want 1", n)
			}
			if got := r.counter("strangler_cache_requests_total", "route", "pdp", "result", "hit"); got != 4 {
				t.Fatalf("hits counted %v, want 4", got)
			}
			if got := r.counter("strangler_cache_stores_total", "route", "pdp"); got != 1 {
				t.Fatalf("stores counted %v", got)
			}
			if local && r.counter("strangler_cache_local_hits_total") == 0 {
				t.Fatal("local cache on, but every hit went to Redis")
			}
		})
	}
}

func TestAgeGrowsAndIfNoneMatch(t *testing.T) {
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, s-maxage=60")
		w.Header().Set("ETag", `"v1"`)
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Age", "5") // already 5s old upstream
		fmt.Fprint(w, "body")
	})
	r := startRig(t, testConfig(pdp()), nil, o)
	e := r.envoy("pdp")
	// A fill asks for the full body, not a 304 for one client's copy.
	fill := e.get("/a", "If-None-Match", `"v1"`)
	expect(t, fill, 200, "MISS")
	if fill.sentHdr.Get("If-None-Match") != "" {
		t.Fatal("the fill went to the origin with If-None-Match")
	}
	hit := e.get("/a")
	if age, _ := strconv.Atoi(hit.header.Get("Age")); age < 5 {
		t.Fatalf("Age %q, want >= 5 (the origin's Age counts)", hit.header.Get("Age"))
	}
	nm := e.get("/a", "If-None-Match", `W/"v1", "other"`)
	expect(t, nm, 304, "HIT")
	if len(nm.body) != 0 {
		t.Fatalf("304 with a body")
	}
}

func TestKeyNormalisationAndWhatTheOriginSees(t *testing.T) {
	o := newOrigin(t, page(""))
	r := startRig(t, testConfig(pdp()), nil, o)
	e := r.envoy("pdp")
	first := e.get("/c.html?b=2&utm_source=mail&a=1&gclid=x", "Accept-Encoding", "gzip, deflate")
	expect(t, first, 200, "MISS")
	if first.sentPath != "/c.html?a=1&b=2" {
		t.Fatalf("origin got %q, want the normalised path", first.sentPath)
	}
	if ae := first.sentHdr.Get("Accept-Encoding"); ae != "gzip" {
		t.Fatalf("origin got Accept-Encoding %q, want the class gzip", ae)
	}
	expect(t, e.get("/c.html?a=1&b=2&fbclid=z&_ga=1&msclkid=2", "Accept-Encoding", "gzip"), 200, "HIT")
	// Other encoding classes are other entries.
	expect(t, e.get("/c.html?a=1&b=2", "Accept-Encoding", "br, gzip"), 200, "MISS")
	expect(t, e.get("/c.html?a=1&b=2"), 200, "MISS")
	expect(t, e.get("/c.html?a=1&b=2", "Accept-Encoding", "gzip;q=0, identity"), 200, "HIT")
	// Host and scheme (X-Forwarded-Proto) are in the key.
	expect(t, e.get("/c.html?a=1&b=2", "X-Forwarded-Proto", "http"), 200, "MISS")
}

func TestNotStored(t *testing.T) {
	big := strings.Repeat("x", 2048)
	cases := []struct {
		name, reason string
		h            http.HandlerFunc
	}{
		{"set-cookie", reasonSetCookie, respond(200, "public, s-maxage=60", "Set-Cookie", "PHPSESSID=abc; path=/")},
		{"private", reasonPrivate, respond(200, "private, max-age=60")},
		{"no-store", reasonNoStore, respond(200, "no-store, no-cache, must-revalidate, max-age=0")},
		{"no-cache", reasonNoCache, respond(200, "no-cache, s-maxage=60")},
		{"max-age=0", reasonZeroTTL, respond(200, "public, max-age=0")},
		{"expires past", reasonZeroTTL, respond(200, "public", "Expires", "Thu, 01 Jan 1970 00:00:00 GMT")},
		{"vary star", reasonVaryStar, respond(200, "public, s-maxage=60", "Vary", "*")},
		{"vary unkeyed", reasonVaryUnkeyed, respond(200, "public, s-maxage=60", "Vary", "Accept-Encoding, User-Agent")},
		{"500", reasonStatus, respond(500, "public, s-maxage=60")},
		{"403", reasonStatus, respond(403, "public, s-maxage=60")},
		{"302 heuristic", reasonStatus, respond(302, "public", "Location", "/x")},
		{"404 without negative ttl", reasonStatus, respond(404, "public, s-maxage=60")},
		{"over max_body", reasonTooLarge, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "public, s-maxage=60")
			fmt.Fprint(w, big)
		}},
		{"magento vary", reasonMagentoVary, respond(200, "public, s-maxage=60", "Set-Cookie", "X-Magento-Vary=abc; path=/")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := newOrigin(t, c.h)
			rt := pdp()
			rt.MaxBody = 1024
			r := startRig(t, testConfig(rt), nil, o)
			e := r.envoy("pdp")
			for i := range 2 {
				if x := e.get("/n"); !x.origin || x.cache() == "HIT" {
					t.Fatalf("request %d answered from the cache: %+v", i+1, x)
				}
			}
			if o.fetches.Load() != 2 {
				t.Fatalf("origin fetched %d times, want 2", o.fetches.Load())
			}
			if got := r.counter("strangler_cache_not_stored_total", "route", "pdp", "reason", c.reason); got < 1 {
				t.Fatalf("not_stored{reason=%s} = %v", c.reason, got)
			}
			if got := r.counter("strangler_cache_stores_total"); got != 0 {
				t.Fatalf("stored %v entries", got)
			}
		})
	}
}

func respond(status int, cc string, kv ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", cc)
		for i := 0; i+1 < len(kv); i += 2 {
			w.Header().Add(kv[i], kv[i+1])
		}
		w.WriteHeader(status)
		fmt.Fprintf(w, "status %d", status)
	}
}

// A body larger than Envoy's buffer arrives cut short (end_of_stream
// false in BUFFERED_PARTIAL): the client still gets all of it, nothing is
// stored.
func TestBodyOverEnvoyBuffer(t *testing.T) {
	body := strings.Repeat("y", 4096)
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, s-maxage=60")
		fmt.Fprint(w, body)
	})
	r := startRig(t, testConfig(pdp()), nil, o)
	e := r.envoy("pdp")
	e.bufferLimit = 1000
	x := e.get("/big")
	expect(t, x, 200, "MISS")
	if string(x.body) != body {
		t.Fatalf("client got %d bytes, want %d", len(x.body), len(body))
	}
	expect(t, e.get("/big"), 200, "MISS")
	if got := r.counter("strangler_cache_not_stored_total", "reason", reasonTooLarge); got != 2 {
		t.Fatalf("too_large counted %v, want 2", got)
	}
}

// After a not-storable answer a marker sends requests straight on
// (hit-for-miss), and a storable answer replaces it.
func TestHitForMiss(t *testing.T) {
	o := newOrigin(t, respond(200, "no-store"))
	r := startRig(t, testConfig(pdp()), nil, o)
	e := r.envoy("pdp")
	expect(t, e.get("/h"), 200, "MISS")
	o.set(page(""))
	expect(t, e.get("/h"), 200, "MISS")
	if got := r.counter("strangler_cache_requests_total", "result", "pass"); got != 1 {
		t.Fatalf("pass counted %v: the marker did not send the request straight on", got)
	}
	expect(t, e.get("/h"), 200, "HIT")
}

func TestNegativeTTL(t *testing.T) {
	o := newOrigin(t, respond(404, "public, max-age=3600"))
	rt := pdp()
	rt.NegativeTTL = 300 * time.Millisecond
	r := startRig(t, testConfig(rt), nil, o)
	e := r.envoy("pdp")
	expect(t, e.get("/gone"), 404, "MISS")
	expect(t, e.get("/gone"), 404, "HIT")
	time.Sleep(400 * time.Millisecond) // NegativeTTL, not the origin's hour
	expect(t, e.get("/gone"), 404, "MISS")
}

// The entry lives in Redis for its TTL plus the longer stale window, and
// s-maxage beats max-age beats the route TTL.
func TestRedisLifetime(t *testing.T) {
	cases := []struct {
		cc   string
		want time.Duration
	}{
		{"public, max-age=100, s-maxage=200", 200 * time.Second},
		{"public, max-age=100", 100 * time.Second},
		{"public", 30 * time.Second},
		{"public, s-maxage=50, stale-while-revalidate=40, stale-if-error=10", 90 * time.Second},
	}
	for _, c := range cases {
		o := newOrigin(t, respond(200, c.cc))
		rt := pdp()
		rt.TTL, rt.StaleIfError = 30*time.Second, 5*time.Second
		r := startRig(t, testConfig(rt), nil, o)
		r.envoy("pdp").get("/t")
		k := cacheKey(r.svc.table.Load().routes["pdp"], &request{method: "GET", scheme: "https", authority: "shop.test", path: "/t"})
		pttl, err := r.client.Do(context.Background(), r.client.B().Pttl().Key(entryPrefix+hashKey(k)).Build()).AsInt64()
		if err != nil {
			t.Fatal(err)
		}
		want := c.want + 5*time.Second // the route's stale_if_error
		if strings.Contains(c.cc, "stale-if-error") {
			want = c.want
		}
		if got := time.Duration(pttl) * time.Millisecond; got > want || got < want-2*time.Second {
			t.Errorf("%s: PTTL %v, want about %v", c.cc, got, want)
		}
	}
}

func TestStaleWhileRevalidate(t *testing.T) {
	var version atomic.Int64
	version.Store(1)
	release := make(chan struct{})
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		v := version.Load()
		if v == 2 {
			<-release // the refresh is slow
		}
		w.Header().Set("Cache-Control", "public, s-maxage=1, stale-while-revalidate=30")
		fmt.Fprintf(w, "v%d", v)
	})
	a, b := twoInstances(t, testConfig(pdp()), nil, o)
	e, eb := a.envoy("pdp"), b.envoy("pdp")
	expect(t, e.get("/s"), 200, "MISS")
	time.Sleep(1100 * time.Millisecond)
	version.Store(2)
	refresh := make(chan *exchange)
	go func() { refresh <- e.get("/s") }()
	// While the one refresh is at the origin, everyone else, on either
	// instance, gets v1 stale.
	waitFetches(t, o, 2)
	for i := range 6 {
		x := []*envoy{e, eb}[i%2].get("/s")
		expect(t, x, 200, "STALE")
		if string(x.body) != "v1" || x.origin {
			t.Fatalf("stale answer %q (origin %v)", x.body, x.origin)
		}
	}
	close(release)
	if x := <-refresh; string(x.body) != "v2" || x.cache() != "MISS" {
		t.Fatalf("refresh got %q %q", x.body, x.cache())
	}
	x := eb.get("/s")
	expect(t, x, 200, "HIT")
	if string(x.body) != "v2" {
		t.Fatalf("after the refresh: %q", x.body)
	}
	if n := o.fetches.Load(); n != 2 {
		t.Fatalf("origin fetched %d times, want 2", n)
	}
}

func TestStaleIfError(t *testing.T) {
	for _, window := range []time.Duration{0, time.Minute} {
		t.Run(window.String(), func(t *testing.T) {
			o := newOrigin(t, respond(200, "public, s-maxage=1"))
			rt := pdp()
			rt.StaleIfError = window
			r := startRig(t, testConfig(rt), nil, o)
			e := r.envoy("pdp")
			expect(t, e.get("/e"), 200, "MISS")
			time.Sleep(1100 * time.Millisecond)
			o.set(respond(503, "no-store"))
			x := e.get("/e")
			if window == 0 {
				expect(t, x, 503, "MISS")
				return
			}
			expect(t, x, 200, "STALE")
			if !x.origin || string(x.body) != "status 200" {
				t.Fatalf("stale-if-error: origin %v body %q", x.origin, x.body)
			}
			if got := r.counter("strangler_cache_requests_total", "result", "stale_if_error"); got != 1 {
				t.Fatalf("stale_if_error counted %v", got)
			}
		})
	}
}

func TestUnknownRouteAndMethodsPassUntouched(t *testing.T) {
	o := newOrigin(t, page(""))
	r := startRig(t, testConfig(pdp()), nil, o)
	for _, c := range []struct{ route, method string }{{"", "GET"}, {"other", "GET"}, {"pdp", "POST"}} {
		e := r.envoy(c.route)
		for range 2 {
			x := e.do(c.method, "/u?utm_source=x", "X-Forwarded-Host", "kept.example")
			if !x.origin || x.header.Get("X-Cache") != "" {
				t.Fatalf("%+v: %+v", c, x)
			}
			if x.sentPath != "/u?utm_source=x" || x.sentHdr.Get("X-Forwarded-Host") != "kept.example" {
				t.Fatalf("%+v: the request was changed: %q %v", c, x.sentPath, x.sentHdr)
			}
		}
	}
	if got := r.counter("strangler_cache_unknown_route_total"); got != 4 {
		t.Fatalf("unknown routes counted %v", got)
	}
}

func TestUpdate(t *testing.T) {
	o := newOrigin(t, page(""))
	r := startRig(t, testConfig(pdp()), nil, o)
	e := r.envoy("plp")
	expect(t, e.get("/l"), 200, "")
	cfg := testConfig(pdp(), Route{Name: "plp", TTL: time.Minute})
	if err := r.svc.Update(cfg); err != nil {
		t.Fatal(err)
	}
	expect(t, e.get("/l"), 200, "MISS")
	expect(t, e.get("/l"), 200, "HIT")
	bad := testConfig(Route{Name: "x", Vary: []Key{{"query", "a"}}})
	if err := r.svc.Update(bad); err == nil {
		t.Fatal("a config with a bad key kind was accepted")
	}
	expect(t, e.get("/l"), 200, "HIT") // the old config stays
}
