package cache

import (
	extprocv3 "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
)

// unkeyedForwarding are request headers from which origins (Magento via
// Laminas, Symfony, most frameworks) build absolute URLs instead of from
// Host. They are not in the key, so a request carrying them could get a
// page pointing elsewhere stored for everyone: cacheable requests reach the
// origin without them.
var unkeyedForwarding = []string{
	"x-forwarded-host", "x-forwarded-server", "x-forwarded-port", "x-host",
	"x-original-host", "x-original-url", "x-rewrite-url", "forwarded",
}

// conditional request headers: a fill must get the full response to store,
// not a 304 for one client's copy.
var withoutConditionals = append(append([]string{}, unkeyedForwarding...),
	"if-none-match", "if-modified-since", "if-match", "if-unmodified-since", "if-range")

// originMutation makes the request the origin sees match its key: the
// normalised path, the Accept-Encoding class, no unkeyed forwarding headers
// and, when the response is to be stored, no conditionals.
func originMutation(req *request, store bool) *extprocv3.HeaderMutation {
	m := &extprocv3.HeaderMutation{RemoveHeaders: unkeyedForwarding}
	if store {
		m.RemoveHeaders = withoutConditionals
	}
	if p := normalisePath(req.path); p != req.path {
		m.SetHeaders = append(m.SetHeaders, headerOption(":path", p))
	}
	switch class := encodingClass(req.acceptEncoding); {
	case class != "":
		m.SetHeaders = append(m.SetHeaders, headerOption("accept-encoding", class))
	case req.acceptEncoding != "":
		m.RemoveHeaders = append(m.RemoveHeaders[:len(m.RemoveHeaders):len(m.RemoveHeaders)], "accept-encoding")
	}
	return m
}
