package diff

import (
	"encoding/binary"
	"fmt"
	"math/bits"
)

// scan is the JSON tokenizer behind jtree.parse: one loop over the bytes
// with an explicit stack of open containers, instead of a call per value,
// since per-value overhead, not byte scanning, dominated the parse of typical
// API bodies (a few hundred short strings). It fills sc.nodes in pre-order.
//
// Whitespace is looked for only where a structural byte was expected and
// not found (bodies are mostly compact), and plain integers are read here.
// A string's end comes from the quote index (see quoteIndex), and the
// commonest member, "key":"value" or "key":123 without escapes, takes a
// fast path from its key to the next one. What changes once per node or
// less (the node slice, the open containers) stays in sc, in memory: a
// call (scanString, for strings with escapes or longer than 64 bytes)
// spills the registers, and keeping that state in local variables measured
// worse, as did reading the quote index through a local copy.
func (sc *scanner) scan(s []byte) error {
	var (
		pos   = skipWS(s, 0)
		vs    int // start of the scalar being read
		kind  jkind
		esc   bool
		p     int
		inKey bool
		c     byte
		err   error
		n     *jnode
	)
	fail := func(at int, msg string) error { return &parseError{at, msg} }

value: // a value starts at pos, outside an object: its node has no key
	n = sc.push()
	n.keyStart, n.keyEnd, n.keyEsc = 0, 0, false
member: // a value starts at pos; its node is the last one, key written
	if pos >= len(s) {
		return fail(pos, "unexpected end of input")
	}
	switch c = s[pos]; c {
	case '"':
		inKey = false
		goto str
	case '{', '[':
		if len(sc.stack) >= maxDepth {
			return fail(pos, "nesting too deep")
		}
		n = &sc.nodes[len(sc.nodes)-1]
		n.start, n.end, n.size, n.count = int32(pos), int32(pos), 1, 0
		n.kind, n.esc = jArray, false
		if c == '{' {
			n.kind = jObject
		}
		if pos++; pos < len(s) && s[pos] <= ' ' {
			pos = skipWS(s, pos)
		}
		if pos < len(s) && s[pos] == c+2 { // '{'+2 is '}', '['+2 is ']'
			pos++
			n.end = int32(pos)
			goto next
		}
		sc.open(c == '{')
		if c == '{' {
			goto key
		}
		goto value
	case 't':
		if len(s)-pos < 4 || string(s[pos:pos+4]) != "true" {
			return fail(pos, "invalid literal")
		}
		kind, vs, esc, pos = jTrue, pos, false, pos+4
	case 'f':
		if len(s)-pos < 5 || string(s[pos:pos+5]) != "false" {
			return fail(pos, "invalid literal")
		}
		kind, vs, esc, pos = jFalse, pos, false, pos+5
	case 'n':
		if len(s)-pos < 4 || string(s[pos:pos+4]) != "null" {
			return fail(pos, "invalid literal")
		}
		kind, vs, esc, pos = jNull, pos, false, pos+4
	default:
		if c-'1' < 9 { // a plain integer is read here; anything else by scanNumber
			for p = pos + 1; p < len(s) && s[p]-'0' < 10; p++ {
			}
			if p < len(s) && (s[p] == '.' || s[p]|0x20 == 'e') {
				if p, err = scanNumber(s, pos); err != nil {
					return err
				}
			}
		} else if c == '-' || c == '0' {
			if p, err = scanNumber(s, pos); err != nil {
				return err
			}
		} else {
			if p = skipWS(s, pos); p != pos {
				pos = p
				goto member
			}
			return fail(pos, fmt.Sprintf("unexpected %q", c))
		}
		kind, vs, esc, pos = jNumber, pos, false, p
	}

leaf: // the scalar s[vs:pos] ended
	n = &sc.nodes[len(sc.nodes)-1]
	// Field by field: a composite literal is built on the stack and copied
	// with wide loads that stall on the narrow stores just made.
	n.start, n.end, n.size, n.count = int32(vs), int32(pos), 1, 0
	n.kind, n.esc = kind, esc

next: // a value ended at pos; its container, if any, wants ',' or its closer
	if len(sc.stack) == 0 {
		if pos = skipWS(s, pos); pos != len(s) {
			return fail(pos, "unexpected data after the top-level value")
		}
		return nil
	}
	sc.cnt++
separator:
	if pos >= len(s) {
		return fail(pos, "unexpected end of input")
	}
	switch c = s[pos]; {
	case c == ',':
		pos++
		if sc.obj {
			goto key
		}
		goto value
	case c == closerOf(sc.obj):
		pos++
		sc.close(pos)
		goto next
	default:
		if p = skipWS(s, pos); p != pos {
			pos = p
			goto separator
		}
		return fail(pos, fmt.Sprintf("expected ',' or %q", closerOf(sc.obj)))
	}

key:
	if pos >= len(s) || s[pos] != '"' {
		if p = skipWS(s, pos); p != pos {
			pos = p
			goto key
		}
		return fail(pos, "expected a quoted object key")
	}
	// Most members are "key":"value" or "key":123 in compact JSON, with no
	// escapes: the key's node is made here, and such a value read without
	// going through the general dispatch.
	p = pos + 1
	if w := sc.window(p); w != 0 && s[p+bits.TrailingZeros64(w)] == '"' {
		if ke := p + bits.TrailingZeros64(w); ke+2 < len(s) && s[ke+1] == ':' {
			n = sc.push()
			n.keyStart, n.keyEnd, n.keyEsc, pos = int32(p), int32(ke), false, ke+2
			if c = s[pos]; c == '"' {
				// The key's window mostly holds the value's end too: past
				// the key's closing quote, its next mark is the value's
				// opening one (ke+1 is the colon), then comes the end.
				if w &= w - 1; w != 0 {
					w &= w - 1
				}
				if w == 0 {
					p, w = pos+1, sc.window(pos+1)
				}
				if w != 0 && s[p+bits.TrailingZeros64(w)] == '"' {
					kind, vs, pos = jString, pos, p+bits.TrailingZeros64(w)+1
					goto memberEnd
				}
			} else if c-'1' < 9 {
				for p = pos + 1; p < len(s) && s[p]-'0' < 10; p++ {
				}
				if p < len(s) && (s[p] == ',' || s[p] == '}') {
					kind, vs, pos = jNumber, pos, p
					goto memberEnd
				}
			}
			goto member
		}
	}
	inKey = true

str: // the string whose opening quote is at s[pos] ends before p; esc: it holds escapes
	// Most strings end within 64 bytes, with no backslash before the
	// quote: that case is read here from one window of the quote index,
	// without a call.
	p = pos + 1
	if w := sc.window(p); w != 0 && s[p+bits.TrailingZeros64(w)] == '"' {
		p, esc = p+bits.TrailingZeros64(w)+1, false
	} else if p, esc, err = sc.scanString(s, p); err != nil {
		return err
	}
	if !inKey {
		if esc { // scanString decoded it
			n = &sc.nodes[len(sc.nodes)-1]
			n.dec = int32(len(sc.spans))
			sc.spans = append(sc.spans, [2]int32{int32(sc.decStart), int32(len(sc.dec))})
		}
		kind, vs, pos = jString, pos, p
		goto leaf
	}
	if esc { // keys are decoded where they are compared
		sc.dec = sc.dec[:sc.decStart]
	}
	// The member's node is made now, so its key needs no variables kept
	// until the value is read.
	n = sc.push()
	n.keyStart, n.keyEnd, n.keyEsc, pos = int32(pos+1), int32(p-1), esc, p
colon:
	if pos >= len(s) || s[pos] != ':' {
		if p = skipWS(s, pos); p != pos {
			pos = p
			goto colon
		}
		return fail(pos, "expected ':' after object key")
	}
	pos++
	goto member

memberEnd: // the fast path's scalar s[vs:pos] ended; n is its node, in an object
	n.start, n.end, n.size, n.count = int32(vs), int32(pos), 1, 0
	n.kind, n.esc = kind, false
	sc.cnt++
	if pos+1 < len(s) && s[pos] == ',' && s[pos+1] == '"' {
		pos++
		goto key
	}
	goto separator
}

