package catalogue

import (
	"errors"
	"net/url"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func parse(t *testing.T, raw string) SearchCriteria {
	t.Helper()
	q, err := url.ParseQuery(raw)
	require.NoError(t, err)
	sc, err := ParseSearchCriteria(q)
	require.NoError(t, err)
	return sc
}

func TestParseSearchCriteria(t *testing.T) {
	sc := parse(t, "searchCriteria[filter_groups][1][filters][0][field]=price"+
		"&searchCriteria[filter_groups][1][filters][0][value]=30&searchCriteria[filter_groups][1][filters][0][condition_type]=GT"+
		"&searchCriteria[filterGroups][0][filters][5][field]=sku&searchCriteria[filterGroups][0][filters][5][value]=24-MB%25"+
		"&searchCriteria[filterGroups][0][filters][5][conditionType]=like"+
		"&searchCriteria[filterGroups][0][filters][2][field]=type_id&searchCriteria[filterGroups][0][filters][2][value]=virtual"+
		"&searchCriteria[sortOrders][0][field]=price&searchCriteria[sortOrders][0][direction]=desc"+
		"&searchCriteria[pageSize]=10&searchCriteria[current_page]=2")
	assert.Equal(t, "price", sc.FilterGroups[1].Filters[0].Field)
	assert.Equal(t, "gt", sc.FilterGroups[1].Filters[0].ConditionType, "condition types are lower-cased")
	require.Len(t, sc.FilterGroups[0].Filters, 2)
	assert.Equal(t, "type_id", sc.FilterGroups[0].Filters[0].Field, "filters keep index order, not query order")
	assert.Equal(t, "eq", sc.FilterGroups[0].Filters[0].ConditionType, "eq when none is given")
	assert.Equal(t, "24-MB%", sc.FilterGroups[0].Filters[1].Value)
	assert.Equal(t, []SortOrder{{Field: "price", Direction: "DESC"}}, sc.SortOrders)
	assert.Equal(t, 10, *sc.PageSize)
	assert.Equal(t, 2, *sc.CurrentPage)
	assert.JSONEq(t, `{"filter_groups":[
		{"filters":[{"field":"type_id","value":"virtual","condition_type":"eq"},{"field":"sku","value":"24-MB%","condition_type":"like"}]},
		{"filters":[{"field":"price","value":"30","condition_type":"gt"}]}],
		"sort_orders":[{"field":"price","direction":"DESC"}],"page_size":10,"current_page":2}`, sc.Key())

	empty := parse(t, "searchCriteria=")
	assert.Equal(t, `{"filter_groups":[]}`, empty.Key(), "the echo of no criteria is an empty filter_groups list")
}

func TestParseSearchCriteriaRefusals(t *testing.T) {
	cases := map[string]string{
		"":                             `"searchCriteria" is required. Enter and try again.`,
		"q=1":                          `"searchCriteria" is required. Enter and try again.`,
		"searchCriteria[pageSize]=ten": `Invalid type for value: "ten". Expected Type: "int".`,
		"searchCriteria[filter_groups][0][filters][0][field]=nope":                                                                  "Invalid attribute name: nope",
		"searchCriteria[filter_groups][0][filters][0][value]=1":                                                                     `"field" is required. Enter and try again.`,
		"searchCriteria[filter_groups][0][filters][0][field]=sku&searchCriteria[filter_groups][0][filters][0][condition_type]=near": `Condition type "near" is not supported.`,
		"searchCriteria[sortOrders][0][field]=sku&searchCriteria[sortOrders][0][direction]=up":                                      `Sort order direction "up" is not valid. Use ASC or DESC.`,
		"searchCriteria[page]=1":                                  `"searchCriteria[page]" is not supported. Correct the field name and try again.`,
		"searchCriteria[filter_groups][x][filters][0][field]=sku": `"searchCriteria[filter_groups][x][filters][0][field]" is not supported. Correct the field name and try again.`,
	}
	for raw, want := range cases {
		q, err := url.ParseQuery(raw)
		require.NoError(t, err)
		_, err = ParseSearchCriteria(q)
		var input *InputError
		require.True(t, errors.As(err, &input), "%q: %v", raw, err)
		assert.Equal(t, want, input.Error(), raw)
	}
}

func TestWindowClampsToTheLastPage(t *testing.T) {
	size := func(n int) *int { return &n }
	cases := []struct {
		size, page *int
		total      int
		start, end int
	}{
		{nil, nil, 42, 0, 42},
		{size(0), size(3), 42, 0, 42},
		{size(10), nil, 42, 0, 10},
		{size(10), size(2), 42, 10, 20},
		{size(10), size(5), 42, 40, 42},
		{size(10), size(9), 42, 40, 42},
		{size(10), size(0), 42, 0, 10},
		{size(10), size(3), 0, 0, 0},
	}
	for _, c := range cases {
		start, end := SearchCriteria{PageSize: c.size, CurrentPage: c.page}.Window(c.total)
		assert.Equal(t, [2]int{c.start, c.end}, [2]int{start, end}, "%+v", c)
	}
}

func TestFilterConditions(t *testing.T) {
	cases := []struct {
		condition, value string
		values           []string
		want             bool
	}{
		{"eq", "24-mb01", []string{"24-MB01"}, true},
		{"eq", "45.990", []string{"45.99"}, true},
		{"eq", "x", nil, false},
		{"neq", "x", []string{"y"}, true},
		{"neq", "x", nil, false},
		{"like", "%duffle%", []string{"Joust Duffle Bag"}, true},
		{"like", "24-MB_1", []string{"24-MB01"}, true},
		{"like", "24-MB_1", []string{"24-MB011"}, false},
		{"like", `100\%`, []string{"100%"}, true},
		{"like", `100\%`, []string{"1000"}, false},
		{"nlike", "%bag", []string{"Tote"}, true},
		{"in", "3, 4,5", []string{"4"}, true},
		{"in", "3,4,5", []string{"6", "7"}, false},
		{"in", "3,4,5", []string{"6", "5"}, true},
		{"nin", "3,4", []string{"5"}, true},
		{"gt", "9", []string{"10"}, true},
		{"gt", "9", []string{"10a"}, false},
		{"lt", "2026-01-01 00:00:00", []string{"2025-12-31 23:59:59"}, true},
		{"gteq", "10", []string{"10"}, true},
		{"lteq", "10", []string{"10.5"}, false},
		{"from", "5", []string{"5"}, true},
		{"to", "5", []string{"6"}, false},
		{"null", "", nil, true},
		{"null", "", []string{"x"}, false},
		{"notnull", "", []string{"x"}, true},
		{"finset", "11", []string{"8,11"}, true},
		{"finset", "1", []string{"8,11"}, false},
		{"nfinset", "1", []string{"8,11"}, true},
	}
	for _, c := range cases {
		f := Filter{Field: "sku", Value: c.value, ConditionType: c.condition}
		require.NoError(t, f.normalize())
		assert.Equal(t, c.want, f.Matches(c.values), "%s %q on %q", c.condition, c.value, c.values)
	}
}

func TestCompareSortsBySortOrdersThenID(t *testing.T) {
	sc := parse(t, "searchCriteria[sortOrders][0][field]=price&searchCriteria[sortOrders][0][direction]=DESC"+
		"&searchCriteria[sortOrders][1][field]=weight")
	w := func(v float64) *float64 { return &v }
	products := []*Product{
		{ID: 4, Price: 10, Weight: w(2)},
		{ID: 2, Price: 10, Weight: w(2)},
		{ID: 1, Price: 10},
		{ID: 3, Price: 20, Weight: w(1)},
		{ID: 5, Price: 9.5, Weight: w(0.5)},
	}
	slices.SortFunc(products, sc.Compare)
	var ids []int
	for _, p := range products {
		ids = append(ids, p.ID)
	}
	assert.Equal(t, []int{3, 1, 2, 4, 5}, ids, "price DESC, then a missing weight first, then id")
}

func TestMatchesAndsGroupsAndOrsFilters(t *testing.T) {
	c := Generate(Options{Seed: 4, Products: 400})
	sc := parse(t, "searchCriteria[filter_groups][0][filters][0][field]=type_id&searchCriteria[filter_groups][0][filters][0][value]=virtual"+
		"&searchCriteria[filter_groups][0][filters][1][field]=type_id&searchCriteria[filter_groups][0][filters][1][value]=configurable"+
		"&searchCriteria[filter_groups][1][filters][0][field]=price&searchCriteria[filter_groups][1][filters][0][value]=30&searchCriteria[filter_groups][1][filters][0][condition_type]=lt")
	matched := 0
	for i := range c.Products {
		p := &c.Products[i]
		want := (p.TypeID == TypeVirtual || p.TypeID == TypeConfigurable) && p.Price < 30
		assert.Equal(t, want, sc.Matches(p), p.SKU)
		if want {
			matched++
		}
	}
	assert.Positive(t, matched)
}
