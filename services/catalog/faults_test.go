package catalog

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFaultsRoundTrip(t *testing.T) {
	g := newRig(t, Options{})
	assert.JSONEq(t, `{"latency":"0s","error_rate":0,"down":false,"differences":{}}`, string(g.Get(faultsPath).Body))

	in := `{"latency":"50ms","error_rate":0.25,"down":false,"differences":{"price_delta":0.01,"drop_field":"weight","rename_field":"name:title","reorder_media":true,"every":3}}`
	g.setFaults(in)
	assert.JSONEq(t, in, string(g.Get(faultsPath).Body))
	f := g.svc.Faults()
	assert.Equal(t, 50*time.Millisecond, f.Latency)
	assert.Equal(t, Differences{PriceDelta: 0.01, DropField: "weight", RenameField: "name:title", ReorderMedia: true, Every: 3}, f.Differences)

	g.setFaults(`{}`)
	assert.Equal(t, Faults{}, g.svc.Faults(), "PUT replaces the whole set")
}

func TestFaultsRefused(t *testing.T) {
	g := newRig(t, Options{})
	for _, body := range []string{
		`{"error_rate":1.5}`,
		`{"latency":"soon"}`,
		`{"latency":"-1s"}`,
		`{"differences":{"rename_field":"name"}}`,
		`{"differences":{"rename_field":"name:a.b"}}`,
		`{"differences":{"drop_field":"a..b"}}`,
		`{"differences":{"every":-1}}`,
		`{"typo":true}`,
		`not json`,
	} {
		r := g.Do("PUT", faultsPath, body)
		assert.Equal(t, 400, r.Status, body)
		assert.NotEmpty(t, r.Object(t)["message"], body)
	}
	assert.Equal(t, Faults{}, g.svc.Faults(), "a refused PUT changes nothing")
	assert.Panics(t, func() { New(Options{Catalogue: shared(), Faults: Faults{ErrorRate: -1}}) })
}

func TestDownAnswers503EverywhereButTheFaultsEndpoint(t *testing.T) {
	g := newRig(t, Options{Faults: Faults{Down: true}})
	for _, path := range []string{"/healthz", "/rest/V1/products/" + shared().Products[0].SKU, "/rest/V1/categories"} {
		r := g.Get(path)
		assert.Equal(t, 503, r.Status, path)
		assert.Equal(t, "catalog", r.Header.Get("X-Served-By"))
	}
	g.setFaults(`{"down":false}`)
	assert.Equal(t, 200, g.Get("/healthz").Status, "switched back at run time")
}

func TestErrorRate(t *testing.T) {
	g := newRig(t, Options{})
	sku := shared().Products[0].SKU
	g.setFaults(`{"error_rate":1}`)
	for range 20 {
		assert.Equal(t, 500, g.Get("/rest/V1/products/"+sku).Status)
	}
	g.setFaults(`{"error_rate":0.5}`)
	failed := 0
	for range 400 {
		if g.Get("/rest/V1/products/"+sku).Status == 500 {
			failed++
		}
	}
	assert.InDelta(t, 200, failed, 100, "about half fail") // 100 is ten standard deviations
	g.setFaults(`{"error_rate":0}`)
	for range 20 {
		assert.Equal(t, 200, g.Get("/rest/V1/products/"+sku).Status)
	}
}

func TestLatencyFault(t *testing.T) {
	g := newRig(t, Options{Faults: Faults{Latency: 60 * time.Millisecond}})
	start := time.Now()
	assert.Equal(t, 200, g.Get("/healthz").Status)
	assert.GreaterOrEqual(t, time.Since(start), 60*time.Millisecond)
}

func TestFaultsJSON(t *testing.T) {
	var f Faults
	require.NoError(t, json.Unmarshal([]byte(`{"latency":"1.5s","down":true}`), &f))
	assert.Equal(t, Faults{Latency: 1500 * time.Millisecond, Down: true}, f)
	b, err := json.Marshal(f)
	require.NoError(t, err)
	assert.JSONEq(t, `{"latency":"1.5s","error_rate":0,"down":true,"differences":{}}`, string(b))
}
