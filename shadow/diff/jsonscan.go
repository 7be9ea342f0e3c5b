package diff

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
)

// scan is the JSON tokenizer behind jtree.parse: one loop over the bytes
// with an explicit stack of open containers, instead of a call per value,
// since per-value overhead, not byte scanning, dominated the parse of typical
// API bodies (a few hundred short strings).
func (sc *scanner) scan(s []byte) error {
	nodes, kids, stack, pend := sc.nodes, sc.kids, sc.stack, sc.pend
	defer func() { sc.nodes, sc.kids, sc.stack, sc.pend = nodes, kids, stack, pend }()
	var (
		pos      = skipWS(s, 0)
		ks, ke   int32
		kesc     bool
		idx, top int
		c        byte
		err      error
		esc      bool
		n        *jnode
		first    int32
		obj      bool // the innermost open container is an object
	)
	fail := func(at int, msg string) error { return &parseError{at, msg} }

value:
	if pos >= len(s) {
		return fail(pos, "unexpected end of input")
	}
	idx = len(nodes)
	if idx == cap(nodes) {
		nodes = append(nodes, jnode{})
	}
	nodes = nodes[:idx+1]
	// Field by field: a composite literal is built on the stack and copied
	// with wide loads that stall on the narrow stores just made.
	n = &nodes[idx]
	n.start, n.keyStart, n.keyEnd, n.size, n.count, n.kids = int32(pos), ks, ke, 1, 0, 0
	n.kind, n.esc, n.keyEsc = jNull, false, kesc
	switch c = s[pos]; c {
	case '{', '[':
		if len(stack) >= maxDepth {
			return fail(pos, "nesting too deep")
		}
		n.kind, n.kids = jArray, int32(len(pend)) // kids: where its children start on pend
		if c == '{' {
			n.kind = jObject
		}
		pos = skipWS(s, pos+1)
		if pos < len(s) && s[pos] == c+2 { // '{'+2 is '}', '['+2 is ']'
			pos++
			goto closed
		}
		stack = append(stack, int32(idx))
		top, obj = idx, c == '{'
		if c == '{' {
			goto key
		}
		ks, ke, kesc = 0, 0, false
		goto value
	case '"':
		if pos, esc, err = scanString(s, pos); err != nil {
			return err
		}
		n.kind, n.esc = jString, esc
	case 't':
		if len(s)-pos < 4 || string(s[pos:pos+4]) != "true" {
			return fail(pos, "invalid literal")
		}
		n.kind = jTrue
		pos += 4
	case 'f':
		if len(s)-pos < 5 || string(s[pos:pos+5]) != "false" {
			return fail(pos, "invalid literal")
		}
		n.kind = jFalse
		pos += 5
	case 'n':
		if len(s)-pos < 4 || string(s[pos:pos+4]) != "null" {
			return fail(pos, "invalid literal")
		}
		pos += 4 // jNull is the zero kind
	default:
		if c != '-' && (c < '0' || c > '9') {
			return fail(pos, fmt.Sprintf("unexpected %q", c))
		}
		if pos, err = scanNumber(s, pos); err != nil {
			return err
		}
		n.kind = jNumber
	}
	n.end = int32(pos)

next: // a value ended at pos; its container, if any, wants ',' or its closer
	if len(stack) == 0 {
		if pos = skipWS(s, pos); pos != len(s) {
			return fail(pos, "unexpected data after the top-level value")
		}
		return nil
	}
	pend = append(pend, int32(idx))
	pos = skipWS(s, pos)
	if pos >= len(s) {
		return fail(pos, "unexpected end of input")
	}
	c = s[pos]
	if c == ',' {
		pos = skipWS(s, pos+1)
		if obj {
			goto key
		}
		ks, ke, kesc = 0, 0, false
		goto value
	}
	if closer := closerOf(obj); c != closer {
		return fail(pos, fmt.Sprintf("expected ',' or %q", closer))
	}
	pos++
	idx = top
	stack = stack[:len(stack)-1]
	if len(stack) > 0 {
		top = int(stack[len(stack)-1])
		obj = nodes[top].kind == jObject
	}

closed: // the container at idx ended at pos; its children move from pend to kids
	n = &nodes[idx]
	n.end, n.size, n.count = int32(pos), int32(len(nodes)-idx), int32(len(pend))-n.kids
	first = n.kids
	n.kids = int32(len(kids))
	kids = append(kids, pend[first:]...)
	pend = pend[:first]
	goto next

key:
	if pos >= len(s) || s[pos] != '"' {
		return fail(pos, "expected a quoted object key")
	}
	ks = int32(pos + 1)
	if pos, kesc, err = scanString(s, pos); err != nil {
		return err
	}
	ke = int32(pos - 1)
	pos = skipWS(s, pos)
	if pos >= len(s) || s[pos] != ':' {
		return fail(pos, "expected ':' after object key")
	}
	pos = skipWS(s, pos+1)
	goto value
}

