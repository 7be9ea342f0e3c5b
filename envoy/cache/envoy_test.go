package cache

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	procmodev3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/ext_proc/v3"
	extprocv3 "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

// envoy plays Envoy's ext_proc filter as the lead configures it for cached
// routes: request and response headers SEND, bodies NONE, trailers SKIP,
// allow_mode_override, failure_mode_allow, message_timeout (and
// max_message_timeout when set), the route named in gRPC initial metadata.
// It opens one Process stream per HTTP request and sends the messages Envoy
// sends, applies the answers the way Envoy does, and calls a real origin
// over HTTP when the request goes on.
type envoy struct {
	t           testing.TB
	client      extprocv3.ExternalProcessorClient
	origin      string // base URL
	route       string
	msgTimeout  time.Duration
	maxTimeout  time.Duration // max_message_timeout; 0 ignores overrides
	bufferLimit int           // Envoy's per-stream buffer limit
	web         *http.Client
}

// exchange is what the client got back, and how.
type exchange struct {
	status    int
	header    http.Header
	body      []byte
	origin    bool // the request reached the origin
	immediate bool // answered by an ImmediateResponse
	timedOut  bool // a message timed out and Envoy carried on without the processor
	took      time.Duration
	sentPath  string // :path as it reached the origin
	sentHdr   http.Header
}

func (x *exchange) cache() string { return x.header.Get("X-Cache") }

