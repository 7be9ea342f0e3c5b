package catalog

import (
	"testing"

	"github.com/strangler-dev/strangler/services/catalogue/cataloguetest"
)

// searchSimple is a page of 20 simple products.
const searchSimple = "/rest/V1/products?searchCriteria[filter_groups][0][filters][0][field]=type_id" +
	"&searchCriteria[filter_groups][0][filters][0][value]=simple&searchCriteria[pageSize]=20"

func BenchmarkProductRequestCached(b *testing.B) {
	cataloguetest.BenchGET(b, New(Options{Catalogue: shared()}), "/rest/V1/products/"+shared().Products[0].SKU)
}

func BenchmarkSearchPageOf20Cached(b *testing.B) {
	cataloguetest.BenchGET(b, New(Options{Catalogue: shared()}), searchSimple)
}
