package diff

import "testing"

func TestPathTemplate(t *testing.T) {
	cases := map[string]string{
		"/rest/V1/products/24-MB01":                                                  "/rest/V1/products/{sku}",
		"/rest/default/V1/products/24-MB01?fields=sku,price":                         "/rest/default/V1/products/{sku}",
		"/rest/default/V1/carts/mine/items/42":                                       "/rest/default/V1/carts/mine/items/{id}",
		"/rest/V1/products":                                                          "/rest/V1/products",
		"/rest/V1/products/attributes/color/options":                                 "/rest/V1/products/attributes/color/options",
		"/rest/V1/products/attribute-sets/15/attributes":                             "/rest/V1/products/attribute-sets/{id}/attributes",
		"/rest/V1/products/MH01-XS-Black/media/7":                                    "/rest/V1/products/{sku}/media/{id}",
		"/rest/V1/products/12345":                                                    "/rest/V1/products/{sku}",
		"/rest/V1/categories/3/products":                                             "/rest/V1/categories/{id}/products",
		"/rest/V1/categories/3/products/24-MB01":                                     "/rest/V1/categories/{id}/products/{sku}",
		"/rest/V1/configurable-products/MH01/children":                               "/rest/V1/configurable-products/{sku}/children",
		"/rest/V1/stockItems/24-MB01":                                                "/rest/V1/stockItems/{sku}",
		"/rest/V1/guest-carts/k3Jd9aPq0LmNzX7bYc2VwE5rT8uI1oGh/totals":               "/rest/V1/guest-carts/{hash}/totals",
		"/rest/V1/guest-carts/abc/items":                                             "/rest/V1/guest-carts/{hash}/items",
		"/rest/V1/orders/3f2b8c1e-4a5d-4e6f-9a0b-1c2d3e4f5a6b":                       "/rest/V1/orders/{hash}",
		"/media/catalog/product/cache/9df78eab33525d08d6e5fb8d27136e95/m/b/mb01.jpg": "/media/catalog/product/cache/{hash}/m/b/mb01.jpg",
		"/joust-duffle-bag.html":                                                     "/joust-duffle-bag.html",
		"/catalog/product/view/id/42":                                                "/catalog/product/view/id/{id}",
		"/rest/all/V1/cmsPage/7#top":                                                 "/rest/all/V1/cmsPage/{id}",
		"/":                                                                          "/",
	}
	for in, want := range cases {
		if got := PathTemplate(in); got != want {
			t.Errorf("PathTemplate(%q) = %q, want %q", in, got, want)
		}
	}
}
