package edge

import (
	"errors"
	"io"

	extprocsvc "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
)

// streamedChunk is the most a STREAMED body message carries.
const streamedChunk = 64 << 10

// streamedBody is a body in STREAMED mode: each chunk read goes to the
// processor (with end_of_stream on the last) and, outside observability
// mode, comes back possibly changed before it moves on. Header mutations in
// body answers are ignored in this mode.
type streamedBody struct {
	s       *extProcStream
	x       *exchange
	src     io.Reader
	request bool
	buf     []byte
	eof     bool
	tmp     []byte
}

func (b *streamedBody) Read(p []byte) (int, error) {
	for len(b.buf) == 0 {
		if b.eof {
			return 0, io.EOF
		}
		if err := b.fill(); err != nil {
			return 0, err
		}
	}
	n := copy(p, b.buf)
	b.buf = b.buf[n:]
	return n, nil
}

func (b *streamedBody) fill() error {
	if b.tmp == nil {
		b.tmp = make([]byte, streamedChunk)
	}
	n, err := b.src.Read(b.tmp)
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	b.eof = errors.Is(err, io.EOF)
	chunk := append([]byte(nil), b.tmp[:n]...)
	if n == 0 && !b.eof {
		return nil
	}
	if b.s.done || b.mode() != bodyStreamed {
		b.buf = chunk
		return nil
	}
	out, ferr := b.process(chunk)
	if ferr != nil {
		return ferr
	}
	b.buf = out
	return nil
}

func (b *streamedBody) mode() bodyMode {
	if b.request {
		return b.s.mode.reqBody
	}
	return b.s.mode.respBody
}

// process sends one chunk and applies the answer. A failure under
// failure_mode_allow lets the rest through untouched; otherwise, with the
// response already under way, the stream is reset (the reader fails).
func (b *streamedBody) process(chunk []byte) ([]byte, error) {
	body := &extprocsvc.HttpBody{Body: chunk, EndOfStream: b.eof}
	msg := &extprocsvc.ProcessingRequest{Request: &extprocsvc.ProcessingRequest_ResponseBody{ResponseBody: body}}
	if b.request {
		msg = &extprocsvc.ProcessingRequest{Request: &extprocsvc.ProcessingRequest_RequestBody{RequestBody: body}}
	}
	resp, err := b.s.roundTrip(b.x, msg, false)
	if err == nil && resp != nil {
		switch pr := resp.GetResponse().(type) {
		case *extprocsvc.ProcessingResponse_RequestBody:
			if b.request {
				return mutateChunk(chunk, pr.RequestBody.GetResponse().GetBodyMutation()), nil
			}
		case *extprocsvc.ProcessingResponse_ResponseBody:
			if !b.request {
				return mutateChunk(chunk, pr.ResponseBody.GetResponse().GetBodyMutation()), nil
			}
		case *extprocsvc.ProcessingResponse_ImmediateResponse:
			if b.request {
				b.x.pendingReply = b.s.immediate(b.x, pr.ImmediateResponse)
				return nil, errReplied
			}
			err = errors.New("ext_proc: immediate response after the response started")
		}
		if err == nil {
			err = errSpurious
		}
	}
	if err == nil {
		return chunk, nil
	}
	if r := b.s.failed(b.x, err); r != nil {
		if b.request {
			b.x.pendingReply = r
			return nil, errReplied
		}
		return nil, err
	}
	return chunk, nil
}

// errReplied: a filter answered the request while its body was read; the
// answer waits in exchange.pendingReply.
var errReplied = errors.New("the request was answered by a filter")
