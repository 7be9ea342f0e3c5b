package edge

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	cluster "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	extproc "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/ext_proc/v3"
	extprocsvc "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/durationpb"
)

func bodyAnswer(request bool, body []byte) *extprocsvc.ProcessingResponse {
	br := &extprocsvc.BodyResponse{Response: &extprocsvc.CommonResponse{
		BodyMutation: &extprocsvc.BodyMutation{Mutation: &extprocsvc.BodyMutation_Body{Body: body}}}}
	if request {
		return &extprocsvc.ProcessingResponse{Response: &extprocsvc.ProcessingResponse_RequestBody{RequestBody: br}}
	}
	return &extprocsvc.ProcessingResponse{Response: &extprocsvc.ProcessingResponse_ResponseBody{ResponseBody: br}}
}

// TestExtProcBodies: a BUFFERED request body comes whole and is replaced
// before the upstream sees it; a STREAMED response body comes in chunks,
// each replaced on its way to the client, the length header dropped.
func TestExtProcBodies(t *testing.T) {
	legacy, newer := newBackend(t, "legacy"), newBackend(t, "new")
	proc := startProcessor(t, answerEach(func(req *extprocsvc.ProcessingRequest) *extprocsvc.ProcessingResponse {
		switch {
		case req.GetRequestHeaders() != nil:
			return headersAnswer(true, nil)
		case req.GetResponseHeaders() != nil:
			return headersAnswer(false, nil)
		case req.GetRequestBody() != nil:
			if !req.GetRequestBody().GetEndOfStream() {
				return nil // BUFFERED sends everything in one message
			}
			return bodyAnswer(true, bytes.ToUpper(req.GetRequestBody().GetBody()))
		case req.GetResponseBody() != nil:
			return bodyAnswer(false, []byte("["+string(req.GetResponseBody().GetBody())+"]"))
		}
		return nil
	}))
	cfg := &extproc.ExternalProcessor{MessageTimeout: durationpb.New(2 * time.Second), ProcessingMode: &extproc.ProcessingMode{
		RequestBodyMode: extproc.ProcessingMode_BUFFERED, ResponseBodyMode: extproc.ProcessingMode_STREAMED}}
	p := startDirectPlane(t, twoBackendFile(legacy, newer, splitRoute))
	p.addFilters(t, []*cluster.Cluster{grpcTestCluster(t, "proc", proc.addr)}, extProcFilter(t, "test.proc", "proc", cfg))
	p.push(t)
	e := startEdge(t, p.addr, "edge-bodies")
	resp, err := http.Post("http://"+e.Addr().String()+"/checkout", "text/plain", strings.NewReader("hello edge"))
	require.NoError(t, err)
	var got bytes.Buffer
	_, err = got.ReadFrom(resp.Body)
	require.NoError(t, err)
	resp.Body.Close()
	legacy.mu.Lock()
	sent := string(legacy.lastBody)
	legacy.mu.Unlock()
	assert.Equal(t, "HELLO EDGE", sent)
	assert.True(t, strings.HasPrefix(got.String(), "[legacy"), got.String())
	assert.Equal(t, int64(-1), resp.ContentLength, "STREAMED bodies may change: no Content-Length")
}
