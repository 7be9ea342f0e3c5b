package legacy

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strangler-dev/strangler/services/catalogue"
)

func TestProductBySKU(t *testing.T) {
	g := newRig(t, Options{})
	p := find(t, func(p *catalogue.Product) bool { return p.TypeID == catalogue.TypeConfigurable })
	r := g.Get("/rest/V1/products/" + p.SKU)
	require.Equal(t, 200, r.Status)
	assert.Equal(t, "no-store", r.Header.Get("Cache-Control"))
	assert.Equal(t, "magento", r.Header.Get("X-Served-By"))
	assert.Equal(t, "application/json; charset=utf-8", r.Header.Get("Content-Type"))
	assert.NotEmpty(t, r.Header.Get("Date"))
	assert.Equal(t, semantic(t, goJSON(t, p)), semantic(t, r.Body), "the catalogue's product, field for field")

	scoped := g.Get("/rest/default/V1/products/" + p.SKU)
	assert.Equal(t, r.Body, scoped.Body, "a store-scoped path answers the same")

	lower := g.Get("/rest/V1/products/" + strings.ToLower(p.SKU))
	require.Equal(t, 200, lower.Status, "MySQL's collation finds a sku in any case")
	assert.Equal(t, p.SKU, lower.Object(t)["sku"])
}

func TestProductMissing(t *testing.T) {
	g := newRig(t, Options{})
	r := g.Get("/rest/V1/products/NO-SUCH-SKU")
	assert.Equal(t, 404, r.Status)
	assert.Equal(t, `{"message":"The product that was requested doesn't exist. Verify the product and try again."}`, string(r.Body))
	assert.Equal(t, "no-store", r.Header.Get("Cache-Control"))
}

func TestPHPEncodingOnTheWire(t *testing.T) {
	g := newRig(t, Options{})
	p := find(t, func(p *catalogue.Product) bool {
		d, _ := p.CustomAttribute(catalogue.AttrDescription)
		s, _ := d.(string)
		return nonASCII(s) && strings.Contains(s, "&") && len(p.MediaGalleryEntries) > 0
	})
	body := string(g.Get("/rest/V1/products/" + p.SKU).Body)
	assert.Contains(t, body, `"file":"\/`, "slashes escaped")
	assert.Contains(t, body, `<\/p>`, "HTML kept, its slashes escaped")
	assert.Contains(t, body, ` & `, "& left alone")
	assert.NotContains(t, body, `\u003c`, "no Go-style HTML escaping")
	assert.Contains(t, body, `"extension_attributes":[]`, "an empty object as []")
	assert.Regexp(t, `\\u[0-9a-f]{4}`, body, "non-ASCII as lower-case \\u escapes")
	assert.False(t, nonASCII(body), "nothing outside ASCII on the wire")
}

func TestNoRoute(t *testing.T) {
	g := newRig(t, Options{})
	for _, r := range []reply{g.Get("/rest/V1/nothing"), g.Do("DELETE", "/rest/V1/products/24-MB01", "")} {
		assert.Equal(t, 404, r.Status)
		assert.Equal(t, `{"message":"Request does not match any route."}`, string(r.Body))
	}
}

func TestHealthCheck(t *testing.T) {
	g := newRig(t, Options{})
	r := g.Get("/health_check.php")
	assert.Equal(t, 200, r.Status)
	assert.Empty(t, r.Body)
}

func TestCategories(t *testing.T) {
	g := newRig(t, Options{})
	c := shared()
	def, _ := c.Category(catalogue.DefaultCategoryID)

	tree := g.Get("/rest/V1/categories")
	require.Equal(t, 200, tree.Status)
	assert.Equal(t, semantic(t, goJSON(t, def.Tree(0))), semantic(t, tree.Body))
	top := tree.Object(t)
	assert.EqualValues(t, 2, top["id"])
	assert.Equal(t, "Default Category", top["name"])
	women := top["children_data"].([]any)[1].(map[string]any)
	assert.NotEmpty(t, women["children_data"], "the whole tree by default")

	shallow := g.Get("/rest/V1/categories?depth=1").Object(t)
	for _, child := range shallow["children_data"].([]any) {
		assert.Empty(t, child.(map[string]any)["children_data"])
	}
	gear := g.Get("/rest/V1/categories?rootCategoryId=22").Object(t)
	assert.Equal(t, "Gear", gear["name"])

	detail := g.Get("/rest/V1/categories/5")
	require.Equal(t, 200, detail.Status)
	cat, _ := c.Category(5)
	assert.Equal(t, semantic(t, goJSON(t, cat.Detail())), semantic(t, detail.Body))
	assert.Contains(t, string(detail.Body), `"path":"1\/2\/`)

	missing := g.Get("/rest/V1/categories/999")
	assert.Equal(t, 404, missing.Status)
	assert.JSONEq(t, `{"message":"No such entity with %fieldName = %fieldValue","parameters":{"fieldName":"id","fieldValue":999}}`, string(missing.Body))
	assert.Equal(t, 404, g.Get("/rest/V1/categories?rootCategoryId=999").Status)
	bad := g.Get("/rest/V1/categories/abc")
	assert.Equal(t, 400, bad.Status)
	assert.Equal(t, `Invalid type for value: "abc". Expected Type: "int".`, bad.Object(t)["message"])
}