// scanner holds the slices scan fills, reused from the tree.
type scanner struct {
	nodes             []jnode
	kids, stack, pend []int32
}

func closerOf(obj bool) byte {
	if obj {
		return '}'
	}
	return ']'
}

// skipWS returns the offset of the first non-whitespace byte at or after i.
// Bodies are mostly compact, so the common case is one comparison.
func skipWS(s []byte, i int) int {
	for i < len(s) && s[i] <= ' ' {
		switch s[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// scanString scans the string whose opening quote is at s[i], returning the
// offset after its closing quote and whether it holds escapes. The first 32
// bytes of a run are tested eight at a time (SWAR, unrolled), which suits
// keys and short values; longer runs are left to bytes.IndexByte, whose
// vector code wins past a few words (measured on the product pair: 16 or 48
// SWAR bytes, or a plain SWAR loop, were slower). Control characters are
// tolerated: this is a comparer, not a validator.
func scanString(s []byte, i int) (int, bool, error) {
	i++
	esc := false
	for {
		if i+32 <= len(s) {
			if m := quoteOrBackslashMask(binary.LittleEndian.Uint64(s[i:])); m != 0 {
				i += bits.TrailingZeros64(m) >> 3
			} else if m := quoteOrBackslashMask(binary.LittleEndian.Uint64(s[i+8:])); m != 0 {
				i += 8 + bits.TrailingZeros64(m)>>3
			} else if m := quoteOrBackslashMask(binary.LittleEndian.Uint64(s[i+16:])); m != 0 {
				i += 16 + bits.TrailingZeros64(m)>>3
			} else if m := quoteOrBackslashMask(binary.LittleEndian.Uint64(s[i+24:])); m != 0 {
				i += 24 + bits.TrailingZeros64(m)>>3
			} else {
				i = longRun(s, i+32)
			}
		} else {
			for i < len(s) && !strStop[s[i]] {
				i++
			}
		}
		if i >= len(s) {
			return len(s), false, &parseError{len(s), "unterminated string"}
		}
		if s[i] == '"' {
			return i + 1, esc, nil
		}
		esc = true
		i++ // the backslash
		if i >= len(s) {
			return i, false, &parseError{i, "unterminated string"}
		}
		switch s[i] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			i++
		case 'u':
			if i+4 >= len(s) || !isHex4(s[i+1:i+5]) {
				return i, false, &parseError{i, "invalid \\u escape"}
			}
			i += 5
		default:
			return i, false, &parseError{i, "invalid escape"}
		}
	}
}

// longRun returns the offset of the first quote or backslash at or after i,
// or len(s).
func longRun(s []byte, i int) int {
	q := bytes.IndexByte(s[i:], '"')
	if q < 0 {
		q = len(s) - i
	}
	if b := bytes.IndexByte(s[i:i+q], '\\'); b >= 0 {
		return i + b
	}
	return i + q
}

// strStop marks the bytes that end a plain run inside a string.
var strStop = [256]bool{'"': true, '\\': true}

// quoteOrBackslashMask sets the high bit of each byte of x that is '"' or
// '\\' (SWAR zero-byte test). Borrows can also mark bytes above a match,
// never below one, so the lowest set bit is exact.
func quoteOrBackslashMask(x uint64) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	q, b := x^(ones*'"'), x^(ones*'\\')
	return ((q-ones)&^q | (b-ones)&^b) & highs
}

// scanNumber checks the number starting at s[i] and returns the offset after
// it.
func scanNumber(s []byte, i int) (int, error) {
	if s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		i = skipDigits(s, i)
	default:
		return i, &parseError{i, "invalid number"}
	}
	if i < len(s) && s[i] == '.' {
		j := skipDigits(s, i+1)
		if j == i+1 {
			return j, &parseError{j, "invalid number: no digits after '.'"}
		}
		i = j
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := skipDigits(s, i)
		if j == i {
			return j, &parseError{j, "invalid number: no digits in exponent"}
		}
		i = j
	}
	return i, nil
}

func skipDigits(s []byte, i int) int {
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

func isHex4(b []byte) bool {
	for _, c := range b[:4] {
		if hexVal(c) < 0 {
			return false
		}
	}
	return true
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
