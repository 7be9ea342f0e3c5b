package edge

import (
	"errors"
	"fmt"
	"net"
	"strconv"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	listener "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	hcm "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	"github.com/envoyproxy/go-control-plane/pkg/wellknown"
)

// defaultBufferLimit is Envoy's per_connection_buffer_limit_bytes default
// (1 MiB): the most a request body is buffered for retries and mirrors, and
// the most a BUFFERED ext_proc body may hold.
const defaultBufferLimit = 1 << 20

// listenerSpec is one compiled Listener: where to listen and the HTTP
// connection manager that serves it.
type listenerSpec struct {
	name        string
	address     string // host:port
	bufferLimit int64
	hcm         *hcmSpec
}

// compileListener accepts exactly the listener shape strangler emits: a TCP
// socket address and one filter chain holding one HTTP connection manager.
func compileListener(l *listener.Listener) (*listenerSpec, error) {
	if err := checkSubset(l, "listener "+strconv.Quote(l.GetName())); err != nil {
		return nil, err
	}
	addr, err := socketAddress(l.GetAddress())
	if err != nil {
		return nil, fmt.Errorf("listener %q: address: %w", l.GetName(), err)
	}
	if len(l.GetFilterChains()) != 1 || len(l.GetFilterChains()[0].GetFilters()) != 1 {
		return nil, fmt.Errorf("listener %q: filter_chains: the stand-in serves exactly one filter chain with one network filter", l.GetName())
	}
	f := l.GetFilterChains()[0].GetFilters()[0]
	mgr := &hcm.HttpConnectionManager{}
	if err := f.GetTypedConfig().UnmarshalTo(mgr); err != nil {
		return nil, fmt.Errorf("listener %q: filter_chains[0].filters[0] (%s): only %s is supported: %w",
			l.GetName(), f.GetName(), wellknown.HTTPConnectionManager, err)
	}
	spec, err := compileHCM(mgr)
	if err != nil {
		return nil, fmt.Errorf("listener %q: filter_chains[0].filters[0]: %w", l.GetName(), err)
	}
	limit := int64(defaultBufferLimit)
	if v := l.GetPerConnectionBufferLimitBytes(); v != nil {
		limit = int64(v.GetValue())
	}
	return &listenerSpec{name: l.GetName(), address: addr, bufferLimit: limit, hcm: spec}, nil
}

// socketAddress reads a TCP socket address (named ports and UDP are not
// something strangler emits).
func socketAddress(a *core.Address) (string, error) {
	sa := a.GetSocketAddress()
	if sa == nil {
		return "", errors.New("socket_address is required")
	}
	if sa.GetProtocol() != core.SocketAddress_TCP {
		return "", fmt.Errorf("socket_address.protocol %s: only TCP", sa.GetProtocol())
	}
	if _, ok := sa.GetPortSpecifier().(*core.SocketAddress_PortValue); !ok {
		return "", errors.New("socket_address.port_value is required")
	}
	return net.JoinHostPort(sa.GetAddress(), strconv.FormatUint(uint64(sa.GetPortValue()), 10)), nil
}
