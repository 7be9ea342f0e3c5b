package console_test

import (
	"encoding/json"
	"github.com/strangler-dev/strangler/controlplane/console"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strangler-dev/strangler/controlplane/admin"
	"github.com/strangler-dev/strangler/routes"
)

const shiftFile = `version: 1
listen: 0.0.0.0:10000
legacy: magento
backends:
  magento: {endpoints: [127.0.0.1:8080]}
  catalog: {endpoints: [127.0.0.1:8090]}
routes:
  - name: product-api
    match: {prefix: /rest/V1/products}
    to: catalog
    percent: 10   # moved by the console
  - name: orders-api
    match: {prefix: /rest/V1/orders}
    to: catalog
    percent: 0
    rollout: {steps: [20, 100], hold: 1h}
`

func getJSON(t *testing.T, url string, into any) int {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	if into != nil {
		require.NoError(t, json.NewDecoder(resp.Body).Decode(into), url)
	}
	return resp.StatusCode
}

func postJSON(t *testing.T, url, token, body string) (int, map[string]any, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return resp.StatusCode, out, resp.Header
}

func consoleServer(t *testing.T, opts console.Options) (*httptest.Server, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "routes.yaml")
	require.NoError(t, os.WriteFile(path, []byte(shiftFile), 0o600))
	if opts.RoutesPath == "" {
		opts.RoutesPath = path
	}
	srv := httptest.NewServer(console.Handler(opts))
	t.Cleanup(srv.Close)
	return srv, path
}

// TestShiftRewritesOnlyThePercent: an authorised shift changes that one
// value in the file, comments and all else untouched, keeps the mode, and
// answers what it did.
func TestShiftRewritesOnlyThePercent(t *testing.T) {
	srv, path := consoleServer(t, console.Options{Token: testToken})
	code, body, _ := postJSON(t, srv.URL+"/api/routes/product-api/shift", testToken, `{"percent": "25", "who": "ana", "why": "error rate flat for a day"}`)
	require.Equal(t, http.StatusOK, code, body)
	assert.Equal(t, map[string]any{"route": "product-api", "from_percent": 10.0, "percent": 25.0, "changed": true, "file": path}, body)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, strings.Replace(shiftFile, "percent: 10   # moved", "percent: 25   # moved", 1), string(data))
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	// A JSON number is taken too; the same percent again writes nothing.
	code, body, _ = postJSON(t, srv.URL+"/api/routes/product-api/shift", testToken, `{"percent": 25}`)
	require.Equal(t, http.StatusOK, code, body)
	assert.Equal(t, false, body["changed"])
	f, err := routes.Load(path)
	require.NoError(t, err)
	assert.Equal(t, routes.Percent(2500), f.Routes[0].Percent)
}

// TestShiftRefusals: no token, a wrong token, a server without a token,
// a bad percent, an unknown route, a percent the file cannot take, and
// a wrong method are all refused with JSON saying why, and the file
// stays as it was.
func TestShiftRefusals(t *testing.T) {
	srv, path := consoleServer(t, console.Options{Token: testToken})
	off, _ := consoleServer(t, console.Options{})
	for _, c := range []struct {
		name, url, token, body string
		code                   int
		says                   string
	}{
		{"no token", srv.URL + "/api/routes/product-api/shift", "", `{"percent":"50"}`, http.StatusUnauthorized, "Bearer"},
		{"wrong token", srv.URL + "/api/routes/product-api/shift", "guess", `{"percent":"50"}`, http.StatusForbidden, "wrong token"},
		{"actions off", off.URL + "/api/routes/product-api/shift", testToken, `{"percent":"50"}`, http.StatusForbidden, "no token configured"},
		{"percent out of range", srv.URL + "/api/routes/product-api/shift", testToken, `{"percent":"150"}`, http.StatusBadRequest, "out of range"},
		{"percent missing", srv.URL + "/api/routes/product-api/shift", testToken, `{}`, http.StatusBadRequest, "percent"},
		{"not JSON", srv.URL + "/api/routes/product-api/shift", testToken, `percent=5`, http.StatusBadRequest, "body"},
		{"unknown route", srv.URL + "/api/routes/checkout/shift", testToken, `{"percent":"5"}`, http.StatusNotFound, `no route named "checkout"`},
		// A rollout's steps must rise above the file percent.
		{"breaks the rollout plan", srv.URL + "/api/routes/orders-api/shift", testToken, `{"percent":"30"}`, http.StatusUnprocessableEntity, "does not rise above"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, body, hdr := postJSON(t, c.url, c.token, c.body)
			assert.Equal(t, c.code, code, body)
			assert.Contains(t, body["error"], c.says)
			if code == http.StatusUnauthorized {
				assert.Equal(t, `Bearer realm="strangler"`, hdr.Get("WWW-Authenticate"))
			}
		})
	}
	resp, err := http.Get(srv.URL + "/api/routes/product-api/shift")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, shiftFile, string(data), "a refused shift wrote the file")

	// A file broken by hand is not made worse.
	require.NoError(t, os.WriteFile(path, []byte("version: 1\nroutes: [}\n"), 0o600))
	code, body, _ := postJSON(t, srv.URL+"/api/routes/product-api/shift", testToken, `{"percent":"5"}`)
	assert.Equal(t, http.StatusConflict, code)
	assert.Contains(t, body["error"], "invalid before the change")
}

