package edge

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	endpoint "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
)

// endpointSpec is one LbEndpoint: a host and port (a DNS name for
// STRICT_DNS) and the health status EDS gave it.
type endpointSpec struct {
	host string
	port uint32
	// edsUnhealthy: LbEndpoint.health_status UNHEALTHY, DRAINING or TIMEOUT;
	// such a host takes no traffic whatever active checks say.
	edsUnhealthy bool
}

func (e endpointSpec) address() string {
	return netip.AddrPortFrom(netip.MustParseAddr(e.host), uint16(e.port)).String()
}

// compileLoadAssignment reads a ClusterLoadAssignment (EDS or inline).
// Priorities other than 0 are outside the subset: strangler puts fallback
// in an aggregate cluster, not in endpoint priorities.
func compileLoadAssignment(cla *endpoint.ClusterLoadAssignment, ipOnly bool) ([]endpointSpec, error) {
	var out []endpointSpec
	for i, loc := range cla.GetEndpoints() {
		if loc.GetPriority() != 0 {
			return nil, fmt.Errorf("endpoints[%d].priority %d: only priority 0 is supported", i, loc.GetPriority())
		}
		for j, lb := range loc.GetLbEndpoints() {
			e, err := compileLbEndpoint(lb, ipOnly)
			if err != nil {
				return nil, fmt.Errorf("endpoints[%d].lb_endpoints[%d]: %w", i, j, err)
			}
			out = append(out, e)
		}
	}
	return out, nil
}

func compileLbEndpoint(lb *endpoint.LbEndpoint, ipOnly bool) (endpointSpec, error) {
	ep := lb.GetEndpoint()
	if ep == nil {
		return endpointSpec{}, errors.New("endpoint is required (named endpoints are outside the subset)")
	}
	sa := ep.GetAddress().GetSocketAddress()
	if sa == nil || sa.GetProtocol() != core.SocketAddress_TCP {
		return endpointSpec{}, errors.New("endpoint.address: a TCP socket_address is required")
	}
	e := endpointSpec{host: sa.GetAddress(), port: sa.GetPortValue()}
	if _, err := netip.ParseAddr(e.host); err != nil && ipOnly {
		return endpointSpec{}, fmt.Errorf("endpoint.address %q: an IP address is required here", e.host)
	}
	switch lb.GetHealthStatus() {
	case core.HealthStatus_UNHEALTHY, core.HealthStatus_DRAINING, core.HealthStatus_TIMEOUT:
		e.edsUnhealthy = true
	}
	if e.port == 0 || e.port > 65535 {
		return endpointSpec{}, errors.New("endpoint.address.port_value " + strconv.Itoa(int(e.port)) + " is not a port")
	}
	return e, nil
}
