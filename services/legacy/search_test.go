package legacy

import (
	"cmp"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strangler-dev/strangler/services/catalogue"
)

func query(pairs ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		q.Set(pairs[i], pairs[i+1])
	}
	return "/rest/V1/products?" + q.Encode()
}

func skus(t *testing.T, r reply) []string {
	t.Helper()
	var out []string
	for _, it := range r.Object(t)["items"].([]any) {
		out = append(out, it.(map[string]any)["sku"].(string))
	}
	return out
}

func TestSearchLikeSortedAndPaged(t *testing.T) {
	g := newRig(t, Options{})
	var want []catalogue.Product
	for _, p := range shared().Products {
		if strings.HasPrefix(p.SKU, "24-") {
			want = append(want, p)
		}
	}
	slices.SortStableFunc(want, func(a, b catalogue.Product) int {
		return cmp.Or(cmp.Compare(b.Price, a.Price), cmp.Compare(a.ID, b.ID))
	})
	require.Greater(t, len(want), 10)

	gearByPrice := func(page string) reply {
		return g.Get(query(
			"searchCriteria[filter_groups][0][filters][0][field]", "sku",
			"searchCriteria[filter_groups][0][filters][0][value]", "24-%",
			"searchCriteria[filter_groups][0][filters][0][condition_type]", "like",
			"searchCriteria[sortOrders][0][field]", "price",
			"searchCriteria[sortOrders][0][direction]", "DESC",
			"searchCriteria[pageSize]", "5",
			"searchCriteria[currentPage]", page))
	}
	r := gearByPrice("2")
	require.Equal(t, 200, r.Status, "%s", r.Body)
	var page []string
	for _, p := range want[5:10] {
		page = append(page, p.SKU)
	}
	assert.Equal(t, page, skus(t, r))
	body := r.Object(t)
	assert.EqualValues(t, len(want), body["total_count"])
	assert.Equal(t, map[string]any{
		"filter_groups": []any{map[string]any{"filters": []any{
			map[string]any{"field": "sku", "value": "24-%", "condition_type": "like"}}}},
		"sort_orders":  []any{map[string]any{"field": "price", "direction": "DESC"}},
		"page_size":    5.0,
		"current_page": 2.0,
	}, body["search_criteria"])

	last := gearByPrice("999")
	var tail []string
	for _, p := range want[(len(want)-1)/5*5:] {
		tail = append(tail, p.SKU)
	}
	assert.Equal(t, tail, skus(t, last), "a page past the end is the last page, as Magento clamps it")
}

func TestSearchGroupsAreAndedFiltersOred(t *testing.T) {
	g := newRig(t, Options{})
	r := g.Get(query(
		"searchCriteria[filter_groups][0][filters][0][field]", "category_id",
		"searchCriteria[filter_groups][0][filters][0][value]", "23,24",
		"searchCriteria[filter_groups][0][filters][0][condition_type]", "in",
		"searchCriteria[filter_groups][0][filters][1][field]", "type_id",
		"searchCriteria[filter_groups][0][filters][1][value]", "virtual",
		"searchCriteria[filter_groups][1][filters][0][field]", "price",
		"searchCriteria[filter_groups][1][filters][0][value]", "40",
		"searchCriteria[filter_groups][1][filters][0][condition_type]", "gteq"))
	require.Equal(t, 200, r.Status, "%s", r.Body)
	want := 0
	var wantSKUs []string
	for _, p := range shared().Products {
		inCats := slices.ContainsFunc(p.ExtensionAttributes.CategoryLinks, func(l catalogue.CategoryLink) bool {
			return l.CategoryID == "23" || l.CategoryID == "24"
		})
		if (inCats || p.TypeID == catalogue.TypeVirtual) && p.Price >= 40 {
			want++
			wantSKUs = append(wantSKUs, p.SKU)
		}
	}
	require.Positive(t, want)
	assert.EqualValues(t, want, r.Object(t)["total_count"])
	assert.Equal(t, wantSKUs, skus(t, r), "no pageSize: every match, in id order")
}

func TestSearchEchoAndRefusals(t *testing.T) {
	g := newRig(t, Options{})
	all := g.Get("/rest/V1/products?searchCriteria=")
	require.Equal(t, 200, all.Status)
	assert.EqualValues(t, len(shared().Products), all.Object(t)["total_count"])
	assert.Contains(t, string(all.Body), `"search_criteria":{"filter_groups":[]}`)

	missing := g.Get("/rest/V1/products")
	assert.Equal(t, 400, missing.Status)
	assert.JSONEq(t, `{"message":"\"%fieldName\" is required. Enter and try again.","parameters":{"fieldName":"searchCriteria"}}`, string(missing.Body))

	bad := g.Get(query("searchCriteria[filter_groups][0][filters][0][field]", "colour"))
	assert.Equal(t, 400, bad.Status)
	assert.JSONEq(t, `{"message":"Invalid attribute name: %1","parameters":["colour"]}`, string(bad.Body))
}