// TestPagesAndAssets: the pages are one shell under a strict CSP, every
// asset it names is served with a script or style type, the root
// redirects to the console, and unknown paths are JSON 404s.
func TestPagesAndAssets(t *testing.T) {
	srv, _ := consoleServer(t, console.Options{})
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(srv.URL + "/")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusFound, resp.StatusCode)
	assert.Equal(t, "/console/", resp.Header.Get("Location"))

	var shell string
	for _, p := range []string{"/console/", "/console/nodes", "/console/routes/product-api"} {
		resp, err := http.Get(srv.URL + p)
		require.NoError(t, err)
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, resp.StatusCode, p)
		assert.Contains(t, resp.Header.Get("Content-Type"), "text/html", p)
		assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "default-src 'self'", p)
		shell = string(b)
	}
	assert.Contains(t, shell, `src="/console/assets/js/app.js"`)
	entries, err := os.ReadDir("assets/js") // the files the console embeds
	require.NoError(t, err)
	require.NotEmpty(t, entries)
	for _, e := range entries {
		resp, err := http.Get(srv.URL + "/console/assets/js/" + e.Name())
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode, e.Name())
		assert.Contains(t, resp.Header.Get("Content-Type"), "javascript", e.Name())
	}
	resp, err = http.Get(srv.URL + "/console/assets/console.css")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Contains(t, resp.Header.Get("Content-Type"), "text/css")

	var e map[string]string
	assert.Equal(t, http.StatusNotFound, getJSON(t, srv.URL+"/console/nope/deeper", &e))
	assert.Contains(t, e["error"], "/console/nope/deeper")
}

// TestFiguresWithoutServices: without a registry, or with one where no
// edge service counted anything for the route, the figures say that they
// are not available and why, rather than showing zeros.
func TestFiguresWithoutServices(t *testing.T) {
	for _, g := range []prometheus.Gatherer{nil, prometheus.NewRegistry()} {
		srv, _ := consoleServer(t, console.Options{Gatherer: g})
		var f console.Figures
		require.Equal(t, http.StatusOK, getJSON(t, srv.URL+"/console/api/figures/product-api", &f))
		assert.Nil(t, f.RateLimit)
		assert.Nil(t, f.Cache)
		assert.NotEmpty(t, f.Missing["ratelimit"])
		assert.NotEmpty(t, f.Missing["cache"])
	}
}

// TestMountsOnTheAdminServer: mounted as the lead mounts it, under
// console.Patterns in the admin server's Extra, the console takes the root, its
// pages and the shift endpoint, and the admin API keeps everything else,
// /api/routes included.
func TestMountsOnTheAdminServer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "routes.yaml")
	require.NoError(t, os.WriteFile(path, []byte(shiftFile), 0o600))
	h := console.Handler(console.Options{RoutesPath: path, Token: testToken})
	extra := map[string]http.Handler{}
	for _, p := range console.Patterns {
		extra[p] = h
	}
	srv := httptest.NewServer(admin.NewHandler(admin.Options{Routes: func() any { return []string{"admin route view"} }, Extra: extra}))
	t.Cleanup(srv.Close)

	var view []string
	require.Equal(t, http.StatusOK, getJSON(t, srv.URL+"/api/routes", &view))
	assert.Equal(t, []string{"admin route view"}, view)
	var e map[string]string
	assert.Equal(t, http.StatusNotFound, getJSON(t, srv.URL+"/api/nothing", &e))
	assert.Contains(t, e["error"], "no such endpoint", "the admin API's own 404")

	resp, err := http.Get(srv.URL + "/")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "/console/", resp.Request.URL.Path, "the root leads to the console")

	code, body, _ := postJSON(t, srv.URL+"/api/routes/product-api/shift", testToken, `{"percent":"30"}`)
	assert.Equal(t, http.StatusOK, code, body)
	assert.Equal(t, true, body["changed"])
}
