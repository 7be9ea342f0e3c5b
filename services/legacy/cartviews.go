package legacy

import (
	"strconv"
)

// The JSON shapes of Magento's quote API (CartInterface, CartItemInterface).

type cartItemView struct {
	ItemID      int     `json:"item_id"`
	SKU         string  `json:"sku"`
	Qty         float64 `json:"qty"`
	Name        string  `json:"name"`
	Price       float64 `json:"price"`
	ProductType string  `json:"product_type"`
	QuoteID     string  `json:"quote_id"` // a string, although it holds the numeric quote id
}

type guestCustomerView struct {
	Email     *string `json:"email"`
	Firstname *string `json:"firstname"`
	Lastname  *string `json:"lastname"`
}

type customerView struct {
	ID                     int    `json:"id"`
	GroupID                int    `json:"group_id"`
	CreatedAt              string `json:"created_at"`
	UpdatedAt              string `json:"updated_at"`
	CreatedIn              string `json:"created_in"`
	Email                  string `json:"email"`
	Firstname              string `json:"firstname"`
	Lastname               string `json:"lastname"`
	StoreID                int    `json:"store_id"`
	WebsiteID              int    `json:"website_id"`
	Addresses              []any  `json:"addresses"`
	DisableAutoGroupChange int    `json:"disable_auto_group_change"`
}

type addressView struct {
	ID                int      `json:"id"`
	Region            *string  `json:"region"`
	RegionID          *int     `json:"region_id"`
	RegionCode        *string  `json:"region_code"`
	CountryID         *string  `json:"country_id"`
	Street            []string `json:"street"`
	Telephone         *string  `json:"telephone"`
	Postcode          *string  `json:"postcode"`
	City              *string  `json:"city"`
	Firstname         *string  `json:"firstname"`
	Lastname          *string  `json:"lastname"`
	Email             *string  `json:"email"`
	SameAsBilling     int      `json:"same_as_billing"`
	SaveInAddressBook int      `json:"save_in_address_book"`
}

type currencyView struct {
	GlobalCurrencyCode string  `json:"global_currency_code"`
	BaseCurrencyCode   string  `json:"base_currency_code"`
	StoreCurrencyCode  string  `json:"store_currency_code"`
	QuoteCurrencyCode  string  `json:"quote_currency_code"`
	StoreToBaseRate    float64 `json:"store_to_base_rate"`
	StoreToQuoteRate   float64 `json:"store_to_quote_rate"`
	BaseToGlobalRate   float64 `json:"base_to_global_rate"`
	BaseToQuoteRate    float64 `json:"base_to_quote_rate"`
}

type cartExtensionView struct {
	ShippingAssignments []any `json:"shipping_assignments"`
}

type cartView struct {
	ID                  int               `json:"id"`
	CreatedAt           string            `json:"created_at"`
	UpdatedAt           string            `json:"updated_at"`
	IsActive            bool              `json:"is_active"`
	IsVirtual           bool              `json:"is_virtual"`
	Items               []cartItemView    `json:"items"`
	ItemsCount          int               `json:"items_count"`
	ItemsQty            float64           `json:"items_qty"`
	Customer            any               `json:"customer"`
	BillingAddress      addressView       `json:"billing_address"`
	OrigOrderID         int               `json:"orig_order_id"`
	Currency            currencyView      `json:"currency"`
	CustomerIsGuest     bool              `json:"customer_is_guest"`
	CustomerNoteNotify  bool              `json:"customer_note_notify"`
	CustomerTaxClassID  int               `json:"customer_tax_class_id"`
	StoreID             int               `json:"store_id"`
	ExtensionAttributes cartExtensionView `json:"extension_attributes"`
}

func itemView(q cart, it cartItem) cartItemView {
	return cartItemView{ItemID: it.ItemID, SKU: it.SKU, Qty: it.Qty, Name: it.Name, Price: it.Price,
		ProductType: it.ProductType, QuoteID: strconv.Itoa(q.ID)}
}

func itemViews(q cart) []cartItemView {
	out := make([]cartItemView, len(q.Items))
	for i, it := range q.Items {
		out[i] = itemView(q, it)
	}
	return out
}

func viewCart(q cart) cartView {
	v := cartView{
		ID: q.ID, CreatedAt: q.CreatedAt, UpdatedAt: q.UpdatedAt, IsActive: true,
		Items: itemViews(q), ItemsCount: len(q.Items), Customer: guestCustomerView{},
		BillingAddress: addressView{ID: q.ID, Street: []string{""}},
		Currency: currencyView{GlobalCurrencyCode: "USD", BaseCurrencyCode: "USD", StoreCurrencyCode: "USD",
			QuoteCurrencyCode: "USD", BaseToGlobalRate: 1, BaseToQuoteRate: 1},
		CustomerIsGuest: q.Customer == nil, CustomerNoteNotify: true, CustomerTaxClassID: 3, StoreID: 1,
		ExtensionAttributes: cartExtensionView{ShippingAssignments: []any{}},
	}
	v.IsVirtual = len(q.Items) > 0
	for _, it := range q.Items {
		v.ItemsQty += it.Qty
		v.IsVirtual = v.IsVirtual && it.ProductType == "virtual"
	}
	if cu := q.Customer; cu != nil {
		v.Customer = customerView{ID: cu.ID, GroupID: 1, CreatedAt: cu.CreatedAt, UpdatedAt: cu.CreatedAt,
			CreatedIn: "Default Store View", Email: cu.Email, Firstname: cu.Firstname, Lastname: cu.Lastname,
			StoreID: 1, WebsiteID: 1, Addresses: []any{}}
		v.BillingAddress.Email = &cu.Email
	}
	return v
}
