package routes

import (
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// checkReachable reports a route that an earlier route takes every request
// from. Envoy picks the first match, so such a route silently never serves;
// the usual cause is a broad prefix (/rest) placed above a narrow one
// (/rest/V1/products). Earlier routes are indexed by the path they match, so
// a 10,000-route file is checked in linear time rather than by comparing
// every pair.
func (d *decoder) checkReachable(items []*yaml.Node, rs []*Route) {
	idx := matchIndex{prefix: map[string][]*Route{}, exact: map[string][]*Route{}}
	for j, b := range rs {
		if a := idx.firstCovering(b); a != nil {
			n := deref(items[j])
			if m := mappingValue(n, "match"); m != nil {
				n = m
			}
			d.errorf(n, loc{route: j, name: b.Name, field: "match"},
				"unreachable: routes[%d] %q (%s) above it matches every request this route matches; move this route above it or narrow that one",
				a.Index, a.Name, a.Match.Describe())
		}
		idx.add(b)
	}
}

// matchIndex holds the routes seen so far by what their path match is.
type matchIndex struct {
	prefix map[string][]*Route // by Match.Prefix
	exact  map[string][]*Route // by Match.Path
	regex  []*Route            // regexes can only be tried one by one
}

func (x *matchIndex) add(r *Route) {
	switch {
	case r.Match.Prefix != "":
		x.prefix[r.Match.Prefix] = append(x.prefix[r.Match.Prefix], r)
	case r.Match.Path != "":
		x.exact[r.Match.Path] = append(x.exact[r.Match.Path], r)
	case r.Match.Regex != "":
		x.regex = append(x.regex, r)
	}
}

// firstCovering returns the earliest indexed route that covers b: only
// routes whose prefix is a prefix of b's path, whose exact path equals it,
// or that match by regex can.
func (x *matchIndex) firstCovering(b *Route) *Route {
	var first *Route
	try := func(cands []*Route) {
		for _, a := range cands {
			if (first == nil || a.Index < first.Index) && covers(a.Match, b.Match) {
				first = a
			}
		}
	}
	p := b.Match.Prefix + b.Match.Path // one of them is set for a path-based match
	for i := 1; i <= len(p); i++ {
		try(x.prefix[p[:i]])
	}
	try(x.exact[b.Match.Path])
	try(x.regex)
	return first
}

// covers reports whether every request b matches is also matched by a.
func covers(a, b Match) bool {
	return coversPath(a, b) && coversMethods(a.Methods, b.Methods) &&
		coversHeaders(a.Headers, b.Headers) && (a.Host == "" || a.Host == b.Host)
}

func coversPath(a, b Match) bool {
	switch {
	case a.Prefix != "":
		return (b.Prefix != "" && strings.HasPrefix(b.Prefix, a.Prefix)) ||
			(b.Path != "" && strings.HasPrefix(b.Path, a.Prefix))
	case a.Path != "":
		return b.Path == a.Path
	case a.Regex != "":
		if b.Regex == a.Regex {
			return true
		}
		// Envoy's safe_regex must match the whole path.
		re, err := regexp.Compile(`^(?:` + a.Regex + `)$`)
		return err == nil && b.Path != "" && re.MatchString(b.Path)
	}
	return false
}

func coversMethods(a, b []string) bool {
	if len(a) == 0 {
		return true
	}
	if len(b) == 0 {
		return false
	}
	for _, m := range b {
		if !contains(a, m) {
			return false
		}
	}
	return true
}

func coversHeaders(a, b []HeaderMatch) bool {
	for _, ha := range a {
		found := false
		for _, hb := range b {
			if strings.EqualFold(ha.Name, hb.Name) && ha.Value == hb.Value {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// Describe renders a match the way a reviewer reads it: "prefix /rest GET,HEAD".
func (m Match) Describe() string {
	var parts []string
	switch {
	case m.Prefix != "":
		parts = append(parts, "prefix "+m.Prefix)
	case m.Path != "":
		parts = append(parts, "path "+m.Path)
	case m.Regex != "":
		parts = append(parts, "regex "+m.Regex)
	}
	if len(m.Methods) > 0 {
		parts = append(parts, strings.Join(m.Methods, ","))
	}
	for _, h := range m.Headers {
		parts = append(parts, fmt.Sprintf("%s=%s", h.Name, h.Value))
	}
	if m.Host != "" {
		parts = append(parts, "host "+m.Host)
	}
	return strings.Join(parts, " ")
}
