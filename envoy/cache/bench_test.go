package cache

import (
	"context"
	"errors"
	"fmt"
	"github.com/strangler-dev/strangler/internal/loadtest"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	extprocv3 "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
	"github.com/strangler-dev/strangler/internal/grpcserver"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"
)

// BenchmarkHit measures hits through real gRPC against a real
// redis-server: a ~20 KB page, closed loop, each call a whole Process
// stream as Envoy makes it (request_headers, ImmediateResponse, close).
// "local" is the default config (in-process copies of hot entries);
// "redis" turns them off, so every hit reads Redis.
// Run: go test -run XXX -bench Hit -benchtime=1x ./envoy/cache/
func BenchmarkHit(b *testing.B) {
	body := strings.Repeat("<div class=\"product\">Lorem ipsum dolor sit amet</div>\n", 400)[:20*1024]
	for _, client := range []string{"lean-client", "grpc-go-client"} {
		for _, callers := range []int{4, 16} {
			b.Run(fmt.Sprintf("%s/grpc-only/c=%d", client, callers), func(b *testing.B) {
				// The ceiling on this machine: a processor that answers every
				// stream with the same prebuilt 20 KB ImmediateResponse, no cache.
				ans := &extprocv3.ProcessingResponse{Response: &extprocv3.ProcessingResponse_ImmediateResponse{
					ImmediateResponse: &extprocv3.ImmediateResponse{Body: []byte(body)}}}
				srv := grpc.NewServer(grpcserver.Options()...)
				extprocv3.RegisterExternalProcessorServer(srv, fixedAnswer{a: ans})
				addr := loadtest.Serve(b, srv)
				self0 := loadtest.CPU("self")
				res := hitLoop(b, client, addr, callers, 2, loadtest.Duration(3*time.Second))
				b.ReportMetric(loadtest.CPUPerOp("self", self0, res.N), "go-cpu-us/hit")
				res.Report(b, "hits/s")
			})
		}
		for _, mode := range []string{"local", "redis"} {
			for _, callers := range []int{4, 16} {
				b.Run(fmt.Sprintf("%s/%s/c=%d", client, mode, callers), func(b *testing.B) {
					o := newOrigin(b, func(w http.ResponseWriter, r *http.Request) {
						w.Header().Set("Cache-Control", "public, s-maxage=3600")
						w.Header().Set("Content-Type", "text/html; charset=UTF-8")
						w.Header().Set("X-Magento-Tags", "cat_p_1,cat_c_2,cms_b_footer")
						_, _ = io.WriteString(w, body)
					})
					cfg := Config{Routes: map[string]Route{"pdp": pdp()}}
					if mode == "redis" {
						cfg.LocalCacheBytes = -1
					}
					r := startRig(b, cfg, nil, o)
					if !r.redis.Real() {
						b.Log("no redis-server: figures are against miniredis")
					}
					if x := r.envoy("pdp").get("/p.html"); x.cache() != "MISS" {
						b.Fatalf("warm-up: %+v", x)
					}
					redisPid := strconv.Itoa(r.redis.Pid())
					self0, redis0 := loadtest.CPU("self"), loadtest.CPU(redisPid)
					res := hitLoop(b, client, r.addr, callers, 2, loadtest.Duration(3*time.Second))
					// CPU per hit holds steady when other work shares the cores,
					// unlike hits/s; 1e6 / the sum is hits per fully used core.
					b.ReportMetric(loadtest.CPUPerOp("self", self0, res.N+res.other), "go-cpu-us/hit")
					b.ReportMetric(loadtest.CPUPerOp(redisPid, redis0, res.N+res.other), "redis-cpu-us/hit")
					res.Report(b, "hits/s")
					b.ReportMetric(float64(res.other), "not-hits")
					if got := r.counter("strangler_cache_requests_total", "result", "hit"); got < float64(res.N) {
						b.Fatalf("%v hits counted for %d calls", got, res.N)
					}
				})
			}
		}
	}
}

type loopResult struct {
	loadtest.Result     // the hits
	other           int // answers that were not hits
}

// hitLoop runs callers over conns HTTP/2 connections for d, each sending
// its next request when the last is answered. The client stands in for
// Envoy, whose C++ costs nothing on this service's CPU in production, so it
// spends as little as it can: the request is encoded once, and the answer
// is checked (an ImmediateResponse carrying the 20 KB page) without being
// decoded. The service side is the real one.
func hitLoop(b *testing.B, client, addr string, callers, conns int, d time.Duration) loopResult {
	if client == "lean-client" {
		return leanHitLoop(b, addr, callers, conns, d)
	}
	clients := make([]*grpc.ClientConn, conns)
	for i := range clients {
		// Envoy's HTTP/2 windows are large (256 MiB by default), so it
		// rarely sends WINDOW_UPDATEs: so does this client.
		cc, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()),
			grpc.WithInitialWindowSize(1<<24), grpc.WithInitialConnWindowSize(1<<26),
			grpc.WithDefaultCallOptions(grpc.ForceCodecV2(rawCodec{})))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = cc.Close() })
		clients[i] = cc
	}
	ctx := metadata.AppendToOutgoingContext(context.Background(), RouteMetadata, "pdp")
	req := hitRequest(b)
	var other atomic.Int64
	res := loadtest.ClosedLoop(b, callers, d, func(w, _ int) (bool, error) {
		hit, err := oneHit(ctx, clients[w%conns], req)
		if err == nil && !hit {
			other.Add(1)
		}
		return hit, err
	})
	return loopResult{Result: res, other: int(other.Load())}
}

