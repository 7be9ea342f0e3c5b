package legacy

import (
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strangler-dev/strangler/services/catalogue"
)

var formKey = regexp.MustCompile(`name="form_key" type="hidden" value="([A-Za-z0-9]+)"`)

func TestNoiseOffAnswersAlike(t *testing.T) {
	g := newRig(t, Options{})
	p := find(t, inStockSimple)
	first := g.Get("/rest/V1/products/" + p.SKU)
	for range 20 {
		assert.Equal(t, first.Body, g.Get("/rest/V1/products/"+p.SKU).Body)
	}
	page := "/catalog/product/view/id/" + strconv.Itoa(find(t, visible).ID)
	a, b := g.Get(page), g.Get(page)
	assert.Equal(t, a.Body, b.Body)
	assert.Empty(t, a.Header.Get("X-Magento-Cache-Debug"))
}

func TestNoiseOnChangesWhatMagentoChanges(t *testing.T) {
	g := newRig(t, Options{Noise: true, NoiseEvery: 5, Seed: 3})
	p := find(t, inStockSimple)
	touched, drifted := 0, 0
	for range 10 {
		got := g.Get("/rest/V1/products/" + p.SKU).Object(t)
		if got["updated_at"] != p.UpdatedAt {
			touched++
			assert.Regexp(t, `^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$`, got["updated_at"])
		}
		stock := got["extension_attributes"].(map[string]any)["stock_item"].(map[string]any)
		if stock["qty"] != p.ExtensionAttributes.StockItem.Qty {
			drifted++
		}
		assert.InDelta(t, p.ExtensionAttributes.StockItem.Qty, stock["qty"], 2)
		assert.Equal(t, p.Name, got["name"], "noise leaves the rest alone")
	}
	assert.Equal(t, 2, touched, "one response in NoiseEvery=5 carries a fresh updated_at")
	assert.Positive(t, drifted, "stock drifts")

	page := "/catalog/product/view/id/" + strconv.Itoa(find(t, visible).ID)
	a, b := g.Get(page), g.Get(page)
	assert.Equal(t, "MISS", a.Header.Get("X-Magento-Cache-Debug"))
	require.Len(t, formKey.FindStringSubmatch(string(a.Body)), 2)
	assert.NotEqual(t, formKey.FindStringSubmatch(string(a.Body))[1], formKey.FindStringSubmatch(string(b.Body))[1],
		"a fresh form_key per page")

	g.app.SetNoise(false)
	quiet := g.Get("/rest/V1/products/" + p.SKU)
	for range 10 {
		assert.Equal(t, quiet.Body, g.Get("/rest/V1/products/"+p.SKU).Body, "switched off at run time")
	}
	assert.Equal(t, semantic(t, goJSON(t, p)), semantic(t, quiet.Body))
}

func TestNoiseNeverChangesTheCatalogue(t *testing.T) {
	own := catalogue.Generate(catalogue.Options{Seed: 42, Products: 50})
	before := goJSON(t, own.Products)
	g := newRig(t, Options{Catalogue: own, Noise: true, NoiseEvery: 1})
	for _, p := range own.Products[:10] {
		g.Get("/rest/V1/products/" + p.SKU)
	}
	assert.Equal(t, before, goJSON(t, own.Products))
}
