package edge

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/cespare/xxhash/v2"
	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
)

// hashMethod is one RouteAction.HashPolicy: a header or a cookie.
type hashMethod struct {
	header   string // lower case
	cookie   string
	terminal bool
}

func compileHashPolicies(ps []*route.RouteAction_HashPolicy) ([]hashMethod, error) {
	out := make([]hashMethod, 0, len(ps))
	for i, p := range ps {
		m := hashMethod{terminal: p.GetTerminal()}
		switch spec := p.GetPolicySpecifier().(type) {
		case *route.RouteAction_HashPolicy_Header_:
			m.header = strings.ToLower(spec.Header.GetHeaderName())
		case *route.RouteAction_HashPolicy_Cookie_:
			m.cookie = spec.Cookie.GetName()
		default:
			return nil, fmt.Errorf("[%d]: only header and cookie hash policies are supported", i)
		}
		if m.header == "" && m.cookie == "" {
			return nil, errors.New("a header or cookie name is required")
		}
		out = append(out, m)
	}
	return out, nil
}

// routeHash combines the policies as Envoy's HashPolicyImpl::generateHash
// does: each new hash is XORed into the previous one rotated left by one bit,
// and a terminal policy that produced a hash ends the walk. Values are
// hashed with xxHash64 (seed 0) as Envoy's HashUtil::xxHash64, so a user
// lands on the same side here as behind Envoy.
//
// A cookie policy without ttl never mints a cookie: no cookie, no hash
// (RouteAction.HashPolicy.Cookie.ttl: "If specified, a cookie with the TTL
// will be generated if the cookie is not present").
func routeHash(methods []hashMethod, x *exchange) (uint64, bool) {
	var hash uint64
	have := false
	for _, m := range methods {
		h, ok := m.evaluate(x)
		if ok {
			old := uint64(0)
			if have {
				old = hash<<1 | hash>>63
			}
			hash, have = old^h, true
		}
		if m.terminal && have {
			break
		}
	}
	return hash, have
}

func (m hashMethod) evaluate(x *exchange) (uint64, bool) {
	if m.cookie != "" {
		v := cookieValue(x, m.cookie)
		if v == "" {
			return 0, false
		}
		return xxhash.Sum64String(v), true
	}
	values := headerValues(x, m.header)
	if len(values) == 0 {
		return 0, false
	}
	// Envoy sorts a header's values so their order does not change the
	// hash, then hashes them as one stream.
	slices.Sort(values)
	return xxhash.Sum64String(strings.Join(values, "")), true
}

func headerValues(x *exchange, name string) []string {
	if strings.HasPrefix(name, ":") || name == "host" {
		if v, ok := requestHeader(x, name); ok {
			return []string{v}
		}
		return nil
	}
	return slices.Clone(x.header.Values(name))
}

// cookieValue finds a cookie in the Cookie headers the way Envoy's
// Http::Utility::parseCookieValue does: the first cookie of that name, its
// surrounding double quotes removed.
func cookieValue(x *exchange, name string) string {
	for _, line := range x.header.Values("Cookie") {
		for _, part := range strings.Split(line, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
			if !ok || k != name {
				continue
			}
			if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
				v = v[1 : len(v)-1]
			}
			return v
		}
	}
	return ""
}
