package catalogue

import (
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// SearchCriteria is Magento's searchCriteria query, parsed; encoded, it is the
// search_criteria echo of a search response. Filter groups are ANDed, the
// filters inside a group ORed.
type SearchCriteria struct {
	FilterGroups []FilterGroup `json:"filter_groups"`
	SortOrders   []SortOrder   `json:"sort_orders,omitempty"`
	PageSize     *int          `json:"page_size,omitempty"`
	CurrentPage  *int          `json:"current_page,omitempty"`
}

// FilterGroup is one ORed set of filters.
type FilterGroup struct {
	Filters []Filter `json:"filters"`
}

// SortOrder sorts by one attribute, ASC or DESC.
type SortOrder struct {
	Field     string `json:"field"`
	Direction string `json:"direction"`
}

// SearchResults is the body of a search: the page of items, the criteria
// echoed back and how many items match in all.
type SearchResults[T any] struct {
	Items          []T            `json:"items"`
	SearchCriteria SearchCriteria `json:"search_criteria"`
	TotalCount     int            `json:"total_count"`
}

// ParseSearchCriteria reads searchCriteria[...] parameters as Magento's REST
// layer does: snake_case or camelCase names, sparse indexes in index order,
// the last of repeated values. A query with no searchCriteria at all is
// refused, as Magento refuses it; "searchCriteria=" alone matches everything.
func ParseSearchCriteria(q url.Values) (SearchCriteria, error) {
	sc := SearchCriteria{FilterGroups: []FilterGroup{}}
	present := false
	groups := map[int]map[int]*Filter{}
	sorts := map[int]*SortOrder{}
	for key, values := range q {
		if key == "searchCriteria" {
			present = true
			continue
		}
		rest, ok := strings.CutPrefix(key, "searchCriteria[")
		if !ok {
			continue
		}
		present = true
		segs, ok := brackets("[" + rest)
		if !ok || len(segs) == 0 {
			return sc, unsupported(key)
		}
		value := values[len(values)-1]
		if err := sc.set(segs, value, groups, sorts); err != nil {
			return sc, err
		}
	}
	if !present {
		return sc, RequiredField("searchCriteria")
	}
	for _, gi := range sortedKeys(groups) {
		var group FilterGroup
		for _, fi := range sortedKeys(groups[gi]) {
			f := groups[gi][fi]
			if err := f.normalize(); err != nil {
				return sc, err
			}
			group.Filters = append(group.Filters, *f)
		}
		sc.FilterGroups = append(sc.FilterGroups, group)
	}
	for _, si := range sortedKeys(sorts) {
		s := sorts[si]
		if err := s.normalize(); err != nil {
			return sc, err
		}
		sc.SortOrders = append(sc.SortOrders, *s)
	}
	return sc, nil
}

func (sc *SearchCriteria) set(segs []string, value string, groups map[int]map[int]*Filter, sorts map[int]*SortOrder) error {
	field := snake(segs[0])
	path := "searchCriteria[" + strings.Join(segs, "][") + "]"
	switch {
	case field == "filter_groups" && len(segs) == 5 && snake(segs[2]) == "filters":
		gi, err1 := strconv.Atoi(segs[1])
		fi, err2 := strconv.Atoi(segs[3])
		if err1 != nil || err2 != nil {
			return unsupported(path)
		}
		if groups[gi] == nil {
			groups[gi] = map[int]*Filter{}
		}
		if groups[gi][fi] == nil {
			groups[gi][fi] = &Filter{}
		}
		f := groups[gi][fi]
		switch snake(segs[4]) {
		case "field":
			f.Field = value
		case "value":
			f.Value = value
		case "condition_type":
			f.ConditionType = value
		default:
			return unsupported(path)
		}
	case field == "sort_orders" && len(segs) == 3:
		si, err := strconv.Atoi(segs[1])
		if err != nil {
			return unsupported(path)
		}
		if sorts[si] == nil {
			sorts[si] = &SortOrder{}
		}
		switch snake(segs[2]) {
		case "field":
			sorts[si].Field = value
		case "direction":
			sorts[si].Direction = value
		default:
			return unsupported(path)
		}
	case (field == "page_size" || field == "current_page") && len(segs) == 1:
		n, err := IntParam(value, 0)
		if err != nil {
			return err
		}
		if field == "page_size" {
			sc.PageSize = &n
		} else {
			sc.CurrentPage = &n
		}
	default:
		return unsupported(path)
	}
	return nil
}

func (s *SortOrder) normalize() error {
	if s.Field == "" {
		return RequiredField("field")
	}
	if !IsAttribute(s.Field) {
		return invalidAttribute(s.Field)
	}
	switch strings.ToUpper(s.Direction) {
	case "", "ASC":
		s.Direction = "ASC"
	case "DESC":
		s.Direction = "DESC"
	default:
		return &InputError{
			Message:    "Sort order direction \"%1\" is not valid. Use ASC or DESC.",
			Parameters: []any{s.Direction},
		}
	}
	return nil
}

// Window is the [start, end) share of total matches that the page covers.
// Magento clamps a page past the end to the last page, and a page size of 0
// or none at all means every match.
func (sc SearchCriteria) Window(total int) (start, end int) {
	if sc.PageSize == nil || *sc.PageSize <= 0 {
		return 0, total
	}
	size := *sc.PageSize
	page := 1
	if sc.CurrentPage != nil && *sc.CurrentPage > 1 {
		page = *sc.CurrentPage
	}
	last := max(1, (total+size-1)/size)
	page = min(page, last)
	start = min((page-1)*size, total)
	return start, min(start+size, total)
}

// Key identifies the criteria for a cache: equal keys select equal pages.
func (sc SearchCriteria) Key() string {
	b, _ := json.Marshal(sc) // plain strings and ints always encode
	return string(b)
}

// Matches reports whether p passes every filter group.
func (sc SearchCriteria) Matches(p *Product) bool {
	for _, g := range sc.FilterGroups {
		if !g.matches(p) {
			return false
		}
	}
	return true
}

func (g FilterGroup) matches(p *Product) bool {
	for _, f := range g.Filters {
		if f.Matches(p.AttributeValues(f.Field)) {
			return true
		}
	}
	return len(g.Filters) == 0
}

// Compare orders two products by the sort orders, then by id, the primary
// key MySQL falls back on.
func (sc SearchCriteria) Compare(a, b *Product) int {
	for _, s := range sc.SortOrders {
		c := compareSortValues(a.AttributeValues(s.Field), b.AttributeValues(s.Field))
		if s.Direction == "DESC" {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return a.ID - b.ID
}

// compareSortValues sorts a missing value first, as MySQL sorts NULL.
func compareSortValues(a, b []string) int {
	switch {
	case len(a) == 0 && len(b) == 0:
		return 0
	case len(a) == 0:
		return -1
	case len(b) == 0:
		return 1
	}
	return compareText(a[0], b[0])
}

// brackets splits "[a][b][c]" into a, b, c.
func brackets(s string) ([]string, bool) {
	var segs []string
	for s != "" {
		if s[0] != '[' {
			return nil, false
		}
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return nil, false
		}
		segs = append(segs, s[1:end])
		s = s[end+1:]
	}
	return segs, true
}

// snake turns Magento's accepted camelCase spelling into the snake_case one.
func snake(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsUpper(r) {
			b.WriteByte('_')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

func sortedKeys[V any](m map[int]V) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func unsupported(name string) *InputError {
	return &InputError{
		Message:    "\"%fieldName\" is not supported. Correct the field name and try again.",
		Parameters: map[string]any{"fieldName": name},
	}
}

func invalidAttribute(name string) *InputError {
	return &InputError{Message: "Invalid attribute name: %1", Parameters: []any{name}}
}
