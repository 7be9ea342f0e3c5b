package legacy

import (
	"slices"
	"strings"
	"sync"

	"github.com/strangler-dev/strangler/services/catalogue"
)

// store is the monolith's database: its own copy of the products, changed
// only by replacing a product with a changed clone, so the catalogue it was
// built from (which the new service may share) never changes.
type store struct {
	mu         sync.RWMutex
	products   []catalogue.Product
	bySKU      map[string]int // lower-case sku: MySQL's collation ignores case
	byID       map[int]int
	byURLKey   map[string]int
	categories *catalogue.Catalogue
	byURLPath  map[string]*catalogue.Category
}

func newStore(c *catalogue.Catalogue) *store {
	s := &store{
		products:   slices.Clone(c.Products),
		bySKU:      make(map[string]int, len(c.Products)),
		byID:       make(map[int]int, len(c.Products)),
		byURLKey:   make(map[string]int, len(c.Products)),
		categories: c,
		byURLPath:  map[string]*catalogue.Category{},
	}
	for i, p := range s.products {
		s.bySKU[strings.ToLower(p.SKU)] = i
		s.byID[p.ID] = i
		if key, ok := p.CustomAttribute(catalogue.AttrURLKey); ok {
			s.byURLKey[key.(string)] = i
		}
	}
	for _, cat := range c.Categories {
		if cat.URLPath != "" {
			s.byURLPath[cat.URLPath] = cat
		}
	}
	return s
}

// product returns a copy of the product with the sku, matched as MySQL
// matches it: case-insensitively.
func (s *store) product(sku string) (catalogue.Product, bool) {
	return at(s, s.bySKU, strings.ToLower(sku))
}

func (s *store) productByID(id int) (catalogue.Product, bool) {
	return at(s, s.byID, id)
}

func (s *store) productByURLKey(key string) (catalogue.Product, bool) {
	return at(s, s.byURLKey, key)
}

func at[K comparable](s *store, index map[K]int, key K) (catalogue.Product, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	i, ok := index[key]
	if !ok {
		return catalogue.Product{}, false
	}
	return s.products[i], true
}

// search scans every product as Magento's collection query would, then sorts
// and cuts the page.
func (s *store) search(sc catalogue.SearchCriteria) (page []catalogue.Product, total int) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var matches []*catalogue.Product
	for i := range s.products {
		if sc.Matches(&s.products[i]) {
			matches = append(matches, &s.products[i])
		}
	}
	slices.SortStableFunc(matches, sc.Compare)
	start, end := sc.Window(len(matches))
	page = make([]catalogue.Product, 0, end-start)
	for _, p := range matches[start:end] {
		page = append(page, *p)
	}
	return page, len(matches)
}

// update replaces the product with change applied to a clone of it.
func (s *store) update(sku string, change func(*catalogue.Product)) (catalogue.Product, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.bySKU[strings.ToLower(sku)]
	if !ok {
		return catalogue.Product{}, false
	}
	p := s.products[i].Clone()
	change(&p)
	s.products[i] = p
	return p, true
}
