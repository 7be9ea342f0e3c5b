package edge

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/netip"
	"strings"
)

// prepareRequest does what Envoy's connection manager does to a request
// before any filter sees it (config_http_conn_man_headers): work out the
// trusted client address, append to X-Forwarded-For, mark the request
// internal or external, set X-Forwarded-Proto and the request id.
func prepareRequest(x *exchange, m *hcmSpec) {
	xff := forwardedFor(x.header)
	x.client, x.internal = trustedClient(x.peer.Addr(), xff, m)
	if m.useRemoteAddress && !m.skipXFFAppend && x.peer.IsValid() {
		appendXFF(x.header, x.peer.Addr().String())
	}
	if x.internal {
		x.header.Set("X-Envoy-Internal", "true")
	} else {
		x.header.Del("X-Envoy-Internal")
		if m.useRemoteAddress && x.client.IsValid() {
			x.header.Set("X-Envoy-External-Address", x.client.String())
		}
	}
	// X-Forwarded-Proto is the scheme of the connection Envoy terminated,
	// unless trusted proxies in front already said (xff_num_trusted_hops).
	if m.useRemoteAddress && m.xffTrustedHops == 0 || x.header.Get("X-Forwarded-Proto") == "" {
		x.header.Set("X-Forwarded-Proto", x.scheme)
	}
	// x-request-id: generated for every external request (the header is
	// sanitized) and for internal ones that lack it, unless
	// preserve_external_request_id keeps what the client sent.
	if m.generateRequestID {
		if x.header.Get("X-Request-Id") == "" || !x.internal && !m.preserveExternalRequestID {
			x.header.Set("X-Request-Id", newRequestID())
		}
	}
}

// trustedClient follows the x-forwarded-for rules, read before anything is
// appended: with use_remote_address the client is the peer, or the Nth
// address from the right of XFF with xff_num_trusted_hops N (the peer again
// when XFF is shorter); without it, the (N+1)th from the right. With
// use_remote_address a request is internal iff it has no XFF and comes from
// an internal (RFC 1918, RFC 4193 or loopback) address; without it, iff XFF
// holds at most one address and the client is internal (the doc's examples
// 5 and 6).
func trustedClient(peer netip.Addr, xff []string, m *hcmSpec) (netip.Addr, bool) {
	n := int(m.xffTrustedHops)
	if m.useRemoteAddress {
		client := peer
		if n > 0 && len(xff) >= n {
			if a, err := netip.ParseAddr(xff[len(xff)-n]); err == nil {
				client = a
			}
		}
		return client, len(xff) == 0 && internalAddr(peer)
	}
	client := peer
	if len(xff) >= n+1 {
		if a, err := netip.ParseAddr(xff[len(xff)-n-1]); err == nil {
			client = a
		}
	}
	return client, len(xff) <= 1 && internalAddr(client)
}

func internalAddr(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsPrivate() || a.IsLoopback()
}

func forwardedFor(h http.Header) []string {
	var out []string
	for _, line := range h.Values("X-Forwarded-For") {
		for _, part := range strings.Split(line, ",") {
			if p := strings.TrimSpace(part); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

func appendXFF(h http.Header, addr string) {
	if prior := h.Values("X-Forwarded-For"); len(prior) > 0 {
		h.Set("X-Forwarded-For", strings.Join(prior, ", ")+", "+addr)
		return
	}
	h.Set("X-Forwarded-For", addr)
}

// newRequestID is a random (version 4) UUID, as Envoy's default request id
// extension generates.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}
