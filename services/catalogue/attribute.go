package catalogue

import (
	"slices"
	"strconv"
)

// productFields are the attributes searchCriteria may name besides custom
// attributes; category_id is Magento's special filter on category links.
var productFields = []string{
	"id", "entity_id", "sku", "name", "attribute_set_id", "price", "status", "visibility",
	"type_id", "created_at", "updated_at", "weight", "category_id",
}

// IsAttribute reports whether a search filter or sort order may name code.
func IsAttribute(code string) bool {
	return slices.Contains(productFields, code) || slices.Contains(customAttributeCodes, code)
}

// AttributeValues is the product's value of code as text, the way a SQL
// filter sees it; several values for multi-valued ones (category_id,
// category_ids). None when the product has no value.
func (p *Product) AttributeValues(code string) []string {
	switch code {
	case "id", "entity_id":
		return []string{strconv.Itoa(p.ID)}
	case "sku":
		return []string{p.SKU}
	case "name":
		return []string{p.Name}
	case "attribute_set_id":
		return []string{strconv.Itoa(p.AttributeSetID)}
	case "price":
		return []string{strconv.FormatFloat(p.Price, 'f', -1, 64)}
	case "status":
		return []string{strconv.Itoa(p.Status)}
	case "visibility":
		return []string{strconv.Itoa(p.Visibility)}
	case "type_id":
		return []string{p.TypeID}
	case "created_at":
		return []string{p.CreatedAt}
	case "updated_at":
		return []string{p.UpdatedAt}
	case "weight":
		if p.Weight == nil {
			return nil
		}
		return []string{strconv.FormatFloat(*p.Weight, 'f', -1, 64)}
	case "category_id":
		var ids []string
		for _, l := range p.ExtensionAttributes.CategoryLinks {
			ids = append(ids, l.CategoryID)
		}
		return ids
	}
	switch v, _ := p.CustomAttribute(code); v := v.(type) {
	case string:
		return []string{v}
	case []string:
		return v
	}
	return nil
}
