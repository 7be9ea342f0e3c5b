package diff

import "fmt"

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
	esc              bool  // the string value holds escapes
	keyEsc           bool  // the key holds escapes
	dec              int32 // an escaped string value's decoded bytes: jtree.spans[dec]; set only when esc
}

type jtree struct {
	src   []byte
	nodes []jnode
	stack []int32 // open containers while parsing, kept for reuse
	index quoteIndex
	dec   []byte     // decoded escaped string values (see scanString)
	spans [][2]int32 // each one's bytes in dec
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

// parse fills t from src, reusing t's node and stack slices.
func (t *jtree) parse(src []byte) error {
	if len(src) > 1<<31-1 {
		return &parseError{0, "body too large for the JSON tree"}
	}
	t.src = src
	t.index.build(src)
	if cap(t.dec) < len(src)+8 { // decoded strings never outgrow their source (see scanString)
		t.dec = make([]byte, 0, len(src)+len(src)/4+8)
	}
	sc := scanner{quoteIndex: t.index, nodes: t.nodes[:0], stack: t.stack[:0], dec: t.dec[:0], spans: t.spans[:0]}
	err := sc.scan(src)
	t.nodes, t.stack, t.dec, t.spans = sc.nodes, sc.stack, sc.dec, sc.spans
	return err
}

// str returns a string node's decoded value.
func (t *jtree) str(n *jnode) []byte {
	if n.esc {
		sp := t.spans[n.dec]
		return t.dec[sp[0]:sp[1]]
	}
	return t.src[n.start+1 : n.end-1]
}

// raw returns a node's source bytes.
func (t *jtree) raw(i int) []byte {
	n := &t.nodes[i]
	return t.src[n.start:n.end]
}

// appendChildren appends the node indexes of container i's children to
// dst. The parser does not keep child lists: the comparison builds one only
// for a container whose bytes differ on the two sides, and most equal
// subtrees are never descended into.
func (t *jtree) appendChildren(dst []int32, i int32) []int32 {
	n := t.nodes[i].count
	for j, k := i+1, int32(0); k < n; k++ {
		dst = append(dst, j)
		j += t.nodes[j].size
	}
	return dst
}
