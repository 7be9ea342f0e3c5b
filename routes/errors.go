package routes

import (
	"fmt"
	"sort"
	"strings"
)

// Error is one problem in a route file, placed at the YAML node that caused it.
type Error struct {
	File      string
	Line, Col int
	Route     int    // index in routes, or -1 when the problem is outside a route
	RouteName string // the route's name when known
	Field     string // path of the field inside the route (or from the top when Route is -1)
	Msg       string
}

// Error renders FILE:LINE:COL: routes[2] "product-api": field: message.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d:%d: ", e.File, e.Line, e.Col)
	if e.Route >= 0 {
		fmt.Fprintf(&b, "routes[%d]", e.Route)
		if e.RouteName != "" {
			fmt.Fprintf(&b, " %q", e.RouteName)
		}
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found in one file, in file order. The loader
// reports all of them at once so an engineer fixes a file in one pass.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

func (es Errors) sorted() Errors {
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].Line != es[j].Line {
			return es[i].Line < es[j].Line
		}
		return es[i].Col < es[j].Col
	})
	return es
}
