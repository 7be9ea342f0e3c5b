package shadow

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// Outcomes of a call, the "result" label of the calls metric and, for
// failures, the not-comparable reason.
const (
	callOK       = "ok"
	callTimeout  = NotComparableTimeout
	callError    = NotComparableError
	callTooLarge = NotComparableTooLarge
)

// newClient is the receiver's HTTP client to both sides. Bodies stay as they
// travelled (no transparent gzip) because the comparer decodes them, and
// redirects are answers to compare, not to follow.
func newClient(conns int) *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			DisableCompression:  true,
			MaxIdleConns:        4 * conns,
			MaxIdleConnsPerHost: conns,
			IdleConnTimeout:     90 * time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// call sends req to base (http://host:port) with Host preserved and returns
// the response, or the not-comparable reason it failed with.
func call(ctx context.Context, client *http.Client, base string, req *request, timeout time.Duration, maxBody int64) (*response, string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	hr, err := http.NewRequestWithContext(ctx, req.Method, strings.TrimSuffix(base, "/")+req.URI, bytes.NewReader(req.Body))
	if err != nil {
		return nil, callError, fmt.Errorf("build request: %w", err)
	}
	hr.Header = forwardHeader(req.Header)
	hr.Host = req.Host
	if len(req.Body) == 0 {
		hr.Body, hr.ContentLength = http.NoBody, 0
	}
	start := time.Now()
	resp, err := client.Do(hr)
	if err != nil {
		return nil, failure(ctx, err), fmt.Errorf("%s %s: %w", req.Method, base, err)
	}
	defer resp.Body.Close()
	out := &response{Status: resp.StatusCode, Header: resp.Header, Latency: time.Since(start)}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, failure(ctx, err), fmt.Errorf("%s %s: body: %w", req.Method, base, err)
	}
	if int64(len(body)) > maxBody {
		out.TooLarge = true
		return out, callTooLarge, nil
	}
	out.Body = body
	return out, callOK, nil
}

func failure(ctx context.Context, err error) string {
	var ne net.Error
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return callTimeout
	}
	return callError
}
