package edge

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	tlsv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/transport_sockets/tls/v3"
)

// compileUpstreamTLS builds the client side of an UpstreamTlsContext. Envoy
// verifies exactly what the validation context asks for: the chain against
// trusted_ca when set, and a subject alt name against
// match_typed_subject_alt_names when set ("any of the matchers" may match);
// without a validation context it verifies nothing. crypto/tls's own
// verification (which always checks the name against ServerName) is
// therefore replaced by that logic, and sni only sets the SNI extension.
func compileUpstreamTLS(ts *core.TransportSocket) (*tls.Config, error) {
	ctx := &tlsv3.UpstreamTlsContext{}
	if err := ts.GetTypedConfig().UnmarshalTo(ctx); err != nil {
		return nil, fmt.Errorf("%s: only UpstreamTlsContext is supported: %w", ts.GetName(), err)
	}
	cfg := &tls.Config{ServerName: ctx.GetSni(), InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}
	vc := ctx.GetCommonTlsContext().GetValidationContext()
	if vc == nil {
		return cfg, nil
	}
	var roots *x509.CertPool
	if ca := vc.GetTrustedCa(); ca != nil {
		pem, err := dataSource(ca)
		if err != nil {
			return nil, fmt.Errorf("trusted_ca: %w", err)
		}
		roots = x509.NewCertPool()
		if !roots.AppendCertsFromPEM(pem) {
			return nil, errors.New("trusted_ca: no certificate found")
		}
	}
	matchers := make([]sanMatcher, 0, len(vc.GetMatchTypedSubjectAltNames()))
	for i, m := range vc.GetMatchTypedSubjectAltNames() {
		sm, err := compileStringMatcher(m.GetMatcher())
		if err != nil {
			return nil, fmt.Errorf("match_typed_subject_alt_names[%d]: %w", i, err)
		}
		matchers = append(matchers, sanMatcher{kind: m.GetSanType(), match: sm})
	}
	cfg.VerifyConnection = func(cs tls.ConnectionState) error {
		return verifyPeer(cs, roots, matchers)
	}
	return cfg, nil
}

type sanMatcher struct {
	kind  tlsv3.SubjectAltNameMatcher_SanType
	match *stringMatcher
}

func verifyPeer(cs tls.ConnectionState, roots *x509.CertPool, matchers []sanMatcher) error {
	if len(cs.PeerCertificates) == 0 {
		return errors.New("upstream sent no certificate")
	}
	leaf := cs.PeerCertificates[0]
	if roots != nil {
		inter := x509.NewCertPool()
		for _, c := range cs.PeerCertificates[1:] {
			inter.AddCert(c)
		}
		if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter}); err != nil {
			return fmt.Errorf("upstream certificate: %w", err)
		}
	}
	if len(matchers) == 0 {
		return nil
	}
	for _, m := range matchers {
		for _, san := range sans(leaf, m.kind) {
			if m.match.matches(san) {
				return nil
			}
		}
	}
	return errors.New("upstream certificate: no subject alt name matches")
}

func sans(c *x509.Certificate, kind tlsv3.SubjectAltNameMatcher_SanType) []string {
	var out []string
	switch kind {
	case tlsv3.SubjectAltNameMatcher_DNS:
		out = c.DNSNames
	case tlsv3.SubjectAltNameMatcher_EMAIL:
		out = c.EmailAddresses
	case tlsv3.SubjectAltNameMatcher_IP_ADDRESS:
		for _, ip := range c.IPAddresses {
			out = append(out, ip.String())
		}
	case tlsv3.SubjectAltNameMatcher_URI:
		for _, u := range c.URIs {
			out = append(out, u.String())
		}
	}
	return out
}

func dataSource(d *core.DataSource) ([]byte, error) {
	switch s := d.GetSpecifier().(type) {
	case *core.DataSource_Filename:
		return os.ReadFile(s.Filename)
	case *core.DataSource_InlineBytes:
		return s.InlineBytes, nil
	case *core.DataSource_InlineString:
		return []byte(s.InlineString), nil
	}
	return nil, errors.New("filename, inline_bytes or inline_string is required")
}
