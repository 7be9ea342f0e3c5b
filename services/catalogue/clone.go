package catalogue

import "slices"

// Clone returns a deep copy: the catalogue is shared read-only between
// services in one process, so whoever changes a product changes a clone.
func (p *Product) Clone() Product {
	c := *p
	if p.Weight != nil {
		w := *p.Weight
		c.Weight = &w
	}
	c.ExtensionAttributes = p.ExtensionAttributes.clone()
	c.ProductLinks = slices.Clone(p.ProductLinks)
	c.Options = slices.Clone(p.Options)
	c.MediaGalleryEntries = make([]MediaEntry, len(p.MediaGalleryEntries))
	for i, m := range p.MediaGalleryEntries {
		c.MediaGalleryEntries[i] = m.clone()
	}
	c.TierPrices = slices.Clone(p.TierPrices)
	c.CustomAttributes = make([]CustomAttribute, len(p.CustomAttributes))
	for i, a := range p.CustomAttributes {
		if list, ok := a.Value.([]string); ok {
			a.Value = slices.Clone(list)
		}
		c.CustomAttributes[i] = a
	}
	return c
}

func (e ProductExtension) clone() ProductExtension {
	c := e
	c.WebsiteIDs = slices.Clone(e.WebsiteIDs)
	c.CategoryLinks = slices.Clone(e.CategoryLinks)
	if e.StockItem.LowStockDate != nil {
		d := *e.StockItem.LowStockDate
		c.StockItem.LowStockDate = &d
	}
	c.ConfigurableProductLinks = slices.Clone(e.ConfigurableProductLinks)
	c.ConfigurableProductOptions = make([]ConfigurableOption, len(e.ConfigurableProductOptions))
	for i, o := range e.ConfigurableProductOptions {
		o.Values = slices.Clone(o.Values)
		c.ConfigurableProductOptions[i] = o
	}
	if e.ConfigurableProductOptions == nil {
		c.ConfigurableProductOptions = nil
	}
	return c
}

func (m MediaEntry) clone() MediaEntry {
	c := m
	if m.Label != nil {
		l := *m.Label
		c.Label = &l
	}
	c.Types = slices.Clone(m.Types)
	if m.ExtensionAttributes.VideoContent != nil {
		v := *m.ExtensionAttributes.VideoContent
		c.ExtensionAttributes.VideoContent = &v
	}
	return c
}
