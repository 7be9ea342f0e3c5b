package catalog

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/strangler-dev/strangler/services/catalogue"
)

func (s *Service) product(w http.ResponseWriter, r *http.Request) {
	sku := r.PathValue("sku")
	e, err := s.productBody(sku)
	if err != nil {
		s.fail(w, err)
		return
	}
	if !e.found {
		s.writeMessage(w, http.StatusNotFound, catalogue.MessageProductNotFound)
		return
	}
	body, err := s.differ(sku, e.body)
	if err != nil {
		s.fail(w, err)
		return
	}
	s.writeBody(w, http.StatusOK, body)
}

func (s *Service) productBody(sku string) (bodyEntry, error) {
	return fetch(s, s.products, "product", sku, func() (bodyEntry, time.Duration, error) {
		p, ok := s.index.product(sku)
		if !ok {
			return bodyEntry{}, s.missing(), nil
		}
		body, err := json.Marshal(p)
		if err != nil {
			return bodyEntry{}, 0, fmt.Errorf("encode product %q: %w", sku, err)
		}
		return bodyEntry{body: body, found: true}, s.found(), nil
	})
}

// differ applies the differences in force to one product body.
func (s *Service) differ(sku string, body []byte) ([]byte, error) {
	d := s.Faults().Differences
	if !d.Any() || !d.Affects(sku) {
		return body, nil
	}
	s.metrics.faults.WithLabelValues("difference").Inc()
	return d.apply(sku, body)
}

func (s *Service) searchProducts(w http.ResponseWriter, r *http.Request) {
	sc, err := catalogue.ParseSearchCriteria(r.URL.Query())
	if err != nil {
		s.writeInputError(w, err)
		return
	}
	page, err := fetch(s, s.searches, "search", sc.Key(), func() (searchEntry, time.Duration, error) {
		skus, total := s.index.search(sc)
		return searchEntry{skus: skus, total: total}, s.found(), nil
	})
	if err != nil {
		s.fail(w, err)
		return
	}
	items := make([]json.RawMessage, 0, len(page.skus))
	for _, sku := range page.skus {
		e, err := s.productBody(sku)
		if err == nil && !e.found {
			err = fmt.Errorf("search result %q is not in the index", sku)
		}
		var body []byte
		if err == nil {
			body, err = s.differ(sku, e.body)
		}
		if err != nil {
			s.fail(w, err)
			return
		}
		items = append(items, body)
	}
	s.writeJSON(w, http.StatusOK, catalogue.SearchResults[json.RawMessage]{
		Items: items, SearchCriteria: sc, TotalCount: page.total,
	})
}

func (s *Service) categoryTree(w http.ResponseWriter, r *http.Request) {
	root, depth, err := catalogue.TreeParams(r.URL.Query())
	if err != nil {
		s.writeInputError(w, err)
		return
	}
	s.writeCategory(w, root, fmt.Sprintf("tree/%d/%d", root, depth), func(c *catalogue.Category) any { return c.Tree(depth) })
}

func (s *Service) category(w http.ResponseWriter, r *http.Request) {
	id, err := catalogue.IntParam(r.PathValue("id"), 0)
	if err != nil {
		s.writeInputError(w, err)
		return
	}
	s.writeCategory(w, id, "detail/"+strconv.Itoa(id), func(c *catalogue.Category) any { return c.Detail() })
}

// writeCategory answers with view of category id, cached under key.
func (s *Service) writeCategory(w http.ResponseWriter, id int, key string, view func(*catalogue.Category) any) {
	e, err := fetch(s, s.categories, "category", key, func() (bodyEntry, time.Duration, error) {
		c, ok := s.index.cat.Category(id)
		if !ok {
			return bodyEntry{}, s.missing(), nil
		}
		body, err := json.Marshal(view(c))
		if err != nil {
			return bodyEntry{}, 0, fmt.Errorf("encode category %d: %w", id, err)
		}
		return bodyEntry{body: body, found: true}, s.found(), nil
	})
	switch {
	case err != nil:
		s.fail(w, err)
	case !e.found:
		s.writeJSON(w, http.StatusNotFound, catalogue.NoSuchEntity("id", id))
	default:
		s.writeBody(w, http.StatusOK, e.body)
	}
}

func (s *Service) fail(w http.ResponseWriter, err error) {
	s.log.Error("request failed", "error", err)
	s.writeMessage(w, http.StatusInternalServerError, "internal error")
}
