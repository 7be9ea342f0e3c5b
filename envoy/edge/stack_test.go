package edge

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strangler-dev/strangler/controlplane/serve"
	"github.com/strangler-dev/strangler/controlplane/serve/servetest"
	"github.com/strangler-dev/strangler/internal/redistest"
	"github.com/strangler-dev/strangler/services/catalog"
	"github.com/strangler-dev/strangler/services/catalogue"
	"github.com/strangler-dev/strangler/services/legacy"
)

// The whole request path through the stand-in with strangler's real edge
// services (rate limit, cache, shadow receiver, from `serve`), the Magento
// stand-in and the catalog service, and a real redis-server.

type stack struct {
	run     *serve.Running
	legacy  *legacy.Server
	catalog *catalog.Service
	cat     *catalogue.Catalogue
	magento string // the Magento stand-in's base URL
}

// startStack writes the route file (fmt verbs: redis, legacy, catalog,
// then the edge services' address) and runs serve with every edge service.
func startStack(t *testing.T, routeFile string, faults catalog.Faults) *stack {
	t.Helper()
	redis := redistest.Start(t)
	s := &stack{cat: catalogue.Generate(catalogue.Options{Seed: 3, Products: 300})}
	svcAddr := servetest.FreeAddr(t)
	s.legacy = legacy.New(legacy.Options{Catalogue: s.cat, Seed: 3, PurgeURL: "http://" + svcAddr + "/", Logger: testLogger()})
	s.catalog = catalog.New(catalog.Options{Catalogue: s.cat, Seed: 3, Faults: faults, Logger: testLogger()})
	lsrv, csrv := httptest.NewServer(s.legacy), httptest.NewServer(s.catalog)
	s.magento = lsrv.URL
	t.Cleanup(lsrv.Close)
	t.Cleanup(csrv.Close)
	path := servetest.WriteRouteFile(t, fmt.Sprintf(routeFile, redis.Addr(), strings.TrimPrefix(lsrv.URL, "http://"), strings.TrimPrefix(csrv.URL, "http://"), svcAddr))
	s.run = servetest.Start(t, serve.Options{RoutesPath: path, Logger: testLogger()})
	return s
}

func (s *stack) waitEdge(t *testing.T, name string) {
	t.Helper()
	require.Eventually(t, func() bool { _, ok := s.run.EdgeAddr(name); return ok }, 10*time.Second, 10*time.Millisecond)
}

