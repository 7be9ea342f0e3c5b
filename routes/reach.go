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
// (/rest/V1/products).
func (d *decoder) checkReachable(items []*yaml.Node, rs []*Route) {
	for j, b := range rs {
		for _, a := range rs[:j] {
			if covers(a.Match, b.Match) {
				n := deref(items[j])
				if m := mappingValue(n, "match"); m != nil {
					n = m
				}
				d.errorf(n, loc{route: j, name: b.Name, field: "match"},
					"unreachable: routes[%d] %q (%s) above it matches every request this route matches; move this route above it or narrow that one",
					a.Index, a.Name, a.Match.Describe())
				break
			}
		}
	}
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
