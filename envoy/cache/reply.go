package cache

import (
	"strconv"
	"time"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	procmodev3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/ext_proc/v3"
	extprocv3 "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
	typev3 "github.com/envoyproxy/go-control-plane/envoy/type/v3"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// X-Cache values.
const (
	xcacheHit    = "HIT"
	xcacheStale  = "STALE"
	xcacheMiss   = "MISS"
	xcacheBypass = "BYPASS"
)

// hitReply holds the parts of a hit's ImmediateResponse that do not change
// from hit to hit. Proto messages may be marshalled concurrently, so hits
// share them.
type hitReply struct {
	status  *typev3.HttpStatus
	headers []*corev3.HeaderValueOption
	etag    string
}

var (
	statusNotModified = &typev3.HttpStatus{Code: typev3.StatusCode_NotModified}
	appendValue       = wrapperspb.Bool(true)
)

// prepare builds e.reply; call it before the entry is shared.
func (e *entry) prepare() *entry {
	r := &hitReply{status: &typev3.HttpStatus{Code: typev3.StatusCode(e.status)}}
	r.headers = make([]*corev3.HeaderValueOption, 0, len(e.headers))
	seen := make(map[string]bool, len(e.headers))
	for _, h := range e.headers {
		opt := headerOption(h.name, h.value)
		if seen[h.name] {
			opt.Append = appendValue // a repeated header keeps every value
		}
		seen[h.name] = true
		r.headers = append(r.headers, opt)
		if h.name == "etag" {
			r.etag = h.value
		}
	}
	e.reply = r
	return e
}

// headerOption sets a header (Envoy's ext_proc treats a missing append as
// false, that is replace). Only raw_value is set: Envoy rejects a mutation
// with both value fields.
func headerOption(name, value string) *corev3.HeaderValueOption {
	return &corev3.HeaderValueOption{Header: &corev3.HeaderValue{Key: name, RawValue: []byte(value)}}
}

// hitAnswer answers request_headers from an entry: the stored status,
// headers and body plus Age and X-Cache; no body for HEAD; 304 when the
// request's If-None-Match names the entry's ETag.
func hitAnswer(e *entry, req *request, xcache string, now time.Time) *extprocv3.ProcessingResponse {
	r := e.reply
	set := make([]*corev3.HeaderValueOption, len(r.headers), len(r.headers)+2)
	copy(set, r.headers)
	set = append(set,
		headerOption("age", strconv.FormatInt(int64(e.age(now)/time.Second), 10)),
		headerOption("x-cache", xcache))
	ir := &extprocv3.ImmediateResponse{Status: r.status, Headers: &extprocv3.HeaderMutation{SetHeaders: set},
		Details: "strangler_cache_" + xcache}
	switch {
	case r.etag != "" && etagMatch(req.ifNoneMatch, r.etag):
		ir.Status = statusNotModified
	case req.method != "HEAD":
		ir.Body = e.body
	}
	return &extprocv3.ProcessingResponse{Response: &extprocv3.ProcessingResponse_ImmediateResponse{ImmediateResponse: ir}}
}

// forwardAnswer lets the request go on to the origin with mut applied.
func forwardAnswer(mut *extprocv3.HeaderMutation) *extprocv3.ProcessingResponse {
	return &extprocv3.ProcessingResponse{Response: &extprocv3.ProcessingResponse_RequestHeaders{
		RequestHeaders: &extprocv3.HeadersResponse{Response: &extprocv3.CommonResponse{HeaderMutation: mut}}}}
}

// passAnswer lets the request go on untouched and tells Envoy not to send
// the response headers: nothing about this request concerns the cache.
func passAnswer() *extprocv3.ProcessingResponse {
	a := forwardAnswer(nil)
	a.ModeOverride = &procmodev3.ProcessingMode{ResponseHeaderMode: procmodev3.ProcessingMode_SKIP}
	return a
}

// bufferMode is the mode a storable response switches to: Envoy buffers
// the body and sends it in one message. BUFFERED_PARTIAL, not BUFFERED: a
// body over Envoy's buffer limit then arrives cut short (end_of_stream
// false) and is not stored, instead of failing the client's request.
var bufferMode = &procmodev3.ProcessingMode{
	RequestHeaderMode:   procmodev3.ProcessingMode_SEND,
	ResponseHeaderMode:  procmodev3.ProcessingMode_SEND,
	RequestBodyMode:     procmodev3.ProcessingMode_NONE,
	ResponseBodyMode:    procmodev3.ProcessingMode_BUFFERED_PARTIAL,
	RequestTrailerMode:  procmodev3.ProcessingMode_SKIP,
	ResponseTrailerMode: procmodev3.ProcessingMode_SKIP,
}

// responseAnswer answers response_headers: X-Magento-Tags never reaches the
// client (it is the purge index, and Magento's VCL strips it too), X-Cache
// says what happened, and buffer asks for the body.
func responseAnswer(xcache string, buffer bool) *extprocv3.ProcessingResponse {
	a := &extprocv3.ProcessingResponse{Response: &extprocv3.ProcessingResponse_ResponseHeaders{
		ResponseHeaders: &extprocv3.HeadersResponse{Response: &extprocv3.CommonResponse{HeaderMutation: &extprocv3.HeaderMutation{
			SetHeaders:    []*corev3.HeaderValueOption{headerOption("x-cache", xcache)},
			RemoveHeaders: []string{"x-magento-tags"},
		}}}}}
	if buffer {
		a.ModeOverride = bufferMode
	}
	return a
}

func bodyAnswer() *extprocv3.ProcessingResponse {
	return &extprocv3.ProcessingResponse{Response: &extprocv3.ProcessingResponse_ResponseBody{ResponseBody: &extprocv3.BodyResponse{}}}
}

// holdAnswer asks Envoy for more time on the current message: a request
// about to wait on someone else's fill sends it first.
func holdAnswer(d time.Duration) *extprocv3.ProcessingResponse {
	return &extprocv3.ProcessingResponse{OverrideMessageTimeout: durationpb.New(d)}
}
