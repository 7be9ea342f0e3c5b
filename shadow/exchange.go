package shadow

import (
	"net/http"
	"strings"
	"time"
)

// request is the user's request as the mirror carried it.
type request struct {
	ID       string
	Method   string
	URI      string // path and query, as sent
	Host     string
	Header   http.Header
	Body     []byte
	TooLarge bool // the body was over MaxBody and is not kept
}

// response is one side's answer: the primary one from the capture stream, or
// one the receiver fetched itself.
type response struct {
	Status   int
	Header   http.Header
	Body     []byte
	TooLarge bool
	Latency  time.Duration // request sent to response headers
}

// hopByHop are the RFC 9110 connection-specific headers, never forwarded.
var hopByHop = map[string]bool{
	"Connection": true, "Keep-Alive": true, "Proxy-Connection": true, "Proxy-Authenticate": true,
	"Proxy-Authorization": true, "Te": true, "Trailer": true, "Transfer-Encoding": true, "Upgrade": true,
}

// forwardHeader is what the receiver sends to a side: the user's headers
// without hop-by-hop ones (and those the Connection header names) and without
// strangler's own markers. Content-Length is recomputed from the body.
func forwardHeader(h http.Header) http.Header {
	out := make(http.Header, len(h))
	named := map[string]bool{}
	for _, v := range h.Values("Connection") {
		for _, name := range strings.Split(v, ",") {
			named[http.CanonicalHeaderKey(strings.TrimSpace(name))] = true
		}
	}
	for k, v := range h {
		ck := http.CanonicalHeaderKey(k)
		if hopByHop[ck] || named[ck] || ck == "Content-Length" || strings.HasPrefix(ck, "X-Strangler-") {
			continue
		}
		out[ck] = append(out[ck], v...)
	}
	return out
}

// comparableHeader drops what Envoy added to the primary response on its
// way to the user (the side marker, the attempt count, upstream timing), so
// that it compares with a response fetched directly from a side.
func comparableHeader(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, v := range h {
		ck := http.CanonicalHeaderKey(k)
		if strings.HasPrefix(ck, "X-Strangler-") || strings.HasPrefix(ck, "X-Envoy-") {
			continue
		}
		out[ck] = append(out[ck], v...)
	}
	return out
}

// sessionCookies are the cookies that tie a Magento request to a visitor's
// session or account.
var sessionCookies = map[string]bool{
	"PHPSESSID": true, "frontend": true, "admin": true, "persistent_shopping_cart": true,
}

// anonymous reports whether a request carries no session and no
// credentials, so calling legacy for it once more touches no visitor's state.
func anonymous(h http.Header) bool {
	if h.Get("Authorization") != "" {
		return false
	}
	for _, c := range (&http.Request{Header: h}).Cookies() {
		if sessionCookies[c.Name] {
			return false
		}
	}
	return true
}
