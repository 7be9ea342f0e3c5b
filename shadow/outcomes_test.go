package shadow

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestMissingHalfIsJoinMissed(t *testing.T) {
	rg := newRig(t, func(c *Config) { c.JoinTTL = 200 * time.Millisecond })
	noCapture, noMirror := productReq(2), categoryReq(3)
	noCapture.Side, noCapture.Skip = SideLegacy, "capture"
	noMirror.Side, noMirror.Skip = SideNew, "mirror"
	ok := categoryReq(4)
	ok.Side = SideLegacy
	play(t, []*envoy{rg.node.envoy}, []userRequest{noCapture, noMirror, ok})
	rep := rg.waitHandled(3)
	if rep.NotComparable[NotComparableJoinMissed] != 2 || rep.Compared != 1 {
		t.Fatalf("report %+v", rep.Stats)
	}
	eps := map[string]int64{}
	for _, e := range rep.Endpoints {
		eps[e.Endpoint] = e.NotComparable[NotComparableJoinMissed]
	}
	if eps[productEP] != 1 || eps[categoryEP] != 1 {
		t.Fatalf("join misses by endpoint: %v", eps)
	}
	for _, half := range []string{"mirror", "capture"} {
		if got := counterValue(t, rg.node.reg, "strangler_shadow_join_missed_total", map[string]string{"route": testRoute, "half": half}); got != 1 {
			t.Errorf("join misses with only the %s: %v, want 1", half, got)
		}
	}
	if len(rg.legacy.receiverCalls())+len(rg.new.receiverCalls()) != 2 { // the joined one, and its noise call
		t.Fatalf("a half without its partner was acted on")
	}
}

// Neither side is ever called with a method the route does not shadow, or a
// write the route does not allow, whatever Envoy sends.
func TestUnsafeMethodNeverCalled(t *testing.T) {
	rg := newRig(t, func(c *Config) {
		r := c.Routes[testRoute]
		r.Methods = []string{http.MethodGet, http.MethodPost, http.MethodDelete} // POST listed, but no allow_writes
		c.Routes[testRoute] = r
		c.Routes["writes"] = Route{Name: "writes", Methods: []string{http.MethodPost}, AllowWrites: true,
			Legacy: r.Legacy, New: r.New}
	})
	post := userRequest{Route: testRoute, Method: http.MethodPost, URI: "/rest/V1/carts/mine/items", Body: `{"cartItem":{"sku":"SKU-1","qty":1}}`,
		Side: SideLegacy, Header: http.Header{"Content-Type": {"application/json"}}}
	del := post
	del.Method, del.Side = http.MethodDelete, SideNew
	patch := post
	patch.Method = http.MethodPatch // not listed at all
	allowed := post
	allowed.Route = "writes"
	play(t, []*envoy{rg.node.envoy}, []userRequest{post, del, patch, allowed})
	rep := rg.waitHandled(3)
	if rep.NotComparable[NotComparableRefused] != 3 {
		t.Fatalf("report %+v", rep.Stats)
	}
	// The route that allows writes did call the other side: the check is
	// the method rule, not a blanket refusal.
	waitFor(t, func() bool { return len(rg.new.receiverCalls()) == 1 })
	if c := rg.new.receiverCalls()[0]; c.Method != http.MethodPost || c.Body != allowed.Body {
		t.Fatalf("allowed write reached the new side as %s %q", c.Method, c.Body)
	}
	for _, c := range rg.legacy.receiverCalls() {
		t.Fatalf("legacy was called: %s %s", c.Method, c.URI)
	}
}

