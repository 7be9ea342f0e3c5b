package edge

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	envoytype "github.com/envoyproxy/go-control-plane/envoy/type/v3"
)

type pathKind int

const (
	pathPrefix pathKind = iota
	pathExact
	pathRegex
)

// routeMatcher is a compiled RouteMatch.
type routeMatcher struct {
	kind          pathKind
	value         string
	re            *regexp.Regexp
	caseSensitive bool
	headers       []*headerMatcher
	fraction      *fraction
}

func compileRouteMatch(m *route.RouteMatch) (*routeMatcher, error) {
	rm := &routeMatcher{caseSensitive: true}
	if v := m.GetCaseSensitive(); v != nil {
		rm.caseSensitive = v.GetValue()
	}
	switch ps := m.GetPathSpecifier().(type) {
	case *route.RouteMatch_Prefix:
		rm.kind, rm.value = pathPrefix, ps.Prefix
	case *route.RouteMatch_Path:
		rm.kind, rm.value = pathExact, ps.Path
	case *route.RouteMatch_SafeRegex:
		re, err := fullMatchRegexp(ps.SafeRegex.GetRegex())
		if err != nil {
			return nil, fmt.Errorf("safe_regex: %w", err)
		}
		rm.kind, rm.re = pathRegex, re
	default:
		return nil, errors.New("path_specifier: prefix, path or safe_regex is required")
	}
	if !rm.caseSensitive && rm.kind != pathRegex {
		rm.value = strings.ToLower(rm.value)
	}
	for i, h := range m.GetHeaders() {
		hm, err := compileHeaderMatcher(h)
		if err != nil {
			return nil, fmt.Errorf("headers[%d] (%s): %w", i, h.GetName(), err)
		}
		rm.headers = append(rm.headers, hm)
	}
	if rf := m.GetRuntimeFraction(); rf != nil {
		f, err := compileFraction(rf)
		if err != nil {
			return nil, fmt.Errorf("runtime_fraction: %w", err)
		}
		rm.fraction = f
	}
	return rm, nil
}

// fullMatchRegexp compiles an RE2 pattern that must match the whole input:
// Envoy's safe_regex matchers never match a substring (RegexMatcher.regex:
// "The regex match string ... is matched against the full string").
func fullMatchRegexp(expr string) (*regexp.Regexp, error) {
	return regexp.Compile("^(?:" + expr + ")$")
}

// matches checks the path (without its query string: RouteMatch.prefix,
// path and safe_regex all look at the path portion of :path), then every
// header matcher (they are ANDed), then the runtime fraction.
func (m *routeMatcher) matches(x *exchange) bool {
	p := x.path
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	switch m.kind {
	case pathRegex:
		if !m.re.MatchString(p) {
			return false
		}
	case pathExact:
		if m.folded(p) != m.value {
			return false
		}
	default:
		if !strings.HasPrefix(m.folded(p), m.value) {
			return false
		}
	}
	for _, h := range m.headers {
		if !h.matches(x) {
			return false
		}
	}
	return m.fraction == nil || m.fraction.routeSample()
}

func (m *routeMatcher) folded(p string) string {
	if m.caseSensitive {
		return p
	}
	return strings.ToLower(p)
}

// fraction is a FractionalPercent (runtime keys are ignored: no runtime).
type fraction struct{ numerator, denominator uint64 }

func compileFraction(rf *core.RuntimeFractionalPercent) (*fraction, error) {
	dv := rf.GetDefaultValue()
	if dv == nil {
		return nil, errors.New("default_value is required")
	}
	den, ok := map[envoytype.FractionalPercent_DenominatorType]uint64{
		envoytype.FractionalPercent_HUNDRED:      100,
		envoytype.FractionalPercent_TEN_THOUSAND: 10000,
		envoytype.FractionalPercent_MILLION:      1000000,
	}[dv.GetDenominator()]
	if !ok {
		return nil, fmt.Errorf("default_value.denominator %s", dv.GetDenominator())
	}
	return &fraction{numerator: uint64(dv.GetNumerator()), denominator: den}, nil
}

// routeSample follows RouteMatch.runtime_fraction as documented: "a random
// number in the range [0,D) is selected. If the number is <= the value of
// the numerator N ... the router continues to evaluate the remaining match
// criteria". (Envoy's source, ProtobufPercentHelper::evaluateFractionalPercent,
// tests "<"; the documented "<=" admits one value more per D.)
func (f *fraction) routeSample() bool {
	return rand.Uint64N(f.denominator) <= f.numerator
}

// percentSample is "falls under the percentage" as Envoy evaluates it for a
// mirror's runtime_fraction (featureEnabled: random % D < N).
func (f *fraction) percentSample() bool {
	return rand.Uint64N(f.denominator) < f.numerator
}
