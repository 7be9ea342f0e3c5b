package catalog

import (
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConcurrentMissesShareOneLoad(t *testing.T) {
	g := newRig(t, Options{})
	g.svc.loadHook = func() { time.Sleep(50 * time.Millisecond) } // holds the first load open while the rest arrive
	sku := shared().Products[7].SKU
	var wg sync.WaitGroup
	statuses := make([]int, 20)
	for i := range statuses {
		wg.Go(func() { statuses[i] = g.Get("/rest/V1/products/" + sku).Status })
	}
	wg.Wait()
	for _, s := range statuses {
		assert.Equal(t, 200, s)
	}
	assert.Equal(t, 1.0, testutil.ToFloat64(g.svc.metrics.loads.WithLabelValues("product")))
	assert.Equal(t, 20.0, testutil.ToFloat64(g.svc.metrics.misses.WithLabelValues("product"))+
		testutil.ToFloat64(g.svc.metrics.hits.WithLabelValues("product")))
}

func TestMissingSKUsAreCachedAsMissing(t *testing.T) {
	g := newRig(t, Options{})
	for range 3 {
		assert.Equal(t, 404, g.Get("/rest/V1/products/NO-SUCH-SKU").Status)
	}
	assert.Equal(t, 1.0, testutil.ToFloat64(g.svc.metrics.loads.WithLabelValues("product")))
	assert.Equal(t, 1.0, testutil.ToFloat64(g.svc.metrics.negative))
	assert.Equal(t, 2.0, testutil.ToFloat64(g.svc.metrics.hits.WithLabelValues("product")))
	g.Get("/rest/V1/categories/999")
	g.Get("/rest/V1/categories/999")
	assert.Equal(t, 2.0, testutil.ToFloat64(g.svc.metrics.negative))
	assert.Equal(t, 1.0, testutil.ToFloat64(g.svc.metrics.hits.WithLabelValues("category")))
}

func TestSearchesAreCached(t *testing.T) {
	g := newRig(t, Options{})
	path := "/rest/V1/products?searchCriteria[filter_groups][0][filters][0][field]=type_id&searchCriteria[filter_groups][0][filters][0][value]=virtual"
	first := g.Get(path)
	assert.Equal(t, first.Body, g.Get(path).Body)
	assert.Equal(t, 1.0, testutil.ToFloat64(g.svc.metrics.loads.WithLabelValues("search")))
	assert.Equal(t, 1.0, testutil.ToFloat64(g.svc.metrics.hits.WithLabelValues("search")))
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestTTLCacheExpiresAndEvicts(t *testing.T) {
	clk := &clock{now: time.Unix(1e9, 0)}
	c := newTTLCache[int](3, clk.Now)
	c.set("a", 1, 10*time.Second)
	c.set("b", 2, time.Second)
	v, ok := c.get("a")
	assert.True(t, ok)
	assert.Equal(t, 1, v)
	clk.advance(time.Second)
	_, ok = c.get("b")
	assert.False(t, ok, "expired at its TTL")
	assert.Equal(t, 1, c.len(), "an expired entry is dropped when seen")

	c.set("c", 3, time.Second)
	c.set("d", 4, 10*time.Second)
	clk.advance(2 * time.Second)
	c.set("e", 5, 10*time.Second)
	_, ok = c.get("c")
	assert.False(t, ok)
	assert.LessOrEqual(t, c.len(), 3)
	c.set("f", 6, 10*time.Second)
	c.set("g", 7, 10*time.Second)
	assert.LessOrEqual(t, c.len(), 3, "never above its size")
	v, ok = c.get("g")
	assert.True(t, ok, "the newest entry is kept")
	assert.Equal(t, 7, v)
}

func TestJitteredSpreadsTTL(t *testing.T) {
	seen := map[time.Duration]bool{}
	for range 1000 {
		d := jittered(10 * time.Second)
		require.GreaterOrEqual(t, d, 8*time.Second)
		require.Less(t, d, 12*time.Second)
		seen[d.Truncate(time.Second)] = true
	}
	assert.Len(t, seen, 4, "spread over the whole ±20 % band: 8, 9, 10 and 11 s")
}

func TestMetricsRegisterWithTheGivenRegisterer(t *testing.T) {
	reg := prometheus.NewRegistry()
	g := newRig(t, Options{Registerer: reg})
	g.Get("/rest/V1/products/" + shared().Products[0].SKU)
	families, err := reg.Gather()
	require.NoError(t, err)
	var names []string
	for _, f := range families {
		names = append(names, f.GetName())
	}
	assert.Contains(t, names, "strangler_catalog_cache_misses_total")
	assert.Contains(t, names, "strangler_catalog_loads_total")
}
