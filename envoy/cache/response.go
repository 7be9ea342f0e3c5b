package cache

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
)

// response is what the cache reads from Envoy's response_headers message.
type response struct {
	status        int
	cc            directives
	setCookies    []string
	vary          []string // lower-case field names
	tags          []string // X-Magento-Tags, split on commas
	pool          string   // X-Pool
	age           time.Duration
	expires, date string
	contentLength int64 // -1 when absent
	kept          []hdr // the headers an entry keeps
}

type hdr struct{ name, value string }

// notKept are response headers an entry never keeps: hop-by-hop ones,
// what Envoy recomputes (content-length) or the cache sets (age, x-cache),
// per-user state (set-cookie) and the purge index (x-magento-tags, which
// Magento's VCL also strips on delivery).
var notKept = map[string]bool{
	"connection": true, "keep-alive": true, "proxy-connection": true, "transfer-encoding": true,
	"te": true, "trailer": true, "upgrade": true, "proxy-authenticate": true, "proxy-authorization": true,
	"set-cookie": true, "x-magento-tags": true, "age": true, "content-length": true, "x-cache": true,
}

func parseResponse(hm *corev3.HeaderMap) *response {
	r := &response{contentLength: -1}
	var cc []string
	for _, h := range hm.GetHeaders() {
		name, v := h.GetKey(), headerValue(h)
		switch name {
		case ":status":
			r.status, _ = strconv.Atoi(v)
		case "cache-control":
			cc = append(cc, v)
		case "set-cookie":
			r.setCookies = append(r.setCookies, v)
		case "vary":
			for f := range strings.SplitSeq(v, ",") {
				if f = strings.ToLower(strings.TrimSpace(f)); f != "" {
					r.vary = append(r.vary, f)
				}
			}
		case "x-magento-tags":
			for t := range strings.SplitSeq(v, ",") {
				if t = strings.TrimSpace(t); t != "" {
					r.tags = append(r.tags, t)
				}
			}
		case "x-pool":
			r.pool = strings.TrimSpace(v)
		case "age":
			if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil && n > 0 {
				r.age = time.Duration(min(n, int64(maxDelta/time.Second))) * time.Second
			}
		case "expires":
			r.expires = v
		case "date":
			r.date = v
		case "content-length":
			if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
				r.contentLength = n
			}
		}
		if !notKept[name] && !strings.HasPrefix(name, ":") && !strings.HasPrefix(name, "x-envoy-") {
			r.kept = append(r.kept, hdr{name, v})
		}
	}
	r.cc = parseCacheControl(cc)
	return r
}

// setsCookie reports whether a Set-Cookie line sets the named cookie.
func (r *response) setsCookie(name string) bool {
	for _, line := range r.setCookies {
		k, _, _ := strings.Cut(line, "=")
		if strings.TrimSpace(k) == name {
			return true
		}
	}
	return false
}

// expiresIn is Expires relative to Date (or to now without a usable Date),
// RFC 9111 section 4.2.1; ok is false when there is no usable Expires.
func (r *response) expiresIn(now time.Time) (time.Duration, bool) {
	if r.expires == "" {
		return 0, false
	}
	exp, err := http.ParseTime(r.expires)
	if err != nil {
		return 0, true // invalid Expires means already expired
	}
	base := now
	if d, err := http.ParseTime(r.date); err == nil {
		base = d
	}
	return exp.Sub(base), true
}
