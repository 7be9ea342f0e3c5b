package edge

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	hcm "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
)

// frontend owns the downstream socket. Binding happens when LDS is accepted
// (a failure is a NACK); accepting starts once the route table is there.
type frontend struct {
	log      *slog.Logger
	handler  http.Handler
	override string // Options.ListenOverride

	mu      sync.Mutex
	addr    string // the LDS address bound
	codec   hcm.HttpConnectionManager_CodecType
	ln      net.Listener
	srv     *http.Server
	serving bool
}

func newFrontend(log *slog.Logger, h http.Handler, override string) *frontend {
	return &frontend{log: log, handler: h, override: override}
}

// bind makes sure a socket listens for l: the first time, or when LDS moves
// the address or codec (then the old socket drains in the background).
func (f *frontend) bind(l *listenerSpec) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ln != nil && (f.override != "" || f.addr == l.address) && f.codec == l.hcm.codec {
		return nil
	}
	target := l.address
	if f.override != "" {
		target = f.override
		if f.ln != nil {
			target = f.ln.Addr().String() // keep the port a test was given
		}
	}
	oldSrv, oldLn, wasServing := f.srv, f.ln, f.serving
	if oldLn != nil && target == oldLn.Addr().String() {
		// Same socket, new codec: close first, then bind again.
		f.shutdown(oldSrv, oldLn, wasServing, false)
		oldSrv, oldLn = nil, nil
	}
	ln, err := net.Listen("tcp", target)
	if err != nil {
		return err
	}
	f.ln, f.addr, f.codec, f.serving = ln, l.address, l.hcm.codec, false
	f.srv = f.newServer(l.hcm.codec)
	if wasServing {
		f.startLocked()
	}
	if oldLn != nil {
		go f.shutdown(oldSrv, oldLn, wasServing, true)
	}
	f.log.Info("listener bound", "address", ln.Addr().String(), "lds_address", l.address)
	return nil
}

// newServer speaks what codec_type allows: AUTO is HTTP/1.1 and cleartext
// HTTP/2 (prior knowledge) on one port.
func (f *frontend) newServer(codec hcm.HttpConnectionManager_CodecType) *http.Server {
	p := new(http.Protocols)
	switch codec {
	case hcm.HttpConnectionManager_HTTP1:
		p.SetHTTP1(true)
	case hcm.HttpConnectionManager_HTTP2:
		p.SetUnencryptedHTTP2(true)
	default:
		p.SetHTTP1(true)
		p.SetUnencryptedHTTP2(true)
	}
	return &http.Server{Handler: f.handler, Protocols: p, ReadHeaderTimeout: time.Minute,
		ErrorLog: slog.NewLogLogger(f.log.Handler(), slog.LevelDebug)}
}

func (f *frontend) serve() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.startLocked()
}

func (f *frontend) startLocked() {
	if f.ln == nil || f.serving {
		return
	}
	f.serving = true
	srv, ln := f.srv, f.ln
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			f.log.Error("listener stopped", "error", err)
		}
	}()
}

func (f *frontend) shutdown(srv *http.Server, ln net.Listener, serving, drain bool) {
	if !serving {
		_ = ln.Close()
		return
	}
	if !drain {
		_ = srv.Close()
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = srv.Shutdown(ctx)
}

// stop closes the socket: LDS no longer has a listener.
func (f *frontend) stop() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ln == nil {
		return
	}
	go f.shutdown(f.srv, f.ln, f.serving, true)
	f.ln, f.srv, f.serving, f.addr = nil, nil, false, ""
}

func (f *frontend) address() net.Addr {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ln == nil {
		return nil
	}
	return f.ln.Addr()
}
