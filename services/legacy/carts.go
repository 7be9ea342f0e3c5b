package legacy

import (
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/strangler-dev/strangler/services/catalogue"
)

// cart is a quote. Guests reach theirs by its masked id, customers by their
// token.
type cart struct {
	ID        int
	Masked    string
	Customer  *customer // nil for a guest cart
	Items     []cartItem
	CreatedAt string
	UpdatedAt string
}

type cartItem struct {
	ItemID      int
	SKU         string
	Name        string
	Qty         float64
	Price       float64
	ProductType string
}

type carts struct {
	mu         sync.Mutex
	byID       map[int]*cart
	byMasked   map[string]*cart
	byCustomer map[int]*cart
	lastItem   int
}

func newCarts() *carts {
	return &carts{byID: map[int]*cart{}, byMasked: map[string]*cart{}, byCustomer: map[int]*cart{}}
}

func (c *carts) create(masked string, cu *customer) *cart {
	now := catalogue.FormatTime(time.Now())
	q := &cart{ID: len(c.byID) + 1, Masked: masked, Customer: cu, Items: []cartItem{}, CreatedAt: now, UpdatedAt: now}
	c.byID[q.ID] = q
	if masked != "" {
		c.byMasked[masked] = q
	}
	if cu != nil {
		c.byCustomer[cu.ID] = q
	}
	return q
}

func (c *carts) createGuest(masked string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.create(masked, nil)
}

// guest returns a copy of the guest cart with the masked id.
func (c *carts) guest(masked string) (cart, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	q, ok := c.byMasked[masked]
	if !ok {
		return cart{}, false
	}
	return q.snapshot(), true
}

// forCustomer returns a copy of the customer's active cart, created on first
// use (Magento wants a POST /carts/mine first; this stand-in forgives that).
func (c *carts) forCustomer(cu *customer) cart {
	c.mu.Lock()
	defer c.mu.Unlock()
	q, ok := c.byCustomer[cu.ID]
	if !ok {
		q = c.create("", cu)
	}
	return q.snapshot()
}

func (q *cart) snapshot() cart {
	c := *q
	c.Items = slices.Clone(q.Items)
	return c
}

// Refusals when adding to a cart, in Magento's words.
var (
	errChooseOptions = &catalogue.InputError{Message: "You need to choose options for your item."}
	errNotAvailable  = &catalogue.InputError{Message: "Product that you are trying to add is not available."}
	errQtyNotInStock = &catalogue.InputError{Message: "The requested qty is not available"}
	errQtyPositive   = &catalogue.InputError{Message: "Please enter a number greater than 0 in this field."}
)

// add puts qty of the product in the cart, on the product's existing line if
// it has one, and returns that line.
func (c *carts) add(cartID int, p catalogue.Product, qty float64) (cartItem, error) {
	switch {
	case qty <= 0:
		return cartItem{}, errQtyPositive
	case p.TypeID == catalogue.TypeConfigurable:
		return cartItem{}, errChooseOptions
	case p.Status != catalogue.StatusEnabled || !p.ExtensionAttributes.StockItem.IsInStock:
		return cartItem{}, errNotAvailable
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	q, ok := c.byID[cartID]
	if !ok {
		return cartItem{}, errors.New("cart vanished") // carts are never deleted
	}
	line := slices.IndexFunc(q.Items, func(it cartItem) bool { return it.SKU == p.SKU })
	if line < 0 {
		c.lastItem++
		q.Items = append(q.Items, cartItem{ItemID: c.lastItem, SKU: p.SKU, Name: p.Name,
			Price: p.FinalPrice(), ProductType: p.TypeID})
		line = len(q.Items) - 1
	}
	stock := p.ExtensionAttributes.StockItem
	if stock.ManageStock && q.Items[line].Qty+qty > stock.Qty {
		if q.Items[line].Qty == 0 {
			q.Items = q.Items[:line]
		}
		return cartItem{}, errQtyNotInStock
	}
	q.Items[line].Qty += qty
	q.UpdatedAt = catalogue.FormatTime(time.Now())
	return q.Items[line], nil
}
