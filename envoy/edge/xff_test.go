package edge

import (
	"net/http"
	"net/netip"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestTrustedClientDocExamples replays the examples of Envoy's
// x-forwarded-for documentation (config_http_conn_man_headers).
func TestTrustedClientDocExamples(t *testing.T) {
	xff := []string{"203.0.113.128", "203.0.113.10", "203.0.113.1"}
	cases := []struct {
		name     string
		m        hcmSpec
		peer     string
		xff      []string
		client   string
		internal bool
	}{
		{"example 1: edge, no trusted proxy", hcmSpec{useRemoteAddress: true}, "192.0.2.5", xff, "192.0.2.5", false},
		{"example 2: internal behind the edge", hcmSpec{}, "10.11.12.13", append(xff, "192.0.2.5"), "192.0.2.5", false},
		{"example 3: edge, two trusted proxies", hcmSpec{useRemoteAddress: true, xffTrustedHops: 2}, "192.0.2.5", xff, "203.0.113.10", false},
		{"example 4: internal, two hops", hcmSpec{xffTrustedHops: 2}, "10.11.12.13", append(xff, "192.0.2.5"), "203.0.113.10", false},
		{"example 5: internal client", hcmSpec{}, "10.20.30.40", nil, "10.20.30.40", true},
		{"example 6: proxied internal client", hcmSpec{}, "10.20.30.50", []string{"10.20.30.40"}, "10.20.30.40", true},
		{"fewer XFF than trusted hops: the peer", hcmSpec{useRemoteAddress: true, xffTrustedHops: 5}, "192.0.2.5", xff, "192.0.2.5", false},
	}
	for _, c := range cases {
		client, internal := trustedClient(netip.MustParseAddr(c.peer), c.xff, &c.m)
		assert.Equal(t, c.client, client.String(), c.name)
		assert.Equal(t, c.internal, internal, c.name)
	}
}

var uuid4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// TestPrepareRequest: XFF gets the peer appended; an external request's
// x-request-id is replaced, an internal one's kept, a missing one made.
func TestPrepareRequest(t *testing.T) {
	m := &hcmSpec{useRemoteAddress: true, generateRequestID: true}
	ext := &exchange{peer: netip.MustParseAddrPort("192.0.2.5:4000"), scheme: "http",
		header: http.Header{"X-Forwarded-For": {"203.0.113.1"}, "X-Request-Id": {"client-chosen"}, "X-Envoy-Internal": {"true"}}}
	prepareRequest(ext, m)
	assert.Equal(t, "203.0.113.1, 192.0.2.5", ext.header.Get("X-Forwarded-For"))
	assert.Regexp(t, uuid4, ext.header.Get("X-Request-Id"))
	assert.Empty(t, ext.header.Get("X-Envoy-Internal"))
	assert.Equal(t, "192.0.2.5", ext.header.Get("X-Envoy-External-Address"))
	assert.Equal(t, "http", ext.header.Get("X-Forwarded-Proto"))

	in := &exchange{peer: netip.MustParseAddrPort("10.0.0.7:4000"), scheme: "http", header: http.Header{"X-Request-Id": {"kept"}}}
	prepareRequest(in, m)
	assert.Equal(t, "kept", in.header.Get("X-Request-Id"))
	assert.Equal(t, "true", in.header.Get("X-Envoy-Internal"))

	none := &exchange{peer: netip.MustParseAddrPort("10.0.0.7:4000"), scheme: "http", header: http.Header{}}
	prepareRequest(none, m)
	assert.Regexp(t, uuid4, none.header.Get("X-Request-Id"))
}
