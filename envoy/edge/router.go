package edge

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"time"
)

// route is the router filter: pick the cluster, mirror, forward with
// retries and the route timeout, and decorate the response with the route's
// headers.
func (e *Edge) route(x *exchange) *response {
	if x.route == nil {
		x.fail(flagNoRoute, "route_not_found")
		return localReply(http.StatusNotFound, "")
	}
	a := x.route.action
	x.cluster = a.cluster
	if a.weighted != nil {
		x.weighted = a.weighted.pick(a, x)
		x.cluster = x.weighted.name
	}
	resp := e.routeTo(x, a)
	e.decorate(x, resp)
	return resp
}

func (e *Edge) routeTo(x *exchange, a *routeAction) *response {
	u := x.view.cluster(x.cluster)
	if u == nil {
		x.fail(flagNoCluster, "cluster_not_found")
		return localReply(a.notFoundStatus, "")
	}
	// Request headers: the weighted cluster's, then the route's
	// (WeightedClusterEntry::finalizeRequestHeaders).
	if w := x.weighted; w != nil {
		applyHeaderOptions(x.header, w.reqAdd, w.reqRemove)
	}
	applyHeaderOptions(x.header, x.route.reqAdd, x.route.reqRemove)
	body, err := bufferBody(x)
	if err != nil {
		if x.pendingReply != nil {
			return x.pendingReply
		}
		x.fail(flagDownstreamReset, "downstream_body_error")
		return localReply(http.StatusBadRequest, "")
	}
	for _, m := range a.mirrors {
		e.mirror(x, a, m, body)
	}
	return e.forward(x, u, a, body)
}

// decorate adds the route's response headers (the weighted cluster's, then
// the route's) and, with include_attempt_count_in_response, the attempt
// count. Envoy's router applies them to its local replies too, once a route
// entry was chosen.
func (e *Edge) decorate(x *exchange, r *response) {
	if w := x.weighted; w != nil {
		applyHeaderOptions(r.header, w.respAdd, w.respRemove)
	}
	applyHeaderOptions(r.header, x.route.respAdd, x.route.respRemove)
	if x.vhost != nil && x.vhost.includeAttemptCount && x.attempts > 0 {
		r.header.Set("X-Envoy-Attempt-Count", strconv.Itoa(x.attempts))
	}
}

// requestBody is the body the router sends: held in memory when it fits
// the buffer limit, so retries and mirrors can resend it; otherwise
// streamed once, with retries and mirrors abandoned, as Envoy does
// (retry_or_shadow_abandoned).
type requestBody struct {
	data   []byte
	stream io.Reader
	empty  bool
}

func bufferBody(x *exchange) (*requestBody, error) {
	if x.body == nil {
		return &requestBody{empty: true}, nil
	}
	limit := x.lis.bufferLimit
	data, err := io.ReadAll(io.LimitReader(x.body, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) <= limit {
		return &requestBody{data: data, empty: len(data) == 0}, nil
	}
	return &requestBody{stream: io.MultiReader(bytes.NewReader(data), x.body)}, nil
}

func (b *requestBody) replayable() bool { return b.stream == nil }

// reader gives one attempt's body.
func (b *requestBody) reader() (io.Reader, int64) {
	switch {
	case b.empty:
		return nil, 0
	case b.stream != nil:
		s := b.stream
		b.stream = eofReader{} // a second attempt would send nothing: never made
		return s, -1
	}
	return bytes.NewReader(b.data), int64(len(b.data))
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

func durationMillis(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) }