// scanner is the parser's state besides the position: the nodes made so
// far and the open containers.
type scanner struct {
	quoteIndex
	nodes    []jnode
	stack    []int32    // open containers, innermost last
	dec      []byte     // decoded escaped string values
	spans    [][2]int32 // each one's bytes in dec, by jnode.dec
	decStart int        // where the string scanString decodes starts in dec
	top      int        // the innermost open container
	cnt      int32      // its children so far; its count field holds them while a child container is open
	obj      bool       // it is an object
}

// push appends a node and returns it; the caller sets its fields.
func (sc *scanner) push() *jnode {
	if len(sc.nodes) == cap(sc.nodes) {
		sc.grow()
	}
	sc.nodes = sc.nodes[:len(sc.nodes)+1]
	return &sc.nodes[len(sc.nodes)-1]
}

func (sc *scanner) grow() { sc.nodes = append(sc.nodes, jnode{})[:len(sc.nodes)] }

// open makes the last node the innermost open container.
func (sc *scanner) open(obj bool) {
	if len(sc.stack) > 0 {
		sc.nodes[sc.top].count = sc.cnt
	}
	sc.top, sc.cnt, sc.obj = len(sc.nodes)-1, 0, obj
	sc.stack = append(sc.stack, int32(sc.top))
}

