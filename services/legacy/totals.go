package legacy

import "math"

// The shape of GET .../totals (TotalsInterface). No tax, discount or shipping
// rules run here: subtotal and grand total are the sum of the rows, rounded
// to cents per row as Magento's PriceCurrency rounds them.

type totalsItemView struct {
	ItemID               int      `json:"item_id"`
	Price                float64  `json:"price"`
	BasePrice            float64  `json:"base_price"`
	Qty                  float64  `json:"qty"`
	RowTotal             float64  `json:"row_total"`
	BaseRowTotal         float64  `json:"base_row_total"`
	RowTotalWithDiscount float64  `json:"row_total_with_discount"`
	TaxAmount            float64  `json:"tax_amount"`
	BaseTaxAmount        float64  `json:"base_tax_amount"`
	TaxPercent           float64  `json:"tax_percent"`
	DiscountAmount       float64  `json:"discount_amount"`
	BaseDiscountAmount   float64  `json:"base_discount_amount"`
	DiscountPercent      float64  `json:"discount_percent"`
	PriceInclTax         float64  `json:"price_incl_tax"`
	BasePriceInclTax     float64  `json:"base_price_incl_tax"`
	RowTotalInclTax      float64  `json:"row_total_incl_tax"`
	BaseRowTotalInclTax  float64  `json:"base_row_total_incl_tax"`
	Options              string   `json:"options"` // a JSON document inside a string: "[]"
	WeeeTaxAppliedAmount *float64 `json:"weee_tax_applied_amount"`
	WeeeTaxApplied       *string  `json:"weee_tax_applied"`
	Name                 string   `json:"name"`
}

type taxSegmentExtension struct {
	TaxGrandtotalDetails []any `json:"tax_grandtotal_details"`
}

type totalSegmentView struct {
	Code                string               `json:"code"`
	Title               string               `json:"title"`
	Value               float64              `json:"value"`
	Area                string               `json:"area,omitempty"`
	ExtensionAttributes *taxSegmentExtension `json:"extension_attributes,omitempty"`
}

type totalsView struct {
	GrandTotal                 float64            `json:"grand_total"`
	BaseGrandTotal             float64            `json:"base_grand_total"`
	Subtotal                   float64            `json:"subtotal"`
	BaseSubtotal               float64            `json:"base_subtotal"`
	DiscountAmount             float64            `json:"discount_amount"`
	BaseDiscountAmount         float64            `json:"base_discount_amount"`
	SubtotalWithDiscount       float64            `json:"subtotal_with_discount"`
	BaseSubtotalWithDiscount   float64            `json:"base_subtotal_with_discount"`
	ShippingAmount             float64            `json:"shipping_amount"`
	BaseShippingAmount         float64            `json:"base_shipping_amount"`
	ShippingDiscountAmount     float64            `json:"shipping_discount_amount"`
	BaseShippingDiscountAmount float64            `json:"base_shipping_discount_amount"`
	TaxAmount                  float64            `json:"tax_amount"`
	BaseTaxAmount              float64            `json:"base_tax_amount"`
	WeeeTaxAppliedAmount       *float64           `json:"weee_tax_applied_amount"`
	ShippingTaxAmount          float64            `json:"shipping_tax_amount"`
	BaseShippingTaxAmount      float64            `json:"base_shipping_tax_amount"`
	SubtotalInclTax            float64            `json:"subtotal_incl_tax"`
	ShippingInclTax            float64            `json:"shipping_incl_tax"`
	BaseShippingInclTax        float64            `json:"base_shipping_incl_tax"`
	BaseCurrencyCode           string             `json:"base_currency_code"`
	QuoteCurrencyCode          string             `json:"quote_currency_code"`
	ItemsQty                   float64            `json:"items_qty"`
	Items                      []totalsItemView   `json:"items"`
	TotalSegments              []totalSegmentView `json:"total_segments"`
}

func roundCents(v float64) float64 { return math.Round(v*100) / 100 }

func viewTotals(q cart) totalsView {
	t := totalsView{BaseCurrencyCode: "USD", QuoteCurrencyCode: "USD", Items: []totalsItemView{}}
	for _, it := range q.Items {
		row := roundCents(it.Price * it.Qty)
		t.Items = append(t.Items, totalsItemView{
			ItemID: it.ItemID, Price: it.Price, BasePrice: it.Price, Qty: it.Qty,
			RowTotal: row, BaseRowTotal: row, RowTotalWithDiscount: 0,
			PriceInclTax: it.Price, BasePriceInclTax: it.Price, RowTotalInclTax: row, BaseRowTotalInclTax: row,
			Options: "[]", Name: it.Name,
		})
		t.Subtotal += row
		t.ItemsQty += it.Qty
	}
	t.Subtotal = roundCents(t.Subtotal)
	t.BaseSubtotal, t.SubtotalWithDiscount, t.BaseSubtotalWithDiscount = t.Subtotal, t.Subtotal, t.Subtotal
	t.SubtotalInclTax = t.Subtotal
	t.GrandTotal, t.BaseGrandTotal = t.Subtotal, t.Subtotal
	t.TotalSegments = []totalSegmentView{
		{Code: "subtotal", Title: "Subtotal", Value: t.Subtotal},
		{Code: "shipping", Title: "Shipping & Handling", Value: 0},
		{Code: "tax", Title: "Tax", Value: 0, ExtensionAttributes: &taxSegmentExtension{TaxGrandtotalDetails: []any{}}},
		{Code: "grand_total", Title: "Grand Total", Value: t.GrandTotal, Area: "footer"},
	}
	return t
}
