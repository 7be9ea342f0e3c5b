package edge

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"
)

// forward sends the request upstream, retrying as the route's retry policy
// allows. The route timeout spans every attempt and the whole response body
// (RouteAction.timeout: until "the upstream response has been completely
// processed"); it is not retried past.
func (e *Edge) forward(x *exchange, u *upstream, a *routeAction, body *requestBody) *response {
	ctx, cancel := x.ctx, context.CancelFunc(func() {})
	if a.timeout > 0 {
		ctx, cancel = context.WithTimeout(x.ctx, a.timeout)
	}
	rp := a.retry
	prio := &priorityState{policy: rp}
	start := time.Now()
	for attempt := 1; ; attempt++ {
		x.attempts = attempt
		target, h, level := choose(x.view, u, prio.excluded)
		if h == nil {
			cancel()
			x.fail(flagNoHealthyUpstream, "no_healthy_upstream")
			return localReply(http.StatusServiceUnavailable, "no healthy upstream")
		}
		prio.attempted(level)
		x.upstreamHost = h.addr
		resp, failure := target.roundTrip(ctx, x, h, body, a, start)
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		target.recordOutcome(h, status, failure != attemptOK)
		if ctx.Err() != nil && x.ctx.Err() == nil {
			closeBody(resp)
			cancel()
			x.fail(flagUpstreamTimeout, "upstream_response_timeout")
			return localReply(http.StatusGatewayTimeout, "upstream request timeout")
		}
		retry := rp != nil && rp.retriable(status, failure)
		if retry && attempt <= rp.numRetries && body.replayable() {
			closeBody(resp)
			e.metrics.retries.WithLabelValues(x.cluster).Inc()
			sleepCtx(ctx, rp.backoff(attempt)) // a timeout is caught after the next attempt
			continue
		}
		if retry && attempt > rp.numRetries {
			x.flags |= flagRetryLimit
		}
		if failure != attemptOK {
			cancel()
			return upstreamFailure(x, failure)
		}
		return upstreamResponse(x, resp, cancel, start)
	}
}

func upstreamFailure(x *exchange, failure attemptFailure) *response {
	if failure == attemptConnectFailure {
		x.fail(flagUpstreamConnFail, "upstream_reset_before_response_started{connection_failure}")
		return localReply(http.StatusServiceUnavailable,
			"upstream connect error or disconnect/reset before headers. reset reason: connection failure")
	}
	x.fail(flagUpstreamReset, "upstream_reset_before_response_started{connection_termination}")
	return localReply(http.StatusServiceUnavailable,
		"upstream connect error or disconnect/reset before headers. reset reason: connection termination")
}

func upstreamResponse(x *exchange, resp *http.Response, cancel context.CancelFunc, start time.Time) *response {
	h := resp.Header.Clone()
	stripHopByHop(h)
	if !x.lis.hcm.suppressEnvoyHeaders {
		h.Set("X-Envoy-Upstream-Service-Time", durationMillis(time.Since(start)))
	}
	r := &response{status: resp.StatusCode, header: h, body: resp.Body}
	r.close = func() {
		resp.Body.Close()
		cancel()
	}
	if resp.ContentLength == 0 || resp.Body == http.NoBody {
		r.body = nil
	}
	return r
}

func closeBody(resp *http.Response) {
	if resp != nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
	}
}

func sleepCtx(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// roundTrip makes one attempt on host h.
func (u *upstream) roundTrip(ctx context.Context, x *exchange, h *host, body *requestBody, a *routeAction, start time.Time) (*http.Response, attemptFailure) {
	req, err := u.upstreamRequest(ctx, x, h, body)
	if err != nil {
		return nil, attemptReset
	}
	if !x.lis.hcm.suppressEnvoyHeaders && a.timeout > 0 {
		left := a.timeout - time.Since(start)
		req.Header.Set("X-Envoy-Expected-Rq-Timeout-Ms", durationMillis(max(left, 0)))
	}
	resp, err := u.transport.RoundTrip(req)
	if err != nil {
		return nil, classify(err)
	}
	return resp, attemptOK
}

func (u *upstream) upstreamRequest(ctx context.Context, x *exchange, h *host, body *requestBody) (*http.Request, error) {
	target, err := url.ParseRequestURI(x.path)
	if err != nil {
		return nil, err
	}
	target.Scheme, target.Host = "http", h.addr
	if u.spec.tls != nil {
		target.Scheme = "https"
	}
	hdr := x.header.Clone()
	if _, ok := hdr["User-Agent"]; !ok {
		hdr["User-Agent"] = []string{""} // net/http would add its own
	}
	rd, n := body.reader()
	req := &http.Request{
		Method: x.method, URL: target, Host: x.authority, Header: hdr,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, ContentLength: n,
	}
	if rd != nil {
		req.Body = io.NopCloser(rd)
	}
	return req.WithContext(ctx), nil
}

// classify tells a failure to connect (dial or TLS handshake) from a
// connection that broke before a response.
func classify(err error) attemptFailure {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return attemptConnectFailure
	}
	var cv *tls.CertificateVerificationError
	var rh tls.RecordHeaderError
	var alert tls.AlertError
	if errors.As(err, &cv) || errors.As(err, &rh) || errors.As(err, &alert) {
		return attemptConnectFailure
	}
	return attemptReset
}
