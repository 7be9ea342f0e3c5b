package loadtest

import (
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"

	extprocv3 "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"
)

// echoProcessor answers each message of a Process stream with an
// immediate response whose body is the request's metadata value "echo"
// repeated to 20 KB, and counts the streams it saw end cleanly.
type echoProcessor struct {
	extprocv3.UnimplementedExternalProcessorServer
	mu    sync.Mutex
	ended int
}

func (e *echoProcessor) Process(s grpc.BidiStreamingServer[extprocv3.ProcessingRequest, extprocv3.ProcessingResponse]) error {
	md, _ := metadata.FromIncomingContext(s.Context())
	body := strings.Repeat(strings.Join(md.Get("echo"), ""), 20*1024)
	for {
		if _, err := s.Recv(); err != nil {
			e.mu.Lock()
			e.ended++
			e.mu.Unlock()
			return nil
		}
		if err := s.Send(&extprocv3.ProcessingResponse{Response: &extprocv3.ProcessingResponse_ImmediateResponse{
			ImmediateResponse: &extprocv3.ImmediateResponse{Body: []byte(body)}}}); err != nil {
			return err
		}
	}
}

func startServer(t *testing.T) (string, *echoProcessor) {
	t.Helper()
	srv := grpc.NewServer()
	hs := health.NewServer()
	hs.SetServingStatus("up", healthpb.HealthCheckResponse_SERVING)
	healthpb.RegisterHealthServer(srv, hs)
	ep := &echoProcessor{}
	extprocv3.RegisterExternalProcessorServer(srv, ep)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(srv.Stop)
	return l.Addr().String(), ep
}

func TestGRPCConnUnary(t *testing.T) {
	addr, _ := startServer(t)
	c, err := DialGRPC(addr)
	require.NoError(t, err)
	defer c.Close()
	check := Method("/grpc.health.v1.Health/Check")

	req, _ := proto.Marshal(&healthpb.HealthCheckRequest{Service: "up"})
	reply, err := c.Unary(check, req)
	require.NoError(t, err)
	var resp healthpb.HealthCheckResponse
	require.NoError(t, proto.Unmarshal(reply, &resp))
	require.Equal(t, healthpb.HealthCheckResponse_SERVING, resp.GetStatus())

	// A gRPC error arrives as a trailers-only answer: its status and message.
	req, _ = proto.Marshal(&healthpb.HealthCheckRequest{Service: "down"})
	_, err = c.Unary(check, req)
	require.ErrorContains(t, err, "grpc-status 5")
	require.ErrorContains(t, err, "unknown service")

	_, err = c.Unary(Method("/no.Such/Method"), nil)
	require.ErrorContains(t, err, "grpc-status 12")
}

// Many overlapping exchanges on one connection: more request bytes than
// the server's initial connection window, 20 KB answers, each stream ended
// by the half-close as Envoy ends it.
func TestGRPCConnExchangeConcurrent(t *testing.T) {
	addr, ep := startServer(t)
	c, err := DialGRPC(addr)
	require.NoError(t, err)
	defer c.Close()
	m := Method("/envoy.service.ext_proc.v3.ExternalProcessor/Process", "echo", "ab")
	req, _ := proto.Marshal(&extprocv3.ProcessingRequest{Request: &extprocv3.ProcessingRequest_RequestHeaders{
		RequestHeaders: &extprocv3.HttpHeaders{EndOfStream: true}}})
	exchangeConcurrently(t, c, m, req, 32, 50, ep, func(reply []byte) error {
		var resp extprocv3.ProcessingResponse
		if err := proto.Unmarshal(reply, &resp); err != nil {
			return err
		}
		if got := string(resp.GetImmediateResponse().GetBody()); got != strings.Repeat("ab", 20*1024) {
			return fmt.Errorf("a %d-byte body", len(got))
		}
		return nil
	})
}

// exchangeConcurrently runs callers goroutines of each exchanges on c, has
// check judge every answer, and requires the server to have seen every
// stream end cleanly (by the client's half-close).
func exchangeConcurrently(t *testing.T, c *GRPCConn, m GRPCMethod, req []byte, callers, each int, ep *echoProcessor, check func([]byte) error) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for range callers {
		wg.Go(func() {
			for range each {
				reply, err := c.Exchange(m, req)
				if err == nil {
					err = check(reply)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	ep.mu.Lock()
	defer ep.mu.Unlock()
	require.Equal(t, callers*each, ep.ended, "every stream ended by the client's half-close")
}

func TestGRPCConnFailsCallsWhenClosed(t *testing.T) {
	addr, _ := startServer(t)
	c, err := DialGRPC(addr)
	require.NoError(t, err)
	require.NoError(t, c.Close())
	_, err = c.Unary(Method("/grpc.health.v1.Health/Check"), nil)
	require.Error(t, err)
}

// Requests that add up to many times the server's initial windows (grpc-go's
// defaults, 64 KiB): the client waits for WINDOW_UPDATEs instead of
// overrunning or stalling.
func TestGRPCConnHonoursTheServersWindow(t *testing.T) {
	addr, ep := startServer(t)
	c, err := DialGRPC(addr)
	require.NoError(t, err)
	defer c.Close()
	m := Method("/envoy.service.ext_proc.v3.ExternalProcessor/Process", "echo", "z")
	req, _ := proto.Marshal(&extprocv3.ProcessingRequest{Request: &extprocv3.ProcessingRequest_RequestBody{
		RequestBody: &extprocv3.HttpBody{Body: make([]byte, 12<<10)}}})
	exchangeConcurrently(t, c, m, req, 64, 10, ep, func([]byte) error { return nil })
}
