package shadow

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	extprocv3 "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

// captureServer is the ext_proc service Envoy streams the primary response
// to. The filter runs in observability mode, so Envoy ignores any answer and
// never waits for one: the server only reads.
type captureServer struct {
	extprocv3.UnimplementedExternalProcessorServer
	r *Receiver
}

// Process reads one request's stream: request_headers, response_headers,
// then response body chunks until end_of_stream (or the stream's end), and
// closes it.
func (s *captureServer) Process(srv grpc.BidiStreamingServer[extprocv3.ProcessingRequest, extprocv3.ProcessingResponse]) error {
	route := metadataValue(srv, routeHeader)
	maxBody := s.r.table.Load().cfg.MaxBody
	var (
		c       *capture
		started time.Time
		done    bool
	)
	for !done {
		msg, err := srv.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		switch m := msg.GetRequest().(type) {
		case *extprocv3.ProcessingRequest_RequestHeaders:
			started = time.Now()
			c = &capture{req: requestFromHeaders(m.RequestHeaders.GetHeaders())}
		case *extprocv3.ProcessingRequest_ResponseHeaders:
			if c == nil {
				continue
			}
			hdr := m.ResponseHeaders.GetHeaders()
			c.prim.resp = responseFromHeaders(hdr)
			c.prim.resp.Latency = time.Since(started)
			c.prim.side = c.prim.resp.Header.Get(sideHeader)
			c.prim.attempts, _ = strconv.Atoi(c.prim.resp.Header.Get(attemptsHeader))
			done = m.ResponseHeaders.GetEndOfStream()
		case *extprocv3.ProcessingRequest_ResponseBody:
			if c == nil || c.prim.resp == nil {
				continue
			}
			appendCapped(c.prim.resp, m.ResponseBody.GetBody(), maxBody)
			// Past the cap the outcome is known (too_large): stop Envoy
			// streaming the rest.
			done = m.ResponseBody.GetEndOfStream() || c.prim.resp.TooLarge
		}
	}
	// Trailers are skipped, so a body that ended without an end_of_stream
	// chunk ended with the stream.
	if c != nil && c.prim.resp != nil {
		s.finish(route, c)
	}
	// Returning closes the stream: in observability mode that tells Envoy
	// no more messages are needed, instead of it holding the stream open
	// until its deferred_close_timeout.
	return nil
}

func (s *captureServer) finish(route string, c *capture) {
	if s.r.known(route) {
		s.r.metrics.captures.WithLabelValues(route).Inc()
	}
	s.r.accept(c.req.ID, route, nil, c)
}

func appendCapped(r *response, chunk []byte, maxBody int64) {
	if r.TooLarge {
		return
	}
	if int64(len(r.Body)+len(chunk)) > maxBody {
		r.TooLarge, r.Body = true, nil
		return
	}
	r.Body = append(r.Body, chunk...)
}

func metadataValue(srv grpc.ServerStream, key string) string {
	md, _ := metadata.FromIncomingContext(srv.Context())
	if v := md.Get(key); len(v) > 0 {
		return v[0]
	}
	return ""
}

// headerValue reads a header as Envoy sends it: in raw_value (bytes) or, from
// older Envoys and other clients, in value.
func headerValue(h *corev3.HeaderValue) string {
	if raw := h.GetRawValue(); len(raw) > 0 {
		return string(raw)
	}
	return h.GetValue()
}

// requestFromHeaders splits the pseudo-headers from the request headers.
func requestFromHeaders(hm *corev3.HeaderMap) *request {
	r := &request{Header: http.Header{}}
	for _, h := range hm.GetHeaders() {
		k, v := strings.ToLower(h.GetKey()), headerValue(h)
		switch k {
		case ":method":
			r.Method = v
		case ":path":
			r.URI = v
		case ":authority":
			r.Host = v
		default:
			if !strings.HasPrefix(k, ":") {
				r.Header.Add(k, v)
			}
		}
	}
	r.ID = r.Header.Get(requestIDName)
	return r
}

func responseFromHeaders(hm *corev3.HeaderMap) *response {
	r := &response{Header: http.Header{}}
	for _, h := range hm.GetHeaders() {
		k, v := strings.ToLower(h.GetKey()), headerValue(h)
		if k == ":status" {
			r.Status, _ = strconv.Atoi(v)
			continue
		}
		if !strings.HasPrefix(k, ":") {
			r.Header.Add(k, v)
		}
	}
	return r
}
