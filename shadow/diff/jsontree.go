package diff

import (
	"encoding/binary"
	"fmt"
)

// The body is parsed into a flat, pre-order array of nodes that point into the
// source bytes instead of into a map[string]any: nothing is copied or
// converted, numbers keep their exact text, and a whole tree costs one slice
// that is reused across comparisons (see bench_test.go for the figures).

type jkind uint8

const (
	jNull jkind = iota
	jFalse
	jTrue
	jNumber
	jString
	jObject
	jArray
)

type jnode struct {
	start, end       int32 // value bytes in src; strings include their quotes
	keyStart, keyEnd int32 // member key without quotes (object members only)
	size             int32 // nodes in this subtree, self included: next sibling is at i+size
	count            int32 // children of an object or array
	kind             jkind
	esc              bool // the string value holds escapes
	keyEsc           bool // the key holds escapes
}

type jtree struct {
	src   []byte
	nodes []jnode
}

// maxDepth bounds nesting so hostile bodies cannot exhaust the stack.
const maxDepth = 1000

type parseError struct {
	offset int
	msg    string
}

func (e *parseError) Error() string {
	return fmt.Sprintf("invalid JSON at offset %d: %s", e.offset, e.msg)
}

// parse fills t from src, reusing t's node slice.
func (t *jtree) parse(src []byte) error {
	if len(src) > 1<<31-1 {
		return &parseError{0, "body too large for the JSON tree"}
	}
	t.src, t.nodes = src, t.nodes[:0]
	p := parser{src: src, t: t}
	p.ws()
	if err := p.value(0, 0, false, 0); err != nil {
		return err
	}
	p.ws()
	if p.pos != len(src) {
		return p.fail("unexpected data after the top-level value")
	}
	return nil
}

type parser struct {
	src []byte
	pos int
	t   *jtree
}

func (p *parser) fail(msg string) error { return &parseError{p.pos, msg} }

func (p *parser) ws() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) value(keyStart, keyEnd int32, keyEsc bool, depth int) error {
	if p.pos >= len(p.src) {
		return p.fail("unexpected end of input")
	}
	idx := len(p.t.nodes)
	if idx == cap(p.t.nodes) {
		p.t.nodes = append(p.t.nodes, jnode{})
	}
	p.t.nodes = p.t.nodes[:idx+1]
	n := &p.t.nodes[idx]
	n.start, n.keyStart, n.keyEnd, n.size, n.count = int32(p.pos), keyStart, keyEnd, 1, 0
	n.kind, n.esc, n.keyEsc = jNull, false, keyEsc
	switch c := p.src[p.pos]; c {
	case '{', '[':
		if depth >= maxDepth {
			return p.fail("nesting too deep")
		}
		if err := p.container(idx, c, depth); err != nil {
			return err
		}
		n = &p.t.nodes[idx] // the slice may have grown
	case '"':
		esc, err := p.str()
		if err != nil {
			return err
		}
		n.kind, n.esc = jString, esc
	case 't':
		n.kind = jTrue
		if err := p.literal("true"); err != nil {
			return err
		}
	case 'f':
		n.kind = jFalse
		if err := p.literal("false"); err != nil {
			return err
		}
	case 'n':
		n.kind = jNull
		if err := p.literal("null"); err != nil {
			return err
		}
	default:
		if c != '-' && (c < '0' || c > '9') {
			return p.fail(fmt.Sprintf("unexpected %q", c))
		}
		n.kind = jNumber
		if err := p.number(); err != nil {
			return err
		}
	}
	n.end = int32(p.pos)
	return nil
}

