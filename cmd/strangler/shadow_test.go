package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strangler-dev/strangler/internal/redistest"
)

// TestReplayThenReport: replay an access log against a legacy and a new
// server, then read the report back from the same store.
func TestReplayThenReport(t *testing.T) {
	redis := redistest.Start(t)
	product := func(price string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			sku := strings.TrimPrefix(r.URL.Path, "/rest/V1/products/")
			p := "34"
			if sku == "24-MB02" {
				p = price // the one product the new service prices differently
			}
			fmt.Fprintf(w, `{"sku":%q,"name":"Bag","price":%s}`, sku, p)
		}
	}
	legacy := httptest.NewServer(product("34"))
	defer legacy.Close()
	next := httptest.NewServer(product("35"))
	defer next.Close()

	path := writeFile(t, fmt.Sprintf(`version: 1
listen: 0.0.0.0:10000
legacy: magento
redis: {address: redis://%s/0}
backends:
  magento: {endpoints: [127.0.0.1:1]}
  catalog: {endpoints: [127.0.0.1:2]}
routes:
  - name: product-api
    match: {prefix: /rest/V1/products, methods: [GET]}
    to: catalog
`, redis.Addr()))
	var log strings.Builder
	for i, sku := range []string{"24-MB01", "24-MB02", "24-MB03", "24-MB04"} {
		fmt.Fprintf(&log, `{"method":"GET","path":"/rest/V1/products/%s","authority":"shop.example.com","x_request_id":"r%d"}`+"\n", sku, i)
	}
	fmt.Fprintln(&log, `{"method":"POST","path":"/rest/V1/products/24-MB01","authority":"shop.example.com","x_request_id":"w"}`)
	logPath := writeFile(t, log.String())

	out, errOut, code := run(t, "replay", "--routes", path, "--log", logPath, "--legacy", legacy.URL, "--new", next.URL)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "read 5, replayed 4, compared 4, matched 3 (75.0%)")
	assert.Contains(t, out, "product-api")

	js, errOut, code := run(t, "report", "product-api", "--routes", path, "--format", "json")
	require.Equal(t, 0, code, errOut)
	var rep struct {
		Route    string `json:"route"`
		Compared int    `json:"compared"`
		Matched  int    `json:"matched"`
	}
	require.NoError(t, json.Unmarshal([]byte(js), &rep), js)
	assert.Equal(t, "product-api", rep.Route)
	assert.Equal(t, 4, rep.Compared)
	assert.Equal(t, 3, rep.Matched)

	md, _, code := run(t, "report", "--routes", path, "--format", "markdown")
	require.Equal(t, 0, code)
	assert.Contains(t, md, "$.price")
}
