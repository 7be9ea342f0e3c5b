package legacy

import (
	"time"

	"github.com/strangler-dev/strangler/services/catalogue"
)

// render is the product as one response shows it. With noise on, Magento's
// everyday churn shows through: stock qty drifts with orders and imports
// between two reads, and now and then an indexer run has touched updated_at.
// A shadow comparison has to learn to ignore exactly this.
func (s *Server) render(p catalogue.Product) catalogue.Product {
	if !s.noise.Load() {
		return p
	}
	// p is a copy; the fields changed here are values, not shared slices.
	if s.renders.Add(1)%uint64(s.opts.NoiseEvery) == 0 {
		p.UpdatedAt = catalogue.FormatTime(time.Now())
	}
	if p.TypeID != catalogue.TypeConfigurable {
		stock := &p.ExtensionAttributes.StockItem
		stock.Qty = max(0, stock.Qty+float64(s.randomN(5)-2))
	}
	return p
}

// pageFormKey is the form_key a page embeds: per session in Magento, so a
// different one on every page while noise is on.
func (s *Server) pageFormKey() string {
	if s.noise.Load() {
		return s.randomString(16, alphanumeric)
	}
	return s.formKey
}
