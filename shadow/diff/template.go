package diff

import "strings"

// skuParents are path segments after which Magento's REST API takes a SKU.
var skuParents = map[string]bool{
	"products": true, "configurable-products": true, "bundle-products": true,
	"stockItems": true, "stockStatuses": true,
}

// notSKU are the fixed names that follow /products/ (and the other SKU
// parents) in Magento's webapi.xml files, so they are not SKUs.
var notSKU = map[string]bool{
	"attributes": true, "types": true, "attribute-sets": true, "media": true, "options": true,
	"links": true, "variation": true, "base-prices": true, "base-prices-information": true,
	"special-price": true, "special-price-information": true, "special-price-delete": true,
	"tier-prices": true, "tier-prices-information": true, "tier-prices-delete": true,
	"cost": true, "cost-information": true, "cost-delete": true, "render-info": true,
}

// PathTemplate collapses the variable parts of a request path so that
// comparisons aggregate per endpoint: numeric ids become {id}, SKUs after
// /products/ (and similar) {sku}, UUIDs, hex hashes and masked cart ids
// {hash}. The query string is dropped; fixed segments such as /rest/V1 and a
// store code (/rest/default/V1) stay as they are.
func PathTemplate(path string) string {
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if s == "" {
			continue
		}
		prev := ""
		if i > 0 {
			prev = segs[i-1]
		}
		switch {
		case skuParents[prev] && !notSKU[s]:
			segs[i] = "{sku}"
		case isDigits(s):
			segs[i] = "{id}"
		case prev == "guest-carts" || isUUID(s) || isHexHash(s) || isOpaqueToken(s):
			segs[i] = "{hash}"
		}
	}
	return strings.Join(segs, "/")
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func isHex(c byte) bool { return hexVal(c) >= 0 }

// isUUID matches 8-4-4-4-12 hex digits.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if s[i] != '-' {
				return false
			}
		} else if !isHex(s[i]) {
			return false
		}
	}
	return true
}

// isHexHash matches hex strings of hash length (16 digits and more).
func isHexHash(s string) bool {
	if len(s) < 16 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isHex(s[i]) {
			return false
		}
	}
	return true
}

// isOpaqueToken matches long random-looking tokens such as Magento's 32
// character masked quote ids: letters and digits mixed, 20 characters or more.
func isOpaqueToken(s string) bool {
	if len(s) < 20 {
		return false
	}
	letters, digits := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits = true
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			letters = true
		default:
			return false
		}
	}
	return letters && digits
}
