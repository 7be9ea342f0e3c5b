package diff

import (
	"encoding/binary"
	"math/bits"
)

// quoteIndex marks, one bit per body byte, where the quotes and backslashes
// are: the bytes that can end a plain run inside a string. It is built for
// the whole body before the tokenizer runs (on amd64 with SSE2, 64 bytes in
// a few dozen instructions), so finding the end of a string is a look at
// one window of bits instead of a scan of its bytes: typical API bodies are
// mostly short strings, and the per-string cost of scanning, not the bytes,
// dominated the parse.
type quoteIndex struct {
	m []uint64 // bit i&63 of word i>>6: s[i] is '"' or '\\'
}

// build indexes s. The map gets two more words than s needs, always zero,
// so that a window at len(s) needs no bounds test of its own.
func (x *quoteIndex) build(s []byte) {
	n := len(s)/64 + 2
	if cap(x.m) < n {
		x.m = make([]uint64, n)
	}
	x.m = x.m[:n]
	full := len(s) &^ 63
	quoteMasks(s[:full], x.m)
	var tail [64]byte // zero bytes are neither quotes nor backslashes
	copy(tail[:], s[full:])
	quoteMasks(tail[:], x.m[n-2:])
	x.m[n-1] = 0
}

// window returns bits of the map from bit i on (i <= the body's length)
// whose lowest set bit, if any, is the first quote or backslash in
// s[i:i+64]: the rest of i's word when it has one, else the next word's
// bits up to i+64.
func (x *quoteIndex) window(i int) uint64 {
	k, sh := i>>6, uint(i&63)
	if w := x.m[k] >> sh; w != 0 {
		return w
	}
	return x.m[k+1] << 1 << (63 - sh)
}

// next returns the offset of the first quote or backslash at or after i,
// or len(s) (i <= len(s)).
func (x *quoteIndex) next(s []byte, i int) int {
	k := i >> 6
	w := x.m[k] >> (i & 63)
	for w == 0 {
		if k++; k<<6 >= len(s) {
			return len(s)
		}
		i, w = k<<6, x.m[k]
	}
	return min(i+bits.TrailingZeros64(w), len(s))
}

// quoteMasksGo is quoteMasks in portable Go (SWAR), for other architectures
// and as the reference the assembly is tested against. len(s) is a multiple
// of 64.
func quoteMasksGo(s []byte, m []uint64) {
	const ones = 0x0101010101010101
	for k := 0; k < len(s)/64; k++ {
		var w uint64
		for j := 0; j < 8; j++ {
			x := binary.LittleEndian.Uint64(s[k*64+j*8:])
			w |= gatherHighBits(zeroBytes(x^(ones*'"'))|zeroBytes(x^(ones*'\\'))) << (8 * j)
		}
		m[k] = w
	}
}

// zeroBytes sets the high bit of exactly the bytes of v that are zero (no
// borrow between bytes, unlike the cheaper test that only needs the lowest).
func zeroBytes(v uint64) uint64 {
	const lows = 0x7f7f7f7f7f7f7f7f
	return ^((v&lows + lows) | v | lows)
}

// gatherHighBits packs the high bit of each byte of m into the low byte:
// the multiplier moves byte j's bit to bit 56+j without carries.
func gatherHighBits(m uint64) uint64 {
	return (m >> 7) * 0x0102040810204080 >> 56
}
