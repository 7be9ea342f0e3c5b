package shadow

import (
	"io"
	"net/http"
)

// drainFactor bounds how much of an oversized mirror body is read and
// thrown away so the connection can be reused; past it the connection is
// closed instead.
const drainFactor = 8

// mirrorHandler takes Envoy's request mirror: the user's request cloned,
// Host untouched, plus the x-strangler-route header. Envoy ignores the
// answer, so it is 202 at once; the work happens after the join.
func (r *Receiver) mirrorHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, hr *http.Request) {
		route := hr.Header.Get(routeHeader)
		maxBody := r.table.Load().cfg.MaxBody
		req := &request{ID: hr.Header.Get(requestIDName), Method: hr.Method, URI: hr.RequestURI, Host: hr.Host,
			Header: hr.Header.Clone()}
		body, err := io.ReadAll(io.LimitReader(hr.Body, maxBody+1))
		switch {
		case err != nil:
			w.WriteHeader(http.StatusBadRequest)
			return
		case int64(len(body)) > maxBody:
			req.TooLarge = true
			if n, _ := io.Copy(io.Discard, io.LimitReader(hr.Body, drainFactor*maxBody)); n == drainFactor*maxBody {
				w.Header().Set("Connection", "close")
			}
		default:
			req.Body = body
		}
		w.WriteHeader(http.StatusAccepted)
		if r.known(route) {
			r.metrics.mirrors.WithLabelValues(route).Inc()
		}
		r.accept(req.ID, route, req, nil)
	})
}
