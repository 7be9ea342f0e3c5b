package cache

import (
	"context"
	"errors"
	"io"
	"time"

	extprocv3 "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

// RouteMetadata is the gRPC initial metadata key naming the route; Envoy
// sets it per route (ExtProcPerRoute.overrides.grpc_initial_metadata).
const RouteMetadata = "x-strangler-route"

// stream is the cache's state for one Process stream, that is one HTTP
// request: Envoy sends request_headers, then (unless told to skip them)
// response_headers and, when asked for, the buffered response body.
type stream struct {
	s    *Service
	t    *table
	rt   *route
	ctx  context.Context
	send func(*extprocv3.ProcessingResponse) error

	req      *request
	key, h   string
	bypass   bool
	store    bool      // the response may be stored
	fill     *fill     // the fill this stream leads, until it ends
	stale    *entry    // stands in if the origin fails
	pending  *pending  // a storable response waiting for its body
	start    time.Time // request_headers arrived
	deadline time.Time // Envoy stops waiting for the request_headers answer
	extended bool      // override_message_timeout sent
}

// Process serves one ext_proc stream.
func (s *Service) Process(srv grpc.BidiStreamingServer[extprocv3.ProcessingRequest, extprocv3.ProcessingResponse]) error {
	ctx := srv.Context()
	t := s.table.Load()
	st := &stream{s: s, t: t, rt: t.routes[routeName(ctx)], ctx: ctx, send: srv.Send}
	defer st.end()
	for {
		msg, err := srv.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		answer, after := st.handle(msg)
		if answer != nil {
			if err := srv.Send(answer); err != nil {
				return err
			}
		}
		if after != nil {
			after() // Redis writes, once Envoy has its answer
		}
	}
}

func routeName(ctx context.Context) string {
	if v := metadata.ValueFromIncomingContext(ctx, RouteMetadata); len(v) > 0 {
		return v[0]
	}
	return ""
}

// handle answers one message; after, if not nil, runs once the answer is
// sent.
func (st *stream) handle(msg *extprocv3.ProcessingRequest) (*extprocv3.ProcessingResponse, func()) {
	if msg.GetObservabilityMode() {
		return nil, nil // answers would be ignored
	}
	switch r := msg.GetRequest().(type) {
	case *extprocv3.ProcessingRequest_RequestHeaders:
		return st.onRequestHeaders(r.RequestHeaders), nil
	case *extprocv3.ProcessingRequest_ResponseHeaders:
		return st.onResponseHeaders(r.ResponseHeaders)
	case *extprocv3.ProcessingRequest_ResponseBody:
		return st.onResponseBody(r.ResponseBody)
	case *extprocv3.ProcessingRequest_RequestBody:
		return &extprocv3.ProcessingResponse{Response: &extprocv3.ProcessingResponse_RequestBody{RequestBody: &extprocv3.BodyResponse{}}}, nil
	case *extprocv3.ProcessingRequest_RequestTrailers:
		return &extprocv3.ProcessingResponse{Response: &extprocv3.ProcessingResponse_RequestTrailers{RequestTrailers: &extprocv3.TrailersResponse{}}}, nil
	case *extprocv3.ProcessingRequest_ResponseTrailers:
		return &extprocv3.ProcessingResponse{Response: &extprocv3.ProcessingResponse_ResponseTrailers{ResponseTrailers: &extprocv3.TrailersResponse{}}}, nil
	}
	return nil, nil
}

// callTimeout is the Redis deadline for a call made while Envoy waits on
// request_headers: the configured one, cut to what is left of the hold.
func (st *stream) callTimeout() time.Duration {
	return max(min(st.t.redisTimeout, time.Until(st.deadline)), time.Millisecond)
}

// waitEnd is when a request waiting on another's fill gives up: lock_wait
// after it arrived, and early enough to re-read Redis and answer before
// Envoy's timer runs out. It asks Envoy for more time first if the config
// allows (max_message_timeout).
func (st *stream) waitEnd() time.Time {
	if st.t.holdTimeout > 0 && !st.extended {
		st.extended = true
		if err := st.send(holdAnswer(st.t.holdTimeout)); err == nil {
			st.deadline = time.Now().Add(st.t.holdTimeout - holdMargin)
		}
	}
	return minTime(st.start.Add(st.t.lockWait), st.deadline.Add(-2*st.t.redisTimeout))
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
