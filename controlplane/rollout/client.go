package rollout

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/strangler-dev/strangler/internal/httpjson"
)

// Client calls a control plane's rollout API (AdminHandler), for the CLI.
type Client struct {
	BaseURL string // the admin server, e.g. http://127.0.0.1:9901
	Token   string // for actions
	HTTP    *http.Client
}

// APIError is an answer other than 200. errors.Is matches ErrUnknownRoute
// (404), ErrNotAllowed (409) and ErrUnauthorized (401, 403).
type APIError struct {
	StatusCode int
	Message    string
}

func (e *APIError) Error() string { return e.Message }

// Unwrap maps the status code back to the package's errors.
func (e *APIError) Unwrap() error {
	switch e.StatusCode {
	case http.StatusNotFound:
		return ErrUnknownRoute
	case http.StatusConflict:
		return ErrNotAllowed
	case http.StatusUnauthorized, http.StatusForbidden:
		return ErrUnauthorized
	}
	return nil
}

// StatusAll lists every rollout.
func (c *Client) StatusAll(ctx context.Context) ([]Status, error) {
	var out []Status
	return out, c.call(ctx, http.MethodGet, "/api/rollouts", nil, &out)
}

// Status is one route's rollout.
func (c *Client) Status(ctx context.Context, route string) (Status, error) {
	var out Status
	return out, c.call(ctx, http.MethodGet, "/api/rollouts/"+url.PathEscape(route), nil, &out)
}

// History is a route's changes, newest first (limit 0: the server's default).
func (c *Client) History(ctx context.Context, route string, limit int) ([]Event, error) {
	path := "/api/history/" + url.PathEscape(route)
	if limit > 0 {
		path += "?limit=" + strconv.Itoa(limit)
	}
	var out []Event
	return out, c.call(ctx, http.MethodGet, path, nil, &out)
}

// Promote moves to the next step, or to 100 % with full.
func (c *Client) Promote(ctx context.Context, route string, full bool, by By) (Status, error) {
	q := ""
	if full {
		q = "?full=1"
	}
	return c.act(ctx, route, "promote"+q, by)
}

// Pause stops promotions until Resume.
func (c *Client) Pause(ctx context.Context, route string, by By) (Status, error) {
	return c.act(ctx, route, "pause", by)
}

// Resume continues, re-holds or restarts a rollout (see Controller.Resume).
func (c *Client) Resume(ctx context.Context, route string, by By) (Status, error) {
	return c.act(ctx, route, "resume", by)
}

// Abort sends the route's traffic back to legacy.
func (c *Client) Abort(ctx context.Context, route string, by By) (Status, error) {
	return c.act(ctx, route, "abort", by)
}

func (c *Client) act(ctx context.Context, route, action string, by By) (Status, error) {
	body, err := json.Marshal(by)
	if err != nil {
		return Status{}, fmt.Errorf("route %q: %w", route, err)
	}
	var out Status
	return out, c.call(ctx, http.MethodPost, "/api/rollouts/"+url.PathEscape(route)+"/"+action, body, &out)
}

func (c *Client) call(ctx context.Context, method, path string, body []byte, into any) error {
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.BaseURL, "/")+path, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("rollout api: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("rollout api: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return fmt.Errorf("rollout api %s %s: read answer: %w", method, path, err)
	}
	if resp.StatusCode != http.StatusOK {
		var e httpjson.Error
		if json.Unmarshal(raw, &e) != nil || e.Error == "" {
			e.Error = fmt.Sprintf("%s %s: HTTP %d: %.200s", method, path, resp.StatusCode, raw)
		}
		return &APIError{StatusCode: resp.StatusCode, Message: e.Error}
	}
	if err := json.Unmarshal(raw, into); err != nil {
		return fmt.Errorf("rollout api %s %s: decode answer: %w", method, path, err)
	}
	return nil
}
