package cache

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// personal answers with the caller's identity in the body, as a page for a
// logged-in customer would; extra headers come from kv.
func personal(cc string, kv ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", cc)
		for i := 0; i+1 < len(kv); i += 2 {
			w.Header().Add(kv[i], kv[i+1])
		}
		fmt.Fprintf(w, "hello %s%s", r.Header.Get("Cookie"), r.Header.Get("Authorization"))
	}
}

// No user's page may reach another user.
func TestPersonalPagesAreNeverShared(t *testing.T) {
	cases := []struct {
		name  string
		h     http.HandlerFunc
		userA []string // headers of the first, personal request
	}{
		{"set-cookie", personal("public, s-maxage=60", "Set-Cookie", "PHPSESSID=a; HttpOnly"), []string{"Cookie", "PHPSESSID=a"}},
		{"private", personal("private, max-age=60"), []string{"Cookie", "PHPSESSID=a"}},
		{"logged-in cookie", personal("public, s-maxage=60"), []string{"Cookie", "PHPSESSID_logged_in=1; PHPSESSID=a"}},
		{"authorization bypass", personal("public, s-maxage=60"), []string{"Authorization", "Bearer alice"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := newOrigin(t, c.h)
			r := startRig(t, testConfig(pdp()), nil, o)
			e := r.envoy("pdp")
			a := e.get("/account", c.userA...)
			if !a.origin || !strings.Contains(string(a.body), "hello ") {
				t.Fatalf("user A: %+v", a)
			}
			// A's answer was not stored: B's first request reaches the origin.
			for i, hdr := range [][]string{{"Cookie", "PHPSESSID=b"}, {"Cookie", "PHPSESSID=b"}, nil} {
				b := e.get("/account", hdr...)
				if i == 0 && !b.origin {
					t.Fatalf("user B answered from the cache after user A's request: %q", b.body)
				}
				if strings.Contains(string(b.body), "=a") || strings.Contains(string(b.body), "alice") {
					t.Fatalf("request %d got user A's page %q", i+1, b.body)
				}
			}
		})
	}
}

// A request with Authorization on a route that does not bypass it: the
// answer is stored only when it says public or s-maxage (RFC 9111 3.5).
func TestAuthorizationNeedsPublic(t *testing.T) {
	rt := pdp()
	rt.Bypass = nil
	for _, c := range []struct {
		cc     string
		shared bool
	}{{"max-age=60", false}, {"public, max-age=60", true}, {"s-maxage=60", true}} {
		o := newOrigin(t, personal(c.cc))
		r := startRig(t, testConfig(rt), nil, o)
		e := r.envoy("pdp")
		e.get("/api", "Authorization", "Bearer alice")
		b := e.get("/api")
		if shared := b.cache() == "HIT"; shared != c.shared {
			t.Fatalf("%s: served from the cache %v, want %v (body %q)", c.cc, shared, c.shared, b.body)
		}
	}
}

// Requests that carry a bypass key never get a stored page either: a
// logged-in customer must see their own.
func TestBypassIsNeverServedFromCache(t *testing.T) {
	o := newOrigin(t, personal("public, s-maxage=60"))
	r := startRig(t, testConfig(pdp()), nil, o)
	e := r.envoy("pdp")
	expect(t, e.get("/p"), 200, "MISS")
	expect(t, e.get("/p"), 200, "HIT")
	in := e.get("/p", "Cookie", "PHPSESSID_logged_in=1")
	expect(t, in, 200, "BYPASS")
	if string(in.body) != "hello PHPSESSID_logged_in=1" {
		t.Fatalf("logged-in user got %q", in.body)
	}
	// An empty value is not logged in.
	expect(t, e.get("/p", "Cookie", "PHPSESSID_logged_in="), 200, "HIT")
	if got := r.counter("strangler_cache_requests_total", "result", "bypass"); got != 1 {
		t.Fatalf("bypass counted %v", got)
	}
}

// Headers and parameters outside the key cannot change a stored page:
// the origin never sees them on a cacheable request.
func TestUnkeyedInputsCannotPoison(t *testing.T) {
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		// Like a framework building absolute URLs from forwarding headers
		// and echoing the query into the page.
		host := r.Host
		for _, h := range []string{"X-Forwarded-Host", "X-Host", "X-Original-Url", "X-Rewrite-Url", "Forwarded"} {
			if v := r.Header.Get(h); v != "" {
				host = v
			}
		}
		w.Header().Set("Cache-Control", "public, s-maxage=60")
		fmt.Fprintf(w, `<a href="https://%s/next">%s</a>`, host, r.URL.RawQuery)
	})
	r := startRig(t, testConfig(pdp()), nil, o)
	e := r.envoy("pdp")
	attack := e.get("/home?utm_source=<script>evil</script>",
		"X-Forwarded-Host", "evil.example", "X-Host", "evil.example", "X-Original-Url", "/evil",
		"X-Rewrite-Url", "/evil", "Forwarded", "host=evil.example")
	expect(t, attack, 200, "MISS")
	if strings.Contains(string(attack.body), "evil") {
		t.Fatalf("the origin saw unkeyed input: %q", attack.body)
	}
	victim := e.get("/home")
	expect(t, victim, 200, "HIT")
	if string(victim.body) != `<a href="https://shop.test/next"></a>` {
		t.Fatalf("victim got %q", victim.body)
	}
}

// An entry read back under another key (a hash collision, or a corrupt
// value) is a miss, never another URL's page.
func TestForeignEntryIsAMiss(t *testing.T) {
	o := newOrigin(t, page(""))
	r := startRig(t, testConfig(pdp()), nil, o)
	rt := r.svc.table.Load().routes["pdp"]
	k := cacheKey(rt, &request{method: "GET", scheme: "https", authority: "shop.test", path: "/mine"})
	foreign := &entry{key: "GET\x00https\x00shop.test\x00/other", status: 200, born: time.Now(), ttl: time.Minute,
		headers: []hdr{{"x-from", "other"}}, body: []byte("other page")}
	enc := foreign.encode()
	if err := r.svc.store.put(t.Context(), time.Second, hashKey(k), foreign, enc, nil, ""); err != nil {
		t.Fatal(err)
	}
	x := r.envoy("pdp").get("/mine")
	expect(t, x, 200, "MISS")
	if string(x.body) == "other page" {
		t.Fatal("served another key's entry")
	}
}
