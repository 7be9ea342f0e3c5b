// Package grpcserver holds the gRPC server settings of the services Envoy
// calls on every request (rate limit, cache): many short calls in flight.
package grpcserver

import (
	"runtime"

	"google.golang.org/grpc"
)

// Options are the settings those services were measured with. A fixed pool
// of stream workers serves each call on a goroutine whose stack has already
// grown, instead of a new goroutine per call that grows its stack again
// every time (a tenth of the CPU under load).
//
// The pool is sized by calls in flight, not by CPUs: a call holds its
// worker while it waits on Redis (or, for ext_proc, for Envoy's next
// message), so with one worker per CPU nearly every call under load found
// them all busy and got a fresh goroutine anyway. Idle workers cost only
// their (GC-shrunk) stacks; calls beyond the pool still run, on new
// goroutines.
func Options() []grpc.ServerOption {
	return []grpc.ServerOption{
		grpc.NumStreamWorkers(uint32(max(minStreamWorkers, 8*runtime.GOMAXPROCS(0)))),
		grpc.SharedWriteBuffer(true),
		grpc.InitialWindowSize(streamWindow), grpc.InitialConnWindowSize(connWindow),
	}
}

// Static flow-control windows turn off grpc-go's bandwidth-delay estimator,
// which otherwise PINGs the client over and over to size windows that
// messages of a few hundred bytes (rate limit requests, ext_proc headers)
// never fill: 12 % less CPU per call in the rate limit benchmark's hot-key
// case. The largest message Envoy sends the cache, a response body it
// buffered (at most its buffer limit, 1 MiB by default, as is the cache's
// max_body), fits one stream window; a larger one still arrives, the server
// widening the window for it (options_test.go).
const (
	streamWindow = 1 << 20
	connWindow   = 4 << 20
)

// minStreamWorkers covers Envoy's usual concurrency towards one service
// (the load benchmarks hold 32 calls in flight).
const minStreamWorkers = 64
