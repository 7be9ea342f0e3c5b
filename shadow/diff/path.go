package diff

import "strconv"

// formatPath renders a body path as "body:$.items[3].price"; with template
// set, indexes become [*] so that differences aggregate per field.
func formatPath(path []pathSeg, template bool) string {
	return string(appendPath(make([]byte, 0, 64), path, template))
}

func appendPath(b []byte, path []pathSeg, template bool) []byte {
	b = append(b, "body:$"...)
	var kb [64]byte
	for i := range path {
		s := &path[i]
		switch {
		case s.isIndex && template:
			b = append(b, "[*]"...)
		case s.isIndex:
			b = append(b, '[')
			b = strconv.AppendInt(b, int64(s.index), 10)
			b = append(b, ']')
		default:
			b = appendKey(b, unescapeIf(kb[:0], s.key, s.esc))
		}
	}
	return b
}

// appendKey writes .key for plain identifiers and ['k'] for anything else, so
// every path reads back through the rule parser to the same segment.
func appendKey(b, key []byte) []byte {
	if isIdentifier(key) {
		b = append(b, '.')
		return append(b, key...)
	}
	b = append(b, "['"...)
	for _, c := range key {
		if c == '\'' || c == '\\' {
			b = append(b, '\\')
		}
		b = append(b, c)
	}
	return append(b, "']"...)
}

func isIdentifier(k []byte) bool {
	if len(k) == 0 || k[0] >= '0' && k[0] <= '9' {
		return false
	}
	for _, c := range k {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
