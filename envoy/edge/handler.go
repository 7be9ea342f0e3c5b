package edge

import (
	"errors"
	"io"
	"net/http"
	"net/netip"
	"strings"
	"time"
)

// hopByHop are the connection-level headers a proxy never forwards
// (RFC 9110 section 7.6.1), plus those the Connection header names.
var hopByHop = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate",
	"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

func stripHopByHop(h http.Header) {
	for _, v := range h.Values("Connection") {
		for _, name := range strings.Split(v, ",") {
			if name = strings.TrimSpace(name); name != "" {
				h.Del(name)
			}
		}
	}
	for _, name := range hopByHop {
		h.Del(name)
	}
}

// serveHTTP is the HTTP connection manager for one request.
func (e *Edge) serveHTTP(w http.ResponseWriter, r *http.Request) {
	v := e.current.Load()
	if v == nil || v.listener == nil || v.routes == nil {
		http.Error(w, "no configuration", http.StatusServiceUnavailable)
		return
	}
	x := newExchange(r, v)
	prepareRequest(x, v.listener.hcm)
	x.vhost, x.route = v.routes.match(x)
	chain := e.filterChain(x)
	defer func() {
		for _, f := range chain {
			f.finish(x)
		}
	}()
	resp := e.runChain(x, chain)
	x.response = resp
	e.write(w, x, resp)
	e.logAccess(x)
}

func newExchange(r *http.Request, v *view) *exchange {
	x := &exchange{
		ctx: r.Context(), start: time.Now(), view: v, lis: v.listener, downstream: r,
		method: r.Method, path: r.RequestURI, authority: r.Host, scheme: "http",
		header: r.Header.Clone(),
	}
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		x.peer = ap
	}
	stripHopByHop(x.header)
	if r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0 {
		x.body = &countingReader{r: r.Body, n: &x.bytesReceived}
	}
	return x
}

// write sends the response downstream. The server header is Envoy's
// (server_name, overwriting the upstream's). A body that fails half way
// can no longer change the status: the connection is reset, as Envoy
// resets the stream.
func (e *Edge) write(w http.ResponseWriter, x *exchange, r *response) {
	defer r.release()
	h := w.Header()
	for k, vs := range r.header {
		h[k] = vs
	}
	h.Set("Server", x.lis.hcm.serverName)
	if _, ok := h["Content-Type"]; !ok {
		h["Content-Type"] = nil // net/http would sniff one; Envoy adds none
	}
	w.WriteHeader(r.status)
	if r.body == nil || x.method == http.MethodHead {
		return
	}
	n, readErr, writeErr := copyFlushing(w, r.body)
	x.bytesSent = n
	switch {
	case writeErr != nil:
		x.fail(flagDownstreamReset, "downstream_remote_disconnect")
	case readErr != nil:
		x.fail(flagUpstreamReset, "response_body_error")
		e.log.Warn("response body failed after headers were sent; resetting", "error", readErr, "path", x.path)
		e.logAccess(x)
		panic(http.ErrAbortHandler)
	}
}

// copyFlushing streams a body, flushing each chunk so streamed responses
// (server-sent events, long polls) reach the client as they come.
func copyFlushing(w http.ResponseWriter, body io.Reader) (total int64, readErr, writeErr error) {
	rc := http.NewResponseController(w)
	buf := make([]byte, 32<<10)
	for {
		n, err := body.Read(buf)
		if n > 0 {
			wn, werr := w.Write(buf[:n])
			total += int64(wn)
			if werr != nil {
				return total, nil, werr
			}
			_ = rc.Flush()
		}
		if errors.Is(err, io.EOF) {
			return total, nil, nil
		}
		if err != nil {
			return total, err, nil
		}
	}
}

type countingReader struct {
	r io.Reader
	n *int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.n += int64(n)
	return n, err
}
