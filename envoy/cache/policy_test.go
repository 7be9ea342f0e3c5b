package cache

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func resp(status int, kv ...string) *response {
	hs := []hv{{":status", strconv.Itoa(status)}}
	for i := 0; i+1 < len(kv); i += 2 {
		hs = append(hs, hv{strings.ToLower(kv[i]), kv[i+1]})
	}
	return parseResponse(headerMap(hs))
}

func TestDecide(t *testing.T) {
	rt, err := compileRoute("r", Route{TTL: time.Minute, NegativeTTL: 10 * time.Second, StaleWhileRevalidate: 5 * time.Second,
		StaleIfError: time.Hour, MaxBody: 100, Vary: []Key{{KindHeader, "X-Store"}}})
	if err != nil {
		t.Fatal(err)
	}
	get := &request{method: "GET"}
	auth := &request{method: "GET", authorization: true}
	withVary := &request{method: "GET", cookies: []string{"X-Magento-Vary=1"}}
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	date := now.Format(http.TimeFormat)
	cases := []struct {
		name   string
		req    *request
		resp   *response
		reason string
		ttl    time.Duration
		swr    time.Duration
		sie    time.Duration
	}{
		{"route ttl", get, resp(200), "", time.Minute, 5 * time.Second, time.Hour},
		{"s-maxage wins", get, resp(200, "Cache-Control", "max-age=10, s-maxage=20"), "", 20 * time.Second, 5 * time.Second, time.Hour},
		{"max-age", get, resp(200, "Cache-Control", "max-age=10"), "", 10 * time.Second, 5 * time.Second, time.Hour},
		{"expires", get, resp(200, "Expires", now.Add(30*time.Second).Format(http.TimeFormat), "Date", date), "", 30 * time.Second, 5 * time.Second, time.Hour},
		{"age counts", get, resp(200, "Cache-Control", "s-maxage=20", "Age", "5"), "", 15 * time.Second, 5 * time.Second, time.Hour},
		{"response stale windows", get, resp(200, "Cache-Control", "s-maxage=20, stale-while-revalidate=7, stale-if-error=8"), "", 20 * time.Second, 7 * time.Second, 8 * time.Second},
		{"must-revalidate", get, resp(200, "Cache-Control", "s-maxage=20, must-revalidate"), "", 20 * time.Second, 0, 0},
		{"404 negative", get, resp(404), "", 10 * time.Second, 5 * time.Second, time.Hour},
		{"404 shorter origin", get, resp(404, "Cache-Control", "max-age=3"), "", 3 * time.Second, 5 * time.Second, time.Hour},
		{"410 negative", get, resp(410, "Cache-Control", "max-age=3600"), "", 10 * time.Second, 5 * time.Second, time.Hour},
		{"301", get, resp(301), "", time.Minute, 5 * time.Second, time.Hour},
		{"302 explicit", get, resp(302, "Cache-Control", "max-age=9"), "", 9 * time.Second, 5 * time.Second, time.Hour},
		{"public with authorization", auth, resp(200, "Cache-Control", "public"), "", time.Minute, 5 * time.Second, time.Hour},
		{"s-maxage with authorization", auth, resp(200, "Cache-Control", "s-maxage=4"), "", 4 * time.Second, 5 * time.Second, time.Hour},
		{"vary on a keyed header", get, resp(200, "Vary", "Accept-Encoding, X-Store"), "", time.Minute, 5 * time.Second, time.Hour},

		{"HEAD", &request{method: "HEAD"}, resp(200), reasonMethod, 0, 0, 0},
		{"302 heuristic", get, resp(302), reasonStatus, 0, 0, 0},
		{"206", get, resp(206, "Cache-Control", "max-age=60"), reasonStatus, 0, 0, 0},
		{"500", get, resp(500, "Cache-Control", "max-age=60"), reasonStatus, 0, 0, 0},
		{"no-store", get, resp(200, "Cache-Control", "public, no-store"), reasonNoStore, 0, 0, 0},
		{"private qualified", get, resp(200, "Cache-Control", `private="set-cookie, x", s-maxage=60`), reasonPrivate, 0, 0, 0},
		{"no-cache qualified", get, resp(200, "Cache-Control", `no-cache="x"`), reasonNoCache, 0, 0, 0},
		{"set-cookie", get, resp(200, "Set-Cookie", "a=b"), reasonSetCookie, 0, 0, 0},
		{"new X-Magento-Vary", get, resp(200, "Set-Cookie", "X-Magento-Vary=2; path=/"), reasonMagentoVary, 0, 0, 0},
		{"changed X-Magento-Vary", withVary, resp(200, "Set-Cookie", "X-Magento-Vary=2; path=/"), reasonSetCookie, 0, 0, 0},
		{"authorization", auth, resp(200, "Cache-Control", "max-age=60"), reasonAuth, 0, 0, 0},
		{"vary star", get, resp(200, "Vary", "*"), reasonVaryStar, 0, 0, 0},
		{"vary cookie unkeyed", get, resp(200, "Vary", "Cookie"), reasonVaryUnkeyed, 0, 0, 0},
		{"zero", get, resp(200, "Cache-Control", "max-age=0"), reasonZeroTTL, 0, 0, 0},
		{"invalid max-age", get, resp(200, "Cache-Control", "max-age=soon"), reasonZeroTTL, 0, 0, 0},
		{"invalid expires", get, resp(200, "Expires", "0"), reasonZeroTTL, 0, 0, 0},
		{"older than its life", get, resp(200, "Cache-Control", "s-maxage=20", "Age", "30"), reasonZeroTTL, 0, 0, 0},
		{"content-length over max_body", get, resp(200, "Content-Length", "101"), reasonTooLarge, 0, 0, 0},
	}
	for _, c := range cases {
		v := decide(rt, c.req, c.resp, now, nil)
		if v.reason != c.reason || v.ttl != c.ttl || v.swr != c.swr || v.sie != c.sie {
			t.Errorf("%s: got %+v, want reason %q ttl %v swr %v sie %v", c.name, v, c.reason, c.ttl, c.swr, c.sie)
		}
	}
}

func TestJitterSpreadsWithinBounds(t *testing.T) {
	seen := map[time.Duration]bool{}
	for i := range 100 {
		x := float64(i) / 99
		d := jitter(100*time.Second, 0.1, func() float64 { return x })
		if d < 90*time.Second || d > 110*time.Second {
			t.Fatalf("jitter %v outside ±10%%", d)
		}
		seen[d] = true
	}
	if len(seen) < 50 {
		t.Fatalf("only %d distinct TTLs", len(seen))
	}
	if jitter(time.Second, 0, nil) != time.Second {
		t.Fatal("zero jitter changed the TTL")
	}
}

func TestCacheControlParsing(t *testing.T) {
	d := parseCacheControl([]string{`public, max-age="30"`, `S-MAXAGE=99999999999999, private="a,b", stale-if-error=-1`})
	if !d.public || !d.private || d.maxAge.d != 30*time.Second || d.sMaxAge.d != maxDelta || !d.sie.set || d.sie.d != 0 {
		t.Fatalf("%+v", d)
	}
	if got := splitDirectives(`a, b="x, \"y\"", c`); len(got) != 3 {
		t.Fatalf("%q", got)
	}
}
