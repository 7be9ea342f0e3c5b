package routes

import (
	"net/http"
	"regexp"
	"strings"
	"sync"
)

// RouteFor returns the first route that matches a request, as Envoy's route
// table built from this file would pick it (preview entries aside); false
// means the catch-all, legacy. Tools that see requests outside Envoy (replay
// of access logs, reports) use it to name a request's route.
func (f *File) RouteFor(method, host, path string, header http.Header) (*Route, bool) {
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	for _, r := range f.Routes {
		if r.Match.matches(method, host, path, header) {
			return r, true
		}
	}
	return nil, false
}

func (m *Match) matches(method, host, path string, header http.Header) bool {
	switch {
	case m.Prefix != "" && !strings.HasPrefix(path, m.Prefix):
		return false
	case m.Path != "" && path != m.Path:
		return false
	case m.Regex != "" && !fullRegex(m.Regex).MatchString(path):
		return false
	case len(m.Methods) > 0 && !contains(m.Methods, method):
		return false
	}
	if m.Host != "" {
		h := strings.ToLower(host)
		if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.Contains(h[i:], "]") {
			h = h[:i]
		}
		if h != m.Host {
			return false
		}
	}
	for _, hm := range m.Headers {
		if header.Get(hm.Name) != hm.Value {
			return false
		}
	}
	return true
}

var regexCache sync.Map // string -> *regexp.Regexp

// fullRegex compiles a validated route regex anchored at both ends, as
// Envoy's safe_regex path match must match the whole path.
func fullRegex(expr string) *regexp.Regexp {
	if re, ok := regexCache.Load(expr); ok {
		return re.(*regexp.Regexp)
	}
	re := regexp.MustCompile(`^(?:` + expr + `)$`)
	regexCache.Store(expr, re)
	return re
}
