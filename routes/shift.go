package routes

import (
	"bytes"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// SetPercent rewrites one route's percent in route file content, changing
// only the bytes of that value (or adding one `percent:` line when the route
// has none): comments, order, quoting and indentation stay exactly as they
// were, so the change reads as a one-line diff in review. The node tree only
// locates the value; the edit is made on the original text, because
// re-encoding the tree would reformat the file. The result is validated.
func SetPercent(data []byte, route string, p Percent) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("route file: %w", err)
	}
	r, err := findRoute(&doc, route)
	if err != nil {
		return nil, err
	}
	lines := splitLines(data)
	value := formatPercentValue(p)
	var out []byte
	if v := mappingValue(r, "percent"); v != nil {
		start := offset(data, lines, v.Line, v.Column)
		end := start + scalarLen(data[start:], v)
		out = splice(data, start, end, value)
	} else {
		out, err = insertPercent(data, lines, r, value)
		if err != nil {
			return nil, err
		}
	}
	if _, err := Parse("route file", out); err != nil {
		return nil, fmt.Errorf("percent %s for route %q makes the file invalid:\n%w", p, route, err)
	}
	return out, nil
}

func findRoute(doc *yaml.Node, name string) (*yaml.Node, error) {
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("route file: not a mapping")
	}
	rs := mappingValue(doc.Content[0], "routes")
	if rs == nil || rs.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("route file has no routes")
	}
	for _, item := range rs.Content {
		item = deref(item)
		if item.Kind == yaml.MappingNode {
			if n := mappingValue(item, "name"); n != nil && n.Value == name {
				return item, nil
			}
		}
	}
	return nil, fmt.Errorf("no route named %q in the route file", name)
}

// insertPercent adds the key after `to:` (every valid route has it): as a
// new line in a block mapping, inline in a flow mapping ({name: a, to: b}).
func insertPercent(data []byte, lines []int, r *yaml.Node, value string) ([]byte, error) {
	var key, val *yaml.Node
	for i := 0; i+1 < len(r.Content); i += 2 {
		if r.Content[i].Value == "to" {
			key, val = r.Content[i], r.Content[i+1]
		}
	}
	if key == nil {
		return nil, fmt.Errorf("route has no `to` to put the percent after")
	}
	if r.Style&yaml.FlowStyle != 0 {
		start := offset(data, lines, val.Line, val.Column)
		end := start + scalarLen(data[start:], val)
		return splice(data, end, end, ", percent: "+value), nil
	}
	next := len(data)
	if val.Line < len(lines) {
		next = lines[val.Line] // start of the line after `to:`
	}
	line := strings.Repeat(" ", key.Column-1) + "percent: " + value + "\n"
	if next == len(data) && len(data) > 0 && data[len(data)-1] != '\n' {
		line = "\n" + line
	}
	return splice(data, next, next, line), nil
}

// splitLines returns the byte offset at which each line starts.
func splitLines(data []byte) []int {
	starts := []int{0}
	for i, b := range data {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// offset turns yaml.v3's 1-based line and column (counted in runes) into
// a byte offset in data.
func offset(data []byte, lines []int, line, col int) int {
	start := lines[line-1]
	runes := 0
	for i := range string(data[start:]) {
		if runes == col-1 {
			return start + i
		}
		runes++
	}
	return len(data)
}

// scalarLen is the length of a scalar's source text: quotes included.
func scalarLen(src []byte, n *yaml.Node) int {
	switch n.Style {
	case yaml.SingleQuotedStyle, yaml.DoubleQuotedStyle:
		q := src[0]
		for i := 1; i < len(src); i++ {
			if src[i] == '\\' && q == '"' {
				i++
				continue
			}
			if src[i] == q {
				if q == '\'' && i+1 < len(src) && src[i+1] == '\'' { // '' is an escaped quote
					i++
					continue
				}
				return i + 1
			}
		}
	}
	return len(n.Value)
}

func splice(data []byte, start, end int, with string) []byte {
	var b bytes.Buffer
	b.Grow(len(data) + len(with))
	b.Write(data[:start])
	b.WriteString(with)
	b.Write(data[end:])
	return b.Bytes()
}

// formatPercentValue writes basis points the way people write percents:
// 25, 2.5, 0.25.
func formatPercentValue(p Percent) string {
	return strings.TrimSuffix(p.String(), "%")
}
