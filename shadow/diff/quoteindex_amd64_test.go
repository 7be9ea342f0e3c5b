package diff

import "testing"

// checkQuoteMasksAsm runs both assembly versions the CPU can run against
// the portable masks.
func checkQuoteMasksAsm(t *testing.T, s []byte, want []uint64) {
	t.Helper()
	if len(s) == 0 {
		return
	}
	n := len(s) / 64
	check := func(name string, f func(*byte, int, *uint64)) {
		got := make([]uint64, n)
		f(&s[0], n, &got[0])
		for k := range got {
			if got[k] != want[k] {
				t.Fatalf("%s, %d bytes, word %d: %x, want %x", name, len(s), k, got[k], want[k])
			}
		}
	}
	check("SSE2", quoteMasksSSE2)
	if useAVX2 {
		check("AVX2", quoteMasksAVX2)
	} else {
		t.Log("no AVX2 here: only the SSE2 masks are checked")
	}
}
