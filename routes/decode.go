package routes

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// decoder walks the YAML node tree rather than unmarshalling into structs, so
// that every error carries the line and column of the node at fault and all
// errors of a file are reported together.
type decoder struct {
	file string
	errs Errors
}

// loc says where a value sits: inside route N (or none) and at which field.
type loc struct {
	route int
	name  string
	field string
}

func (l loc) at(field string) loc {
	if l.field == "" {
		l.field = field
	} else if strings.HasPrefix(field, "[") {
		l.field += field
	} else {
		l.field += "." + field
	}
	return l
}

func (d *decoder) errorf(n *yaml.Node, l loc, format string, args ...any) {
	line, col := 0, 0
	if n != nil {
		line, col = n.Line, n.Column
	}
	d.errs = append(d.errs, &Error{File: d.file, Line: line, Col: col, Route: l.route, RouteName: l.name,
		Field: l.field, Msg: fmt.Sprintf(format, args...)})
}

// fields returns the values of a mapping by key. Unknown and repeated keys are
// errors: a misspelt key silently ignored is a route that silently misroutes.
func (d *decoder) fields(n *yaml.Node, l loc, known ...string) map[string]*yaml.Node {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		d.errorf(n, l, "must be a mapping, not %s", kindName(n))
		return nil
	}
	out := make(map[string]*yaml.Node, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := k.Value
		switch {
		case !contains(known, key):
			d.errorf(k, l.at(key), "unknown key (known keys: %s)", strings.Join(known, ", "))
		case out[key] != nil:
			d.errorf(k, l.at(key), "key repeated")
		default:
			out[key] = v
		}
	}
	return out
}

// keys returns a mapping's keys and values in file order, for maps whose keys
// are names (backends, headers).
func (d *decoder) pairs(n *yaml.Node, l loc) (keys []*yaml.Node, vals []*yaml.Node) {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		d.errorf(n, l, "must be a mapping, not %s", kindName(n))
		return nil, nil
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if seen[k.Value] {
			d.errorf(k, l.at(k.Value), "key repeated")
			continue
		}
		seen[k.Value] = true
		keys = append(keys, k)
		vals = append(vals, n.Content[i+1])
	}
	return keys, vals
}

func (d *decoder) scalar(n *yaml.Node, l loc, what string) (string, bool) {
	n = deref(n)
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		d.errorf(n, l, "must be %s, not %s", what, kindName(n))
		return "", false
	}
	return n.Value, true
}

func (d *decoder) str(n *yaml.Node, l loc) string {
	s, ok := d.scalar(n, l, "a string")
	if ok && s == "" {
		d.errorf(n, l, "must not be empty")
	}
	return s
}

func (d *decoder) boolean(n *yaml.Node, l loc) bool {
	s, ok := d.scalar(n, l, "true or false")
	if !ok {
		return false
	}
	var b bool
	if err := n.Decode(&b); err != nil || n.Tag != "!!bool" {
		d.errorf(n, l, "must be true or false, not %q", s)
	}
	return b
}

func (d *decoder) integer(n *yaml.Node, l loc, min, max int64) int64 {
	s, ok := d.scalar(n, l, "a whole number")
	if !ok {
		return 0
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		d.errorf(n, l, "must be a whole number, not %q", s)
		return 0
	}
	if v < min || v > max {
		d.errorf(n, l, "%d is out of range %d..%d", v, min, max)
	}
	return v
}

func (d *decoder) duration(n *yaml.Node, l loc) time.Duration {
	s, ok := d.scalar(n, l, "a duration")
	if !ok {
		return 0
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		d.errorf(n, l, "%q is not a duration (use e.g. 500ms, 5s, 10m, 24h)", s)
		return 0
	}
	if v <= 0 {
		d.errorf(n, l, "must be greater than zero")
	}
	return v
}

func (d *decoder) list(n *yaml.Node, l loc) []*yaml.Node {
	n = deref(n)
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, l, "must be a list, not %s", kindName(n))
		return nil
	}
	return n.Content
}

func (d *decoder) strList(n *yaml.Node, l loc) []string {
	var out []string
	for i, item := range d.list(n, l) {
		out = append(out, d.str(item, l.at(fmt.Sprintf("[%d]", i))))
	}
	return out
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	if n.Tag == "!!null" {
		return "empty"
	}
	return fmt.Sprintf("%q", n.Value)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// deref follows YAML aliases (*name) to the anchored node.
func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}
