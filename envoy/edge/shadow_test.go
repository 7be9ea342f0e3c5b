package edge

import (
	"fmt"
	"net"
	"net/http"
	"sync"
	"testing"

	extprocsvc "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"github.com/strangler-dev/strangler/internal/portmux"
)

// shadowRecorder stands where strangler's shadow receiver would: the
// request mirror over HTTP/1.1 and the ext_proc capture over gRPC on one
// port. The capture reads nothing until released, so a request that got
// its response meanwhile proves observability mode never waits.
type shadowRecorder struct {
	extprocsvc.UnimplementedExternalProcessorServer
	addr    string
	release chan struct{}

	mu       sync.Mutex
	mirrors  []*http.Request
	captures []capture
}

type capture struct {
	route    string
	messages []*extprocsvc.ProcessingRequest
}

func startShadowRecorder(t *testing.T) *shadowRecorder {
	t.Helper()
	rec := &shadowRecorder{release: make(chan struct{})}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	rec.addr = lis.Addr().String()
	mux := portmux.New(lis)
	g := grpc.NewServer()
	extprocsvc.RegisterExternalProcessorServer(g, rec)
	web := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.mu.Lock()
		rec.mirrors = append(rec.mirrors, r.Clone(r.Context()))
		rec.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	})}
	go func() { _ = g.Serve(mux.GRPC()) }()
	go func() { _ = web.Serve(mux.HTTP()) }()
	t.Cleanup(func() { g.Stop(); _ = web.Close(); _ = mux.Close() })
	return rec
}

func (rec *shadowRecorder) Process(s extprocsvc.ExternalProcessor_ProcessServer) error {
	<-rec.release
	md, _ := metadata.FromIncomingContext(s.Context())
	c := capture{}
	if v := md.Get("x-strangler-route"); len(v) > 0 {
		c.route = v[0]
	}
	for {
		m, err := s.Recv()
		if err != nil {
			break
		}
		c.messages = append(c.messages, m)
	}
	rec.mu.Lock()
	rec.captures = append(rec.captures, c)
	rec.mu.Unlock()
	return nil
}

func (rec *shadowRecorder) snapshot() ([]*http.Request, []capture) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]*http.Request(nil), rec.mirrors...), append([]capture(nil), rec.captures...)
}

// TestShadowCaptureObservability runs the shadow translation end to end:
// the sampled route copy mirrors the request and enables the capture filter
// (disabled by default) whose ext_proc stream, in observability mode, gets
// the request headers, the response headers with the side marker, and the
// streamed body, while the client's response never waits for it.
func TestShadowCaptureObservability(t *testing.T) {
	legacy, newer := newBackend(t, "legacy"), newBackend(t, "new")
	rec := startShadowRecorder(t)
	r := startRig(t, fmt.Sprintf(`version: 1
listen: 127.0.0.1:10000
legacy: magento
shadow_service: {listen: 127.0.0.1:65001, address: %s}
backends:
  magento: {endpoints: [%s]}
  catalog: {endpoints: [%s]}
routes:
  - name: product-api
    match: {prefix: /rest/V1/products, methods: [GET]}
    to: catalog
    percent: 0
    shadow: {percent: 100}
`, rec.addr, legacy.hostPort(), newer.hostPort()))

	req, err := http.NewRequest(http.MethodGet, r.url+"/rest/V1/products/7?q=1", nil)
	require.NoError(t, err)
	req.Host = "shop.example.com"
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err, "the response must not wait for the capture stream")
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "legacy", resp.Header.Get("X-Strangler-Side"))
	close(rec.release)

	var mirrors []*http.Request
	var caps []capture
	waitFor(t, func() bool { mirrors, caps = rec.snapshot(); return len(mirrors) == 1 && len(caps) == 1 })
	m, c := mirrors[0], caps[0]
	assert.Equal(t, "shop.example.com", m.Host, "disable_shadow_host_suffix_append")
	assert.Equal(t, "product-api", m.Header.Get("X-Strangler-Route"))
	assert.Equal(t, "/rest/V1/products/7?q=1", m.RequestURI)

	assert.Equal(t, "product-api", c.route, "grpc_initial_metadata from the route's ExtProcPerRoute")
	require.GreaterOrEqual(t, len(c.messages), 3)
	rh := c.messages[0].GetRequestHeaders()
	require.NotNil(t, rh)
	assert.True(t, c.messages[0].GetObservabilityMode())
	assert.Equal(t, "/rest/V1/products/7?q=1", headerOf(rh.GetHeaders(), ":path"))
	assert.Equal(t, m.Header.Get("X-Request-Id"), headerOf(rh.GetHeaders(), "x-request-id"), "mirror and capture share the request id")
	resph := c.messages[1].GetResponseHeaders()
	require.NotNil(t, resph)
	assert.Equal(t, "200", headerOf(resph.GetHeaders(), ":status"))
	assert.Equal(t, "legacy", headerOf(resph.GetHeaders(), "x-strangler-side"))
	var body []byte
	for _, msg := range c.messages[2:] {
		b := msg.GetResponseBody()
		require.NotNil(t, b, "after the response headers only body chunks (STREAMED)")
		body = append(body, b.GetBody()...)
	}
	assert.Equal(t, "legacy", string(body))
	assert.True(t, c.messages[len(c.messages)-1].GetResponseBody().GetEndOfStream())
}
