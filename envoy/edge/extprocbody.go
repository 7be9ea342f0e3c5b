package edge

import (
	"bytes"
	"errors"
	"io"
	"net/http"

	extprocsvc "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
)

// requestBody processes the request body in the mode in force after the
// request headers.
func (s *extProcStream) requestBody(x *exchange) *response {
	switch s.mode.reqBody {
	case bodyBuffered, bodyPartial:
		part, rest, r := s.bufferPart(x, x.body, s.mode.reqBody)
		if r != nil {
			return r
		}
		msg := &extprocsvc.ProcessingRequest{Request: &extprocsvc.ProcessingRequest_RequestBody{
			RequestBody: &extprocsvc.HttpBody{Body: part, EndOfStream: rest == nil},
		}}
		resp, err := s.roundTrip(x, msg, false)
		if err != nil {
			x.body = joinBody(part, rest)
			return s.failed(x, err)
		}
		if resp != nil {
			switch pr := resp.GetResponse().(type) {
			case *extprocsvc.ProcessingResponse_ImmediateResponse:
				return s.immediate(x, pr.ImmediateResponse)
			case *extprocsvc.ProcessingResponse_RequestBody:
				common := pr.RequestBody.GetResponse()
				// "header mutations will only take effect if the current
				// processing mode for the body is BUFFERED".
				if s.mode.reqBody == bodyBuffered {
					if err := mutateRequest(x, common.GetHeaderMutation(), s.spec.rules); err != nil {
						return s.failed(x, err)
					}
				}
				part = mutateChunk(part, common.GetBodyMutation())
			default:
				return s.failed(x, errSpurious)
			}
		}
		x.body = joinBody(part, rest)
		x.header.Del("Content-Length") // the router sends the length it sends
	case bodyStreamed:
		x.body = &streamedBody{s: s, x: x, src: x.body, request: true}
		x.header.Del("Content-Length")
	}
	return nil
}

// responseBody processes the response body in the mode in force after the
// response headers. Content-Length goes whenever a processor may change
// the body and allow_content_length_header is not set (ProcessingMode.
// BodySendMode); in BUFFERED mode with headers sent a mismatch between the
// length and the processed body fails the response.
func (s *extProcStream) responseBody(x *exchange, r *response) *response {
	mode := s.mode.respBody
	if !s.spec.observability && !s.spec.allowContentLength &&
		(mode == bodyStreamed || mode == bodyPartial || mode == bodyBuffered && s.mode.respHeader == modeSkip) {
		r.header.Del("Content-Length")
	}
	switch mode {
	case bodyBuffered, bodyPartial:
		part, rest, reply := s.bufferPart(x, r.body, mode)
		if reply != nil {
			return s.replace(r, reply)
		}
		msg := &extprocsvc.ProcessingRequest{Request: &extprocsvc.ProcessingRequest_ResponseBody{
			ResponseBody: &extprocsvc.HttpBody{Body: part, EndOfStream: rest == nil},
		}}
		resp, err := s.roundTrip(x, msg, false)
		if err != nil {
			r.body = joinBody(part, rest)
			return s.replace(r, s.failed(x, err))
		}
		if resp != nil {
			switch pr := resp.GetResponse().(type) {
			case *extprocsvc.ProcessingResponse_ImmediateResponse:
				if out := s.immediate(x, pr.ImmediateResponse); out != nil {
					return s.replace(r, out)
				}
			case *extprocsvc.ProcessingResponse_ResponseBody:
				common := pr.ResponseBody.GetResponse()
				if mode == bodyBuffered {
					if err := mutateResponse(r, common.GetHeaderMutation(), s.spec.rules); err != nil {
						return s.replace(r, s.failed(x, err))
					}
				}
				part = mutateChunk(part, common.GetBodyMutation())
				if cl := r.header.Get("Content-Length"); mode == bodyBuffered && cl != "" && cl != itoa(int64(len(part))) {
					return s.replace(r, s.failed(x, errors.New("ext_proc: content-length does not match the processed body")))
				}
			default:
				return s.replace(r, s.failed(x, errSpurious))
			}
		}
		r.body = joinBody(part, rest)
	case bodyStreamed:
		r.body = &streamedBody{s: s, x: x, src: r.body}
	}
	return r
}

// bufferPart reads a body for BUFFERED or BUFFERED_PARTIAL, up to the
// buffer limit. rest is nil when the whole body was read. Over the limit,
// BUFFERED fails ("the downstream system will receive an error": 413 for a
// request, 500 for a response) while BUFFERED_PARTIAL sends the first part.
func (s *extProcStream) bufferPart(x *exchange, body io.Reader, mode bodyMode) ([]byte, io.Reader, *response) {
	limit := x.lis.bufferLimit
	data, err := io.ReadAll(io.LimitReader(body, limit+1))
	if err != nil {
		x.fail(flagUpstreamReset, "body_read_error")
		return nil, nil, localReply(http.StatusBadGateway, "")
	}
	if int64(len(data)) <= limit {
		return data, nil, nil
	}
	if mode == bodyBuffered {
		status := http.StatusInternalServerError
		if body == x.body {
			status = http.StatusRequestEntityTooLarge
		}
		x.fail(0, "ext_proc_buffer_limit")
		return nil, nil, localReply(status, "")
	}
	return data[:limit], io.MultiReader(bytes.NewReader(data[limit:]), body), nil
}

func joinBody(part []byte, rest io.Reader) io.Reader {
	if rest == nil {
		return bytes.NewReader(part)
	}
	return io.MultiReader(bytes.NewReader(part), rest)
}

// mutateChunk applies a BodyMutation to the bytes it answers.
func mutateChunk(chunk []byte, m *extprocsvc.BodyMutation) []byte {
	switch b := m.GetMutation().(type) {
	case *extprocsvc.BodyMutation_Body:
		return b.Body
	case *extprocsvc.BodyMutation_ClearBody:
		if b.ClearBody {
			return nil
		}
	}
	return chunk
}

// replaceRequestBody and replaceResponseBody apply CONTINUE_AND_REPLACE:
// the body (if the answer carries one) replaces the original, and "no
// further messages" are sent.
func (s *extProcStream) replaceRequestBody(x *exchange, m *extprocsvc.BodyMutation) {
	if body := s.replacement(m); body != nil {
		x.body = body
		x.header.Del("Content-Length")
	}
}

func (s *extProcStream) replaceResponseBody(r *response, m *extprocsvc.BodyMutation) {
	if body := s.replacement(m); body != nil {
		r.body = body
		r.header.Del("Content-Length")
	}
}

func (s *extProcStream) replacement(m *extprocsvc.BodyMutation) io.Reader {
	s.done = true
	if s.client != nil {
		s.client.close()
	}
	if m == nil {
		return nil
	}
	return bytes.NewReader(mutateChunk(nil, m))
}
