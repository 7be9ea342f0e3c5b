package routes

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRouteFor(t *testing.T) {
	f, err := Parse("r.yaml", []byte(base+`  - {name: store-de, match: {prefix: /rest/V1/products, headers: {Store: de}}, to: catalog}
  - {name: products, match: {prefix: /rest/V1/products, methods: [GET, HEAD], host: shop.example.com}, to: catalog}
  - {name: pages, match: {regex: '/[a-z-]+\.html'}, to: catalog}
  - {name: search, match: {path: /search}, to: catalog}
`))
	require.NoError(t, err)
	name := func(method, host, path string, h http.Header) string {
		r, ok := f.RouteFor(method, host, path, h)
		if !ok {
			return "legacy"
		}
		return r.Name
	}
	assert.Equal(t, "store-de", name("POST", "x", "/rest/V1/products/1", http.Header{"Store": {"de"}}))
	assert.Equal(t, "products", name("GET", "Shop.Example.com:8443", "/rest/V1/products/1?x=1", nil))
	assert.Equal(t, "legacy", name("POST", "shop.example.com", "/rest/V1/products/1", nil))
	assert.Equal(t, "legacy", name("GET", "other.example.com", "/rest/V1/products/1", nil))
	assert.Equal(t, "pages", name("GET", "", "/women-tops.html", nil))
	assert.Equal(t, "legacy", name("GET", "", "/a/women-tops.html", nil), "regex must match the whole path")
	assert.Equal(t, "search", name("GET", "", "/search?q=bag", nil))
	assert.Equal(t, "legacy", name("GET", "", "/search/more", nil))
}
