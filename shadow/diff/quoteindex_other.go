//go:build !amd64

package diff

// quoteMasks sets m[k] from the 64 bytes s[64k:64k+64]: bit j is set where
// that byte is '"' or '\\'. len(s) is a multiple of 64.
func quoteMasks(s []byte, m []uint64) { quoteMasksGo(s, m) }
