package edge

import (
	"context"
	"net"
	"net/netip"
	"strconv"
	"time"

	cluster "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
)

// resolvedEndpoint is an endpoint with an IP address.
type resolvedEndpoint struct {
	addr         string // ip:port
	edsUnhealthy bool
}

func resolveStatic(eps []endpointSpec) []resolvedEndpoint {
	out := make([]resolvedEndpoint, 0, len(eps))
	for _, e := range eps {
		out = append(out, resolvedEndpoint{addr: e.address(), edsUnhealthy: e.edsUnhealthy})
	}
	return out
}

// resolveLoop is STRICT_DNS: every address each name resolves to is a host,
// re-resolved every dns_refresh_rate; a failed lookup keeps the hosts the
// last good answer gave (arch_overview/upstream/service_discovery#strict-dns).
func (u *upstream) resolveLoop() {
	for {
		if eps, ok := u.resolveOnce(); ok {
			u.setEndpoints(eps)
		} else {
			// The first attempt counts for warming even when it fails: the
			// cluster starts with no hosts, as Envoy's does.
			u.markDiscovered()
		}
		select {
		case <-u.ctx.Done():
			return
		case <-time.After(u.spec.dnsRefresh):
		}
	}
}

func (u *upstream) resolveOnce() ([]resolvedEndpoint, bool) {
	var out []resolvedEndpoint
	for _, e := range u.spec.endpoints {
		addrs, err := u.lookup(e.host)
		if err != nil {
			u.log.Warn("DNS resolution failed; keeping the previous hosts", "name", e.host, "error", err)
			return nil, false
		}
		for _, a := range addrs {
			out = append(out, resolvedEndpoint{
				addr: net.JoinHostPort(a.String(), strconv.FormatUint(uint64(e.port), 10)), edsUnhealthy: e.edsUnhealthy,
			})
		}
	}
	return out, true
}

func (u *upstream) lookup(name string) ([]netip.Addr, error) {
	if ip, err := netip.ParseAddr(name); err == nil {
		return []netip.Addr{ip}, nil
	}
	ctx, cancel := context.WithTimeout(u.ctx, 5*time.Second)
	defer cancel()
	all, err := net.DefaultResolver.LookupNetIP(ctx, "ip", name)
	if err != nil {
		return nil, err
	}
	return pickFamily(all, u.spec.dnsFamily), nil
}

// pickFamily applies Cluster.dns_lookup_family: V4_PREFERRED takes the v4
// answers when there are any, AUTO the v6 ones; ALL keeps both.
func pickFamily(all []netip.Addr, family cluster.Cluster_DnsLookupFamily) []netip.Addr {
	var v4, v6 []netip.Addr
	for _, a := range all {
		a = a.Unmap()
		if a.Is4() {
			v4 = append(v4, a)
		} else {
			v6 = append(v6, a)
		}
	}
	switch family {
	case cluster.Cluster_V4_ONLY:
		return v4
	case cluster.Cluster_V6_ONLY:
		return v6
	case cluster.Cluster_V4_PREFERRED:
		if len(v4) > 0 {
			return v4
		}
		return v6
	case cluster.Cluster_ALL:
		return append(v4, v6...)
	}
	if len(v6) > 0 { // AUTO
		return v6
	}
	return v4
}
