package catalogue

import (
	"encoding/json"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGenerateIsAFunctionOfTheSeed(t *testing.T) {
	a := Generate(Options{Seed: 7, Products: 500})
	b := Generate(Options{Seed: 7, Products: 500})
	require.Equal(t, a, b)
	ja, err := json.Marshal(a.Products)
	require.NoError(t, err)
	jb, err := json.Marshal(b.Products)
	require.NoError(t, err)
	assert.Equal(t, ja, jb, "equal seeds must encode byte for byte alike")

	c := Generate(Options{Seed: 8, Products: 500})
	assert.NotEqual(t, a.Products, c.Products, "another seed, another catalogue")
}

func TestGenerateMakesExactlyTheProductsAsked(t *testing.T) {
	for _, n := range []int{1, 2, 17, 301} {
		c := Generate(Options{Seed: 3, Products: n})
		assert.Len(t, c.Products, n)
	}
	assert.Len(t, Generate(Options{Seed: 3}).Products, DefaultProducts)
}

var skuShape = regexp.MustCompile(`^(24-(MB|UG|WG)\d{2,}|240-LV\d{2,}|(MH|MJ|MS|MT|MP|MSH|WJ|WH|WS|WT|WP|WSH)\d{2,}(-(XS|S|M|L|XL|\d{2})-[A-Z][a-z]+)?)$`)

func TestProductsLookLikeMagentos(t *testing.T) {
	c := Generate(Options{Seed: 11})
	skus, keys := map[string]bool{}, map[string]bool{}
	types := map[string]int{}
	for i, p := range c.Products {
		assert.Equal(t, i+1, p.ID, "ids are 1..n in order")
		assert.Regexp(t, skuShape, p.SKU)
		assert.False(t, skus[p.SKU], "duplicate sku %s", p.SKU)
		skus[p.SKU] = true
		key, _ := p.CustomAttribute(AttrURLKey)
		assert.False(t, keys[key.(string)], "duplicate url_key %s", key)
		keys[key.(string)] = true
		assert.Regexp(t, `^[a-z0-9-]+$`, key)
		assert.Regexp(t, `^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$`, p.CreatedAt)
		assert.LessOrEqual(t, p.CreatedAt, p.UpdatedAt)
		assert.Equal(t, p.TypeID == TypeSimple, p.Weight != nil, "only simple products weigh something: %s", p.SKU)
		types[p.TypeID]++
		for _, m := range p.MediaGalleryEntries {
			assert.Regexp(t, `^/[a-z0-9]/[a-z0-9-]/[a-z0-9-]+\.jpg$`, m.File)
		}
	}
	assert.Greater(t, types[TypeConfigurable], 100)
	assert.Greater(t, types[TypeVirtual], 5)
}

func TestConfigurableProductsLinkTheirChildren(t *testing.T) {
	c := Generate(Options{Seed: 5, Products: 800})
	for _, p := range c.Products {
		if p.TypeID != TypeConfigurable {
			continue
		}
		links := p.ExtensionAttributes.ConfigurableProductLinks
		require.NotEmpty(t, links, p.SKU)
		sizes := len(p.ExtensionAttributes.ConfigurableProductOptions[0].Values)
		colors := len(p.ExtensionAttributes.ConfigurableProductOptions[1].Values)
		assert.Len(t, links, sizes*colors)
		for _, id := range links {
			child := c.Products[id-1]
			assert.Regexp(t, "^"+regexp.QuoteMeta(p.SKU)+"-", child.SKU)
			assert.Equal(t, VisibilityNotVisible, child.Visibility)
			assert.Equal(t, p.Price, child.Price)
			_, hasColor := child.CustomAttribute(AttrColor)
			assert.True(t, hasColor)
		}
	}
}

func TestCategoryTreeMatchesTheProductLinks(t *testing.T) {
	c := Generate(Options{Seed: 9, Products: 600})
	root, ok := c.Category(RootCategoryID)
	require.True(t, ok)
	assert.Equal(t, 0, root.Level)
	require.Len(t, root.Children, 1)
	def := root.Children[0]
	assert.Equal(t, DefaultCategoryID, def.ID)
	assert.Equal(t, "Default Category", def.Name)
	assert.Equal(t, "1/2", def.Path)

	counted := map[int]int{}
	for _, p := range c.Products {
		ids, _ := p.CustomAttribute(AttrCategoryIDs)
		var fromAttr []string
		if ids != nil {
			fromAttr = ids.([]string)
		}
		assert.Equal(t, fromAttr, p.AttributeValues("category_id"), "category_ids and category_links agree for %s", p.SKU)
		for _, l := range p.ExtensionAttributes.CategoryLinks {
			id, err := strconv.Atoi(l.CategoryID)
			require.NoError(t, err)
			counted[id]++
		}
	}
	for _, cat := range c.Categories {
		assert.Equal(t, counted[cat.ID], len(cat.ProductIDs), "category %d %s", cat.ID, cat.Name)
		if cat.Level >= 2 {
			assert.NotEmpty(t, cat.URLPath)
		}
	}
	bags := findCategory(t, c, "gear/bags")
	assert.Equal(t, "Bags", bags.Name)
	assert.Equal(t, 3, bags.Level)
	hoodies := findCategory(t, c, "men/tops/hoodies-and-sweatshirts")
	assert.Equal(t, "Hoodies & Sweatshirts", hoodies.Name)
}

func findCategory(t *testing.T, c *Catalogue, urlPath string) *Category {
	t.Helper()
	for _, cat := range c.Categories {
		if cat.URLPath == urlPath {
			return cat
		}
	}
	t.Fatalf("no category at %s", urlPath)
	return nil
}

func TestTreeDepthAndDetail(t *testing.T) {
	c := Generate(Options{Seed: 9, Products: 100})
	def, _ := c.Category(DefaultCategoryID)
	full := def.Tree(0)
	assert.Equal(t, len(def.Children), len(full.ChildrenData))
	assert.NotEmpty(t, full.ChildrenData[1].ChildrenData, "Women has Tops and Bottoms")

	one := def.Tree(1)
	assert.Len(t, one.ChildrenData, len(def.Children))
	for _, child := range one.ChildrenData {
		assert.Empty(t, child.ChildrenData)
		assert.NotNil(t, child.ChildrenData, "an empty children_data is [] not null")
	}

	gear := findCategory(t, c, "gear")
	d := gear.Detail()
	assert.Equal(t, gear.Path, d.Path)
	assert.Regexp(t, `^\d+,\d+,\d+$`, d.Children)
	assert.Contains(t, d.CustomAttributes, CustomAttribute{AttributeCode: "url_key", Value: "gear"})
	assert.Contains(t, d.CustomAttributes, CustomAttribute{AttributeCode: "children_count", Value: "3"})
}

func TestCloneIsDeep(t *testing.T) {
	c := Generate(Options{Seed: 2, Products: 200})
	var p *Product
	for i := range c.Products {
		if len(c.Products[i].MediaGalleryEntries) > 0 && c.Products[i].Weight != nil {
			p = &c.Products[i]
			break
		}
	}
	require.NotNil(t, p)
	before, err := json.Marshal(p)
	require.NoError(t, err)
	q := p.Clone()
	*q.Weight += 1
	q.MediaGalleryEntries[0].Types = append(q.MediaGalleryEntries[0].Types[:0], "changed")
	q.ExtensionAttributes.WebsiteIDs[0] = 99
	q.CustomAttributes[0].Value = "changed"
	q.ExtensionAttributes.StockItem.Qty = -1
	after, err := json.Marshal(p)
	require.NoError(t, err)
	assert.JSONEq(t, string(before), string(after))
}

func TestFinalPriceTakesALowerSpecialPrice(t *testing.T) {
	p := Product{Price: 50, CustomAttributes: []CustomAttribute{{AttributeCode: AttrSpecialPrice, Value: "40.000000"}}}
	assert.Equal(t, 40.0, p.FinalPrice())
	p.CustomAttributes[0].Value = "60.000000"
	assert.Equal(t, 50.0, p.FinalPrice())
}

func TestSlug(t *testing.T) {
	assert.Equal(t, "hoodies-and-sweatshirts", slug("Hoodies & Sweatshirts"))
	assert.Equal(t, "zurich-eco-tee", slug("Zürich Éco Tee"))
	assert.Equal(t, "whats-new", slug("What's New"))
}
