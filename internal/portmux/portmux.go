// Package portmux serves gRPC and plain HTTP/1.1 on one port, the way an edge
// service with one `listen` address needs: Envoy speaks gRPC (HTTP/2) to it,
// while Magento's purge requests and Envoy's request mirror speak HTTP/1.1.
// Each connection is sorted by its first bytes: an HTTP/2 client preface goes
// to the gRPC listener, anything else to the HTTP one, so gRPC keeps its own
// fast transport instead of running through net/http.
package portmux

import (
	"bytes"
	"errors"
	"io"
	"net"
	"sync"
	"time"
)

// preface is what every HTTP/2 connection starts with (RFC 9113, 3.4).
var preface = []byte("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")

// sniffTimeout bounds how long a silent connection may hold a sorting slot.
const sniffTimeout = 10 * time.Second

// Mux splits one listener into two.
type Mux struct {
	root        net.Listener
	grpc, http1 *child
	closeOnce   sync.Once
}

// New starts sorting connections from l. Serve gRPC on GRPC() and HTTP on
// HTTP(); Close closes all three.
func New(l net.Listener) *Mux {
	m := &Mux{root: l, grpc: newChild(l.Addr()), http1: newChild(l.Addr())}
	go m.accept()
	return m
}

// GRPC is the listener that receives HTTP/2 (gRPC) connections.
func (m *Mux) GRPC() net.Listener { return m.grpc }

// HTTP is the listener that receives every other connection.
func (m *Mux) HTTP() net.Listener { return m.http1 }

// Close stops accepting.
func (m *Mux) Close() error {
	var err error
	m.closeOnce.Do(func() {
		err = m.root.Close()
		m.grpc.close(net.ErrClosed)
		m.http1.close(net.ErrClosed)
	})
	return err
}

func (m *Mux) accept() {
	for {
		c, err := m.root.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			m.grpc.close(err)
			m.http1.close(err)
			return
		}
		go m.sort(c)
	}
}

func (m *Mux) sort(c net.Conn) {
	_ = c.SetReadDeadline(time.Now().Add(sniffTimeout))
	head := make([]byte, len(preface))
	n, err := io.ReadFull(c, head)
	_ = c.SetReadDeadline(time.Time{})
	if err != nil && n == 0 {
		c.Close()
		return
	}
	sc := &sniffed{Conn: c, head: head[:n]}
	if bytes.Equal(head[:n], preface) {
		m.grpc.push(sc)
	} else {
		m.http1.push(sc)
	}
}

// sniffed replays the bytes read while sorting.
type sniffed struct {
	net.Conn
	head []byte
}

func (s *sniffed) Read(p []byte) (int, error) {
	if len(s.head) > 0 {
		n := copy(p, s.head)
		s.head = s.head[n:]
		return n, nil
	}
	return s.Conn.Read(p)
}

// child is one side of the split, fed by the sorter.
type child struct {
	addr  net.Addr
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
	err   error
}

func newChild(addr net.Addr) *child {
	return &child{addr: addr, conns: make(chan net.Conn), done: make(chan struct{})}
}

func (c *child) push(conn net.Conn) {
	select {
	case c.conns <- conn:
	case <-c.done:
		conn.Close()
	}
}

func (c *child) close(err error) {
	c.once.Do(func() { c.err = err; close(c.done) })
}

func (c *child) Accept() (net.Conn, error) {
	select {
	case conn := <-c.conns:
		return conn, nil
	case <-c.done:
		return nil, c.err
	}
}

func (c *child) Close() error   { c.close(net.ErrClosed); return nil }
func (c *child) Addr() net.Addr { return c.addr }
