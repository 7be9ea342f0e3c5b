package diff

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"slices"
	"unicode/utf16"
	"unicode/utf8"
)

// Strings and keys are compared by decoded value because PHP's json_encode
// writes "\/" and "\u00e9" where Go writes "/" and "é". String values are
// decoded by the parser (see scanString); keys seldom hold escapes and are
// decoded here when they do.

// unescaper holds the decoded forms of the last escaped keys it compared;
// walkers are pooled, so its buffers stop growing after a few comparisons.
type unescaper struct{ a, b []byte }

// equal compares two JSON string bodies (without quotes) by decoded value.
// Each side holding a backslash is decoded (PHP writes "\/m\/b\/x.jpg", Go
// "\u003cp\u003e"), then one bytes.Equal compares the two forms; walking both
// sides in step paid two calls per escape. A side is decoded even when its
// flag is clear, as the step-wise comparison did: a $..key redact rule whose
// key holds a backslash still compares as before.
func (u *unescaper) equal(a, b []byte, aEsc, bEsc bool) bool {
	if !aEsc && !bEsc {
		return bytes.Equal(a, b)
	}
	if i := bytes.IndexByte(a, '\\'); i >= 0 {
		u.a = unescapeFrom(u.a[:0], a, i)
		a = u.a
	}
	if j := bytes.IndexByte(b, '\\'); j >= 0 {
		u.b = unescapeFrom(u.b[:0], b, j)
		b = u.b
	}
	return bytes.Equal(a, b)
}

// unescapeJSON appends the decoded form of a JSON string body to dst. Input
// comes from the parser, so escapes are well formed; lone surrogates become
// U+FFFD.
func unescapeJSON(dst, s []byte) []byte {
	return unescapeFrom(dst, s, bytes.IndexByte(s, '\\'))
}

func unescapeIf(dst, s []byte, esc bool) []byte {
	if !esc {
		return s
	}
	return unescapeJSON(dst, s)
}

// unescapeFrom is unescapeJSON for an s whose first backslash is at i (-1:
// none). Runs between escapes are mostly short ("\u003cp\u003e", "\/m\/b\/"),
// so a run is first looked for in one eight-byte word, stored whole into
// room reserved past the end; only a run longer than the word costs the calls
// to find and copy it. One-byte escapes (\/, \u003c) are decoded inline,
// everything wider goes to appendWide.
func unescapeFrom(dst, s []byte, i int) []byte {
	if i < 0 {
		return append(dst, s...)
	}
	dst = append(dst, s[:i]...)
	// The decoded rest is at most one byte longer than s[i:] (a "\u" that
	// ends s becomes U+FFFD), so this room also takes the word stores.
	if room := len(s) - i + 8; cap(dst)-len(dst) < room {
		dst = slices.Grow(dst, room)
	}
	d, k := dst[:cap(dst)], len(dst)
	for i < len(s) {
		if s[i] == '\\' {
			if i+6 <= len(s) {
				if e := s[i : i+6]; e[1] == 'u' && e[2] == '0' && e[3] == '0' {
					if h, l := hexDigit[e[4]], hexDigit[e[5]]; uint8(h) < 8 && l >= 0 {
						d[k] = byte(h)<<4 | byte(l)
						i, k = i+6, k+1
						continue
					}
				}
			}
			if i+1 < len(s) && simpleEscape[s[i+1]] != 0 {
				d[k] = simpleEscape[s[i+1]]
				i, k = i+2, k+1
				continue
			}
			w, rest := appendWide(d[:k], s[i:])
			d, k, i = w[:cap(w)], len(w), len(s)-len(rest)
			continue
		}
		if i+8 > len(s) {
			d[k] = s[i]
			i, k = i+1, k+1
			continue
		}
		x := binary.LittleEndian.Uint64(s[i:])
		binary.LittleEndian.PutUint64(d[k:], x)
		if m := backslashMask(x); m != 0 {
			n := bits.TrailingZeros64(m) >> 3
			i, k = i+n, k+n
			continue
		}
		n := bytes.IndexByte(s[i+8:], '\\')
		if n < 0 {
			n = len(s) - i - 8
		}
		copy(d[k+8:], s[i+8:i+8+n])
		i, k = i+8+n, k+8+n
	}
	return d[:k]
}

// backslashMask sets the high bit of bytes of x that are '\\' (zero bytes
// of x^0x5c5c..., found with the classic SWAR test); borrows can mark bytes
// above one, never below, so the lowest set bit is exact.
func backslashMask(x uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	v := x ^ (ones * '\\')
	return (v - ones) &^ v & highs
}

// appendWide decodes the escape at s[0] that unescapeFrom left: a \u for a
// non-ASCII character (a valid surrogate pair is one), a lone surrogate or
// a \u without four hex digits (U+FFFD), a backslash ending the string or
// one before any other byte (that byte). It returns what follows the escape.
func appendWide(dst, s []byte) ([]byte, []byte) {
	if len(s) < 2 {
		return append(dst, s...), nil
	}
	if s[1] != 'u' {
		return append(dst, s[1]), s[2:]
	}
	r, n := decodeU(s[2:])
	s = s[2+n:]
	if utf16.IsSurrogate(r) {
		r2, n2 := rune(-1), 0
		if len(s) > 1 && s[0] == '\\' && s[1] == 'u' {
			r2, n2 = decodeU(s[2:])
		}
		if pair := utf16.DecodeRune(r, r2); pair != utf8.RuneError {
			r, s = pair, s[2+n2:]
		} else {
			r = utf8.RuneError
		}
	}
	return utf8.AppendRune(dst, r), s
}

// simpleEscape maps the byte after a backslash to the byte it stands for.
var simpleEscape = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// decodeU reads the four hex digits after \u; it returns U+FFFD and consumes
// what is there when they are missing.
func decodeU(s []byte) (rune, int) {
	if len(s) < 4 {
		return utf8.RuneError, len(s)
	}
	var r rune
	for _, c := range s[:4] {
		v := hexVal(c)
		if v < 0 {
			return utf8.RuneError, 4
		}
		r = r<<4 | rune(v)
	}
	return r, 4
}
