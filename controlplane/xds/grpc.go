package xds

import (
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/keepalive"
)

// GRPCServerOptions are the gRPC server settings Envoy needs from an xDS
// server.
//
// Envoy's xDS cluster usually sets HTTP/2 connection_keepalive (a PING every
// 30s or so); gRPC's default policy answers PINGs more frequent than every 5
// minutes with GOAWAY "too_many_pings", cutting every Envoy off.
//
// Each xDS subscription is a stream that lives as long as the Envoy; without
// ADS that is one per type, all on one connection. The limit is stated here
// rather than left to grpc-go's default so a change there cannot leave
// subscriptions queued behind it.
func GRPCServerOptions() []grpc.ServerOption {
	return []grpc.ServerOption{
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{
			MinTime:             5 * time.Second,
			PermitWithoutStream: true,
		}),
		grpc.KeepaliveParams(keepalive.ServerParameters{
			// Our own PINGs find Envoys that vanished without closing the
			// connection, so they stop counting as connected.
			Time:    30 * time.Second,
			Timeout: 10 * time.Second,
		}),
		grpc.MaxConcurrentStreams(1_000_000),
	}
}
