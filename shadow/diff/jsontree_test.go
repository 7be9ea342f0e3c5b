package diff

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTreeChildren: the child lists the parser builds name the same nodes
// as the sibling links (size), for every container, nested or empty.
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
			kids := tr.children(int32(i))
			if len(kids) != int(n.count) {
				t.Fatalf("%.40q node %d: %d children listed, count %d", body, i, len(kids), n.count)
			}
			next := int32(i + 1)
			for _, k := range kids {
				if k != next {
					t.Fatalf("%.40q node %d: child %d listed, %d by size", body, i, k, next)
				}
				next += tr.nodes[k].size
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
