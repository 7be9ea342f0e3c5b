package grpcserver

import (
	"bytes"
	"context"
	"net"
	"testing"

	extprocv3 "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// bodySize answers each message with an immediate response whose body is
// as long as the request body it got.
type bodySize struct {
	extprocv3.UnimplementedExternalProcessorServer
}

func (bodySize) Process(s grpc.BidiStreamingServer[extprocv3.ProcessingRequest, extprocv3.ProcessingResponse]) error {
	for {
		req, err := s.Recv()
		if err != nil {
			return nil
		}
		n := len(req.GetResponseBody().GetBody())
		if err := s.Send(&extprocv3.ProcessingResponse{Response: &extprocv3.ProcessingResponse_ImmediateResponse{
			ImmediateResponse: &extprocv3.ImmediateResponse{Body: bytes.Repeat([]byte("x"), n)}}}); err != nil {
			return err
		}
	}
}

// The static windows are smaller than a buffered body Envoy may send the
// cache (max_body up to a few MiB): such a message must still arrive whole,
// on a stream that goes on afterwards.
func TestMessagesLargerThanTheWindowsArrive(t *testing.T) {
	srv := grpc.NewServer(Options()...)
	extprocv3.RegisterExternalProcessorServer(srv, bodySize{})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(srv.Stop)
	cc, err := grpc.NewClient(l.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = cc.Close() })
	s, err := extprocv3.NewExternalProcessorClient(cc).Process(context.Background())
	require.NoError(t, err)
	for _, n := range []int{3*streamWindow + 1, 10, 2 * streamWindow} {
		body := bytes.Repeat([]byte("b"), n)
		require.NoError(t, s.Send(&extprocv3.ProcessingRequest{Request: &extprocv3.ProcessingRequest_ResponseBody{
			ResponseBody: &extprocv3.HttpBody{Body: body, EndOfStream: true}}}))
		resp, err := s.Recv()
		require.NoError(t, err)
		require.Len(t, resp.GetImmediateResponse().GetBody(), n)
	}
	require.NoError(t, s.CloseSend())
}
