package edge

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	cluster "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	extproc "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/ext_proc/v3"
	extprocsvc "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
	envoytype "github.com/envoyproxy/go-control-plane/envoy/type/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

func headerOf(hm *core.HeaderMap, key string) string {
	for _, h := range hm.GetHeaders() {
		if h.GetKey() == key {
			return string(h.GetRawValue())
		}
	}
	return ""
}

func setHeader(key, value string, appendIt bool) *core.HeaderValueOption {
	o := &core.HeaderValueOption{Header: &core.HeaderValue{Key: key, RawValue: []byte(value)}}
	if appendIt {
		o.Append = wrapperspb.Bool(true)
	}
	return o
}

func headersAnswer(request bool, m *extprocsvc.HeaderMutation) *extprocsvc.ProcessingResponse {
	hr := &extprocsvc.HeadersResponse{Response: &extprocsvc.CommonResponse{HeaderMutation: m}}
	if request {
		return &extprocsvc.ProcessingResponse{Response: &extprocsvc.ProcessingResponse_RequestHeaders{RequestHeaders: hr}}
	}
	return &extprocsvc.ProcessingResponse{Response: &extprocsvc.ProcessingResponse_ResponseHeaders{ResponseHeaders: hr}}
}

var headersOnly = &extproc.ExternalProcessor{
	ProcessingMode: &extproc.ProcessingMode{RequestHeaderMode: extproc.ProcessingMode_SEND, ResponseHeaderMode: extproc.ProcessingMode_SEND},
	MessageTimeout: durationpb.New(2 * time.Second),
}

// TestExtProcImmediateResponseAndMutations: an immediate response stops the
// chain with its status, headers and body; otherwise the processor's
// request and response header mutations apply.
func TestExtProcImmediateResponseAndMutations(t *testing.T) {
	legacy, newer := newBackend(t, "legacy"), newBackend(t, "new")
	proc := startProcessor(t, func(s extprocsvc.ExternalProcessor_ProcessServer) error {
		for {
			req, err := s.Recv()
			if err != nil {
				return nil
			}
			switch {
			case req.GetRequestHeaders() != nil:
				if strings.HasSuffix(headerOf(req.GetRequestHeaders().GetHeaders(), ":path"), "/blocked") {
					return s.Send(&extprocsvc.ProcessingResponse{Response: &extprocsvc.ProcessingResponse_ImmediateResponse{
						ImmediateResponse: &extprocsvc.ImmediateResponse{
							Status:  &envoytype.HttpStatus{Code: envoytype.StatusCode_Forbidden},
							Headers: &extprocsvc.HeaderMutation{SetHeaders: []*core.HeaderValueOption{setHeader("x-blocked", "yes", false)}},
							Body:    []byte("nope"),
						}}})
				}
				err = s.Send(headersAnswer(true, &extprocsvc.HeaderMutation{
					SetHeaders:    []*core.HeaderValueOption{setHeader("x-processed", "yes", false), setHeader(":path", "/rest/V1/products/rewritten", false)},
					RemoveHeaders: []string{"x-secret"},
				}))
			case req.GetResponseHeaders() != nil:
				err = s.Send(headersAnswer(false, &extprocsvc.HeaderMutation{SetHeaders: []*core.HeaderValueOption{setHeader("x-seen-status", headerOf(req.GetResponseHeaders().GetHeaders(), ":status"), false)}}))
			}
			if err != nil {
				return err
			}
		}
	})
	p := startDirectPlane(t, twoBackendFile(legacy, newer, splitRoute))
	p.addFilters(t, []*cluster.Cluster{grpcTestCluster(t, "proc", proc.addr)}, extProcFilter(t, "test.proc", "proc", headersOnly))
	p.push(t)
	e := startEdge(t, p.addr, "edge-extproc")
	url := "http://" + e.Addr().String()

	status, body, resp := get(t, url+"/rest/V1/products/blocked", nil)
	assert.Equal(t, http.StatusForbidden, status)
	assert.Equal(t, "nope", body)
	assert.Equal(t, "yes", resp.Header.Get("X-Blocked"))
	assert.Zero(t, legacy.hitCount()+newer.hitCount(), "an immediate response never reaches a backend")

	status, _, resp = get(t, url+"/rest/V1/products/1", http.Header{"X-Secret": {"s3cr3t"}})
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, "200", resp.Header.Get("X-Seen-Status"))
	seen := legacy.lastRequest()
	if newer.lastRequest() != nil {
		seen = newer.lastRequest()
	}
	require.NotNil(t, seen)
	assert.Equal(t, "yes", seen.Header.Get("X-Processed"))
	assert.Empty(t, seen.Header.Get("X-Secret"))
	assert.Equal(t, "/rest/V1/products/rewritten", seen.URL.Path)
}

