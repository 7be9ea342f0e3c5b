package edge

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	extproc "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/ext_proc/v3"
)

type (
	headerMode = extproc.ProcessingMode_HeaderSendMode
	bodyMode   = extproc.ProcessingMode_BodySendMode
)

const (
	modeSend     = extproc.ProcessingMode_SEND
	modeSkip     = extproc.ProcessingMode_SKIP
	modeDefault  = extproc.ProcessingMode_DEFAULT
	bodyNone     = extproc.ProcessingMode_NONE
	bodyStreamed = extproc.ProcessingMode_STREAMED
	bodyBuffered = extproc.ProcessingMode_BUFFERED
	bodyPartial  = extproc.ProcessingMode_BUFFERED_PARTIAL
)

// processingMode is a ProcessingMode with its defaults resolved: headers
// SEND, bodies NONE, trailers SKIP.
type processingMode struct {
	reqHeader, respHeader headerMode
	reqBody, respBody     bodyMode
}

func compileProcessingMode(m *extproc.ProcessingMode) (processingMode, error) {
	for _, t := range []headerMode{m.GetRequestTrailerMode(), m.GetResponseTrailerMode()} {
		if t == modeSend {
			return processingMode{}, errors.New("trailer modes: SEND is outside the subset (the stand-in does not process trailers)")
		}
	}
	for _, b := range []bodyMode{m.GetRequestBodyMode(), m.GetResponseBodyMode()} {
		if b != bodyNone && b != bodyStreamed && b != bodyBuffered && b != bodyPartial {
			return processingMode{}, fmt.Errorf("body mode %s: the stand-in implements NONE, STREAMED, BUFFERED and BUFFERED_PARTIAL", b)
		}
	}
	pm := processingMode{reqHeader: m.GetRequestHeaderMode(), respHeader: m.GetResponseHeaderMode(),
		reqBody: m.GetRequestBodyMode(), respBody: m.GetResponseBodyMode()}
	if pm.reqHeader == modeDefault {
		pm.reqHeader = modeSend
	}
	if pm.respHeader == modeDefault {
		pm.respHeader = modeSend
	}
	return pm, nil
}

// extProcSpec is a compiled envoy.filters.http.ext_proc configuration.
type extProcSpec struct {
	service            grpcServiceSpec
	failureModeAllow   bool
	mode               processingMode
	messageTimeout     time.Duration
	maxMessageTimeout  time.Duration
	rules              *mutationChecker
	allowModeOverride  bool
	allowedOverrides   []*extproc.ProcessingMode
	disableImmediate   bool
	observability      bool
	clearRouteCache    extproc.ExternalProcessor_RouteCacheAction
	deferredClose      time.Duration
	errorStatus        int
	allowContentLength bool
}

func compileExtProc(c *extproc.ExternalProcessor) (*extProcSpec, error) {
	if c.GetGrpcService() == nil {
		return nil, errors.New("grpc_service is required (http_service is outside the subset)")
	}
	gs, err := compileGrpcService(c.GetGrpcService())
	if err != nil {
		return nil, err
	}
	s := &extProcSpec{
		service: gs, failureModeAllow: c.GetFailureModeAllow(), allowModeOverride: c.GetAllowModeOverride(),
		allowedOverrides: c.GetAllowedOverrideModes(), disableImmediate: c.GetDisableImmediateResponse(),
		observability: c.GetObservabilityMode(), clearRouteCache: c.GetRouteCacheAction(),
		allowContentLength: c.GetAllowContentLengthHeader(),
		// message_timeout: "If not configured, default is 200 milliseconds";
		// deferred_close_timeout: "The default value is 5000 milliseconds";
		// status_on_error: "The default status is HTTP 500".
		messageTimeout: 200 * time.Millisecond, deferredClose: 5 * time.Second, errorStatus: http.StatusInternalServerError,
		rules: &mutationChecker{},
	}
	if s.mode, err = compileProcessingMode(c.GetProcessingMode()); err != nil {
		return nil, fmt.Errorf("processing_mode: %w", err)
	}
	for i, m := range s.allowedOverrides {
		if _, err := compileProcessingMode(m); err != nil {
			return nil, fmt.Errorf("allowed_override_modes[%d]: %w", i, err)
		}
	}
	if t := c.GetMessageTimeout(); t != nil {
		s.messageTimeout = t.AsDuration()
	}
	if t := c.GetMaxMessageTimeout(); t != nil {
		s.maxMessageTimeout = t.AsDuration()
	}
	if t := c.GetDeferredCloseTimeout(); t != nil {
		s.deferredClose = t.AsDuration()
	}
	if code := int(c.GetStatusOnError().GetCode()); code != 0 {
		s.errorStatus = code
	}
	if c.GetDisableClearRouteCache() {
		s.clearRouteCache = extproc.ExternalProcessor_RETAIN
	}
	if r := c.GetMutationRules(); r != nil {
		if s.rules, err = compileMutationRules(r); err != nil {
			return nil, fmt.Errorf("mutation_rules: %w", err)
		}
	}
	return s, nil
}

// extProcPerRoute is a compiled ExtProcPerRoute.
type extProcPerRoute struct {
	disabled         bool
	mode             *processingMode
	service          *grpcServiceSpec
	metadata         []metadataPair
	failureModeAllow *bool
}

func compileExtProcPerRoute(p *extproc.ExtProcPerRoute) (*extProcPerRoute, error) {
	if p.GetDisabled() {
		return &extProcPerRoute{disabled: true}, nil
	}
	o := p.GetOverrides()
	pr := &extProcPerRoute{}
	if m := o.GetProcessingMode(); m != nil {
		pm, err := compileProcessingMode(m)
		if err != nil {
			return nil, fmt.Errorf("overrides.processing_mode: %w", err)
		}
		pr.mode = &pm
	}
	if g := o.GetGrpcService(); g != nil {
		gs, err := compileGrpcService(g)
		if err != nil {
			return nil, fmt.Errorf("overrides: %w", err)
		}
		pr.service = &gs
	}
	md, err := metadataPairs(o.GetGrpcInitialMetadata())
	if err != nil {
		return nil, fmt.Errorf("overrides.grpc_initial_metadata: %w", err)
	}
	pr.metadata = md
	if v := o.GetFailureModeAllow(); v != nil {
		allow := v.GetValue()
		pr.failureModeAllow = &allow
	}
	return pr, nil
}
