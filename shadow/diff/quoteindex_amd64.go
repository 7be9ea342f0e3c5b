package diff

// quoteMasks sets m[k] from the 64 bytes s[64k:64k+64]: bit j is set where
// that byte is '"' or '\\'. len(s) is a multiple of 64. SSE2 is part of
// every amd64, so there is nothing to detect.
func quoteMasks(s []byte, m []uint64) {
	if n := len(s) / 64; n > 0 {
		_ = m[n-1]
		quoteMasksSSE2(&s[0], n, &m[0])
	}
}

//go:noescape
func quoteMasksSSE2(src *byte, blocks int, m *uint64)
