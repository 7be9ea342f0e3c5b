package catalogue

import (
	"net/http"
	"net/url"
	"strings"
)

// Unscoped turns a store-scoped REST URL, /rest/<store>/V1/..., into the
// default-store one, /rest/V1/...: the catalogue has one store view, and
// Magento answers a store-scoped read with the same data. ok is false for
// any other URL, which is returned unchanged.
func Unscoped(u *url.URL) (out *url.URL, ok bool) {
	tail, scoped := storeTail(u.Path)
	if !scoped {
		return u, false
	}
	c := *u
	c.Path = "/rest/" + tail
	if u.RawPath != "" {
		if rawTail, ok := storeTail(u.RawPath); ok {
			c.RawPath = "/rest/" + rawTail
		} else {
			c.RawPath = ""
		}
	}
	return &c, true
}

// storeTail returns what follows /rest/<store>/ when it starts with V1.
func storeTail(p string) (string, bool) {
	rest, ok := strings.CutPrefix(p, "/rest/")
	if !ok {
		return "", false
	}
	store, tail, ok := strings.Cut(rest, "/")
	if !ok || store == "" || store == "V1" || (tail != "V1" && !strings.HasPrefix(tail, "V1/")) {
		return "", false
	}
	return tail, true
}

// Unscope is middleware that serves store-scoped REST paths as their
// default-store equivalents (see Unscoped).
func Unscope(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, ok := Unscoped(r.URL); ok {
			r2 := new(http.Request)
			*r2 = *r
			r2.URL = u
			r = r2
		}
		next.ServeHTTP(w, r)
	})
}

// ServedBy is middleware that names the side that answered in X-Served-By
// ("magento", "catalog"), so tests and shadow reports can tell them apart.
func ServedBy(name string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Served-By", name)
		next.ServeHTTP(w, r)
	})
}

// TreeParams reads GET /V1/categories' parameters: rootCategoryId (default
// the store's root, 2) and depth (default 0, the whole tree).
func TreeParams(q url.Values) (root, depth int, err error) {
	if root, err = IntParam(q.Get("rootCategoryId"), DefaultCategoryID); err != nil {
		return 0, 0, err
	}
	if depth, err = IntParam(q.Get("depth"), 0); err != nil {
		return 0, 0, err
	}
	return root, depth, nil
}

// RESTHeaders sets the headers Magento's REST API sends with JSON: both
// services keep this contract, so a shadow comparison shows real differences
// rather than these (no-store keeps REST answers out of shared caches).
func RESTHeaders(h http.Header) {
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-XSS-Protection", "1; mode=block")
}
