package legacy

import (
	"errors"
	"net/http"

	"github.com/strangler-dev/strangler/services/catalogue"
)

// cartHandler serves one cart operation once the cart is found.
type cartHandler func(w http.ResponseWriter, r *http.Request, q cart)

func (s *Server) createGuestCart(w http.ResponseWriter, _ *http.Request) {
	masked := s.randomString(32, alphanumeric)
	s.carts.createGuest(masked)
	s.writeREST(w, http.StatusOK, masked)
}

// guestCart finds the cart by the masked id in the path.
func (s *Server) guestCart(next cartHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		masked := r.PathValue("cartId")
		q, ok := s.carts.guest(masked)
		if !ok {
			s.writeError(w, http.StatusNotFound, catalogue.NoSuchEntity("cartId", masked))
			return
		}
		next(w, r, q)
	}
}

// customerCart finds the bearer's cart.
func (s *Server) customerCart(next cartHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		cu, ok := s.bearer(r)
		if !ok {
			s.unauthorized(w)
			return
		}
		next(w, r, s.carts.forCustomer(cu))
	}
}

// cartID is POST /V1/carts/mine: the quote id, a bare JSON number.
func (s *Server) cartID(w http.ResponseWriter, _ *http.Request, q cart) {
	s.writeREST(w, http.StatusOK, q.ID)
}

func (s *Server) showCart(w http.ResponseWriter, _ *http.Request, q cart) {
	s.writeREST(w, http.StatusOK, viewCart(q))
}

func (s *Server) listItems(w http.ResponseWriter, _ *http.Request, q cart) {
	s.writeREST(w, http.StatusOK, itemViews(q))
}

func (s *Server) showTotals(w http.ResponseWriter, _ *http.Request, q cart) {
	s.writeREST(w, http.StatusOK, viewTotals(q))
}

type itemRequest struct {
	SKU string   `json:"sku"`
	Qty *float64 `json:"qty"`
}

// addItem is POST .../items {"cartItem": {"sku": ..., "qty": ...}}.
func (s *Server) addItem(w http.ResponseWriter, r *http.Request, q cart) {
	var body struct {
		CartItem      *itemRequest `json:"cartItem"`
		CartItemSnake *itemRequest `json:"cart_item"`
	}
	if !s.decodeBody(w, r, &body) {
		return
	}
	req := body.CartItem
	if req == nil {
		req = body.CartItemSnake
	}
	switch {
	case req == nil:
		s.writeInputError(w, catalogue.RequiredField("cartItem"))
		return
	case req.SKU == "":
		s.writeInputError(w, catalogue.RequiredField("sku"))
		return
	}
	p, ok := s.store.product(req.SKU)
	if !ok {
		s.writeError(w, http.StatusNotFound, &catalogue.InputError{Message: catalogue.MessageProductNotFound})
		return
	}
	qty := 0.0
	if req.Qty != nil {
		qty = *req.Qty
	}
	it, err := s.carts.add(q.ID, p, qty)
	if err != nil {
		var input *catalogue.InputError
		if errors.As(err, &input) {
			s.writeInputError(w, input)
			return
		}
		s.log.Error("add to cart", "cart", q.ID, "error", err)
		s.writeError(w, http.StatusInternalServerError, &catalogue.InputError{Message: "Internal Error."})
		return
	}
	s.writeREST(w, http.StatusOK, itemView(q, it))
}
