package diff

import (
	"net/http"
	"strings"
	"testing"
)

// TestIsCanonicalKey: the table agrees with http.CanonicalHeaderKey on every
// name of up to four bytes over an alphabet of each byte class (cases,
// dash, digit, token symbol, space, other invalid bytes, non-ASCII), and on
// real names.
func TestIsCanonicalKey(t *testing.T) {
	alphabet := []byte("aZz-09_~ :\x7f\xc3")
	var names []string
	var grow func(prefix []byte, n int)
	grow = func(prefix []byte, n int) {
		names = append(names, string(prefix))
		if n == 0 {
			return
		}
		for _, c := range alphabet {
			grow(append(prefix, c), n-1)
		}
	}
	grow(nil, 4)
	names = append(names, "Content-Type", "content-type", "X-Content-Type-Options", "X-CONTENT", "Www-Authenticate",
		"WWW-Authenticate", "X-Magento-Tags", "X-magento-Tags", "Set-Cookie ", "X-A_b", "Ä-Key", "x-Ä")
	for _, k := range names {
		if got, want := isCanonicalKey(k), http.CanonicalHeaderKey(k) == k; got != want {
			t.Fatalf("isCanonicalKey(%q) = %v, CanonicalHeaderKey gives %q", k, got, http.CanonicalHeaderKey(k))
		}
	}
}

func TestTwoSpellingsOfANameJoinInOneOrder(t *testing.T) {
	for range 50 {
		h := canonicalHeader(http.Header{"x-debug": {"1"}, "X-debug": {"2"}, "X-DEBUG": {"3"}})
		if got := strings.Join(h["X-Debug"], ","); got != "3,2,1" {
			t.Fatalf("joined %q, want the spellings in sorted order: 3,2,1", got)
		}
	}
}
