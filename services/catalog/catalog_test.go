package catalog

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strangler-dev/strangler/services/catalogue"
)

func TestProductBySKU(t *testing.T) {
	g := newRig(t, Options{})
	p := find(t, func(p *catalogue.Product) bool {
		d, _ := p.CustomAttribute(catalogue.AttrDescription)
		s, _ := d.(string)
		return strings.ContainsFunc(s, func(r rune) bool { return r > utf8.RuneSelf })
	})
	r := g.Get("/rest/V1/products/" + p.SKU)
	require.Equal(t, 200, r.Status)
	assert.Equal(t, "catalog", r.Header.Get("X-Served-By"))
	assert.Equal(t, "application/json; charset=utf-8", r.Header.Get("Content-Type"))
	assert.Equal(t, "no-store", r.Header.Get("Cache-Control"), "the same REST contract as Magento")
	assert.JSONEq(t, string(goJSON(t, p)), string(r.Body))

	body := string(r.Body)
	assert.Contains(t, body, `"file":"/`, "Go leaves slashes alone")
	assert.Contains(t, body, `\u003cp\u003e`, "Go escapes HTML")
	assert.Contains(t, body, `"extension_attributes":{}`, "an empty object is {}")
	assert.True(t, strings.ContainsFunc(body, func(r rune) bool { return r > utf8.RuneSelf }), "UTF-8 as is")

	assert.Equal(t, r.Body, g.Get("/rest/default/V1/products/"+p.SKU).Body, "store-scoped path")
}

func TestProductMissingAndCaseSensitive(t *testing.T) {
	g := newRig(t, Options{})
	for _, path := range []string{"/rest/V1/products/NO-SUCH-SKU", "/rest/V1/products/" + strings.ToLower(shared().Products[0].SKU)} {
		r := g.Get(path)
		assert.Equal(t, 404, r.Status, path)
		assert.Equal(t, `{"message":"The product that was requested doesn't exist. Verify the product and try again."}`, string(r.Body))
	}
}

func TestSearch(t *testing.T) {
	g := newRig(t, Options{})
	q := url.Values{}
	q.Set("searchCriteria[filter_groups][0][filters][0][field]", "category_id")
	q.Set("searchCriteria[filter_groups][0][filters][0][value]", "22")
	q.Set("searchCriteria[filter_groups][1][filters][0][field]", "name")
	q.Set("searchCriteria[filter_groups][1][filters][0][value]", "%a%")
	q.Set("searchCriteria[filter_groups][1][filters][0][condition_type]", "like")
	q.Set("searchCriteria[sortOrders][0][field]", "name")
	q.Set("searchCriteria[pageSize]", "3")
	r := g.Get("/rest/V1/products?" + q.Encode())
	require.Equal(t, 200, r.Status, "%s", r.Body)

	var want []catalogue.Product
	for _, p := range shared().Products {
		inGear := false
		for _, l := range p.ExtensionAttributes.CategoryLinks {
			inGear = inGear || l.CategoryID == "22"
		}
		if inGear && strings.Contains(strings.ToLower(p.Name), "a") {
			want = append(want, p)
		}
	}
	require.Greater(t, len(want), 3)
	body := r.Object(t)
	assert.EqualValues(t, len(want), body["total_count"])
	items := body["items"].([]any)
	require.Len(t, items, 3)
	var names []string
	for _, it := range items {
		names = append(names, it.(map[string]any)["name"].(string))
	}
	assert.IsNonDecreasing(t, names)
	assert.Equal(t, 3.0, body["search_criteria"].(map[string]any)["page_size"])

	bySKU := g.Get("/rest/V1/products?searchCriteria[filter_groups][0][filters][0][field]=sku" +
		"&searchCriteria[filter_groups][0][filters][0][value]=" + strings.ToLower(want[0].SKU) + "," + want[1].SKU +
		"&searchCriteria[filter_groups][0][filters][0][condition_type]=in").Object(t)
	assert.EqualValues(t, 2, bySKU["total_count"], "searches match skus as MySQL does, in any case")

	missing := g.Get("/rest/V1/products")
	assert.Equal(t, 400, missing.Status)
	assert.JSONEq(t, `{"message":"\"%fieldName\" is required. Enter and try again.","parameters":{"fieldName":"searchCriteria"}}`, string(missing.Body))
}

func TestCategories(t *testing.T) {
	g := newRig(t, Options{})
	def, _ := shared().Category(catalogue.DefaultCategoryID)
	tree := g.Get("/rest/V1/categories")
	require.Equal(t, 200, tree.Status)
	assert.JSONEq(t, string(goJSON(t, def.Tree(0))), string(tree.Body))
	gear, _ := shared().Category(22)
	assert.JSONEq(t, string(goJSON(t, gear.Tree(1))), string(g.Get("/rest/default/V1/categories?rootCategoryId=22&depth=1").Body))
	detail, _ := shared().Category(5)
	assert.JSONEq(t, string(goJSON(t, detail.Detail())), string(g.Get("/rest/V1/categories/5").Body))

	missing := g.Get("/rest/V1/categories/999")
	assert.Equal(t, 404, missing.Status)
	assert.JSONEq(t, `{"message":"No such entity with %fieldName = %fieldValue","parameters":{"fieldName":"id","fieldValue":999}}`, string(missing.Body))
	assert.Equal(t, 400, g.Get("/rest/V1/categories?depth=deep").Status)
}

func TestHealthzAndNoRoute(t *testing.T) {
	g := newRig(t, Options{})
	h := g.Get("/healthz")
	assert.Equal(t, 200, h.Status)
	assert.JSONEq(t, `{"status":"ok"}`, string(h.Body))
	n := g.Get("/rest/V1/guest-carts")
	assert.Equal(t, 404, n.Status, "carts stay with Magento")
	assert.Equal(t, "catalog", n.Header.Get("X-Served-By"))
}
