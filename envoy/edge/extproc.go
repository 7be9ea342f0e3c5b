package edge

import (
	"errors"
	"net/http"

	extproc "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/ext_proc/v3"
	extprocsvc "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
)

// extProcStream is the ext_proc filter for one request: one Process stream,
// opened at the first message, carrying the request and response phases
// the processing mode asks for.
type extProcStream struct {
	edge     *Edge
	spec     *extProcSpec
	svc      grpcServiceSpec
	metadata []metadataPair
	allow    bool           // failure_mode_allow, per route if overridden
	config   processingMode // the mode configured for this route
	mode     processingMode // the mode now, after mode_override
	client   *procClient
	sent     bool // protocol_config goes on the first message only
	// done: no more messages on this stream: the processor closed it, it
	// failed under failure_mode_allow, or sent an immediate response or
	// CONTINUE_AND_REPLACE.
	done bool
}

func newExtProcStream(e *Edge, f *filterSpec, pc *perFilterConfig) *extProcStream {
	s := &extProcStream{edge: e, spec: f.extProc, svc: f.extProc.service, allow: f.extProc.failureModeAllow, config: f.extProc.mode}
	s.metadata = append(s.metadata, s.svc.metadata...)
	if pc != nil && pc.extProc != nil {
		o := pc.extProc
		if o.mode != nil {
			s.config = *o.mode
		}
		if o.service != nil {
			s.svc = *o.service
			s.metadata = append([]metadataPair(nil), s.svc.metadata...)
		}
		if o.failureModeAllow != nil {
			s.allow = *o.failureModeAllow
		}
		s.metadata = append(s.metadata, o.metadata...)
	}
	s.mode = s.config
	if s.spec.observability {
		// "Only STREAMED, GRPC, and NONE body processing modes are
		// supported; for any other body processing mode, the body will not
		// be sent."
		s.mode.reqBody, s.mode.respBody = observedBody(s.mode.reqBody), observedBody(s.mode.respBody)
	}
	return s
}

func observedBody(m bodyMode) bodyMode {
	if m == bodyStreamed {
		return m
	}
	return bodyNone
}

func (s *extProcStream) decode(x *exchange) *response {
	if s.mode.reqHeader == modeSend {
		m := &extprocsvc.ProcessingRequest{Request: &extprocsvc.ProcessingRequest_RequestHeaders{
			RequestHeaders: &extprocsvc.HttpHeaders{Headers: requestHeaderMap(x), EndOfStream: x.body == nil},
		}}
		resp, err := s.roundTrip(x, m, true)
		if err != nil {
			return s.failed(x, err)
		}
		if resp != nil {
			if r := s.onRequestHeaders(x, resp); r != nil {
				return r
			}
		}
	}
	if x.body != nil && !s.done {
		return s.requestBody(x)
	}
	return nil
}

func (s *extProcStream) onRequestHeaders(x *exchange, resp *extprocsvc.ProcessingResponse) *response {
	switch r := resp.GetResponse().(type) {
	case *extprocsvc.ProcessingResponse_ImmediateResponse:
		return s.immediate(x, r.ImmediateResponse)
	case *extprocsvc.ProcessingResponse_RequestHeaders:
		s.override(resp)
		common := r.RequestHeaders.GetResponse()
		if err := mutateRequest(x, common.GetHeaderMutation(), s.spec.rules); err != nil {
			return s.failed(x, err)
		}
		if common.GetStatus() == extprocsvc.CommonResponse_CONTINUE_AND_REPLACE {
			s.replaceRequestBody(x, common.GetBodyMutation())
		}
		s.clearRoute(x, common)
		return nil
	}
	return s.failed(x, errSpurious)
}

// clearRoute: route_cache_action DEFAULT honours clear_route_cache, CLEAR
// always clears, RETAIN (or disable_clear_route_cache) never does.
func (s *extProcStream) clearRoute(x *exchange, common *extprocsvc.CommonResponse) {
	switch s.spec.clearRouteCache {
	case extproc.ExternalProcessor_CLEAR:
		x.clearRoute = true
	case extproc.ExternalProcessor_DEFAULT:
		x.clearRoute = x.clearRoute || common.GetClearRouteCache()
	}
}

func (s *extProcStream) encode(x *exchange, r *response) *response {
	if s.done {
		return r
	}
	if s.mode.respHeader == modeSend {
		m := &extprocsvc.ProcessingRequest{Request: &extprocsvc.ProcessingRequest_ResponseHeaders{
			ResponseHeaders: &extprocsvc.HttpHeaders{Headers: responseHeaderMap(r), EndOfStream: r.body == nil || x.method == http.MethodHead},
		}}
		resp, err := s.roundTrip(x, m, true)
		if err != nil {
			return s.replace(r, s.failed(x, err))
		}
		if resp != nil {
			if out := s.onResponseHeaders(x, r, resp); out != r {
				return s.replace(r, out)
			}
		}
	}
	if r.body != nil && !s.done && x.method != http.MethodHead {
		return s.responseBody(x, r)
	}
	return r
}

func (s *extProcStream) onResponseHeaders(x *exchange, r *response, resp *extprocsvc.ProcessingResponse) *response {
	switch pr := resp.GetResponse().(type) {
	case *extprocsvc.ProcessingResponse_ImmediateResponse:
		// An immediate response to response headers replaces the upstream
		// response before any of it went downstream.
		if out := s.immediate(x, pr.ImmediateResponse); out != nil {
			return out
		}
		return r
	case *extprocsvc.ProcessingResponse_ResponseHeaders:
		s.override(resp)
		common := pr.ResponseHeaders.GetResponse()
		if err := mutateResponse(r, common.GetHeaderMutation(), s.spec.rules); err != nil {
			return s.failed(x, err)
		}
		if common.GetStatus() == extprocsvc.CommonResponse_CONTINUE_AND_REPLACE {
			s.replaceResponseBody(r, common.GetBodyMutation())
		}
		return r
	}
	return s.failed(x, errSpurious)
}

// replace swaps the response for another (a local reply), releasing the
// upstream body it will never send.
func (s *extProcStream) replace(old, next *response) *response {
	if next == nil {
		return old
	}
	if next != old {
		old.release()
	}
	return next
}

func (s *extProcStream) finish(*exchange) {
	if s.client != nil {
		s.client.close()
	}
}

var errSpurious = errors.New("ext_proc: the processor sent a response that does not answer the message sent")
