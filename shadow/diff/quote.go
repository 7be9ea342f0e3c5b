package diff

import "unicode/utf8"

// jsonQuote renders s as a JSON string, keeping UTF-8 readable (unlike
// encoding/json, which also escapes <, > and &).
func jsonQuote(s string) string {
	b := make([]byte, 0, len(s)+2)
	b = append(b, '"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r == '\n':
			b = append(b, `\n`...)
		case r == '\r':
			b = append(b, `\r`...)
		case r == '\t':
			b = append(b, `\t`...)
		case r < 0x20:
			b = append(b, `\u00`...)
			b = append(b, "0123456789abcdef"[r>>4], "0123456789abcdef"[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return string(append(b, '"'))
}

// truncateText cuts b to about limit bytes on a rune boundary, marking the cut.
func truncateText(b []byte, limit int) string {
	if len(b) <= limit {
		return string(b)
	}
	return string(trimRune(b[:limit:limit], 0)) + "…"
}
