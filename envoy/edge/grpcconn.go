package edge

import (
	"context"
	"fmt"
	"net"
	"sync"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
)

// grpcConns are a cluster's gRPC client connections, one per :authority.
// Each dials through the cluster's load balancer, so a connection lands on a
// healthy host and a reconnect picks again, as Envoy's async gRPC client
// does over envoy_grpc.
type grpcConns struct {
	u     *upstream
	mu    sync.Mutex
	conns map[string]*grpc.ClientConn
}

func newGRPCConns(u *upstream) *grpcConns {
	return &grpcConns{u: u, conns: map[string]*grpc.ClientConn{}}
}

func (g *grpcConns) get(authority string) (*grpc.ClientConn, error) {
	if !g.u.spec.http2 {
		// Envoy's gRPC client needs an HTTP/2 cluster; over HTTP/1.1 every
		// call fails, and so does it here.
		return nil, fmt.Errorf("cluster %q is not explicitly HTTP/2, so gRPC cannot run over it", g.u.spec.name)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if c, ok := g.conns[authority]; ok {
		return c, nil
	}
	creds := insecure.NewCredentials()
	if g.u.spec.tls != nil {
		creds = credentials.NewTLS(g.u.spec.tls)
	}
	c, err := grpc.NewClient("passthrough:///"+g.u.spec.name,
		grpc.WithTransportCredentials(creds),
		grpc.WithAuthority(authority),
		grpc.WithContextDialer(g.dial),
	)
	if err != nil {
		return nil, fmt.Errorf("cluster %q: %w", g.u.spec.name, err)
	}
	g.conns[authority] = c
	return c, nil
}

func (g *grpcConns) dial(ctx context.Context, _ string) (net.Conn, error) {
	h := g.u.pick()
	if h == nil {
		return nil, fmt.Errorf("cluster %q: no healthy upstream", g.u.spec.name)
	}
	return g.u.dialer.DialContext(ctx, "tcp", h.addr)
}

func (g *grpcConns) close() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, c := range g.conns {
		_ = c.Close()
	}
	g.conns = map[string]*grpc.ClientConn{}
}
