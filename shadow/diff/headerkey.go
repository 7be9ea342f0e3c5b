package diff

import "net/http"

// Header names are checked for canonical form on every comparison, and
// http.CanonicalHeaderKey spends a dozen instructions per byte on it; a
// state table spends a few.

// isCanonicalKey reports whether http.CanonicalHeaderKey(k) == k. The
// standard library leaves a name with a byte that is not a token byte
// unchanged, wherever that byte is, so such a name counts as canonical.
func isCanonicalKey(k string) bool {
	st := uint8(keyUpper)
	for i := 0; i < len(k); i++ {
		if st = keyStep[st][k[i]]; st == keyInvalid {
			return true
		}
	}
	return st != keyBad
}

// States of isCanonicalKey: the next letter should be upper case (first
// byte, after '-') or lower case; a letter was in the wrong case (keep
// looking for a non-token byte); a non-token byte was seen.
const (
	keyUpper = iota
	keyLower
	keyBad
	keyInvalid
)

var keyStep = func() (t [3][256]uint8) {
	for st := range t {
		for c := 0; c < 256; c++ {
			b := byte(c)
			next := uint8(keyLower)
			switch {
			case !isTokenByte(b):
				next = keyInvalid
			case st == keyBad:
				next = keyBad
			case st == keyUpper && 'a' <= b && b <= 'z', st == keyLower && 'A' <= b && b <= 'Z':
				next = keyBad
			case b == '-':
				next = keyUpper
			}
			t[st][c] = next
		}
	}
	return t
}()

// isTokenByte is RFC 9110's tchar, the set textproto accepts in a name.
func isTokenByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	for i := 0; i < len(tokenSymbols); i++ {
		if c == tokenSymbols[i] {
			return true
		}
	}
	return false
}

const tokenSymbols = "!#$%&'*+-.^_`|~"

// headerValue is h.Get(name) for a name already canonical, without
// canonicalizing it again.
func headerValue(h http.Header, name string) string {
	if v := h[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}
