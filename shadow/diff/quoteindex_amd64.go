package diff

import "golang.org/x/sys/cpu"

// quoteMasks sets m[k] from the 64 bytes s[64k:64k+64]: bit j is set where
// that byte is '"' or '\\'. len(s) is a multiple of 64. SSE2 is part of
// every amd64; AVX2, where the CPU has it, takes 32 bytes per compare.
func quoteMasks(s []byte, m []uint64) {
	if n := len(s) / 64; n > 0 {
		_ = m[n-1]
		if useAVX2 {
			quoteMasksAVX2(&s[0], n, &m[0])
		} else {
			quoteMasksSSE2(&s[0], n, &m[0])
		}
	}
}

var useAVX2 = cpu.X86.HasAVX2

//go:noescape
func quoteMasksSSE2(src *byte, blocks int, m *uint64)

//go:noescape
func quoteMasksAVX2(src *byte, blocks int, m *uint64)
