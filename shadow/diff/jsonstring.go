package diff

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"unicode/utf16"
	"unicode/utf8"
)

// Strings and keys are compared by decoded value because PHP's json_encode
// writes "\/" and "\u00e9" where Go writes "/" and "é".

// stringsEqual compares two JSON string bodies (without quotes) by decoded
// value, without decoding either into memory: equal plain bytes are skipped
// eight at a time, and escapes are decoded one at a time where they occur,
// only on the side that has one (PHP writes "\/m\/b\/x.jpg" and Go
// "/m/b/x.jpg": most escapes face a plain byte).
func stringsEqual(a, b []byte, aEsc, bEsc bool) bool {
	if !aEsc && !bEsc {
		return bytes.Equal(a, b)
	}
	i, j := 0, 0
	for {
		k := plainPrefix(a[i:], b[j:])
		i, j = i+k, j+k
		if i == len(a) || j == len(b) {
			return i == len(a) && j == len(b)
		}
		// One character from each side; a plain byte is never a backslash,
		// so a decoded '\\' only equals another escape.
		ca, na := a[i], 1
		if ca == '\\' {
			ca, na = asciiEscape(a, i)
		}
		cb, nb := b[j], 1
		if cb == '\\' {
			cb, nb = asciiEscape(b, j)
		}
		if na == 0 || nb == 0 {
			if i, j = wideEscape(a, b, i, j); i < 0 {
				return false
			}
			continue
		}
		if ca != cb {
			return false
		}
		i, j = i+na, j+nb
	}
}

// wideEscape compares the characters at a[i] and b[j] when either is an
// escape for a non-ASCII character (\u00e9, a surrogate pair), and returns
// the offsets after them, or -1 when they differ.
func wideEscape(a, b []byte, i, j int) (int, int) {
	switch {
	case a[i] == '\\' && b[j] == '\\':
		var ba, bb [8]byte
		da, ni := escapeAt(a, i, ba[:0])
		db, nj := escapeAt(b, j, bb[:0])
		if !bytes.Equal(da, db) {
			return -1, -1
		}
		return ni, nj
	case a[i] == '\\':
		var buf [8]byte
		d, ni := escapeAt(a, i, buf[:0])
		if j+len(d) > len(b) || !bytes.Equal(d, b[j:j+len(d)]) {
			return -1, -1
		}
		return ni, j + len(d)
	default:
		var buf [8]byte
		d, nj := escapeAt(b, j, buf[:0])
		if i+len(d) > len(a) || !bytes.Equal(d, a[i:i+len(d)]) {
			return -1, -1
		}
		return i + len(d), nj
	}
}

// plainPrefix returns the length of the common prefix of a and b that holds
// no backslash, eight bytes at a time. A leaf function of its own: inside
// stringsEqual's loop the SWAR words spilled to the stack.
func plainPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	a, b = a[:n], b[:n]
	k := 0
	for ; k+8 <= n; k += 8 {
		x := binary.LittleEndian.Uint64(a[k : k+8])
		// The lowest set bit of either mask is exact: it lands on the
		// first differing byte, or on a's first backslash.
		if m := x ^ binary.LittleEndian.Uint64(b[k:k+8]) | backslashMask(x); m != 0 {
			return k + bits.TrailingZeros64(m)>>3
		}
	}
	for ; k < n && a[k] == b[k] && a[k] != '\\'; k++ {
	}
	return k
}

// asciiEscape decodes an escape at s[i] that stands for one ASCII byte
// (\/, \n, \u003c, ...) and returns it with the escape's length, or length 0.
func asciiEscape(s []byte, i int) (byte, int) {
	if s[i] != '\\' || i+1 >= len(s) {
		return 0, 0
	}
	if b := simpleEscape[s[i+1]]; b != 0 {
		return b, 2
	}
	if s[i+1] == 'u' && i+5 < len(s) && s[i+2] == '0' && s[i+3] == '0' {
		if h, l := hexVal(s[i+4]), hexVal(s[i+5]); h >= 0 && h < 8 && l >= 0 {
			return byte(h<<4 | l), 6
		}
	}
	return 0, 0
}

// backslashMask sets the high bit of bytes of x that are '\\' (zero bytes
// of x^0x5c5c..., found with the classic SWAR test); borrows can mark bytes
// above one, never below, so the lowest set bit is exact.
func backslashMask(x uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	v := x ^ (ones * '\\')
	return (v - ones) &^ v & highs
}

// escapeAt decodes the escape at s[i] (a surrogate pair counts as one) and
// returns its UTF-8 and the offset after it.
func escapeAt(s []byte, i int, dst []byte) ([]byte, int) {
	if i+1 < len(s) {
		if b := simpleEscape[s[i+1]]; b != 0 {
			return asciiBytes[b : b+1], i + 2
		}
		if s[i+1] == 'u' && i+6 <= len(s) {
			if r, _ := decodeU(s[i+2:]); r < utf8.RuneSelf {
				return asciiBytes[r : r+1], i + 6
			}
		}
	}
	end := i + 2
	if end <= len(s) && s[i+1] == 'u' {
		end = i + 6
		if end+6 <= len(s) && s[end] == '\\' && s[end+1] == 'u' {
			r1, _ := decodeU(s[i+2:])
			r2, _ := decodeU(s[end+2:])
			if utf16.DecodeRune(r1, r2) != utf8.RuneError { // a valid pair is one character
				end += 6
			}
		}
	}
	end = min(end, len(s))
	return unescapeJSON(dst, s[i:end]), end
}

// simpleEscape maps the byte after a backslash to the byte it stands for.
var simpleEscape = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// asciiBytes lets one-byte chunks be returned without allocating.
var asciiBytes = func() (b [128]byte) {
	for i := range b {
		b[i] = byte(i)
	}
	return b
}()

func unescapeIf(dst, s []byte, esc bool) []byte {
	if !esc {
		return s
	}
	return unescapeJSON(dst, s)
}

// unescapeJSON appends the decoded form of a JSON string body to dst. Input
// comes from the parser, so escapes are well formed; lone surrogates become
// U+FFFD.
func unescapeJSON(dst, s []byte) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			dst = append(dst, c)
			continue
		}
		i++
		switch s[i] {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r, n := decodeU(s[i+1:])
			if utf16.IsSurrogate(r) {
				r2, n2 := rune(-1), 0
				if rest := s[i+1+n:]; len(rest) > 1 && rest[0] == '\\' && rest[1] == 'u' {
					r2, n2 = decodeU(rest[2:])
				}
				if pair := utf16.DecodeRune(r, r2); pair != utf8.RuneError {
					r, n = pair, n+2+n2
				} else {
					r = utf8.RuneError
				}
			}
			dst = utf8.AppendRune(dst, r)
			i += n
		default: // " \ /
			dst = append(dst, s[i])
		}
	}
	return dst
}

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
