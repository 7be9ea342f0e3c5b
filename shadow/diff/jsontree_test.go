package diff

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTreeChildren: the children found through the sibling links (size) are
// as many as the parser counted, cover the container's subtree exactly and
// lie inside its bytes, for every container, nested or empty.
func TestTreeChildren(t *testing.T) {
	bodies := []string{
		`[]`, `{}`, `[[],{},[[]],{"a":{}}]`, `{"a":[1,{"b":[true,null,"x"]},[]],"c":{"d":[[1],[2,3]]}}`,
		strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth),
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "corpus", "bodies", "*.json"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		bodies = append(bodies, string(b))
	}
	var tr jtree // reused, as the comparer reuses it
	for _, body := range bodies {
		if err := tr.parse([]byte(body)); err != nil {
			t.Fatalf("%.40q: %v", body, err)
		}
		for i := range tr.nodes {
			n := &tr.nodes[i]
			kids := tr.appendChildren(nil, int32(i))
			if len(kids) != int(n.count) {
				t.Fatalf("%.40q node %d: %d children listed, count %d", body, i, len(kids), n.count)
			}
			next := int32(i + 1)
			for _, k := range kids {
				ch := &tr.nodes[k]
				if k != next || ch.start <= n.start || ch.end >= n.end || (n.kind == jObject) != (ch.keyEnd > 0) {
					t.Fatalf("%.40q node %d [%d,%d): child %d [%d,%d) key end %d, expected node %d", body, i, n.start, n.end, k, ch.start, ch.end, ch.keyEnd, next)
				}
				next += ch.size
			}
			if isContainer(n.kind) && next != int32(i)+n.size {
				t.Fatalf("%.40q node %d: children end at %d, subtree at %d", body, i, next, int32(i)+n.size)
			}
		}
	}
	if err := tr.parse([]byte(strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1))); err == nil {
		t.Fatal("nesting beyond maxDepth accepted")
	}
}