// TestExtProcTimeout: a processor slower than message_timeout fails the
// request with 504, unless failure_mode_allow lets it through unprocessed.
func TestExtProcTimeout(t *testing.T) {
	legacy, newer := newBackend(t, "legacy"), newBackend(t, "new")
	proc := startProcessor(t, func(s extprocsvc.ExternalProcessor_ProcessServer) error {
		_, err := s.Recv()
		if err != nil {
			return nil
		}
		<-s.Context().Done() // never answers
		return nil
	})
	for _, allow := range []bool{false, true} {
		cfg := &extproc.ExternalProcessor{MessageTimeout: durationpb.New(100 * time.Millisecond), FailureModeAllow: allow,
			ProcessingMode: &extproc.ProcessingMode{ResponseHeaderMode: extproc.ProcessingMode_SKIP}}
		p := startDirectPlane(t, twoBackendFile(legacy, newer, splitRoute))
		p.addFilters(t, []*cluster.Cluster{grpcTestCluster(t, "proc", proc.addr)}, extProcFilter(t, "test.proc", "proc", cfg))
		p.push(t)
		e := startEdge(t, p.addr, "edge-timeout")
		status, _, _ := get(t, "http://"+e.Addr().String()+"/checkout", nil)
		if allow {
			assert.Equal(t, http.StatusOK, status, "failure_mode_allow")
		} else {
			assert.Equal(t, http.StatusGatewayTimeout, status, "message timeout without failure_mode_allow")
		}
	}
}

// appender answers every headers message by appending its name to x-order.
func appender(name string) func(extprocsvc.ExternalProcessor_ProcessServer) error {
	return answerEach(func(req *extprocsvc.ProcessingRequest) *extprocsvc.ProcessingResponse {
		m := &extprocsvc.HeaderMutation{SetHeaders: []*core.HeaderValueOption{setHeader("x-order", name, true)}}
		return headersAnswer(req.GetRequestHeaders() != nil, m)
	})
}

// TestFilterOrder: decoders run in filter order, encoders in reverse.
func TestFilterOrder(t *testing.T) {
	legacy, newer := newBackend(t, "legacy"), newBackend(t, "new")
	a, b := startProcessor(t, appender("A")), startProcessor(t, appender("B"))
	p := startDirectPlane(t, twoBackendFile(legacy, newer, splitRoute))
	p.addFilters(t, []*cluster.Cluster{grpcTestCluster(t, "proc-a", a.addr), grpcTestCluster(t, "proc-b", b.addr)},
		extProcFilter(t, "first", "proc-a", headersOnly), extProcFilter(t, "second", "proc-b", headersOnly))
	p.push(t)
	e := startEdge(t, p.addr, "edge-order")
	_, _, resp := get(t, "http://"+e.Addr().String()+"/checkout", nil)
	assert.Equal(t, []string{"A", "B"}, legacy.lastRequest().Header.Values("X-Order"))
	assert.Equal(t, []string{"B", "A"}, resp.Header.Values("X-Order"))
}

// TestExtProcBufferedOverride: a mode_override in the answer to response
// headers switches the response body to BUFFERED; the processor's body
// replaces the upstream's, with the length it sets in the same answer.
func TestExtProcBufferedOverride(t *testing.T) {
	legacy, newer := newBackend(t, "legacy"), newBackend(t, "new")
	var mu sync.Mutex
	var gotBody string
	proc := startProcessor(t, answerEach(func(req *extprocsvc.ProcessingRequest) *extprocsvc.ProcessingResponse {
		switch {
		case req.GetRequestHeaders() != nil:
			return headersAnswer(true, nil)
		case req.GetResponseHeaders() != nil:
			resp := headersAnswer(false, nil)
			resp.ModeOverride = &extproc.ProcessingMode{ResponseBodyMode: extproc.ProcessingMode_BUFFERED}
			return resp
		case req.GetResponseBody() != nil:
			mu.Lock()
			gotBody = string(req.GetResponseBody().GetBody())
			mu.Unlock()
			return &extprocsvc.ProcessingResponse{Response: &extprocsvc.ProcessingResponse_ResponseBody{ResponseBody: &extprocsvc.BodyResponse{
				Response: &extprocsvc.CommonResponse{
					// BUFFERED holds the headers back, so a body answer may still
					// change them; the length must match the new body.
					HeaderMutation: &extprocsvc.HeaderMutation{SetHeaders: []*core.HeaderValueOption{setHeader("content-length", "13", false)}},
					BodyMutation:   &extprocsvc.BodyMutation{Mutation: &extprocsvc.BodyMutation_Body{Body: []byte("replaced body")}},
				},
			}}}
		}
		return nil
	}))
	cfg := &extproc.ExternalProcessor{MessageTimeout: durationpb.New(2 * time.Second), AllowModeOverride: true}
	p := startDirectPlane(t, twoBackendFile(legacy, newer, splitRoute))
	p.addFilters(t, []*cluster.Cluster{grpcTestCluster(t, "proc", proc.addr)}, extProcFilter(t, "test.proc", "proc", cfg))
	p.push(t)
	e := startEdge(t, p.addr, "edge-buffered")
	status, body, resp := get(t, "http://"+e.Addr().String()+"/checkout", nil)
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "replaced body", body)
	assert.Equal(t, int64(len("replaced body")), resp.ContentLength)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, "legacy", gotBody)
}