func (p *parser) container(idx int, open byte, depth int) error {
	kind, closer := jArray, byte(']')
	if open == '{' {
		kind, closer = jObject, '}'
	}
	p.pos++
	p.ws()
	var count int32
	if p.pos < len(p.src) && p.src[p.pos] == closer {
		p.pos++
	} else {
		for {
			var ks, ke int32
			var kesc bool
			if kind == jObject {
				if p.pos >= len(p.src) || p.src[p.pos] != '"' {
					return p.fail("expected a quoted object key")
				}
				ks = int32(p.pos + 1)
				esc, err := p.str()
				if err != nil {
					return err
				}
				ke, kesc = int32(p.pos-1), esc
				p.ws()
				if p.pos >= len(p.src) || p.src[p.pos] != ':' {
					return p.fail("expected ':' after object key")
				}
				p.pos++
				p.ws()
			}
			if err := p.value(ks, ke, kesc, depth+1); err != nil {
				return err
			}
			count++
			p.ws()
			if p.pos >= len(p.src) {
				return p.fail("unexpected end of input")
			}
			if c := p.src[p.pos]; c == ',' {
				p.pos++
				p.ws()
				continue
			} else if c == closer {
				p.pos++
				break
			}
			return p.fail(fmt.Sprintf("expected ',' or %q", closer))
		}
	}
	n := &p.t.nodes[idx]
	n.kind, n.count, n.size = kind, count, int32(len(p.t.nodes)-idx)
	return nil
}

// strStop marks the bytes that end a plain run inside a string.
var strStop = [256]bool{'"': true, '\\': true}

// str scans a string starting at its opening quote and reports whether it
// holds escapes. Plain runs are skipped eight bytes at a time. Control
// characters are tolerated: this is a comparer, not a validator.
func (p *parser) str() (bool, error) {
	s := p.src
	i := p.pos + 1
	esc := false
	for {
		for i+8 <= len(s) && !hasQuoteOrBackslash(binary.LittleEndian.Uint64(s[i:])) {
			i += 8
		}
		for i < len(s) && !strStop[s[i]] {
			i++
		}
		if i >= len(s) {
			p.pos = len(s)
			return false, p.fail("unterminated string")
		}
		if s[i] == '"' {
			p.pos = i + 1
			return esc, nil
		}
		esc = true
		i++ // the backslash
		if i >= len(s) {
			p.pos = i
			return false, p.fail("unterminated string")
		}
		switch s[i] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			i++
		case 'u':
			if i+4 >= len(s) || !isHex4(s[i+1:i+5]) {
				p.pos = i
				return false, p.fail("invalid \\u escape")
			}
			i += 5
		default:
			p.pos = i
			return false, p.fail("invalid escape")
		}
	}
}

// hasQuoteOrBackslash tests eight bytes at once (SWAR zero-byte test).
func hasQuoteOrBackslash(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	q, b := x^(ones*'"'), x^(ones*'\\')
	return ((q-ones)&^q|(b-ones)&^b)&highs != 0
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

func (p *parser) literal(word string) error {
	if len(p.src)-p.pos < len(word) || string(p.src[p.pos:p.pos+len(word)]) != word {
		return p.fail("invalid literal")
	}
	p.pos += len(word)
	return nil
}

func (p *parser) number() error {
	s, i := p.src, p.pos
	if s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		i = skipDigits(s, i)
	default:
		p.pos = i
		return p.fail("invalid number")
	}
	if i < len(s) && s[i] == '.' {
		j := skipDigits(s, i+1)
		if j == i+1 {
			p.pos = j
			return p.fail("invalid number: no digits after '.'")
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
			p.pos = j
			return p.fail("invalid number: no digits in exponent")
		}
		i = j
	}
	p.pos = i
	return nil
}

func skipDigits(s []byte, i int) int {
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

// key returns a member's raw key bytes.
func (t *jtree) key(i int) []byte {
	n := &t.nodes[i]
	return t.src[n.keyStart:n.keyEnd]
}

// raw returns a node's source bytes.
func (t *jtree) raw(i int) []byte {
	n := &t.nodes[i]
	return t.src[n.start:n.end]
}

// children appends the node indexes of i's children to dst.
func (t *jtree) children(dst []int32, i int) []int32 {
	n := t.nodes[i].count
	c := int32(i + 1)
	for k := int32(0); k < n; k++ {
		dst = append(dst, c)
		c += t.nodes[c].size
	}
	return dst
}
