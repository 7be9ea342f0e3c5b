package legacy

import (
	"errors"
	"net/http"

	"github.com/strangler-dev/strangler/services/catalogue"
)

// categoryTree is GET /V1/categories?rootCategoryId=&depth=.
func (s *Server) categoryTree(w http.ResponseWriter, r *http.Request) {
	root, depth, err := catalogue.TreeParams(r.URL.Query())
	if err != nil {
		s.writeInputError(w, err)
		return
	}
	s.writeCategory(w, root, func(c *catalogue.Category) any { return c.Tree(depth) })
}

func (s *Server) category(w http.ResponseWriter, r *http.Request) {
	id, err := catalogue.IntParam(r.PathValue("id"), 0)
	if err != nil {
		s.writeInputError(w, err)
		return
	}
	s.writeCategory(w, id, func(c *catalogue.Category) any { return c.Detail() })
}

// writeCategory answers with view of the category id, or Magento's 404.
func (s *Server) writeCategory(w http.ResponseWriter, id int, view func(*catalogue.Category) any) {
	c, ok := s.store.categories.Category(id)
	if !ok {
		s.writeError(w, http.StatusNotFound, catalogue.NoSuchEntity("id", id))
		return
	}
	s.writeREST(w, http.StatusOK, view(c))
}

// writeInputError answers 400 with Magento's error body.
func (s *Server) writeInputError(w http.ResponseWriter, err error) {
	var input *catalogue.InputError
	if !errors.As(err, &input) {
		input = &catalogue.InputError{Message: err.Error()}
	}
	s.writeError(w, http.StatusBadRequest, input)
}
