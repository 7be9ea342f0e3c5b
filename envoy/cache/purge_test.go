package cache

import (
	"io"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// tagged answers with tags chosen by path: /p1 is product 1 in category 2,
// /p2 product 2 in category 2, /p3 product 3 in category 3 and pool "blue".
func tagged() http.HandlerFunc {
	tags := map[string]string{"/p1": "cat_p_1,cat_c_2", "/p2": "cat_p_2,cat_c_2", "/p3": "cat_p_3,cat_c_3"}
	inner := page("")
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Magento-Tags", tags[r.URL.Path])
		if r.URL.Path == "/p3" {
			w.Header().Set("X-Pool", "blue")
		}
		inner(w, r)
	}
}

// purgeReq sends an HTTP PURGE to the service port with headers as pairs.
func (r *rig) purgeReq(method string, kv ...string) (int, string) {
	r.t.Helper()
	req, err := http.NewRequest(method, "http://"+r.addr+"/", nil)
	if err != nil {
		r.t.Fatal(err)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		req.Header.Set(kv[i], kv[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(body))
}

// cached reports which of the paths are answered from the cache.
func cached(e *envoy, paths ...string) map[string]bool {
	out := map[string]bool{}
	for _, p := range paths {
		out[p] = e.get(p).cache() == "HIT"
	}
	return out
}

func warm(t *testing.T, e *envoy, paths ...string) {
	t.Helper()
	for _, p := range paths {
		e.get(p)
		if x := e.get(p); x.cache() != "HIT" {
			t.Fatalf("%s not cached: %+v", p, x)
		}
	}
}

func TestPurgeLikeMagento(t *testing.T) {
	o := newOrigin(t, tagged())
	r := startRig(t, testConfig(pdp()), nil, o)
	e := r.envoy("pdp")
	all := []string{"/p1", "/p2", "/p3"}
	steps := []struct {
		name    string
		headers []string
		gone    []string
	}{
		{"one product", []string{"X-Magento-Tags-Pattern", "((^|,)cat_p_1(,|$))"}, []string{"/p1"}},
		{"Magento's batch", []string{"X-Magento-Tags-Pattern", "((^|,)cat_p_2(,|$))|((^|,)cat_p_3(,|$))"}, []string{"/p2", "/p3"}},
		{"a category", []string{"X-Magento-Tags-Pattern", "((^|,)cat_c_2(,|$))"}, []string{"/p1", "/p2"}},
		{"a general regex", []string{"X-Magento-Tags-Pattern", "^cat_c_[3-9]$"}, []string{"/p3"}},
		{"a pool", []string{"X-Pool", "^bl"}, []string{"/p3"}},
		{"everything", []string{"X-Magento-Tags-Pattern", ".*"}, all},
	}
	for _, s := range steps {
		warm(t, e, all...)
		code, body := r.purgeReq("PURGE", s.headers...)
		if code != 200 || body != "Purged" {
			t.Fatalf("%s: %d %q", s.name, code, body)
		}
		got := cached(e, all...)
		for _, p := range all {
			if got[p] == contains(s.gone, p) {
				t.Fatalf("%s: %s cached %v after the purge", s.name, p, got[p])
			}
		}
	}
	if n := r.counter("strangler_cache_purged_entries_total"); n < 10 {
		t.Fatalf("purged entries counted %v", n)
	}
}

func TestPurgeRefusals(t *testing.T) {
	o := newOrigin(t, tagged())
	cfg := testConfig(pdp())
	r := startRig(t, cfg, nil, o)
	pattern := []string{"X-Magento-Tags-Pattern", ".*"}
	if code, _ := r.purgeReq("GET", pattern...); code != 405 {
		t.Fatalf("GET: %d, want 405", code)
	}
	if code, _ := r.purgeReq("PURGE"); code != 400 {
		t.Fatalf("no pattern: %d, want 400", code)
	}
	if code, _ := r.purgeReq("PURGE", "X-Magento-Tags-Pattern", "(("); code != 400 {
		t.Fatalf("bad regex: %d, want 400", code)
	}

	cfg.PurgeAllow = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	if err := r.svc.Update(cfg); err != nil {
		t.Fatal(err)
	}
	if code, _ := r.purgeReq("PURGE", pattern...); code != 405 {
		t.Fatalf("from a disallowed address: %d, want 405", code)
	}

	cfg.PurgeAllow, cfg.PurgeToken = nil, "s3cret"
	if err := r.svc.Update(cfg); err != nil {
		t.Fatal(err)
	}
	e := r.envoy("pdp")
	warm(t, e, "/p1")
	for _, h := range [][]string{nil, {"Authorization", "Bearer wrong"}, {"X-Purge-Token", "s3cre"}} {
		if code, _ := r.purgeReq("PURGE", append(h, pattern...)...); code != 401 {
			t.Fatalf("token %v: %d, want 401", h, code)
		}
	}
	if !cached(e, "/p1")["/p1"] {
		t.Fatal("a refused purge deleted entries")
	}
	for _, h := range [][]string{{"Authorization", "Bearer s3cret"}, {"X-Purge-Token", "s3cret"}} {
		warm(t, e, "/p1")
		if code, _ := r.purgeReq("PURGE", append(h, pattern...)...); code != 200 {
			t.Fatalf("token %v: %d, want 200", h, code)
		}
		if cached(e, "/p1")["/p1"] {
			t.Fatal("purge with the token left the entry")
		}
	}
	if got := r.counter("strangler_cache_purges_total", "source", "http", "result", "denied"); got != 5 {
		t.Fatalf("denied purges counted %v, want 5", got)
	}
}

// A purge on one instance reaches the other's local copies well before
// they would expire on their own.
func TestPurgeReachesOtherInstancesLocalCopies(t *testing.T) {
	o := newOrigin(t, tagged())
	cfg := testConfig(pdp())
	cfg.LocalCacheBytes = 0
	a, b := twoInstances(t, cfg, nil, o)
	eb := b.envoy("pdp")
	warm(t, eb, "/p1")
	local := b.counter("strangler_cache_local_hits_total")
	if eb.get("/p1").cache() != "HIT" || b.counter("strangler_cache_local_hits_total") == local {
		t.Fatal("b does not answer /p1 from its local copy")
	}
	n, err := a.svc.Purge(t.Context(), "((^|,)cat_p_1(,|$))")
	if err != nil || n != 1 {
		t.Fatalf("Purge: %d %v", n, err)
	}
	purgedSoon(t, eb, "/p1")
}

// purgedSoon waits until e no longer answers path from the cache: another
// instance's local copy goes when the purge's event arrives, which must be
// well before the copy would expire on its own (localMaxAge).
func purgedSoon(t testing.TB, e *envoy, path string) {
	t.Helper()
	deadline := time.Now().Add(localMaxAge / 3)
	for e.get(path).cache() == "HIT" {
		if time.Now().After(deadline) {
			t.Fatalf("%s still answered from the cache %v after its purge", path, localMaxAge/3)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestPurgeAPI(t *testing.T) {
	o := newOrigin(t, tagged())
	r := startRig(t, testConfig(pdp()), nil, o)
	e := r.envoy("pdp")
	warm(t, e, "/p1", "/p2", "/p3")
	n, err := r.svc.Purge(t.Context(), "((^|,)cat_c_2(,|$))")
	if err != nil || n != 2 {
		t.Fatalf("Purge: %d %v, want 2", n, err)
	}
	if _, err := r.svc.Purge(t.Context(), ""); err == nil {
		t.Fatal("empty pattern accepted")
	}
	n, err = r.svc.Purge(t.Context(), ".*")
	if err != nil || n != 1 {
		t.Fatalf("flush: %d %v, want 1", n, err)
	}
}
