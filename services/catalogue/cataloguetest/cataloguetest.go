// Package cataloguetest is what the tests of the catalogue's two services
// share: one small catalogue, a client that reads whole answers from a real
// HTTP server, and the comparison of PHP's JSON with Go's.
package cataloguetest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/strangler-dev/strangler/services/catalogue"
)

var (
	once   sync.Once
	shared *catalogue.Catalogue
)

// Catalogue is a small catalogue (seed 42, 400 products) generated once per
// test binary. The services never change the catalogue they are given.
func Catalogue() *catalogue.Catalogue {
	once.Do(func() { shared = catalogue.Generate(catalogue.Options{Seed: 42, Products: 400}) })
	return shared
}

// Find returns the first product of c that pred accepts, failing the test
// when none does.
func Find(t testing.TB, c *catalogue.Catalogue, pred func(p *catalogue.Product) bool) catalogue.Product {
	t.Helper()
	for i := range c.Products {
		if pred(&c.Products[i]) {
			return c.Products[i]
		}
	}
	t.Fatal("no product in the test catalogue fits")
	return catalogue.Product{}
}

// Reply is an HTTP answer, read whole.
type Reply struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body.
func (r Reply) JSON(t testing.TB) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(r.Body, &v), "body: %s", r.Body)
	return v
}

// Object decodes the body, which must be a JSON object.
func (r Reply) Object(t testing.TB) map[string]any {
	t.Helper()
	m, ok := r.JSON(t).(map[string]any)
	require.True(t, ok, "not an object: %s", r.Body)
	return m
}

// Client talks to one test server and does not follow redirects.
type Client struct {
	t    testing.TB
	URL  string
	http *http.Client
}

// Serve starts a real HTTP server for h, closed when the test ends.
func Serve(t testing.TB, h http.Handler) *Client {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &Client{t: t, URL: srv.URL, http: &http.Client{
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Do sends a request; a non-empty body is sent as JSON unless headers (name,
// value pairs) say otherwise.
func (c *Client) Do(method, path, body string, header ...string) Reply {
	c.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.URL+path, rd)
	require.NoError(c.t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.http.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	return Reply{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// Get sends a GET.
func (c *Client) Get(path string, header ...string) Reply {
	c.t.Helper()
	return c.Do(http.MethodGet, path, "", header...)
}

// Semantic decodes a JSON body and folds the one disagreement of PHP's and
// Go's encoders that decoding leaves, PHP's [] for an empty object, into {}
// (an empty list becomes {} too). Escapes (\/, \u00e9, \u003c) decode alike.
func Semantic(t testing.TB, raw []byte) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(raw, &v), "body: %s", raw)
	return fold(v)
}

func fold(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = fold(e)
		}
	case []any:
		if len(x) == 0 {
			return map[string]any{}
		}
		for i, e := range x {
			x[i] = fold(e)
		}
	}
	return v
}

// GoJSON is v encoded by encoding/json.
func GoJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// BenchGET measures h answering GET path, in process, failing on anything
// but 200.
func BenchGET(b *testing.B, h http.Handler, path string) {
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		if w.Code != http.StatusOK {
			b.Fatalf("GET %s: %d %s", path, w.Code, w.Body)
		}
	}
}
