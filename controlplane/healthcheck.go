package controlplane

import (
	"time"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/strangler-dev/strangler/routes"
)

// maxHealthCheckTimeout caps a probe: a health endpoint that needs more than
// a second is as good as down for routing purposes.
const maxHealthCheckTimeout = time.Second

// healthChecks: three failures to eject, two successes to return, so one slow
// probe does not flap a backend out of the pool.
func healthChecks(b *routes.Backend) []*core.HealthCheck {
	hc := b.HealthCheck
	if hc == nil {
		return nil
	}
	interval := hc.Interval
	if interval <= 0 {
		interval = routes.DefaultHealthCheckInterval
	}
	return []*core.HealthCheck{{
		Timeout:            durationpb.New(min(maxHealthCheckTimeout, interval)),
		Interval:           durationpb.New(interval),
		UnhealthyThreshold: wrapperspb.UInt32(3),
		HealthyThreshold:   wrapperspb.UInt32(2),
		HealthChecker: &core.HealthCheck_HttpHealthCheck_{HttpHealthCheck: &core.HealthCheck_HttpHealthCheck{
			Path: hc.Path,
			Host: probeHost(b),
		}},
	}}
}

// probeHost is the Host header of a probe. Envoy's default is the cluster
// name ("magento"), which a name-based virtual host (nginx server_name, TLS
// with SNI) answers with 404 or the wrong site; the DNS name we dial is what
// the backend expects. IP-only backends keep the default: there is no name.
func probeHost(b *routes.Backend) string {
	if first := b.Endpoints[0]; !first.IsIP() {
		return first.Host
	}
	return ""
}
