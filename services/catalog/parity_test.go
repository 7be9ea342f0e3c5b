package catalog_test

import (
	"net/url"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strangler-dev/strangler/services/catalog"
	"github.com/strangler-dev/strangler/services/catalogue"
	"github.com/strangler-dev/strangler/services/catalogue/cataloguetest"
	"github.com/strangler-dev/strangler/services/legacy"
)

// sides runs Magento's stand-in and the catalog service, each on a catalogue
// it generated itself from the same seed, as two processes would.
type sides struct {
	legacy, catalog *cataloguetest.Client
	svc             *catalog.Service
	products        []catalogue.Product
}

func newSides(t *testing.T) *sides {
	const seed, size = 99, 300
	generate := func() *catalogue.Catalogue { return catalogue.Generate(catalogue.Options{Seed: seed, Products: size}) }
	svc := catalog.New(catalog.Options{Catalogue: generate()})
	return &sides{
		legacy:   cataloguetest.Serve(t, legacy.New(legacy.Options{Catalogue: generate()})),
		catalog:  cataloguetest.Serve(t, svc),
		svc:      svc,
		products: generate().Products,
	}
}

// both asks both sides; semantic decodes a body and folds PHP's [] for an
// empty object into {}, the one disagreement that decoding leaves.
func (s *sides) both(path string) (legacyReply, catalogReply cataloguetest.Reply) {
	return s.legacy.Get(path), s.catalog.Get(path)
}

func semantic(t *testing.T, raw []byte) any { return cataloguetest.Semantic(t, raw) }

func TestLegacyAndCatalogAgreeOnEveryProduct(t *testing.T) {
	s := newSides(t)
	for _, p := range s.products {
		path := "/rest/V1/products/" + url.PathEscape(p.SKU)
		l, c := s.both(path)
		require.Equal(t, 200, l.Status, p.SKU)
		require.Equal(t, 200, c.Status, p.SKU)
		assert.Equal(t, "magento", l.Header.Get("X-Served-By"))
		assert.Equal(t, "catalog", c.Header.Get("X-Served-By"))
		assert.NotEqual(t, string(l.Body), string(c.Body), "PHP and Go encode differently on the wire: %s", p.SKU)
		assert.Equal(t, semantic(t, l.Body), semantic(t, c.Body), p.SKU)
	}
	l, c := s.both("/rest/V1/products/NO-SUCH-SKU")
	assert.Equal(t, semantic(t, l.Body), semantic(t, c.Body), "the same 404 body")
}

func TestLegacyAndCatalogAgreeOnSearchesAndCategories(t *testing.T) {
	s := newSides(t)
	paths := []string{
		"/rest/V1/products?searchCriteria=",
		"/rest/V1/products?searchCriteria[filter_groups][0][filters][0][field]=category_id&searchCriteria[filter_groups][0][filters][0][value]=22,23&searchCriteria[filter_groups][0][filters][0][condition_type]=in&searchCriteria[sortOrders][0][field]=price&searchCriteria[sortOrders][0][direction]=DESC&searchCriteria[pageSize]=7&searchCriteria[currentPage]=2",
		"/rest/V1/products?searchCriteria[filter_groups][0][filters][0][field]=sku&searchCriteria[filter_groups][0][filters][0][value]=M%25&searchCriteria[filter_groups][0][filters][0][condition_type]=like&searchCriteria[filter_groups][1][filters][0][field]=weight&searchCriteria[filter_groups][1][filters][0][condition_type]=notnull&searchCriteria[sortOrders][0][field]=weight&searchCriteria[pageSize]=20&searchCriteria[currentPage]=99",
		"/rest/default/V1/products?searchCriteria[filter_groups][0][filters][0][field]=id&searchCriteria[filter_groups][0][filters][0][value]=5&searchCriteria[filter_groups][0][filters][1][field]=entity_id&searchCriteria[filter_groups][0][filters][1][value]=9",
		"/rest/V1/products?searchCriteria[filter_groups][0][filters][0][field]=nope",
		"/rest/V1/categories",
		"/rest/V1/categories?rootCategoryId=13&depth=1",
		"/rest/V1/categories/7",
		"/rest/V1/categories/404",
	}
	for _, path := range paths {
		l, c := s.both(path)
		assert.Equal(t, l.Status, c.Status, path)
		assert.Equal(t, semantic(t, l.Body), semantic(t, c.Body), path)
	}
}

func TestCatalogDiffersFromLegacyExactlyAsInjected(t *testing.T) {
	s := newSides(t)
	d := catalog.Differences{PriceDelta: -0.5, DropField: "weight", RenameField: "sku:product_sku", ReorderMedia: true, Every: 4}
	require.NoError(t, s.svc.SetFaults(catalog.Faults{Differences: d}))
	affected := 0
	for _, p := range s.products {
		path := "/rest/V1/products/" + url.PathEscape(p.SKU)
		l, c := s.both(path)
		want := semantic(t, l.Body).(map[string]any)
		if d.Affects(p.SKU) {
			affected++
			want["price"] = want["price"].(float64) - 0.5
			delete(want, "weight")
			want["product_sku"] = want["sku"]
			delete(want, "sku")
			if media, ok := want["media_gallery_entries"].([]any); ok {
				slices.Reverse(media)
			}
		}
		assert.Equal(t, want, semantic(t, c.Body), p.SKU)
	}
	assert.Positive(t, affected)
	assert.Less(t, affected, len(s.products)/2)
}

func TestDefaultsGenerateTheSameCatalogue(t *testing.T) {
	l := cataloguetest.Serve(t, legacy.New(legacy.Options{Seed: 5}))
	c := cataloguetest.Serve(t, catalog.New(catalog.Options{Seed: 5}))
	sku := catalogue.Generate(catalogue.Options{Seed: 5}).Products[2999].SKU
	lr, cr := l.Get("/rest/V1/products/"+sku), c.Get("/rest/V1/products/"+sku)
	require.Equal(t, 200, lr.Status)
	assert.Equal(t, semantic(t, lr.Body), semantic(t, cr.Body), "equal seeds, equal default-size catalogues")
}
