package controlplane

import (
	"regexp"
	"strings"

	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	matcher "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"

	"github.com/strangler-dev/strangler/routes"
)

// routeMatch translates a route file match. The host is matched here, per
// route, on :authority, rather than by giving each host its own virtual
// host: Envoy picks the virtual host first and only then walks its routes, so
// per-host virtual hosts would regroup routes by host and a route listed
// earlier for any host could lose to a later host-specific one. With one
// virtual host, file order stays the match order across hosts.
func routeMatch(m routes.Match) *route.RouteMatch {
	rm := &route.RouteMatch{Headers: headerMatchers(m)}
	switch {
	case m.Path != "":
		rm.PathSpecifier = &route.RouteMatch_Path{Path: m.Path}
	case m.Regex != "":
		rm.PathSpecifier = &route.RouteMatch_SafeRegex{SafeRegex: regexMatcher(m.Regex)}
	default:
		rm.PathSpecifier = &route.RouteMatch_Prefix{Prefix: m.Prefix}
	}
	return rm
}

// headerMatchers: methods, then host, then the file's headers (already sorted
// by name), so the output does not depend on map order anywhere.
func headerMatchers(m routes.Match) []*route.HeaderMatcher {
	var hs []*route.HeaderMatcher
	if len(m.Methods) > 0 {
		hs = append(hs, regexHeader(":method", methodsRegex(m.Methods)))
	}
	if m.Host != "" {
		hs = append(hs, regexHeader(":authority", hostRegex(m.Host)))
	}
	for _, h := range m.Headers {
		hs = append(hs, exactHeader(h.Name, h.Value))
	}
	return hs
}

// methodsRegex is one matcher for all methods: Envoy ANDs header matchers,
// so a list of exact :method matchers could never match.
func methodsRegex(methods []string) string {
	quoted := make([]string, len(methods))
	for i, m := range methods {
		quoted[i] = regexp.QuoteMeta(m)
	}
	return "^(" + strings.Join(quoted, "|") + ")$"
}

// hostRegex matches the host case-insensitively (DNS names are) with or
// without a port, since browsers send "shop.example.com:8443" on non-default
// ports.
func hostRegex(host string) string {
	return "(?i)^" + regexp.QuoteMeta(host) + "(:[0-9]+)?$"
}

func regexHeader(name, re string) *route.HeaderMatcher {
	return &route.HeaderMatcher{Name: name, HeaderMatchSpecifier: &route.HeaderMatcher_StringMatch{
		StringMatch: &matcher.StringMatcher{MatchPattern: &matcher.StringMatcher_SafeRegex{SafeRegex: regexMatcher(re)}},
	}}
}

func exactHeader(name, value string) *route.HeaderMatcher {
	return &route.HeaderMatcher{Name: name, HeaderMatchSpecifier: &route.HeaderMatcher_StringMatch{
		StringMatch: &matcher.StringMatcher{MatchPattern: &matcher.StringMatcher_Exact{Exact: value}},
	}}
}

// regexMatcher leaves the engine unset: Envoy's default is RE2, and the
// google_re2 field is deprecated.
func regexMatcher(re string) *matcher.RegexMatcher {
	return &matcher.RegexMatcher{Regex: re}
}
