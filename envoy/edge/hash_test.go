package edge

import (
	"net/http"
	"testing"

	"github.com/cespare/xxhash/v2"
	"github.com/stretchr/testify/assert"
)

// TestRouteHash: a cookie's value is hashed with xxHash64 as Envoy does; a
// missing cookie gives no hash (no ttl: nothing is minted); several
// policies combine by rotate-and-xor, and a terminal one that hashed stops
// the rest.
func TestRouteHash(t *testing.T) {
	x := &exchange{header: http.Header{"Cookie": {`a=1; PHPSESSID="abc"; b=2`}, "X-User": {"u2", "u1"}}}
	h, ok := routeHash([]hashMethod{{cookie: "PHPSESSID"}}, x)
	assert.True(t, ok)
	assert.Equal(t, xxhash.Sum64String("abc"), h)

	_, ok = routeHash([]hashMethod{{cookie: "missing"}}, x)
	assert.False(t, ok)

	hdr, _ := routeHash([]hashMethod{{header: "x-user"}}, x)
	assert.Equal(t, xxhash.Sum64String("u1u2"), hdr, "values sorted, then hashed as one stream")

	both, _ := routeHash([]hashMethod{{cookie: "PHPSESSID"}, {header: "x-user"}}, x)
	c := xxhash.Sum64String("abc")
	assert.Equal(t, (c<<1|c>>63)^hdr, both)

	term, _ := routeHash([]hashMethod{{cookie: "PHPSESSID", terminal: true}, {header: "x-user"}}, x)
	assert.Equal(t, c, term)
}

// TestWeightedPickIntervals: the selection value modulo the total falls in
// the intervals in list order, so the first cluster owns [0, w1).
func TestWeightedPickIntervals(t *testing.T) {
	wc := &weightedClusters{total: 10000, useHash: true, entries: []*weightedEntry{{name: "new", weight: 2500}, {name: "legacy", weight: 7500}}}
	a := &routeAction{weighted: wc, hash: []hashMethod{{header: "x-pick"}}}
	pick := func(v string) string {
		return wc.pick(a, &exchange{header: http.Header{"X-Pick": {v}}}).name
	}
	for i := 0; i < 200; i++ {
		v := string(rune('a'+i%26)) + string(rune('a'+i/26))
		want := "legacy"
		if xxhash.Sum64String(v)%10000 < 2500 {
			want = "new"
		}
		assert.Equal(t, want, pick(v), v)
	}
}
