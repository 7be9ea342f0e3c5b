package controlplane

import (
	"fmt"
	"strings"

	"github.com/strangler-dev/strangler/routes"
)

// routeChanges lists removed routes (in old order), then added and changed
// ones in new file order.
func routeChanges(old, new *routes.File) []Change {
	before := map[string]*routes.Route{}
	for _, r := range old.Routes {
		before[r.Name] = r
	}
	after := map[string]bool{}
	for _, r := range new.Routes {
		after[r.Name] = true
	}
	var out []Change
	for _, r := range old.Routes {
		if !after[r.Name] {
			out = append(out, changef(ChangeRemoved, "route "+r.Name, "removed"))
		}
	}
	for _, r := range new.Routes {
		if a := before[r.Name]; a == nil {
			out = append(out, changef(ChangeAdded, "route "+r.Name, "added (%s)", routeSummary(r)))
		} else {
			out = append(out, routeFieldChanges(a, r)...)
		}
	}
	return out
}

// routeSummary: "prefix /rest/V1/orders -> orders 0%", plus the options set.
func routeSummary(r *routes.Route) string {
	parts := []string{fmt.Sprintf("%s -> %s %s", r.Match.Describe(), r.To, r.Percent)}
	if s := stickyText(r.Sticky); s != "" {
		parts = append(parts, s)
	}
	if r.Fallback {
		parts = append(parts, "fallback to "+r.Legacy)
	}
	if r.Preview != nil {
		parts = append(parts, "preview header "+r.Preview.Header)
	}
	return strings.Join(parts, ", ")
}

func routeFieldChanges(a, b *routes.Route) []Change {
	res := "route " + b.Name
	var out []Change
	add := func(format string, args ...any) { out = append(out, changef(ChangeChanged, res, format, args...)) }
	if x, y := a.Match.Describe(), b.Match.Describe(); x != y {
		add("match %s -> %s", x, y)
	}
	switch {
	case a.To != b.To:
		add("%s %s -> %s %s", a.To, a.Percent, b.To, b.Percent)
	case a.Percent != b.Percent:
		add("%s %s -> %s", b.To, a.Percent, b.Percent)
	}
	if a.Legacy != b.Legacy {
		add("legacy %s -> %s", a.Legacy, b.Legacy)
	}
	if x, y := stickyText(a.Sticky), stickyText(b.Sticky); x != y {
		add("%s", transition(x, y))
	}
	if a.Fallback != b.Fallback {
		add("fallback %s", map[bool]string{true: "added", false: "removed"}[b.Fallback])
	}
	if x, y := previewText(a.Preview), previewText(b.Preview); x != y {
		add("%s", transition(x, y))
	}
	return out
}

// transition words an optional setting: "sticky cookie PHPSESSID added",
// "... removed", or "sticky cookie A -> sticky header B".
func transition(x, y string) string {
	switch {
	case x == "":
		return y + " added"
	case y == "":
		return x + " removed"
	}
	return x + " -> " + y
}

func stickyText(s *routes.Sticky) string {
	switch {
	case s == nil:
		return ""
	case s.Cookie != "":
		return "sticky cookie " + s.Cookie
	}
	return "sticky header " + s.Header
}

func previewText(p *routes.Preview) string {
	if p == nil {
		return ""
	}
	return "preview header " + p.Header
}
