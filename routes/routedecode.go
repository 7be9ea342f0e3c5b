package routes

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

var routeKeys = []string{"name", "match", "to", "percent", "sticky", "fallback", "preview", "legacy", "limits", "shadow", "rollout", "cache"}

func (d *decoder) decodeRoutes(n *yaml.Node, f *File) {
	items := d.list(n, loc{route: -1, field: "routes"})
	names := map[string]int{}
	for i, item := range items {
		r := d.decodeRoute(deref(item), i, f)
		if r.Name != "" {
			if first, dup := names[r.Name]; dup {
				d.errorf(item, loc{route: i, name: r.Name, field: "name"}, "duplicate route name (first used by routes[%d])", first)
			} else {
				names[r.Name] = i
			}
		}
		f.Routes = append(f.Routes, r)
	}
	d.checkReachable(items, f.Routes)
}

func (d *decoder) decodeRoute(n *yaml.Node, i int, f *File) *Route {
	r := &Route{Index: i, Pos: Pos{Line: n.Line, Col: n.Column}, Legacy: f.Legacy}
	l := loc{route: i}
	if n.Kind == yaml.MappingNode {
		if v := mappingValue(n, "name"); v != nil && v.Kind == yaml.ScalarNode {
			l.name = v.Value // so every error of this route carries its name
		}
	}
	fs := d.fields(n, l, routeKeys...)
	if fs == nil {
		return r
	}
	if v := fs["name"]; v == nil {
		d.errorf(n, l, "name is required")
	} else if r.Name = d.str(v, l.at("name")); r.Name != "" && !namePattern.MatchString(r.Name) {
		d.errorf(v, l.at("name"), "%s", nameRule)
	}
	if v := fs["match"]; v == nil {
		d.errorf(n, l, "match is required")
	} else {
		r.Match = d.decodeMatch(v, l.at("match"))
	}
	if v := fs["legacy"]; v != nil {
		r.Legacy = d.backendRef(v, l.at("legacy"), f)
	}
	if v := fs["to"]; v == nil {
		d.errorf(n, l, "to is required: the new backend taking over this route")
	} else if r.To = d.backendRef(v, l.at("to"), f); r.To != "" && r.To == r.Legacy {
		d.errorf(v, l.at("to"), "%q is this route's legacy backend too; to must name the new service", r.To)
	}
	if v := fs["percent"]; v != nil {
		r.Percent = d.percent(v, l.at("percent"))
	}
	if v := fs["sticky"]; v != nil {
		r.Sticky = d.decodeSticky(v, l.at("sticky"))
	}
	if v := fs["fallback"]; v != nil {
		if r.Fallback = d.boolean(v, l.at("fallback")); r.Fallback {
			d.checkFallbackMethods(v, l.at("fallback"), r.Match.Methods)
		}
	}
	if v := fs["preview"]; v != nil {
		r.Preview = &Preview{}
		pf := d.fields(v, l.at("preview"), "header")
		if hv := pf["header"]; hv != nil {
			r.Preview.Header = d.headerName(hv, l.at("preview.header"))
		} else if pf != nil {
			d.errorf(v, l.at("preview"), "header is required (e.g. {header: X-Strangler-Preview})")
		}
	}
	if v := fs["limits"]; v != nil {
		r.Limits = d.decodeLimits(v, l.at("limits"), r.Name)
		d.needRateLimit(v, l.at("limits"), f)
	}
	if v := fs["shadow"]; v != nil {
		r.Shadow = d.decodeShadow(v, l.at("shadow"), f, r)
	}
	if v := fs["cache"]; v != nil {
		r.Cache = d.decodeCache(v, l.at("cache"), f)
	}
	if v := fs["rollout"]; v != nil {
		r.Rollout = d.decodeRollout(v, l.at("rollout"), r)
	}
	return r
}

func mappingValue(n *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return deref(n.Content[i+1])
		}
	}
	return nil
}

func (d *decoder) decodeMatch(n *yaml.Node, l loc) Match {
	var m Match
	fs := d.fields(n, l, "prefix", "path", "regex", "methods", "headers", "host")
	if fs == nil {
		return m
	}
	set := 0
	if v := fs["prefix"]; v != nil {
		m.Prefix, set = d.urlPath(v, l.at("prefix")), set+1
	}
	if v := fs["path"]; v != nil {
		m.Path, set = d.urlPath(v, l.at("path")), set+1
	}
	if v := fs["regex"]; v != nil {
		set++
		if m.Regex = d.str(v, l.at("regex")); m.Regex != "" {
			if _, err := regexp.Compile(m.Regex); err != nil {
				d.errorf(v, l.at("regex"), "invalid RE2 regex: %v", err)
			}
		}
	}
	if set != 1 {
		d.errorf(n, l, "exactly one of prefix, path and regex is required (found %d)", set)
	}
	if v := fs["methods"]; v != nil {
		m.Methods = d.methods(v, l.at("methods"))
	}
	if v := fs["headers"]; v != nil {
		m.Headers = d.headers(v, l.at("headers"))
	}
	if v := fs["host"]; v != nil {
		if m.Host = strings.ToLower(d.str(v, l.at("host"))); m.Host != "" && !validDNSName(m.Host) {
			d.errorf(v, l.at("host"), "%q is not a host name", m.Host)
		}
	}
	return m
}

var knownMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
	http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace}

func (d *decoder) methods(n *yaml.Node, l loc) []string {
	var out []string
	for i, item := range d.list(n, l) {
		il := l.at("[" + itoa(i) + "]")
		m := d.str(item, il)
		switch {
		case m == "":
		case !contains(knownMethods, m):
			d.errorf(item, il, "unknown method %q (use upper case: %s)", m, strings.Join(knownMethods, ", "))
		case contains(out, m):
			d.errorf(item, il, "method %s listed twice", m)
		default:
			out = append(out, m)
		}
	}
	if n.Kind == yaml.SequenceNode && len(n.Content) == 0 {
		d.errorf(n, l, "an empty list matches nothing; leave methods out to match any method")
	}
	return out
}

// headerToken is RFC 9110's token: what a header name may be.
var headerToken = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")

func (d *decoder) headerName(n *yaml.Node, l loc) string {
	s := d.str(n, l)
	if s != "" && !headerToken.MatchString(s) {
		d.errorf(n, l, "%q is not a valid header name", s)
	}
	return s
}

func (d *decoder) headers(n *yaml.Node, l loc) []HeaderMatch {
	keys, vals := d.pairs(n, l)
	var out []HeaderMatch
	for i, k := range keys {
		kl := l.at(k.Value)
		name := d.headerName(k, kl)
		value, _ := d.scalar(vals[i], kl, "a string")
		out = append(out, HeaderMatch{Name: name, Value: value})
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out
}

var percentPattern = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)

// ParsePercent reads 0..100 with at most two decimals ("25", "0.5", "25%")
// into basis points, exactly: parsing as a float would turn 0.29 into 28
// basis points.
func ParsePercent(s string) (Percent, error) {
	s = strings.TrimSuffix(strings.TrimSpace(s), "%")
	if !percentPattern.MatchString(s) {
		return 0, fmt.Errorf("%q is not a number from 0 to 100", s)
	}
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 2 && strings.TrimRight(frac[2:], "0") != "" {
		return 0, fmt.Errorf("%s has more than 2 decimals", s)
	}
	frac = (frac + "00")[:2]
	w, err := strconv.ParseUint(whole, 10, 32)
	fr, _ := strconv.ParseUint(frac, 10, 32)
	if err != nil || w > 100 || (w == 100 && fr > 0) {
		return 0, fmt.Errorf("%s is out of range 0..100", s)
	}
	return Percent(w*100 + fr), nil
}

func (d *decoder) percent(n *yaml.Node, l loc) Percent {
	s, ok := d.scalar(n, l, "a number from 0 to 100")
	if !ok {
		return 0
	}
	p, err := ParsePercent(s)
	if err != nil {
		d.errorf(n, l, "%v", err)
	}
	return p
}

func (d *decoder) decodeSticky(n *yaml.Node, l loc) *Sticky {
	s := &Sticky{}
	fs := d.fields(n, l, "cookie", "header")
	if fs == nil {
		return s
	}
	if v := fs["cookie"]; v != nil {
		s.Cookie = d.headerName(v, l.at("cookie"))
	}
	if v := fs["header"]; v != nil {
		s.Header = d.headerName(v, l.at("header"))
	}
	if (fs["cookie"] == nil) == (fs["header"] == nil) {
		d.errorf(n, l, "exactly one of cookie and header is required")
	}
	return s
}

// safeForFallback are the methods a retry on legacy may repeat: a write that
// failed on the new service may still have had its effect there.
var safeForFallback = []string{http.MethodGet, http.MethodHead, http.MethodOptions}

func (d *decoder) checkFallbackMethods(n *yaml.Node, l loc, methods []string) {
	if len(methods) == 0 {
		d.errorf(n, l, "fallback retries on legacy, so match.methods must be limited to GET, HEAD, OPTIONS")
		return
	}
	for _, m := range methods {
		if !contains(safeForFallback, m) {
			d.errorf(n, l, "fallback retries on legacy, so it is not allowed with method %s (only GET, HEAD, OPTIONS)", m)
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
