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
	kids             int32 // a container's children are t.kids[kids:kids+count]
}

type jtree struct {
	src   []byte
	nodes []jnode
	// kids lists every container's children, one container after the
	// other, so the comparison reads a child list instead of hopping from
	// sibling to sibling through size (a chain of dependent loads).
	kids  []int32
	stack []int32 // open containers while parsing, kept for reuse
	pend  []int32 // children of the open containers while parsing
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
	sc := scanner{nodes: t.nodes[:0], kids: t.kids[:0], stack: t.stack[:0], pend: t.pend[:0]}
	err := sc.scan(src)
	t.nodes, t.kids, t.stack, t.pend = sc.nodes, sc.kids, sc.stack, sc.pend
	return err
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

// children returns the node indexes of i's children.
func (t *jtree) children(i int32) []int32 {
	n := &t.nodes[i]
	return t.kids[n.kids : n.kids+n.count]
}
