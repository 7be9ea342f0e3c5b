package edge

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	matcher "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"
)

// headerMatcher is a compiled HeaderMatcher.
type headerMatcher struct {
	name    string // lower case; pseudo-headers keep their colon
	str     *stringMatcher
	present *bool
	invert  bool
}

func compileHeaderMatcher(h *route.HeaderMatcher) (*headerMatcher, error) {
	hm := &headerMatcher{name: strings.ToLower(h.GetName()), invert: h.GetInvertMatch()}
	switch spec := h.GetHeaderMatchSpecifier().(type) {
	case *route.HeaderMatcher_StringMatch:
		sm, err := compileStringMatcher(spec.StringMatch)
		if err != nil {
			return nil, fmt.Errorf("string_match: %w", err)
		}
		hm.str = sm
	case *route.HeaderMatcher_PresentMatch:
		p := spec.PresentMatch
		hm.present = &p
	default:
		return nil, errors.New("string_match or present_match is required")
	}
	return hm, nil
}

// matches: a header with several values is matched on its values joined by
// commas, as Envoy's HeaderUtility::matchHeaders does; an absent header
// fails a string match. invert_match flips the result of a string match
// (HeaderMatcher.invert_match: "This has no effect for the present match").
func (h *headerMatcher) matches(x *exchange) bool {
	value, ok := requestHeader(x, h.name)
	if h.present != nil {
		return ok == *h.present
	}
	return ok && h.str.matches(value) != h.invert || !ok && h.invert
}

// requestHeader reads a request header as Envoy's header map holds it, with
// the pseudo-headers HTTP/1.1 requests are given (Host is :authority).
func requestHeader(x *exchange, name string) (string, bool) {
	switch name {
	case ":method":
		return x.method, true
	case ":path":
		return x.path, true
	case ":authority", "host":
		return x.authority, x.authority != ""
	case ":scheme":
		return x.scheme, true
	}
	vs := x.header.Values(http.CanonicalHeaderKey(name))
	if len(vs) == 0 {
		return "", false
	}
	return strings.Join(vs, ","), true
}

type stringKind int

const (
	strExact stringKind = iota
	strPrefix
	strSuffix
	strContains
	strRegex
)

// stringMatcher is a compiled StringMatcher.
type stringMatcher struct {
	kind       stringKind
	value      string
	re         *regexp.Regexp
	ignoreCase bool
}

func compileStringMatcher(m *matcher.StringMatcher) (*stringMatcher, error) {
	sm := &stringMatcher{ignoreCase: m.GetIgnoreCase()}
	switch p := m.GetMatchPattern().(type) {
	case *matcher.StringMatcher_Exact:
		sm.kind, sm.value = strExact, p.Exact
	case *matcher.StringMatcher_Prefix:
		sm.kind, sm.value = strPrefix, p.Prefix
	case *matcher.StringMatcher_Suffix:
		sm.kind, sm.value = strSuffix, p.Suffix
	case *matcher.StringMatcher_Contains:
		sm.kind, sm.value = strContains, p.Contains
	case *matcher.StringMatcher_SafeRegex:
		re, err := fullMatchRegexp(p.SafeRegex.GetRegex())
		if err != nil {
			return nil, fmt.Errorf("safe_regex: %w", err)
		}
		sm.kind, sm.re = strRegex, re
	default:
		return nil, errors.New("match_pattern: exact, prefix, suffix, contains or safe_regex is required")
	}
	if sm.ignoreCase {
		sm.value = strings.ToLower(sm.value)
	}
	return sm, nil
}

// matches: ignore_case applies to every kind but safe_regex
// (StringMatcher.ignore_case: "This has no effect for the safe_regex match").
func (m *stringMatcher) matches(s string) bool {
	if m.kind == strRegex {
		return m.re.MatchString(s)
	}
	if m.ignoreCase {
		s = strings.ToLower(s)
	}
	switch m.kind {
	case strPrefix:
		return strings.HasPrefix(s, m.value)
	case strSuffix:
		return strings.HasSuffix(s, m.value)
	case strContains:
		return strings.Contains(s, m.value)
	}
	return s == m.value
}
