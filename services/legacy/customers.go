package legacy

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/strangler-dev/strangler/services/catalogue"
)

// customer is a shopper who signed in; any username and password will do,
// and the same username is the same customer again.
type customer struct {
	ID        int
	Email     string
	Firstname string
	Lastname  string
	CreatedAt string
}

type customers struct {
	mu       sync.Mutex
	byEmail  map[string]*customer
	tokens   map[string]*customer // REST bearer tokens
	sessions map[string]*customer // PHPSESSID of a signed-in storefront session
}

func newCustomers() *customers {
	return &customers{byEmail: map[string]*customer{}, tokens: map[string]*customer{}, sessions: map[string]*customer{}}
}

func (c *customers) signIn(username string) *customer {
	c.mu.Lock()
	defer c.mu.Unlock()
	email := strings.ToLower(strings.TrimSpace(username))
	if cu, ok := c.byEmail[email]; ok {
		return cu
	}
	first, _, _ := strings.Cut(email, "@")
	if first != "" {
		first = strings.ToUpper(first[:1]) + first[1:]
	}
	cu := &customer{ID: len(c.byEmail) + 1, Email: email, Firstname: first, Lastname: "Customer",
		CreatedAt: catalogue.FormatTime(time.Now())}
	c.byEmail[email] = cu
	return cu
}

func (c *customers) remember(index map[string]*customer, key string, cu *customer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	index[key] = cu
}

func (c *customers) lookup(index map[string]*customer, key string) (*customer, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cu, ok := index[key]
	return cu, ok
}

// customerToken is POST /V1/integration/customer/token: a token as a quoted
// JSON string, as Magento answers it.
func (s *Server) customerToken(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if !s.decodeBody(w, r, &body) {
		return
	}
	switch {
	case body.Username == "":
		s.writeInputError(w, catalogue.RequiredField("username"))
		return
	case body.Password == "":
		s.writeInputError(w, catalogue.RequiredField("password"))
		return
	}
	token := s.randomString(32, lowerAlnum)
	s.customers.remember(s.customers.tokens, token, s.customers.signIn(body.Username))
	s.writeREST(w, http.StatusOK, token)
}

// bearer finds the customer of the request's Authorization: Bearer token.
func (s *Server) bearer(r *http.Request) (*customer, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return nil, false
	}
	return s.customers.lookup(s.customers.tokens, strings.TrimSpace(token))
}

func (s *Server) unauthorized(w http.ResponseWriter) {
	s.writeError(w, http.StatusUnauthorized, &catalogue.InputError{
		Message:    "The consumer isn't authorized to access %resources.",
		Parameters: map[string]any{"resources": "self"},
	})
}

// decodeBody reads a JSON request body, answering 400 as Magento does when it
// is not JSON.
func (s *Server) decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(v); err != nil {
		s.writeInputError(w, &catalogue.InputError{Message: "Decoding error: Syntax error"})
		return false
	}
	return true
}