func waitFor(t testing.TB, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestNotComparableReasons(t *testing.T) {
	rg := newRig(t, func(c *Config) {
		c.MaxBody = 4 << 10 // the product body (9.5 KiB) is too large, categories fit
		r := c.Routes[testRoute]
		r.Timeout = 150 * time.Millisecond
		c.Routes[testRoute] = r
	})
	fellBack := categoryReq(1)
	fellBack.Side, fellBack.Attempts = SideNew, 2
	tooLarge := productReq(1)
	tooLarge.Side = SideLegacy
	tooLarge.Header.Del("Accept-Encoding") // gzip would fit it under the cap
	ok := categoryReq(2)
	ok.Side = SideNew
	// The new service's broken body is a real difference; legacy's leaves
	// nothing to judge against.
	broken := categoryReq(0)
	broken.URI, broken.Side = "/rest/V1/broken", SideLegacy
	brokenLegacy := categoryReq(0)
	brokenLegacy.URI, brokenLegacy.Side = "/rest/V1/broken-legacy", SideNew
	play(t, []*envoy{rg.node.envoy}, []userRequest{fellBack, tooLarge, ok, broken, brokenLegacy})
	rg.waitHandled(5)

	rg.legacy.delay.Store(int64(time.Second)) // the receiver's call times out
	slow := categoryReq(3)
	slow.Side = SideNew
	play(t, []*envoy{rg.node.envoy}, []userRequest{slow})
	rep := rg.waitHandled(6)
	want := map[string]int64{NotComparableFellBack: 1, NotComparableTooLarge: 1, NotComparableTimeout: 1, NotComparableDecodeError: 1}
	for reason, n := range want {
		if rep.NotComparable[reason] != n {
			t.Fatalf("not comparable %v, want %v", rep.NotComparable, want)
		}
	}
	// Compared: ok, and broken (a decode difference, so not matched).
	if rep.Compared != 2 || rep.Matched != 1 {
		t.Fatalf("compared %d, matched %d; want 2 and 1", rep.Compared, rep.Matched)
	}
	// The gate's view of the new side: the fallback is a failure; the two
	// answers it served itself are not.
	now := time.Now()
	reqs, errs, p99, err := rg.store.NewSideStats(context.Background(), testRoute, now.Add(-time.Hour), now)
	if err != nil {
		t.Fatal(err)
	}
	// new answered: ok, slow and brokenLegacy (as primaries), broken
	// (called); the fallback is an error; tooLarge never reached it (too
	// large first).
	if reqs != 5 || errs != 1 || p99 <= 0 {
		t.Fatalf("new side stats: %d requests, %d errors, p99 %v", reqs, errs, p99)
	}
}

// A new configuration rebuilds the comparers: an ignore rule added by
// Update applies to the next pair.
func TestUpdateRebuildsComparers(t *testing.T) {
	rg := newRig(t, nil)
	u := categoryReq(5) // differs in a name
	u.Side = SideLegacy
	play(t, []*envoy{rg.node.envoy}, []userRequest{u})
	if rep := rg.waitHandled(1); rep.Differing != 1 {
		t.Fatalf("before: %+v", rep.Stats)
	}
	cfg := rg.cfg
	r := cfg.Routes[testRoute]
	r.Rules.Ignore = []string{"body:$..name"}
	cfg.Routes = map[string]Route{testRoute: r}
	if err := rg.node.r.Update(cfg); err != nil {
		t.Fatal(err)
	}
	play(t, []*envoy{rg.node.envoy}, []userRequest{u})
	if rep := rg.waitHandled(2); rep.Matched != 1 {
		t.Fatalf("after: %+v", rep.Stats)
	}
	bad := cfg
	bad.Routes = map[string]Route{testRoute: {Name: testRoute, Legacy: r.Legacy, New: r.New, Rules: r.Rules, NoisePercent: 101}}
	if err := rg.node.r.Update(bad); err == nil {
		t.Fatal("a bad configuration was accepted")
	}
}

// Only anonymous GETs get the second legacy call: a session cookie or
// credentials mean the call could touch a visitor's state.
func TestNoiseCallsOnlyForAnonymousGETs(t *testing.T) {
	rg := newRig(t, nil)
	var reqs []userRequest
	for i, h := range []http.Header{
		{"Cookie": {"PHPSESSID=abc123; store=default"}},
		{"Authorization": {"Bearer token"}},
		{"Cookie": {"store=default; form_key=x"}}, // no session
		{},
	} {
		u := categoryReq(i + 1)
		u.Side = SideLegacy
		for k, v := range h {
			u.Header[k] = v
		}
		reqs = append(reqs, u)
	}
	head := categoryReq(9)
	head.Method, head.Side = http.MethodHead, SideLegacy
	reqs = append(reqs, head)
	play(t, []*envoy{rg.node.envoy}, reqs)
	rep := rg.waitHandled(5)
	if rep.NoiseSamples != 2 || rep.Compared != 5 {
		t.Fatalf("report %+v", rep.Stats)
	}
	if n := len(rg.legacy.receiverCalls()); n != 2 {
		t.Fatalf("legacy called %d times for noise, want 2", n)
	}
	for _, c := range rg.legacy.receiverCalls() {
		if c.Header.Get("Authorization") != "" || strings.Contains(c.Header.Get("Cookie"), "PHPSESSID") {
			t.Fatalf("noise call for a visitor's request: %v", c.Header)
		}
	}
}