func fetch(t *testing.T, url string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

const stackHead = `version: 1
listen: 0.0.0.0:10000
legacy: magento
redis: {address: redis://%s/0}
backends:
  magento: {endpoints: [%s]}
  catalog: {endpoints: [%s]}
`

// TestLimitIsGlobalAcrossEdges: one client, two stand-in replicas, one
// limit of 5: five requests pass in all, and every one after that gets 429
// from either replica, with Retry-After.
func TestLimitIsGlobalAcrossEdges(t *testing.T) {
	// A generous Redis deadline: the test is about one limit across replicas,
	// not about decisions under a loaded -race run missing the 5 ms default.
	s := startStack(t, stackHead+`ratelimit: {listen: %[4]s, address: %[4]s, on_redis_error: deny, timeout: 1s, redis_timeout: 500ms}
routes:
  - name: product-api
    match: {prefix: /rest/V1/products}
    to: catalog
    limits: [{per: client_ip, rate: 5/m, burst: 5}]
`, catalog.Faults{})
	s.waitEdge(t, "ratelimit")
	a := startEdge(t, s.run.XDSAddr.String(), "edge-a")
	b := startEdge(t, s.run.XDSAddr.String(), "edge-b")
	sku := s.cat.Products[0].SKU
	var codes []int
	for i := range 10 {
		e := a
		if i%2 == 1 {
			e = b
		}
		resp, _ := fetch(t, "http://"+e.Addr().String()+"/rest/V1/products/"+sku)
		codes = append(codes, resp.StatusCode)
		if resp.StatusCode == http.StatusTooManyRequests {
			assert.NotEmpty(t, resp.Header.Get("Retry-After"))
		}
	}
	assert.Equal(t, []int{200, 200, 200, 200, 200, 429, 429, 429, 429, 429}, codes)
}

// TestCacheServesAndMagentoPurgeEvicts: a storefront page is stored on the
// first request and served from the cache after, without reaching Magento;
// saving the product in Magento's admin sends a Varnish-style PURGE by tag to
// strangler's cache, and the next request goes to Magento again.
func TestCacheServesAndMagentoPurgeEvicts(t *testing.T) {
	s := startStack(t, stackHead+`cache_service: {listen: %[4]s, address: %[4]s, purge_allow: [127.0.0.1]}
routes:
  - name: product-pages
    match: {prefix: /catalog/product/view/id/, methods: [GET, HEAD]}
    to: catalog
    percent: 0
    cache: {ttl: 10m}
`, catalog.Faults{})
	s.waitEdge(t, "cache")
	e := startEdge(t, s.run.XDSAddr.String(), "edge-c")
	var p catalogue.Product
	for _, c := range s.cat.Products {
		if c.Status == catalogue.StatusEnabled && c.Visibility != catalogue.VisibilityNotVisible {
			p = c // a product Magento shows a page for
			break
		}
	}
	page := fmt.Sprintf("/catalog/product/view/id/%d", p.ID)
	url := "http://" + e.Addr().String() + page

	first, _ := fetch(t, url)
	require.Equal(t, 200, first.StatusCode)
	assert.Equal(t, "MISS", first.Header.Get("X-Cache"))
	assert.Empty(t, first.Header.Get("X-Magento-Tags"), "tags are indexed, not shown to clients")
	var second *http.Response
	require.Eventually(t, func() bool { // the fill lands just after the first response
		second, _ = fetch(t, url)
		return second.Header.Get("X-Cache") == "HIT"
	}, 5*time.Second, 20*time.Millisecond)
	assert.Equal(t, int64(1), s.legacy.Requests(page), "a hit never reaches Magento")

	save, err := http.Post(s.magento+"/admin/products/"+p.SKU, "application/json", strings.NewReader(`{"price": 99.5}`))
	require.NoError(t, err)
	body, _ := io.ReadAll(save.Body)
	save.Body.Close()
	require.Equal(t, 200, save.StatusCode, string(body))
	assert.Contains(t, string(body), `"status":200`, "the purge reached the cache")

	third, _ := fetch(t, url)
	assert.Equal(t, "MISS", third.Header.Get("X-Cache"))
	assert.Equal(t, int64(2), s.legacy.Requests(page), "after the purge Magento answers again")
}

// TestShadowReportFindsInjectedDifferences: Magento serves everyone; a
// sample of reads is mirrored and captured, the receiver calls the catalog
// service (which adds 1 to every price) and the report names $.price as a
// real difference, with the other fields matching.
func TestShadowReportFindsInjectedDifferences(t *testing.T) {
	s := startStack(t, stackHead+`shadow_service: {listen: %[4]s, address: %[4]s}
routes:
  - name: product-api
    match: {prefix: /rest/V1/products, methods: [GET, HEAD]}
    to: catalog
    percent: 0
    shadow: {percent: 100, ignore: [header:X-Served-By]}
`, catalog.Faults{Differences: catalog.Differences{PriceDelta: 1, Every: 1}})
	s.waitEdge(t, "shadow")
	e := startEdge(t, s.run.XDSAddr.String(), "edge-s")
	for _, p := range s.cat.Products[:20] {
		resp, _ := fetch(t, "http://"+e.Addr().String()+"/rest/V1/products/"+p.SKU)
		require.Equal(t, 200, resp.StatusCode)
		assert.Equal(t, "legacy", resp.Header.Get("X-Strangler-Side"))
	}
	var rep struct {
		Compared int64 `json:"compared"`
		Matched  int64 `json:"matched"`
		Fields   []struct {
			Template string `json:"template"`
			Raw      int64  `json:"raw"`
			Verdict  struct {
				Real bool `json:"real"`
			} `json:"verdict"`
		} `json:"fields"`
	}
	admin := "http://" + s.run.AdminAddr.String()
	require.Eventually(t, func() bool {
		resp, err := http.Get(admin + "/api/shadow/product-api?since=10m")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		rep.Compared = 0
		_ = json.NewDecoder(resp.Body).Decode(&rep)
		return rep.Compared == 20
	}, 15*time.Second, 50*time.Millisecond, "compared %d", rep.Compared)
	assert.Zero(t, rep.Matched)
	var price bool
	for _, f := range rep.Fields {
		if f.Template == "body:$.price" {
			price = f.Raw == 20 && f.Verdict.Real
		} else {
			assert.False(t, strings.HasPrefix(f.Template, "header:"), "unexpected header difference %s", f.Template)
		}
	}
	assert.True(t, price, "fields: %+v", rep.Fields)
}