// close ends the innermost open container at pos.
func (sc *scanner) close(pos int) {
	n := &sc.nodes[sc.top]
	n.end, n.size, n.count = int32(pos), int32(len(sc.nodes)-sc.top), sc.cnt
	sc.stack = sc.stack[:len(sc.stack)-1]
	if len(sc.stack) > 0 {
		sc.top = int(sc.stack[len(sc.stack)-1])
		sc.cnt, sc.obj = sc.nodes[sc.top].count, sc.nodes[sc.top].kind == jObject
	}
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

// scanString scans a string body from s[i] and returns the offset after its
// closing quote and whether it holds escapes. The quote index gives the next
// quote or backslash, so only a string holding escapes takes more than one
// look, one per escape. Such a string is decoded into sc.dec as its escapes
// are checked, from sc.decStart on: the comparison needs the decoded value
// of nearly every escaped string (PHP and Go escape differently), and
// decoding here walks the escapes once instead of twice. Control characters
// are tolerated: this is a comparer, not a validator.
func (sc *scanner) scanString(s []byte, i int) (int, bool, error) {
	esc, run := false, i // run: where the plain bytes not yet copied start
	// jtree.parse gave dec room for every byte of s and eight more, so
	// runs and characters are stored without capacity checks, short runs
	// as one eight-byte word.
	d, k := sc.dec[:cap(sc.dec)], len(sc.dec)
	for {
		if i = sc.next(s, i); i >= len(s) {
			return len(s), false, &parseError{len(s), "unterminated string"}
		}
		if !esc {
			if s[i] == '"' {
				return i + 1, false, nil
			}
			esc, sc.decStart = true, k
		}
		if n := i - run; n <= 8 && run+8 <= len(s) {
			binary.LittleEndian.PutUint64(d[k:], binary.LittleEndian.Uint64(s[run:]))
			k += n
		} else {
			k += copy(d[k:], s[run:i])
		}
		if s[i] == '"' {
			sc.dec = d[:k]
			return i + 1, true, nil
		}
		i++ // the backslash
		if i >= len(s) {
			return i, false, &parseError{i, "unterminated string"}
		}
		switch c := s[i]; c {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			d[k] = simpleEscape[c]
			i, k = i+1, k+1
		case 'u':
			if i+4 >= len(s) {
				return i, false, &parseError{i, "invalid \\u escape"}
			}
			h0, h1, h2, h3 := hexDigit[s[i+1]], hexDigit[s[i+2]], hexDigit[s[i+3]], hexDigit[s[i+4]]
			if h0|h1|h2|h3 < 0 {
				return i, false, &parseError{i, "invalid \\u escape"}
			}
			if h0|h1 == 0 && h2 < 8 { // ASCII, as Go writes <, > and &
				d[k] = byte(h2)<<4 | byte(h3)
				i, k = i+5, k+1
				break
			}
			// A character past ASCII, or a surrogate pair (both halves
			// are well formed when it decodes as one: a broken second
			// half is left to the next turn, and checked there). Its
			// UTF-8 is never longer than its escapes.
			w, rest := appendWide(d[:k], s[i-1:])
			k, i = len(w), len(s)-len(rest)
		default:
			return i, false, &parseError{i, "invalid escape"}
		}
		run = i
	}
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

func hexVal(c byte) int { return int(hexDigit[c]) }

// hexDigit maps a byte to its hex digit value, or -1: Go escapes <, > and &
// as \u003c..., so encoding/json bodies are full of \u escapes.
var hexDigit = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < 10; i++ {
		t['0'+i] = int8(i)
	}
	for i := 0; i < 6; i++ {
		t['a'+i], t['A'+i] = int8(10+i), int8(10+i)
	}
	return t
}()
