package catalog

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strangler-dev/strangler/services/catalogue"
)

func TestAffectsIsDeterministicPerSKU(t *testing.T) {
	d := Differences{PriceDelta: 1}
	affected := 0
	for _, p := range shared().Products {
		first := d.Affects(p.SKU)
		assert.Equal(t, first, d.Affects(p.SKU))
		if first {
			affected++
		}
	}
	n := len(shared().Products)
	assert.InDelta(t, n/DefaultEvery, affected, float64(n)/20, "about one sku in ten")
	all := Differences{Every: 1}
	for _, p := range shared().Products[:20] {
		assert.True(t, all.Affects(p.SKU))
	}
}

func TestDifferencesChangeExactlyWhatTheySay(t *testing.T) {
	g := newRig(t, Options{})
	d := Differences{PriceDelta: 0.01, DropField: "extension_attributes.stock_item.qty", RenameField: "name:title", ReorderMedia: true}
	p := find(t, func(p *catalogue.Product) bool { return d.Affects(p.SKU) && len(p.MediaGalleryEntries) >= 2 })
	q := find(t, func(p *catalogue.Product) bool { return !d.Affects(p.SKU) })
	body, err := json.Marshal(d)
	require.NoError(t, err)
	g.setFaults(`{"differences":` + string(body) + `}`)

	got := g.Get("/rest/V1/products/" + p.SKU)
	require.Equal(t, 200, got.Status)
	want := decode(t, goJSON(t, p))
	want["price"] = p.Price + 0.01
	delete(want["extension_attributes"].(map[string]any)["stock_item"].(map[string]any), "qty")
	want["title"] = want["name"]
	delete(want, "name")
	slices.Reverse(want["media_gallery_entries"].([]any))
	assert.Equal(t, want, decode(t, got.Body))
	assert.Less(t, strings.Index(string(got.Body), `"title"`), strings.Index(string(got.Body), `"attribute_set_id"`),
		"a renamed field keeps its place")

	assert.JSONEq(t, string(goJSON(t, q)), string(g.Get("/rest/V1/products/"+q.SKU).Body), "an unaffected sku is untouched")

	search := g.Get("/rest/V1/products?searchCriteria[filter_groups][0][filters][0][field]=sku" +
		"&searchCriteria[filter_groups][0][filters][0][value]=" + p.SKU + "," + q.SKU +
		"&searchCriteria[filter_groups][0][filters][0][condition_type]=in").Object(t)
	items := search["items"].([]any)
	require.Len(t, items, 2)
	for _, it := range items {
		item := it.(map[string]any)
		_, renamed := item["title"]
		assert.Equal(t, d.Affects(item["sku"].(string)), renamed, "search items differ as the product does")
	}

	g.setFaults(`{}`)
	assert.JSONEq(t, string(goJSON(t, p)), string(g.Get("/rest/V1/products/"+p.SKU).Body), "off again: the cache kept the true body")
}

func TestDifferenceOnAMissingFieldChangesNothing(t *testing.T) {
	d := Differences{DropField: "weight", RenameField: "extension_attributes.nothing:x", Every: 1}
	p := find(t, func(p *catalogue.Product) bool { return p.Weight == nil })
	body := goJSON(t, p)
	out, err := d.apply(p.SKU, body)
	require.NoError(t, err)
	assert.Equal(t, body, out)
}
