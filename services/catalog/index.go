package catalog

import (
	"slices"
	"strconv"
	"strings"

	"github.com/strangler-dev/strangler/services/catalogue"
)

// index is the service's own read model of the catalogue: maps for the
// lookups the API makes, and posting lists that narrow a search before the
// filters run, instead of the monolith's scan of every product.
type index struct {
	cat        *catalogue.Catalogue
	bySKU      map[string]*catalogue.Product // exact sku: this service matches skus as given
	byLowerSKU map[string]*catalogue.Product // for searches, which match as MySQL does
	byID       map[int]*catalogue.Product
	byCategory map[int][]*catalogue.Product // in id order
}

func newIndex(c *catalogue.Catalogue) *index {
	ix := &index{
		cat:        c,
		bySKU:      make(map[string]*catalogue.Product, len(c.Products)),
		byLowerSKU: make(map[string]*catalogue.Product, len(c.Products)),
		byID:       make(map[int]*catalogue.Product, len(c.Products)),
		byCategory: map[int][]*catalogue.Product{},
	}
	for i := range c.Products {
		p := &c.Products[i]
		ix.bySKU[p.SKU] = p
		ix.byLowerSKU[strings.ToLower(p.SKU)] = p
		ix.byID[p.ID] = p
		for _, l := range p.ExtensionAttributes.CategoryLinks {
			id, err := strconv.Atoi(l.CategoryID)
			if err == nil {
				ix.byCategory[id] = append(ix.byCategory[id], p)
			}
		}
	}
	return ix
}

func (ix *index) product(sku string) (*catalogue.Product, bool) {
	p, ok := ix.bySKU[sku]
	return p, ok
}

// search returns the skus of the requested page and the number of matches.
func (ix *index) search(sc catalogue.SearchCriteria) (skus []string, total int) {
	var matches []*catalogue.Product
	for _, p := range ix.candidates(sc) {
		if sc.Matches(p) {
			matches = append(matches, p)
		}
	}
	slices.SortStableFunc(matches, sc.Compare)
	start, end := sc.Window(len(matches))
	skus = make([]string, 0, end-start)
	for _, p := range matches[start:end] {
		skus = append(skus, p.SKU)
	}
	return skus, len(matches)
}

// candidates is a superset of the matches, in id order: the smallest posting
// list union of any filter group the indexes can answer, else every product.
func (ix *index) candidates(sc catalogue.SearchCriteria) []*catalogue.Product {
	var best []*catalogue.Product
	narrowed := false
	for _, g := range sc.FilterGroups {
		if set, ok := ix.postings(g); ok && (!narrowed || len(set) < len(best)) {
			best, narrowed = set, true
		}
	}
	if narrowed {
		return best
	}
	all := make([]*catalogue.Product, len(ix.cat.Products))
	for i := range ix.cat.Products {
		all[i] = &ix.cat.Products[i]
	}
	return all
}

// postings answers a filter group from the indexes when every filter in it
// is an eq or in on sku, id or category_id.
func (ix *index) postings(g catalogue.FilterGroup) ([]*catalogue.Product, bool) {
	if len(g.Filters) == 0 {
		return nil, false
	}
	seen := map[int]bool{}
	var out []*catalogue.Product
	add := func(p *catalogue.Product) {
		if p != nil && !seen[p.ID] {
			seen[p.ID] = true
			out = append(out, p)
		}
	}
	for _, f := range g.Filters {
		var values []string
		switch f.ConditionType {
		case "eq":
			values = []string{f.Value}
		case "in":
			values = strings.Split(f.Value, ",")
		default:
			return nil, false
		}
		for _, v := range values {
			v = strings.TrimSpace(v)
			switch f.Field {
			case "sku":
				add(ix.byLowerSKU[strings.ToLower(v)])
			case "id", "entity_id", "category_id":
				id, ok := integer(v)
				if !ok {
					return nil, false // "1.5" or "x": leave it to the filter's own comparison
				}
				if f.Field == "category_id" {
					for _, p := range ix.byCategory[id] {
						add(p)
					}
				} else {
					add(ix.byID[id])
				}
			default:
				return nil, false
			}
		}
	}
	slices.SortFunc(out, func(a, b *catalogue.Product) int { return a.ID - b.ID })
	return out, true
}

// integer reads v as a filter compares it: as a number, so "07" is 7.
func integer(v string) (int, bool) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f != float64(int(f)) {
		return 0, false
	}
	return int(f), true
}
