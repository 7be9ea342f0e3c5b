package edge

import (
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"testing"

	cluster "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	tlsv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/transport_sockets/tls/v3"
	matcher "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/anypb"
)

// TestUpstreamTLS: a cluster with an UpstreamTlsContext verifies the chain
// against trusted_ca and the subject alt name against its matcher; a
// certificate that does not match is a connection failure.
func TestUpstreamTLS(t *testing.T) {
	legacy := newBackend(t, "legacy")
	secure := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("secure")) }))
	t.Cleanup(secure.Close)
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: secure.Certificate().Raw})
	newer := &backend{Server: secure}
	for _, c := range []struct {
		san    string
		status int
		body   string
	}{{"127.0.0.1", http.StatusOK, "secure"}, {"10.9.9.9", http.StatusServiceUnavailable, ""}} {
		p := startDirectPlane(t, twoBackendFile(legacy, newer, `  - name: product-api
    match: {prefix: /rest/V1/products, methods: [GET]}
    to: catalog
    percent: 100
`))
		ctx, err := anypb.New(&tlsv3.UpstreamTlsContext{CommonTlsContext: &tlsv3.CommonTlsContext{
			ValidationContextType: &tlsv3.CommonTlsContext_ValidationContext{ValidationContext: &tlsv3.CertificateValidationContext{
				TrustedCa: &core.DataSource{Specifier: &core.DataSource_InlineBytes{InlineBytes: ca}},
				MatchTypedSubjectAltNames: []*tlsv3.SubjectAltNameMatcher{{SanType: tlsv3.SubjectAltNameMatcher_IP_ADDRESS,
					Matcher: &matcher.StringMatcher{MatchPattern: &matcher.StringMatcher_Exact{Exact: c.san}}}},
			}},
		}})
		require.NoError(t, err)
		for _, r := range p.res.Clusters {
			if cl := r.(*cluster.Cluster); cl.Name == "catalog" {
				cl.TransportSocket = &core.TransportSocket{Name: "envoy.transport_sockets.tls", ConfigType: &core.TransportSocket_TypedConfig{TypedConfig: ctx}}
			}
		}
		p.push(t)
		e := startEdge(t, p.addr, "edge-tls-"+c.san)
		status, body, _ := get(t, "http://"+e.Addr().String()+"/rest/V1/products/1", nil)
		assert.Equal(t, c.status, status, c.san)
		if c.body != "" {
			assert.Equal(t, c.body, body)
		}
	}
}