// hitRequest is the request headers message of the page every hit loop
// asks for, encoded once.
func hitRequest(b *testing.B) []byte {
	req, err := proto.Marshal(&extprocv3.ProcessingRequest{Request: &extprocv3.ProcessingRequest_RequestHeaders{RequestHeaders: &extprocv3.HttpHeaders{
		EndOfStream: true, Headers: headerMap([]hv{{":method", "GET"}, {":path", "/p.html"}, {":authority", "shop.test"},
			{":scheme", "https"}, {"accept-encoding", "identity"}, {"user-agent", "bench"}, {"accept", "text/html"},
			{"cookie", "form_key=abc; mage-cache-sessid=true"}, {"x-forwarded-for", "10.0.0.1"}, {"x-request-id", "r"}})}}})
	if err != nil {
		b.Fatal(err)
	}
	return req
}

// leanHitLoop is hitLoop with loadtest's HTTP/2 client, which stands in
// for Envoy at a fraction of grpc-go's client CPU: each stream is the
// request headers out, the first answer back, the half-close Envoy sends
// after an immediate response, and the server's end of the stream.
func leanHitLoop(b *testing.B, addr string, callers, conns int, d time.Duration) loopResult {
	clients := loadtest.DialGRPCConns(b, addr, conns)
	method := loadtest.Method("/envoy.service.ext_proc.v3.ExternalProcessor/Process", RouteMetadata, "pdp")
	req := hitRequest(b)
	var other atomic.Int64
	res := loadtest.ClosedLoop(b, callers, d, func(w, _ int) (bool, error) {
		a, err := clients[w%conns].Exchange(method, req)
		if err != nil {
			return false, err
		}
		// Field 7 (immediate_response), length-delimited, page inside.
		if len(a) > 20*1024 && a[0] == 7<<3|2 {
			return true, nil
		}
		other.Add(1)
		return false, nil
	})
	return loopResult{Result: res, other: int(other.Load())}
}

var processDesc = &grpc.StreamDesc{StreamName: "Process", ServerStreams: true, ClientStreams: true}

// oneHit is one request's stream: headers out, the answer back, then the
// close Envoy makes. hit is false for any answer but the page (a Redis
// deadline missed on a busy machine passes the request on).
func oneHit(ctx context.Context, cc *grpc.ClientConn, req []byte) (hit bool, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s, err := cc.NewStream(ctx, processDesc, "/envoy.service.ext_proc.v3.ExternalProcessor/Process")
	if err != nil {
		return false, err
	}
	if err := s.SendMsg(&rawMsg{b: req}); err != nil {
		return false, err
	}
	var a rawMsg
	if err := s.RecvMsg(&a); err != nil {
		return false, err
	}
	// Field 7 (immediate_response), length-delimited, page inside.
	hit = a.n > 20*1024 && a.first == 7<<3|2
	if err := s.CloseSend(); err != nil {
		return false, err
	}
	if !hit {
		return false, nil // a pass: the stream would go on to response headers
	}
	if err := s.RecvMsg(&a); !errors.Is(err, io.EOF) {
		return false, fmt.Errorf("stream end: %v", err)
	}
	return true, nil
}

// rawMsg and rawCodec send an encoded message as it is, and of an answer
// keep only its length and first byte (the oneof field's tag).
type rawMsg struct {
	b     []byte
	n     int
	first byte
}

type rawCodec struct{}

func (rawCodec) Name() string { return "proto" }

func (rawCodec) Marshal(v any) (mem.BufferSlice, error) {
	return mem.BufferSlice{mem.SliceBuffer(v.(*rawMsg).b)}, nil
}

func (rawCodec) Unmarshal(data mem.BufferSlice, v any) error {
	m := v.(*rawMsg)
	m.n = data.Len()
	if m.n > 0 {
		m.first = data[0].ReadOnlyData()[0]
	}
	return nil
}

type fixedAnswer struct {
	extprocv3.UnimplementedExternalProcessorServer
	a *extprocv3.ProcessingResponse
}

func (f fixedAnswer) Process(s grpc.BidiStreamingServer[extprocv3.ProcessingRequest, extprocv3.ProcessingResponse]) error {
	for {
		if _, err := s.Recv(); err != nil {
			return nil
		}
		if err := s.Send(f.a); err != nil {
			return err
		}
	}
}

// BenchmarkStampede sends rounds of 100 concurrent requests for a new key
// over two instances on one Redis, the origin taking 50ms, and reports the
// origin fetches per round (1 is perfect coalescing) and how long the
// round's slowest request took. Envoy's timeouts are the ones strangler's
// translation sets (controlplane.CacheMessageTimeout and
// CacheMaxMessageTimeout: 200ms, extendable to 5s while waiting on a fill).
func BenchmarkStampede(b *testing.B) {
	o := newOrigin(b, slowPage(50*time.Millisecond))
	cfg := Config{Routes: map[string]Route{"pdp": pdp()}, MessageTimeout: DefaultMessageTimeout, MaxMessageTimeout: 5 * time.Second}
	a, c := twoInstances(b, cfg, nil, o)
	ea, ec := a.envoy("pdp"), c.envoy("pdp")
	ea.msgTimeout, ec.msgTimeout = DefaultMessageTimeout, DefaultMessageTimeout
	ea.maxTimeout, ec.maxTimeout = cfg.MaxMessageTimeout, cfg.MaxMessageTimeout
	const rounds, n = 10, 100
	var slowest time.Duration
	b.ResetTimer()
	for i := range rounds {
		xs := stampede(b, n, fmt.Sprintf("/stampede-%d", i), ea, ec)
		for _, x := range xs {
			slowest = max(slowest, x.took)
			if x.status != 200 || x.timedOut {
				b.Fatalf("round %d: %+v", i, x)
			}
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(o.fetches.Load())/rounds, "origin-fetches/100-misses")
	b.ReportMetric(slowest.Seconds()*1000, "slowest-ms")
	b.ReportMetric(0, "ns/op")
}
