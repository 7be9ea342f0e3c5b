package edge

import (
	"context"
	"errors"
	"io"
	"sync"
	"time"

	extprocsvc "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
	"google.golang.org/grpc"
)

var (
	errMessageTimeout = errors.New("ext_proc: message timeout")
	errProcessorDone  = errors.New("ext_proc: the processor closed the stream")
)

type recvResult struct {
	msg *extprocsvc.ProcessingResponse
	err error
}

// procClient is one Process stream. A sender goroutine opens the stream and
// sends queued messages, so the request never blocks on connecting or on
// flow control: in observability mode it never waits at all ("send and
// go"), otherwise only for answers, under the message timer. A reader
// goroutine hands answers over. After the last message the stream is
// half-closed and given the deferred close timeout to end before it is
// cancelled, so a processor always sees its stream finish.
type procClient struct {
	cancel   context.CancelFunc
	recv     chan recvResult
	gone     chan struct{} // closed when the reader stops
	observe  bool
	deferred time.Duration

	mu       sync.Mutex
	queue    []*extprocsvc.ProcessingRequest
	closing  bool
	wake     chan struct{}
	closeOne sync.Once
}

func openProcClient(conn *grpc.ClientConn, md []metadataPair, observe bool, deferred time.Duration) *procClient {
	ctx, cancel := context.WithCancel(context.Background())
	c := &procClient{cancel: cancel, recv: make(chan recvResult, 1), gone: make(chan struct{}),
		observe: observe, deferred: deferred, wake: make(chan struct{}, 1)}
	go c.run(ctx, conn, md)
	return c
}

func (c *procClient) run(ctx context.Context, conn *grpc.ClientConn, md []metadataPair) {
	defer c.cancel()
	stream, err := extprocsvc.NewExternalProcessorClient(conn).Process(outgoingMetadata(ctx, md))
	if err != nil {
		close(c.gone)
		c.deliver(ctx, recvResult{err: err})
		return
	}
	go c.read(ctx, stream)
	for range c.wake {
		c.mu.Lock()
		batch, closing := c.queue, c.closing
		c.queue = nil
		c.mu.Unlock()
		for _, m := range batch {
			if err := stream.Send(m); err != nil {
				// The reader gets the stream's status from Recv and reports it.
				c.waitGone()
				return
			}
		}
		if closing {
			c.halfCloseAndWait(stream)
			return
		}
	}
}

func (c *procClient) read(ctx context.Context, stream extprocsvc.ExternalProcessor_ProcessClient) {
	defer close(c.gone)
	for {
		m, err := stream.Recv()
		if c.observe && err == nil {
			continue // observability mode: "any responses will be ignored"
		}
		if !c.deliver(ctx, recvResult{m, err}) || err != nil {
			return
		}
	}
}

func (c *procClient) deliver(ctx context.Context, r recvResult) bool {
	select {
	case c.recv <- r:
		return true
	case <-ctx.Done():
		return false
	}
}

// send queues one message for the sender.
func (c *procClient) send(m *extprocsvc.ProcessingRequest) {
	c.mu.Lock()
	c.queue = append(c.queue, m)
	c.mu.Unlock()
	c.signal()
}

func (c *procClient) signal() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// await waits for the answer to the last message sent. An
// override_message_timeout message restarts the timer once, within
// max_message_timeout, and is otherwise ignored (ProcessingResponse.
// override_message_timeout). standalone, when set, takes a response that
// carries only mode_override (allowed while headers are processed) and
// keeps waiting.
func (c *procClient) await(ctx context.Context, timeout, maxTimeout time.Duration, standalone func(*extprocsvc.ProcessingResponse)) (*extprocsvc.ProcessingResponse, error) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	extended := false
	for {
		select {
		case r := <-c.recv:
			if errors.Is(r.err, io.EOF) {
				return nil, errProcessorDone
			}
			if r.err != nil {
				return nil, r.err
			}
			m := r.msg
			if d := m.GetOverrideMessageTimeout(); d != nil {
				if !extended && maxTimeout > 0 && d.AsDuration() >= time.Millisecond && d.AsDuration() <= maxTimeout {
					extended = true
					timer.Reset(d.AsDuration())
				}
				continue
			}
			if m.GetResponse() == nil && m.GetModeOverride() != nil && standalone != nil {
				standalone(m)
				continue
			}
			return m, nil
		case <-timer.C:
			return nil, errMessageTimeout
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// close ends the stream after the last message: queued messages go out,
// then the half-close.
func (c *procClient) close() {
	c.closeOne.Do(func() {
		c.mu.Lock()
		c.closing = true
		c.mu.Unlock()
		c.signal()
	})
}

// abort ends the stream at once (the processor failed or timed out).
func (c *procClient) abort() {
	c.closeOne.Do(c.cancel)
}

func (c *procClient) waitGone() {
	t := time.NewTimer(c.deferred)
	defer t.Stop()
	select {
	case <-c.gone:
	case <-t.C:
	}
}

func (c *procClient) halfCloseAndWait(stream extprocsvc.ExternalProcessor_ProcessClient) {
	if err := stream.CloseSend(); err != nil {
		return
	}
	t := time.NewTimer(c.deferred)
	defer t.Stop()
	for {
		select {
		case r := <-c.recv:
			if r.err != nil {
				return
			}
		case <-c.gone:
			return
		case <-t.C:
			return
		}
	}
}
