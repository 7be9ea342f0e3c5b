package shadow

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/strangler-dev/strangler/controlplane"
)

// The receiver must speak the control plane's names for sides and headers.
func TestNamesMatchTheControlPlane(t *testing.T) {
	if SideLegacy != controlplane.SideLegacy || SideNew != controlplane.SideNew ||
		sideHeader != controlplane.SideHeader || routeHeader != controlplane.RouteHeader {
		t.Fatal("side or header names differ from controlplane's")
	}
}

// traffic is the standard mix: products 0..39 and categories 1..40, a
// quarter served by the new side, the halves arriving in every order, header
// values in value and in raw_value.
func traffic() []userRequest {
	var out []userRequest
	for i := range 40 {
		out = append(out, productReq(i), categoryReq(i+1))
	}
	for i := range out {
		u := &out[i]
		u.Side = SideLegacy
		if (i/2)%4 == 0 { // product n and category n+1 alike
			u.Side = SideNew
		}
		switch i % 3 {
		case 0:
			u.MirrorFirst = true
		case 1:
			u.Concurrent = true
		}
		u.RawValues = i%2 == 0
		u.Header.Set("Connection", "X-Hop")
		u.Header.Set("X-Hop", "hop-by-hop, not for the sides")
	}
	return out
}

// play sends requests through envoys (round robin), 8 at a time.
func play(t testing.TB, envoys []*envoy, reqs []userRequest) {
	t.Helper()
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	errs := make(chan error, len(reqs))
	for i, u := range reqs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := envoys[i%len(envoys)].serve(ctx, u); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

const (
	productEP  = "GET /rest/V1/products/{sku}"
	categoryEP = "GET /rest/V1/categories/{id}"
)

// checkStandardReport asserts the report of traffic(): legacy's own noise
// (generated_at) is noise, the injected differences are real.
func checkStandardReport(t *testing.T, rep Report) {
	t.Helper()
	// 40 products all differ (generated_at at least); 8 of 40 categories differ.
	if rep.Compared != 80 || rep.Matched != 32 || rep.Differing != 48 || rep.NotComparableTotal() != 0 {
		t.Fatalf("counts: %+v", rep.Stats)
	}
	if rep.MatchRate != 40 {
		t.Fatalf("match rate %v, want 40", rep.MatchRate)
	}
	// Noise: every legacy-served anonymous GET (3 in 4) was sent to legacy again.
	if rep.NoiseSamples != 60 {
		t.Fatalf("noise samples %d, want 60", rep.NoiseSamples)
	}
	for _, side := range []string{SideLegacy, SideNew} {
		if l := rep.Latency[side]; l.Count != 80 || l.P50 <= 0 || l.P99 < l.P50 {
			t.Fatalf("%s latency %+v, want 80 samples", side, l)
		}
	}
	eps := map[string]EndpointReport{}
	for _, e := range rep.Endpoints {
		eps[e.Endpoint] = e
	}
	if p, c := eps[productEP], eps[categoryEP]; len(eps) != 2 || p.Compared != 40 || p.Matched != 0 || c.Compared != 40 ||
		c.Matched != 32 || p.NoiseSamples != 30 || c.NoiseSamples != 30 {
		t.Fatalf("endpoints: %+v", rep.Endpoints)
	}
	type want struct {
		raw, noise int64
		real       bool
	}
	wants := map[[2]string]want{
		{productEP, "body:$.generated_at"}:           {40, 30, false},
		{productEP, "body:$.price"}:                  {10, 0, true},
		{productEP, "body:$.seller_email"}:           {10, 0, true},
		{categoryEP, "body:$.children_data[*].name"}: {8, 0, true},
	}
	if len(rep.Fields) != len(wants) {
		t.Fatalf("%d fields, want %d: %+v", len(rep.Fields), len(wants), fieldNames(rep))
	}
	for i, f := range rep.Fields {
		w, ok := wants[[2]string{f.Endpoint, f.Template}]
		if !ok || f.Raw != w.raw || f.Noise != w.noise || f.Verdict.Real != w.real {
			t.Fatalf("field %s %s: raw %d noise %d verdict %+v; want %+v", f.Endpoint, f.Template, f.Raw, f.Noise, f.Verdict, w)
		}
		if i == len(rep.Fields)-1 && f.Verdict.Real {
			t.Fatal("the noise field is not ranked after the real ones")
		}
		if len(f.Samples) == 0 || len(f.Samples) > DefaultSamplesPerField {
			t.Fatalf("field %s: %d samples", f.Template, len(f.Samples))
		}
	}
}

func fieldNames(rep Report) []string {
	var out []string
	for _, f := range rep.Fields {
		out = append(out, f.Endpoint+" "+f.Template)
	}
	return out
}

func TestReceiverReportsRealDifferencesAndNoise(t *testing.T) {
	rg := newRig(t, nil)
	play(t, []*envoy{rg.node.envoy}, traffic())
	rep := rg.waitHandled(80)
	checkStandardReport(t, rep)

	for _, f := range rep.Fields {
		if f.Template != "body:$.seller_email" {
			continue
		}
		s := f.Samples[0]
		if s.Method != http.MethodGet || !strings.HasPrefix(s.Path, "/rest/V1/products/SKU-") || strings.Contains(s.Path, "?") || s.RequestID == "" {
			t.Fatalf("sample request: %+v", s)
		}
		if !strings.Contains(s.Legacy, `"seller_email":"[redacted]"`) || !strings.Contains(s.New, `"price":35`) {
			t.Fatalf("sample bodies not kept redacted:\n%.300s\n%.300s", s.Legacy, s.New)
		}
		redacted := false
		for _, d := range s.Differences {
			redacted = redacted || d.Path == "body:$.seller_email" && d.Redacted
		}
		if !redacted {
			t.Fatalf("seller_email difference not marked redacted: %+v", s.Differences)
		}
	}

	// The receiver called the side that did not serve the user, plus legacy
	// again for noise, with the user's request as Envoy mirrored it.
	legacyCalls, newCalls := rg.legacy.receiverCalls(), rg.new.receiverCalls()
	if len(legacyCalls) != 20+60 || len(newCalls) != 60 {
		t.Fatalf("receiver calls: legacy %d (want 80), new %d (want 60)", len(legacyCalls), len(newCalls))
	}
	for _, c := range append(legacyCalls, newCalls...) {
		if c.Host != "shop.example.com" || c.Header.Get("X-Hop") != "" || c.Header.Get(routeHeader) != "" ||
			c.Header.Get(requestIDName) == "" || c.Header.Get("X-Forwarded-Proto") != "https" || c.Header.Get("Accept-Encoding") != "gzip" {
			t.Fatalf("call as the side saw it: host %q headers %v", c.Host, c.Header)
		}
		if !strings.Contains(c.URI, "?fields=id,sku") && strings.HasPrefix(c.URI, "/rest/V1/products/") {
			t.Fatalf("query lost: %s", c.URI)
		}
	}

	reg := rg.node.reg
	for name, want := range map[string]float64{
		"strangler_shadow_mirrors_received_total":  80,
		"strangler_shadow_captures_received_total": 80,
		"strangler_shadow_joined_total":            80,
	} {
		if got := counterValue(t, reg, name, map[string]string{"route": testRoute}); got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	if got := counterValue(t, reg, "strangler_shadow_comparisons_total", map[string]string{"result": "match"}); got != 32 {
		t.Errorf("match comparisons %v, want 32", got)
	}
	if got := counterValue(t, reg, "strangler_shadow_calls_total", map[string]string{"side": SideLegacy, "result": "ok"}); got != 80 {
		t.Errorf("legacy calls %v, want 80", got)
	}
}
