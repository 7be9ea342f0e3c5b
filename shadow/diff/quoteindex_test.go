package diff

import (
	"math/rand/v2"
	"testing"
)

// TestQuoteIndex: the bit map marks exactly the quotes and backslashes of
// bodies of every length around the 64-byte blocks, whichever of the
// assembly and the portable code builds it, and next and window find each
// one.
func TestQuoteIndex(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("\"\\a{}:,\x00\xff\x80 ")
	for n := 0; n < 700; n++ {
		s := make([]byte, n)
		for i := range s {
			s[i] = alphabet[rng.IntN(len(alphabet))]
		}
		var x quoteIndex
		x.build(s)
		if len(x.m) != n/64+2 || x.m[len(x.m)-2]>>(n&63) != 0 || x.m[len(x.m)-1] != 0 {
			t.Fatalf("len %d: %d words, bits set past the end", n, len(x.m))
		}
		full := n &^ 63
		portable := make([]uint64, full/64)
		quoteMasksGo(s[:full], portable)
		for k := range portable {
			if portable[k] != x.m[k] {
				t.Fatalf("len %d word %d: portable %x, built %x", n, k, portable[k], x.m[k])
			}
		}
		for i := 0; i <= n; i++ {
			want := n
			for j := n - 1; j >= i; j-- {
				if s[j] == '"' || s[j] == '\\' {
					want = j
				}
			}
			if got := x.next(s, i); got != want {
				t.Fatalf("len %d from %d: next %d, want %d", n, i, got, want)
			}
			var wantW uint64
			for j := i; j < min(n, i+64); j++ {
				if s[j] == '"' || s[j] == '\\' {
					wantW |= 1 << (j - i)
				}
			}
			if got := x.window(i); got&-got != wantW&-wantW {
				t.Fatalf("len %d at %d: window %x, want its lowest bit as in %x", n, i, got, wantW)
			}
		}
	}
}
