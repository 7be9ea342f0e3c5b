package cache

import (
	"fmt"
	"net/http"
	"testing"
)

func TestVaryOnCookieAndHeader(t *testing.T) {
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		c, _ := r.Cookie("X-Magento-Vary")
		v := ""
		if c != nil {
			v = c.Value
		}
		w.Header().Set("Cache-Control", "public, s-maxage=60")
		w.Header().Set("Vary", "Accept-Encoding, X-Store")
		fmt.Fprintf(w, "group %q store %q", v, r.Header.Get("X-Store"))
	})
	rt := pdp()
	rt.Vary = append(rt.Vary, Key{KindHeader, "X-Store"})
	r := startRig(t, testConfig(rt), nil, o)
	e := r.envoy("pdp")
	variants := [][]string{
		nil,
		{"Cookie", "X-Magento-Vary=wholesale"},
		{"Cookie", "other=1; X-Magento-Vary=retail"},
		{"X-Store", "de"},
		{"Cookie", "X-Magento-Vary=wholesale", "X-Store", "de"},
		{"Cookie", "X-Magento-Vary="}, // present but empty is its own variant
	}
	bodies := map[string]bool{}
	for _, v := range variants {
		x := e.get("/v", v...)
		expect(t, x, 200, "MISS")
		if bodies[string(x.body)] && string(x.body) != `group "" store ""` {
			t.Fatalf("variant %v got a body seen before: %q", v, x.body)
		}
		bodies[string(x.body)] = true
	}
	for _, v := range variants {
		x := e.get("/v", v...)
		expect(t, x, 200, "HIT")
		want := e.get("/v", v...).body
		if string(x.body) != string(want) {
			t.Fatalf("variant %v: %q vs %q", v, x.body, want)
		}
	}
	// Other cookies are not in the key.
	x := e.get("/v", "Cookie", "X-Magento-Vary=wholesale; PHPSESSID=zz")
	expect(t, x, 200, "HIT")
	if string(x.body) != `group "wholesale" store ""` {
		t.Fatalf("got %q", x.body)
	}
	if n := o.fetches.Load(); n != int64(len(variants)) {
		t.Fatalf("origin fetched %d times for %d variants", n, len(variants))
	}
}
