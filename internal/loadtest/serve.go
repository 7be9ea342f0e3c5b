package loadtest

import (
	"net"
	"testing"

	"google.golang.org/grpc"
)

// Serve serves srv on a loopback port until the test ends and returns its
// address.
func Serve(tb testing.TB, srv *grpc.Server) string {
	tb.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	go func() { _ = srv.Serve(lis) }()
	tb.Cleanup(srv.Stop)
	return lis.Addr().String()
}

// DialGRPCConns opens n lean connections to addr, closed when the test ends.
func DialGRPCConns(tb testing.TB, addr string, n int) []*GRPCConn {
	tb.Helper()
	out := make([]*GRPCConn, n)
	for i := range out {
		c, err := DialGRPC(addr)
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { _ = c.Close() })
		out[i] = c
	}
	return out
}
