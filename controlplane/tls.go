package controlplane

import (
	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	tlsv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/transport_sockets/tls/v3"
	matcher "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"
	"github.com/envoyproxy/go-control-plane/pkg/wellknown"

	"github.com/strangler-dev/strangler/routes"
)

// systemCABundle is Debian's and Alpine's bundle path, the one distroless and
// the official Envoy images carry.
const systemCABundle = "/etc/ssl/certs/ca-certificates.crt"

// upstreamTLS verifies the backend's certificate against the system CAs and
// against the name we dial. trusted_ca alone only checks the chain: any
// certificate from any public CA would pass, so the subject alt name must
// match the first endpoint's host too.
func upstreamTLS(b *routes.Backend) *core.TransportSocket {
	host := b.Endpoints[0]
	ctx := &tlsv3.UpstreamTlsContext{CommonTlsContext: &tlsv3.CommonTlsContext{
		ValidationContextType: &tlsv3.CommonTlsContext_ValidationContext{ValidationContext: &tlsv3.CertificateValidationContext{
			TrustedCa:                 &core.DataSource{Specifier: &core.DataSource_Filename{Filename: systemCABundle}},
			MatchTypedSubjectAltNames: []*tlsv3.SubjectAltNameMatcher{sanMatcher(host)},
		}},
	}}
	// SNI carries host names only (RFC 6066 section 3): an IP endpoint sends none.
	if !host.IsIP() {
		ctx.Sni = host.Host
	}
	return &core.TransportSocket{
		Name:       wellknown.TransportSocketTLS,
		ConfigType: &core.TransportSocket_TypedConfig{TypedConfig: typed(ctx)},
	}
}

func sanMatcher(a routes.Address) *tlsv3.SubjectAltNameMatcher {
	kind := tlsv3.SubjectAltNameMatcher_DNS
	if a.IsIP() {
		kind = tlsv3.SubjectAltNameMatcher_IP_ADDRESS
	}
	return &tlsv3.SubjectAltNameMatcher{
		SanType: kind,
		Matcher: &matcher.StringMatcher{MatchPattern: &matcher.StringMatcher_Exact{Exact: a.Host}},
	}
}
