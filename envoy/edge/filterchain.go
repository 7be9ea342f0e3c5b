package edge

// streamFilter is one HTTP filter for one request. Envoy runs decoders in
// filter order and encoders in reverse (arch_overview/http/http_filters), so
// the response meets the last filter first.
type streamFilter interface {
	// decode sees the request headers and sets up the request body; a
	// non-nil response is a local reply that stops decoding.
	decode(x *exchange) *response
	// encode sees the response on its way back and may change or replace
	// it; a body it processes is wrapped or read here.
	encode(x *exchange, r *response) *response
	// finish runs once the exchange is over, whatever happened.
	finish(x *exchange)
}

// filterChain builds the filters for one request from the route matched
// first: like Envoy, a filter disabled or enabled by the initial route stays
// so even if the route is recomputed later (FilterConfig.disabled note).
func (e *Edge) filterChain(x *exchange) []streamFilter {
	var out []streamFilter
	for _, f := range x.lis.hcm.filters {
		pc := perFilterFor(x.vhost, x.route, f.name)
		if !f.enabled(pc) {
			continue
		}
		switch {
		case f.rateLimit != nil:
			out = append(out, &rateLimitStream{spec: f.rateLimit, edge: e})
		case f.extProc != nil:
			out = append(out, newExtProcStream(e, f, pc))
		}
	}
	return out
}

// runChain passes the exchange through the filters and the router, and the
// response back through the filters. A local reply from filter i is encoded
// by the filters before it only, as Envoy's sendLocalReply from a decoder.
func (e *Edge) runChain(x *exchange, chain []streamFilter) *response {
	for i, f := range chain {
		if r := f.decode(x); r != nil {
			return encodeBack(x, chain[:i], r)
		}
	}
	if x.clearRoute {
		x.vhost, x.route = x.view.routes.match(x)
	}
	return encodeBack(x, chain, e.route(x))
}

func encodeBack(x *exchange, chain []streamFilter, r *response) *response {
	for i := len(chain) - 1; i >= 0; i-- {
		r = chain[i].encode(x, r)
	}
	return r
}