func newEnvoy(t testing.TB, conn *grpc.ClientConn, originURL, route string) *envoy {
	return &envoy{t: t, client: extprocv3.NewExternalProcessorClient(conn), origin: originURL, route: route,
		msgTimeout: 200 * time.Millisecond, bufferLimit: 1 << 20,
		web: &http.Client{Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 200},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// get sends method target with headers given as name, value pairs.
func (e *envoy) get(target string, kv ...string) *exchange { return e.do("GET", target, kv...) }

func (e *envoy) do(method, target string, kv ...string) *exchange {
	e.t.Helper()
	begin := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if e.route != "" {
		ctx = metadata.AppendToOutgoingContext(ctx, RouteMetadata, e.route)
	}
	reqHdr := []hv{{":method", method}, {":path", target}, {":authority", "shop.test"}, {":scheme", "https"}}
	for i := 0; i+1 < len(kv); i += 2 {
		reqHdr = append(reqHdr, hv{strings.ToLower(kv[i]), kv[i+1]})
	}
	s := e.open(ctx)
	defer s.close()
	x := &exchange{}
	defer func() { x.took = time.Since(begin) }()

	s.send(&extprocv3.ProcessingRequest{Request: &extprocv3.ProcessingRequest_RequestHeaders{
		RequestHeaders: &extprocv3.HttpHeaders{Headers: headerMap(reqHdr), EndOfStream: true}}})
	skipResponse := false
	switch a := s.next(e.msgTimeout, e.maxTimeout); {
	case a == nil:
		x.timedOut = true
	case a.GetImmediateResponse() != nil:
		immediateTo(x, a.GetImmediateResponse())
		return x
	case a.GetRequestHeaders() != nil:
		reqHdr = mutate(reqHdr, a.GetRequestHeaders().GetResponse().GetHeaderMutation())
		skipResponse = a.GetModeOverride().GetResponseHeaderMode() == procmodev3.ProcessingMode_SKIP
	default:
		e.t.Fatalf("answer to request_headers: %v", a)
	}

	status, respHdr, body := e.callOrigin(reqHdr, x)
	x.status = status
	if x.timedOut || skipResponse {
		x.header, x.body = toHeader(respHdr), body
		return x
	}
	s.send(&extprocv3.ProcessingRequest{Request: &extprocv3.ProcessingRequest_ResponseHeaders{
		ResponseHeaders: &extprocv3.HttpHeaders{Headers: headerMap(append([]hv{{":status", strconv.Itoa(status)}}, respHdr...)), EndOfStream: len(body) == 0}}})
	buffered := false
	switch a := s.next(e.msgTimeout, e.maxTimeout); {
	case a == nil:
		x.timedOut = true
	case a.GetImmediateResponse() != nil:
		immediateTo(x, a.GetImmediateResponse())
		x.origin = true
		return x
	case a.GetResponseHeaders() != nil:
		respHdr = mutate(respHdr, a.GetResponseHeaders().GetResponse().GetHeaderMutation())
		buffered = a.GetModeOverride().GetResponseBodyMode() == procmodev3.ProcessingMode_BUFFERED_PARTIAL
	default:
		e.t.Fatalf("answer to response_headers: %v", a)
	}
	if buffered && !x.timedOut && len(body) > 0 {
		chunk := body[:min(len(body), e.bufferLimit)]
		s.send(&extprocv3.ProcessingRequest{Request: &extprocv3.ProcessingRequest_ResponseBody{
			ResponseBody: &extprocv3.HttpBody{Body: chunk, EndOfStream: len(chunk) == len(body)}}})
		if a := s.next(e.msgTimeout, e.maxTimeout); a == nil {
			x.timedOut = true
		} else if a.GetResponseBody() == nil {
			e.t.Fatalf("answer to response_body: %v", a)
		}
	}
	x.header, x.body = toHeader(respHdr), body
	return x
}

func (e *envoy) callOrigin(reqHdr []hv, x *exchange) (int, []hv, []byte) {
	e.t.Helper()
	var method, path, authority string
	h := http.Header{}
	for _, p := range reqHdr {
		switch p.k {
		case ":method":
			method = p.v
		case ":path":
			path = p.v
		case ":authority":
			authority = p.v
		case ":scheme":
		default:
			h.Add(p.k, p.v)
		}
	}
	req, err := http.NewRequest(method, e.origin+path, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header, req.Host = h, authority
	resp, err := e.web.Do(req)
	if err != nil {
		e.t.Fatalf("origin: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatalf("origin body: %v", err)
	}
	x.origin, x.sentPath, x.sentHdr = true, path, h
	var out []hv
	for k, vs := range resp.Header {
		for _, v := range vs {
			out = append(out, hv{strings.ToLower(k), v})
		}
	}
	return resp.StatusCode, out, body
}

// procStream is one Process stream with Envoy's per-message timer.
type procStream struct {
	t       testing.TB
	s       grpc.BidiStreamingClient[extprocv3.ProcessingRequest, extprocv3.ProcessingResponse]
	cancel  context.CancelFunc
	answers chan *extprocv3.ProcessingResponse
	done    chan struct{}
}

func (e *envoy) open(ctx context.Context) *procStream {
	e.t.Helper()
	ctx, cancel := context.WithCancel(ctx)
	s, err := e.client.Process(ctx)
	if err != nil {
		cancel()
		e.t.Fatalf("Process: %v", err)
	}
	ps := &procStream{t: e.t, s: s, cancel: cancel, answers: make(chan *extprocv3.ProcessingResponse, 8), done: make(chan struct{})}
	go func() {
		defer close(ps.done)
		for {
			a, err := s.Recv()
			if err != nil {
				if !errors.Is(err, io.EOF) && ctx.Err() == nil {
					e.t.Errorf("Process stream: %v", err)
				}
				close(ps.answers)
				return
			}
			ps.answers <- a
		}
	}()
	return ps
}

func (ps *procStream) send(m *extprocv3.ProcessingRequest) {
	ps.t.Helper()
	if err := ps.s.Send(m); err != nil {
		ps.t.Fatalf("send: %v", err)
	}
}

// next waits for the answer to the last message as Envoy does: within the
// message timeout, restarted once by an override_message_timeout within
// max_message_timeout. nil means the timer ran out.
func (ps *procStream) next(timeout, maxTimeout time.Duration) *extprocv3.ProcessingResponse {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	extended := false
	for {
		select {
		case a, ok := <-ps.answers:
			if !ok {
				return nil
			}
			if d := a.GetOverrideMessageTimeout(); d != nil {
				if nd := d.AsDuration(); !extended && nd >= time.Millisecond && nd <= maxTimeout {
					extended = true
					timer.Reset(nd)
				}
				continue
			}
			return a
		case <-timer.C:
			ps.cancel() // Envoy resets the stream and, failure_mode_allow, carries on
			return nil
		}
	}
}

// close half-closes like Envoy at the end of a request and waits for the
// processor to end the stream, so the writes it makes after its last
// answer are done.
func (ps *procStream) close() {
	_ = ps.s.CloseSend()
	select {
	case <-ps.done:
	case <-time.After(5 * time.Second):
		ps.t.Errorf("processor did not end the stream")
	}
	ps.cancel()
}

type hv struct{ k, v string }

func headerMap(hs []hv) *corev3.HeaderMap {
	m := &corev3.HeaderMap{}
	for _, h := range hs {
		m.Headers = append(m.Headers, &corev3.HeaderValue{Key: h.k, RawValue: []byte(h.v)})
	}
	return m
}

// mutate applies a HeaderMutation as Envoy's ext_proc does: removals first
// (never pseudo-headers or host), then sets, replacing unless append.
func mutate(hs []hv, m *extprocv3.HeaderMutation) []hv {
	for _, r := range m.GetRemoveHeaders() {
		if strings.HasPrefix(r, ":") || r == "host" {
			continue
		}
		hs = without(hs, r)
	}
	for _, s := range m.GetSetHeaders() {
		k, v := strings.ToLower(s.GetHeader().GetKey()), string(s.GetHeader().GetRawValue())
		switch k {
		case ":method", ":authority", ":scheme", "host":
			continue // Envoy ignores these
		}
		if !s.GetAppend().GetValue() {
			hs = without(hs, k)
		}
		hs = append(hs, hv{k, v})
	}
	return hs
}

func without(hs []hv, k string) []hv {
	out := hs[:0:0]
	for _, h := range hs {
		if h.k != k {
			out = append(out, h)
		}
	}
	return out
}

func immediateTo(x *exchange, ir *extprocv3.ImmediateResponse) {
	x.immediate = true
	x.status = int(ir.GetStatus().GetCode())
	if x.status == 0 {
		x.status = 200
	}
	x.header = toHeader(mutate(nil, ir.GetHeaders()))
	x.body = bytes.Clone(ir.GetBody())
}

func toHeader(hs []hv) http.Header {
	h := http.Header{}
	for _, p := range hs {
		h.Add(p.k, p.v)
	}
	return h
}
