package edge

import (
	"errors"
	"net/http"

	extproc "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/ext_proc/v3"
	extprocsvc "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
)

// roundTrip sends one message and, unless in observability mode, waits for
// its answer. A processor that ends the stream cleanly is done with the
// request: the rest passes unprocessed. headerPhase allows a standalone
// mode_override while waiting.
func (s *extProcStream) roundTrip(x *exchange, m *extprocsvc.ProcessingRequest, headerPhase bool) (*extprocsvc.ProcessingResponse, error) {
	if s.done {
		return nil, nil
	}
	if s.client == nil {
		c, err := s.open(x)
		if err != nil {
			return nil, err
		}
		s.client = c
	}
	if !s.sent {
		s.sent = true
		m.ProtocolConfig = &extprocsvc.ProtocolConfiguration{RequestBodyMode: s.mode.reqBody, ResponseBodyMode: s.mode.respBody}
	}
	m.ObservabilityMode = s.spec.observability
	s.client.send(m)
	if s.spec.observability {
		return nil, nil
	}
	var standalone func(*extprocsvc.ProcessingResponse)
	if headerPhase {
		standalone = s.override
	}
	resp, err := s.client.await(x.ctx, s.spec.messageTimeout, s.spec.maxMessageTimeout, standalone)
	if errors.Is(err, errProcessorDone) {
		s.done = true
		return nil, nil
	}
	return resp, err
}

func (s *extProcStream) open(x *exchange) (*procClient, error) {
	u := x.view.cluster(s.svc.cluster)
	if u == nil {
		return nil, errors.New("ext_proc: cluster " + s.svc.cluster + " not found")
	}
	conn, err := u.grpc.get(s.svc.authority)
	if err != nil {
		return nil, err
	}
	return openProcClient(conn, s.metadata, s.spec.observability, s.spec.deferredClose), nil
}

// failed ends processing. With failure_mode_allow the request goes on
// unprocessed; otherwise the client gets 504 for a message timeout and
// status_on_error (500) for anything else (ExternalProcessor.
// failure_mode_allow).
func (s *extProcStream) failed(x *exchange, err error) *response {
	s.done = true
	if s.client != nil {
		s.client.abort()
	}
	if s.allow {
		s.edge.log.Debug("ext_proc failed; continuing (failure_mode_allow)", "cluster", s.svc.cluster, "error", err)
		return nil
	}
	s.edge.log.Warn("ext_proc failed", "cluster", s.svc.cluster, "error", err)
	status := s.spec.errorStatus
	if errors.Is(err, errMessageTimeout) {
		status = http.StatusGatewayTimeout
	}
	x.fail(0, "ext_proc_error")
	return localReply(status, "")
}

// immediate turns an ImmediateResponse into the local reply it asks for
// (status 200 when unset or invalid), unless disable_immediate_response
// says to ignore it and stop processing instead.
func (s *extProcStream) immediate(x *exchange, ir *extprocsvc.ImmediateResponse) *response {
	s.done = true
	if s.client != nil {
		s.client.close()
	}
	if s.spec.disableImmediate {
		return nil
	}
	status := int(ir.GetStatus().GetCode())
	if status < 200 || status > 599 {
		status = http.StatusOK
	}
	r := localReply(status, string(ir.GetBody()))
	if err := mutateResponse(r, ir.GetHeaders(), s.spec.rules); err != nil {
		return s.failed(x, err)
	}
	r.status = status // a :status in the headers does not override the reply's
	details := "ext_proc_immediate_response"
	if ir.GetDetails() != "" {
		details += "{" + ir.GetDetails() + "}"
	}
	x.fail(0, details)
	return r
}

// override applies a mode_override, when allow_mode_override permits and
// the mode is in allowed_override_modes (if listed). DEFAULT header modes
// mean the mode configured for the filter; request_header_mode is ignored.
func (s *extProcStream) override(resp *extprocsvc.ProcessingResponse) {
	m := resp.GetModeOverride()
	if m == nil || !s.spec.allowModeOverride || s.spec.observability {
		return
	}
	if len(s.spec.allowedOverrides) > 0 && !overrideAllowed(s.spec.allowedOverrides, m) {
		return
	}
	pm, err := compileProcessingMode(m)
	if err != nil {
		s.edge.log.Warn("ignoring a mode_override outside the stand-in's subset", "error", err)
		return
	}
	if m.GetResponseHeaderMode() == modeDefault {
		pm.respHeader = s.config.respHeader
	}
	s.mode.respHeader, s.mode.reqBody, s.mode.respBody = pm.respHeader, pm.reqBody, pm.respBody
}

func overrideAllowed(allowed []*extproc.ProcessingMode, m *extproc.ProcessingMode) bool {
	for _, a := range allowed {
		if a.GetResponseHeaderMode() == m.GetResponseHeaderMode() && a.GetRequestBodyMode() == m.GetRequestBodyMode() &&
			a.GetResponseBodyMode() == m.GetResponseBodyMode() && a.GetRequestTrailerMode() == m.GetRequestTrailerMode() &&
			a.GetResponseTrailerMode() == m.GetResponseTrailerMode() {
			return true
		}
	}
	return false
}
