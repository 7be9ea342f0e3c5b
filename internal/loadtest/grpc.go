package loadtest

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// GRPCConn is a lean gRPC client over one HTTP/2 connection, for load
// tests only. A Go service's figures measured with grpc-go's client
// include that client's CPU, which on a 2-core machine is a third of the
// total and nothing like Envoy's (C++, on other machines in production).
// This client sends messages marshalled by the caller in one DATA frame,
// headers HPACK-indexed, and coalesces writes into one flush when callers
// overlap. What it speaks is gRPC over HTTP/2 as any server sees it; it
// does not interpret the answers beyond the gRPC framing and grpc-status.
type GRPCConn struct {
	conn net.Conn
	fr   *http2.Framer

	wmu     sync.Mutex
	bw      *bufio.Writer
	henc    *hpack.Encoder
	hbuf    bytes.Buffer
	nextID  uint32
	sendWin int64 // connection-level send window the server allows
	winCond *sync.Cond
	pending atomic.Int32 // writers waiting for wmu: the last one flushes

	frame []byte // the DATA payload being written, under wmu

	hdec              *hpack.Decoder // response headers, read loop only
	status, statusMsg string         // of the header block being decoded

	smu     sync.Mutex
	streams map[uint32]*grpcCall
	err     error // set once the connection failed
}

// recvWindow is what this client lets the server send before it
// acknowledges, per stream and (topped up) per connection: large, as
// Envoy's are, so that flow control costs no round trips.
const recvWindow = 1 << 30

// DialGRPC opens a plain-text HTTP/2 (h2c) connection and starts reading.
func DialGRPC(addr string) (*GRPCConn, error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	c := &GRPCConn{conn: conn, bw: bufio.NewWriterSize(conn, 64<<10), nextID: 1, sendWin: 65535, streams: map[uint32]*grpcCall{}}
	c.winCond = sync.NewCond(&c.wmu)
	c.henc = hpack.NewEncoder(&c.hbuf)
	c.fr = http2.NewFramer(c.bw, bufio.NewReaderSize(conn, 64<<10))
	c.hdec = hpack.NewDecoder(4096, c.onField)
	if _, err := c.bw.WriteString(http2.ClientPreface); err != nil {
		return nil, errors.Join(err, conn.Close())
	}
	err = errors.Join(
		c.fr.WriteSettings(http2.Setting{ID: http2.SettingInitialWindowSize, Val: recvWindow},
			http2.Setting{ID: http2.SettingEnablePush, Val: 0}),
		c.fr.WriteWindowUpdate(0, recvWindow-65535),
		c.bw.Flush())
	if err != nil {
		return nil, errors.Join(err, conn.Close())
	}
	go c.readLoop()
	return c, nil
}

// Close ends the connection; calls in flight fail.
func (c *GRPCConn) Close() error { return c.conn.Close() }

// GRPCMethod is one method's request headers.
type GRPCMethod struct{ fields []hpack.HeaderField }

// Method lists the request headers of path (say
// "/envoy.service.ratelimit.v3.RateLimitService/ShouldRateLimit") with
// extra metadata pairs. Each connection encodes them with HPACK's dynamic
// table, as Envoy does: after the first request a header costs the server
// an index lookup, not a Huffman decode.
func Method(path string, metadata ...string) GRPCMethod {
	kv := append([]string{":method", "POST", ":scheme", "http", ":path", path, ":authority", "loadtest",
		"content-type", "application/grpc", "te", "trailers"}, metadata...)
	m := GRPCMethod{}
	for i := 0; i+1 < len(kv); i += 2 {
		m.fields = append(m.fields, hpack.HeaderField{Name: kv[i], Value: kv[i+1]})
	}
	return m
}

// Unary sends msg (a marshalled request) and returns the marshalled answer.
func (c *GRPCConn) Unary(m GRPCMethod, msg []byte) ([]byte, error) {
	call, err := c.start(m, msg, true)
	if err != nil {
		return nil, err
	}
	<-call.done
	return call.reply, call.err
}

// Exchange is one bidirectional stream the way Envoy's ext_proc filter
// runs one when the first answer ends the exchange (an immediate
// response): msg out, the first answer back, then a half-close and the
// server's end of the stream. It returns the first answer.
func (c *GRPCConn) Exchange(m GRPCMethod, msg []byte) ([]byte, error) {
	call, err := c.start(m, msg, false)
	if err != nil {
		return nil, err
	}
	select {
	case <-call.first:
	case <-call.done:
		return call.reply, call.err // the server ended the stream first
	}
	if err := c.write(func() error { return c.fr.WriteData(call.id, true, nil) }); err != nil {
		return nil, err
	}
	<-call.done
	return call.reply, call.err
}

// grpcCall is one stream's state; reply is its first message.
type grpcCall struct {
	id    uint32
	data  []byte
	reply []byte
	first chan struct{} // closed when reply is complete
	done  chan struct{} // closed when the stream ended
	err   error
}

