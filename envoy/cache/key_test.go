package cache

import (
	"testing"
	"time"
)

func TestNormalisePath(t *testing.T) {
	for in, want := range map[string]string{
		"/a":                                 "/a",
		"/a?":                                "/a",
		"/a?b=2&a=1":                         "/a?a=1&b=2",
		"/a?utm_source=x&UTM_Medium=y&gclid": "/a",
		"/a?x=1&&fbclid=2&_ga=3&msclkid=4":   "/a?x=1",
		"/a?q=utm_source":                    "/a?q=utm_source",
	} {
		if got := normalisePath(in); got != want {
			t.Errorf("normalisePath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEncodingClass(t *testing.T) {
	for in, want := range map[string]string{
		"":                        "",
		"identity":                "",
		"gzip, deflate":           "gzip",
		"deflate, gzip, br, zstd": "br",
		"br;q=0, gzip;q=0.5":      "gzip",
		"GZIP;Q=0":                "",
		"x-gzip":                  "gzip",
	} {
		if got := encodingClass(in); got != want {
			t.Errorf("encodingClass(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestKeyParts(t *testing.T) {
	rt, err := compileRoute("r", Route{Vary: []Key{{KindCookie, "v"}, {KindHeader, "X-Store"}}})
	if err != nil {
		t.Fatal(err)
	}
	base := request{method: "GET", scheme: "https", authority: "Shop.Test", path: "/p?b=1&a=2"}
	key := func(mod func(r *request)) string {
		r := base
		mod(&r)
		return cacheKey(rt, &r)
	}
	same := []func(*request){
		func(r *request) { r.method = "HEAD" },
		func(r *request) { r.authority = "shop.test" },
		func(r *request) { r.path = "/p?a=2&b=1&utm_campaign=z" },
		func(r *request) { r.acceptEncoding = "identity" },
		func(r *request) { r.cookies = []string{"other=1"} },
		func(r *request) { r.forwardedProto = "HTTPS" },
	}
	differ := []func(*request){
		func(r *request) { r.forwardedProto = "http" }, // same as scheme http
		func(r *request) { r.authority = "other.test" },
		func(r *request) { r.path = "/p?a=2" },
		func(r *request) { r.acceptEncoding = "gzip" },
		func(r *request) { r.cookies = []string{"v=1"} },
		func(r *request) { r.cookies = []string{"v="} },
		func(r *request) { r.headers = headerMap([]hv{{"x-store", "de"}}).Headers },
	}
	k0 := key(func(*request) {})
	for i, m := range same {
		if key(m) != k0 {
			t.Errorf("same[%d] changed the key", i)
		}
	}
	seen := map[string]int{k0: -1}
	for i, m := range differ {
		k := key(m)
		if j, dup := seen[k]; dup {
			t.Errorf("differ[%d] gave the key of %d", i, j)
		}
		seen[k] = i
	}
}

func TestEntryRoundTrip(t *testing.T) {
	e := &entry{key: "GET\x00k", status: 203, born: time.UnixMilli(1_700_000_000_123), ttl: 90 * time.Second,
		swr: time.Second, sie: 3 * 24 * time.Hour, headers: []hdr{{"a", "1"}, {"a", "2"}, {"content-type", "text/html"}},
		body: []byte("body\x00bytes")}
	b := e.encode()
	got, err := decodeEntry(b)
	if err != nil {
		t.Fatal(err)
	}
	if got.key != e.key || got.status != e.status || !got.born.Equal(e.born) || got.ttl != e.ttl || got.swr != e.swr ||
		got.sie != e.sie || len(got.headers) != 3 || got.headers[1] != e.headers[1] || string(got.body) != string(e.body) || got.uncacheable {
		t.Fatalf("round trip: %+v", got)
	}
	for _, bad := range [][]byte{nil, {9}, b[:7], append([]byte{entryVersion, 0}, 0xff, 0xff)} {
		if _, err := decodeEntry(bad); err == nil {
			t.Errorf("decoded garbage %v", bad)
		}
	}
	m := &entry{key: "k", uncacheable: true, born: time.Now(), ttl: time.Minute}
	if got, err := decodeEntry(m.encode()); err != nil || !got.uncacheable {
		t.Fatalf("marker: %+v %v", got, err)
	}
}

func TestEntryPhases(t *testing.T) {
	born := time.Now()
	e := &entry{born: born, ttl: 10 * time.Second, swr: 5 * time.Second, sie: 20 * time.Second}
	for _, c := range []struct {
		at      time.Duration
		p       phase
		onError bool
	}{{0, phaseFresh, true}, {9 * time.Second, phaseFresh, true}, {10 * time.Second, phaseRevalidate, true},
		{15 * time.Second, phaseExpired, true}, {30 * time.Second, phaseExpired, false}} {
		if p := e.phase(born.Add(c.at)); p != c.p || e.usableOnError(born.Add(c.at)) != c.onError {
			t.Errorf("at %v: phase %v usable on error %v", c.at, p, e.usableOnError(born.Add(c.at)))
		}
	}
}

func TestLiteralTags(t *testing.T) {
	tags, ok := literalTags("((^|,)cat_p_1(,|$))|((^|,)cms_b_footer-2(,|$))")
	if !ok || len(tags) != 2 || tags[0] != "cat_p_1" || tags[1] != "cms_b_footer-2" {
		t.Fatalf("%v %v", tags, ok)
	}
	for _, p := range []string{".*", "cat_p_1", "((^|,)cat_p_.*(,|$))", "((^|,)a(,|$))|x"} {
		if _, ok := literalTags(p); ok {
			t.Errorf("%q taken for a tag list", p)
		}
	}
}

func TestETagMatch(t *testing.T) {
	for _, c := range []struct {
		inm, etag string
		want      bool
	}{{`"a"`, `"a"`, true}, {`W/"a"`, `"a"`, true}, {`"b", "a"`, `W/"a"`, true}, {"*", `"a"`, true}, {`"b"`, `"a"`, false}, {"", `"a"`, false}} {
		if got := etagMatch(c.inm, c.etag); got != c.want {
			t.Errorf("etagMatch(%q, %q) = %v", c.inm, c.etag, got)
		}
	}
}

func TestWaitPlanning(t *testing.T) {
	ok := []Config{
		{},
		{MaxMessageTimeout: 5 * time.Second},
		{LockWait: 100 * time.Millisecond},
		{LockWait: 3 * time.Second, MaxMessageTimeout: 5 * time.Second},
	}
	for _, c := range ok {
		tb, err := compile(c, mustMetrics(t))
		if err != nil {
			t.Fatalf("%+v: %v", c, err)
		}
		overhead := 3*tb.redisTimeout + holdMargin
		if tb.lockWait+overhead > max(tb.messageTimeout, c.MaxMessageTimeout) {
			t.Fatalf("%+v: lock wait %v does not fit", c, tb.lockWait)
		}
		if (tb.holdTimeout > 0) != (tb.lockWait+overhead > tb.messageTimeout) {
			t.Fatalf("%+v: hold timeout %v", c, tb.holdTimeout)
		}
	}
	for _, c := range []Config{
		{LockWait: time.Second},
		{RedisTimeout: 100 * time.Millisecond},
		{LockWait: 6 * time.Second, MaxMessageTimeout: 5 * time.Second},
	} {
		if _, err := compile(c, mustMetrics(t)); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}

func mustMetrics(t *testing.T) *metrics {
	m, err := newMetrics(nil)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
