package edge

import (
	"net"
	"net/http"
	"time"
)

// newDialer honours connect_timeout and upstream_connection_options.tcp_keepalive.
func newDialer(spec *clusterSpec) *net.Dialer {
	d := &net.Dialer{Timeout: spec.connectTimeout}
	if ka := spec.keepalive; ka != nil {
		d.KeepAliveConfig = net.KeepAliveConfig{
			Enable:   true,
			Idle:     time.Duration(ka.GetKeepaliveTime().GetValue()) * time.Second,
			Interval: time.Duration(ka.GetKeepaliveInterval().GetValue()) * time.Second,
			Count:    int(ka.GetKeepaliveProbes().GetValue()),
		}
	}
	return d
}

// newTransport is the cluster's connection pool: HTTP/1.1, or HTTP/2 when
// the cluster asks for it explicitly (cleartext h2 without TLS, as Envoy
// speaks it to gRPC services). Nothing is rewritten on the way: no
// transparent gzip, no proxy from the environment.
func newTransport(spec *clusterSpec, d *net.Dialer) *http.Transport {
	t := &http.Transport{
		DialContext:         d.DialContext,
		TLSClientConfig:     spec.tls,
		DisableCompression:  true,
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     time.Hour, // Envoy's upstream idle_timeout default
	}
	if spec.http2 {
		t.Protocols = new(http.Protocols)
		if spec.tls != nil {
			t.Protocols.SetHTTP2(true)
		} else {
			t.Protocols.SetUnencryptedHTTP2(true)
		}
	}
	return t
}