func (c *GRPCConn) start(m GRPCMethod, msg []byte, endStream bool) (*grpcCall, error) {
	if 5+len(msg) > 16384 {
		return nil, fmt.Errorf("loadtest: a %d-byte message needs more than one DATA frame, which this client does not send", len(msg))
	}
	call := &grpcCall{done: make(chan struct{})}
	if !endStream {
		call.first = make(chan struct{})
	}
	c.lock()
	for c.sendWin < int64(5+len(msg)) && c.failed() == nil {
		// What is buffered must reach the server, or it never has a
		// reason to open the window again.
		if err := c.bw.Flush(); err != nil {
			return nil, c.unlock(err)
		}
		c.winCond.Wait()
	}
	if err := c.failed(); err != nil {
		return nil, c.unlock(err)
	}
	c.sendWin -= int64(5 + len(msg))
	call.id = c.nextID
	c.nextID += 2
	c.smu.Lock()
	c.streams[call.id] = call
	c.smu.Unlock()
	c.hbuf.Reset()
	for _, f := range m.fields {
		_ = c.henc.WriteField(f)
	}
	c.frame = append(binary.BigEndian.AppendUint32(append(c.frame[:0], 0), uint32(len(msg))), msg...)
	err := errors.Join(
		c.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: call.id, BlockFragment: c.hbuf.Bytes(), EndHeaders: true}),
		c.fr.WriteData(call.id, endStream, c.frame))
	return call, c.unlock(err)
}

// lock takes the write lock; unlock flushes unless another writer is
// already waiting, which then flushes both: one syscall for calls that
// overlap.
func (c *GRPCConn) lock() {
	c.pending.Add(1)
	c.wmu.Lock()
}

func (c *GRPCConn) unlock(err error) error {
	if c.pending.Add(-1) == 0 {
		err = errors.Join(err, c.bw.Flush())
	}
	c.wmu.Unlock()
	return err
}

// write runs fn, which writes frames, under the write lock.
func (c *GRPCConn) write(fn func() error) error {
	c.lock()
	return c.unlock(fn())
}

func (c *GRPCConn) failed() error {
	c.smu.Lock()
	defer c.smu.Unlock()
	return c.err
}

func (c *GRPCConn) readLoop() {
	var unacked int64
	for {
		f, err := c.fr.ReadFrame()
		if err != nil {
			c.fail(fmt.Errorf("loadtest: connection: %w", err))
			return
		}
		switch f := f.(type) {
		case *http2.DataFrame:
			// Padding counts against the window too: all of Length.
			unacked += int64(f.Length)
			if unacked > recvWindow/2 {
				w := uint32(unacked)
				unacked = 0
				_ = c.write(func() error { return c.fr.WriteWindowUpdate(0, w) })
			}
			if len(f.Data()) > 0 {
				if call := c.stream(f.StreamID, false); call != nil {
					call.addData(f.Data())
				}
			}
			if f.StreamEnded() {
				c.end(f.StreamID, errors.New("loadtest: stream ended without trailers"))
			}
		case *http2.HeadersFrame:
			if !f.HeadersEnded() {
				c.fail(errors.New("loadtest: a header block in CONTINUATION frames, which this client does not read"))
				return
			}
			c.status, c.statusMsg = "", ""
			if _, err := c.hdec.Write(f.HeaderBlockFragment()); err != nil {
				c.fail(fmt.Errorf("loadtest: HPACK: %w", err))
				return
			}
			if f.StreamEnded() {
				c.end(f.StreamID, c.trailerError())
			}
		case *http2.RSTStreamFrame:
			c.end(f.StreamID, fmt.Errorf("loadtest: stream reset: %v", f.ErrCode))
		case *http2.SettingsFrame:
			if !f.IsAck() {
				_ = c.write(func() error { return c.fr.WriteSettingsAck() })
			}
		case *http2.PingFrame:
			if !f.IsAck() {
				data := f.Data
				_ = c.write(func() error { return c.fr.WritePing(true, data) })
			}
		case *http2.WindowUpdateFrame:
			if f.StreamID == 0 {
				c.wmu.Lock()
				c.sendWin += int64(f.Increment)
				c.winCond.Broadcast()
				c.wmu.Unlock()
			}
		case *http2.GoAwayFrame:
			c.fail(fmt.Errorf("loadtest: server sent GOAWAY %v", f.ErrCode))
			return
		}
	}
}

// addData collects the stream's DATA; the first complete gRPC message is
// the reply.
func (call *grpcCall) addData(p []byte) {
	if call.reply != nil {
		return
	}
	if call.data == nil && len(p) >= 5 {
		call.data = make([]byte, 0, 5+min(int(binary.BigEndian.Uint32(p[1:])), 1<<24))
	}
	call.data = append(call.data, p...)
	if len(call.data) >= 5 {
		if n := 5 + int(binary.BigEndian.Uint32(call.data[1:])); len(call.data) >= n {
			call.reply = call.data[5:n]
			if call.first != nil {
				close(call.first)
			}
		}
	}
}

func (c *GRPCConn) onField(f hpack.HeaderField) {
	switch f.Name {
	case "grpc-status":
		c.status = f.Value
	case "grpc-message":
		c.statusMsg = f.Value
	}
}

func (c *GRPCConn) trailerError() error {
	switch c.status {
	case "0":
		return nil
	case "":
		return errors.New("loadtest: stream ended without grpc-status")
	}
	return fmt.Errorf("loadtest: grpc-status %s: %s", c.status, c.statusMsg)
}

func (c *GRPCConn) stream(id uint32, remove bool) *grpcCall {
	c.smu.Lock()
	defer c.smu.Unlock()
	call := c.streams[id]
	if remove {
		delete(c.streams, id)
	}
	return call
}

func (c *GRPCConn) end(id uint32, err error) {
	if call := c.stream(id, true); call != nil {
		if err == nil && call.reply == nil {
			err = errors.New("loadtest: stream ended without an answer")
		}
		call.err = err
		close(call.done)
	}
}

func (c *GRPCConn) fail(err error) {
	c.smu.Lock()
	c.err = err
	calls := c.streams
	c.streams = map[uint32]*grpcCall{}
	c.smu.Unlock()
	for _, call := range calls {
		call.err = err
		close(call.done)
	}
	c.wmu.Lock()
	c.winCond.Broadcast()
	c.wmu.Unlock()
}
