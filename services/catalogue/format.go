package catalogue

import (
	"strconv"
	"strings"
	"time"
	"unicode"
)

// TimeLayout is how Magento formats created_at and updated_at: UTC, no zone.
const TimeLayout = "2006-01-02 15:04:05"

func magentoTime(t time.Time) string { return t.UTC().Format(TimeLayout) }

// FormatTime formats t as Magento does in created_at and updated_at.
func FormatTime(t time.Time) string { return magentoTime(t) }

// transliteration keeps url keys ASCII for the accented names in the catalogue.
var transliteration = strings.NewReplacer("ä", "a", "ö", "o", "ü", "u", "é", "e", "è", "e", "ß", "ss", "ñ", "n", "ø", "o", "&", "and", "'", "")

// slug turns a name into a Magento url key: "Hoodies & Sweatshirts" -> "hoodies-and-sweatshirts".
func slug(name string) string {
	s := transliteration.Replace(strings.ToLower(name))
	var b strings.Builder
	dash := false
	for _, r := range s {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
			dash = false
			continue
		}
		if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

func parseNumber(s string) (float64, error) {
	return strconv.ParseFloat(strings.TrimSpace(s), 64)
}

// decimalString is how Magento returns a decimal attribute: "32.000000".
func decimalString(v float64) string { return strconv.FormatFloat(v, 'f', 6, 64) }
