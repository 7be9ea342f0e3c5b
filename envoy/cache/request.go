package cache

import (
	"strings"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
)

// request is what the cache reads from Envoy's request_headers message.
// Envoy lower-cases header names and puts values in raw_value.
type request struct {
	method, scheme, authority, path string
	forwardedProto                  string
	cookies                         []string // every cookie header line
	authorization                   bool
	acceptEncoding                  string
	ifNoneMatch                     string
	headers                         []*corev3.HeaderValue
}

func parseRequest(hm *corev3.HeaderMap) *request {
	r := &request{headers: hm.GetHeaders()}
	for _, h := range r.headers {
		switch h.GetKey() {
		case ":method":
			r.method = headerValue(h)
		case ":scheme":
			r.scheme = headerValue(h)
		case ":authority":
			r.authority = headerValue(h)
		case ":path":
			r.path = headerValue(h)
		case "x-forwarded-proto":
			r.forwardedProto = headerValue(h)
		case "cookie":
			r.cookies = append(r.cookies, headerValue(h))
		case "authorization":
			r.authorization = true
		case "accept-encoding":
			r.acceptEncoding = joinValue(r.acceptEncoding, headerValue(h))
		case "if-none-match":
			r.ifNoneMatch = joinValue(r.ifNoneMatch, headerValue(h))
		}
	}
	return r
}

// headerValue reads a value whichever field Envoy used (raw_value since
// Envoy 1.30, value before).
func headerValue(h *corev3.HeaderValue) string {
	if len(h.GetRawValue()) > 0 {
		return string(h.GetRawValue())
	}
	return h.GetValue()
}

func joinValue(a, b string) string {
	if a == "" {
		return b
	}
	return a + ", " + b
}

// header returns the values of a lower-case header name joined by ", ",
// and whether it is present at all.
func (r *request) header(name string) (string, bool) {
	var v string
	found := false
	for _, h := range r.headers {
		if h.GetKey() == name {
			v, found = joinValue(v, headerValue(h)), true
		}
	}
	return v, found
}

// cookie returns the first value of the named cookie.
func (r *request) cookie(name string) (string, bool) {
	for _, line := range r.cookies {
		for line != "" {
			var pair string
			pair, line, _ = strings.Cut(line, ";")
			k, v, _ := strings.Cut(strings.TrimSpace(pair), "=")
			if k == name {
				return v, true
			}
		}
	}
	return "", false
}

// bypassed reports whether the request carries one of the route's bypass
// keys with a non-empty value.
func (r *request) bypassed(rt *route) bool {
	for _, name := range rt.bypassCookies {
		if v, ok := r.cookie(name); ok && v != "" {
			return true
		}
	}
	for _, name := range rt.bypassHeaders {
		if v, ok := r.header(name); ok && v != "" {
			return true
		}
	}
	return false
}

// lookupMethod is the method an entry is stored under: only GET responses
// are stored, and HEAD is answered from them.
func (r *request) lookupMethod() string {
	if r.method == "HEAD" {
		return "GET"
	}
	return r.method
}

// effectiveScheme is the scheme the origin will believe: a TLS-offloading
// proxy in front of Envoy says it in X-Forwarded-Proto, which Magento
// reads, so it is part of the key (Magento's VCL hashes it too).
func (r *request) effectiveScheme() string {
	if r.forwardedProto != "" {
		return strings.ToLower(r.forwardedProto)
	}
	return r.scheme
}

// etagMatch is If-None-Match's weak comparison (RFC 9110 section 13.1.2).
func etagMatch(ifNoneMatch, etag string) bool {
	if ifNoneMatch == "" {
		return false
	}
	if strings.TrimSpace(ifNoneMatch) == "*" {
		return true
	}
	want := strings.TrimPrefix(strings.TrimSpace(etag), "W/")
	for t := range strings.SplitSeq(ifNoneMatch, ",") {
		if strings.TrimPrefix(strings.TrimSpace(t), "W/") == want {
			return true
		}
	}
	return false
}
