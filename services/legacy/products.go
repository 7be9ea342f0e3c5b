package legacy

import (
	"net/http"

	"github.com/strangler-dev/strangler/services/catalogue"
)

func (s *Server) product(w http.ResponseWriter, r *http.Request) {
	p, ok := s.store.product(r.PathValue("sku"))
	if !ok {
		s.writeError(w, http.StatusNotFound, &catalogue.InputError{Message: catalogue.MessageProductNotFound})
		return
	}
	s.writeREST(w, http.StatusOK, s.render(p))
}

func (s *Server) searchProducts(w http.ResponseWriter, r *http.Request) {
	sc, err := catalogue.ParseSearchCriteria(r.URL.Query())
	if err != nil {
		s.writeInputError(w, err)
		return
	}
	page, total := s.store.search(sc)
	for i := range page {
		page[i] = s.render(page[i])
	}
	s.writeREST(w, http.StatusOK, catalogue.SearchResults[catalogue.Product]{
		Items: page, SearchCriteria: sc, TotalCount: total,
	})
}
