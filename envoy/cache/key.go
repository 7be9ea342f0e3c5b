package cache

import (
	"crypto/sha256"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
)

// cacheKey is everything a stored response may depend on: method, scheme,
// host, the normalised path and query, the normalised Accept-Encoding
// and the route's vary values. Parts are NUL-separated (NUL cannot occur in
// HTTP header values), and a missing vary value differs from an empty one.
func cacheKey(rt *route, r *request) string {
	var b strings.Builder
	b.Grow(len(r.authority) + len(r.path) + 64)
	b.WriteString(r.lookupMethod())
	b.WriteByte(0)
	b.WriteString(r.effectiveScheme())
	b.WriteByte(0)
	b.WriteString(strings.ToLower(r.authority))
	b.WriteByte(0)
	b.WriteString(normalisePath(r.path))
	b.WriteByte(0)
	b.WriteString(encodingClass(r.acceptEncoding))
	for _, name := range rt.varyCookies {
		v, ok := r.cookie(name)
		writeVary(&b, "c:"+name, v, ok)
	}
	for _, name := range rt.varyHeaders {
		v, ok := r.header(name)
		writeVary(&b, "h:"+name, v, ok)
	}
	return b.String()
}

func writeVary(b *strings.Builder, name, v string, present bool) {
	b.WriteByte(0)
	b.WriteString(name)
	if !present {
		b.WriteString("\x02")
		return
	}
	b.WriteString("\x01")
	b.WriteString(v)
}

// hashKey names a key in Redis: 128 bits of SHA-256, so URLs of any length
// make short keys. The entry keeps the full key and a read compares it, so
// a collision can never serve another URL.
func hashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return base64.RawURLEncoding.EncodeToString(sum[:16])
}

// normalisePath sorts the query parameters and drops marketing ones, as
// Magento's VCL does, so links that differ only in those share an entry.
// The origin is sent the same normalised path (see request mutation), so
// a dropped parameter cannot reach a stored page.
func normalisePath(p string) string {
	path, q, ok := strings.Cut(p, "?")
	if !ok {
		return p
	}
	params := strings.Split(q, "&")
	kept := params[:0]
	for _, kv := range params {
		name, _, _ := strings.Cut(kv, "=")
		if kv == "" || marketingParam(name) {
			continue
		}
		kept = append(kept, kv)
	}
	if len(kept) == 0 {
		return path
	}
	slices.Sort(kept)
	return path + "?" + strings.Join(kept, "&")
}

func marketingParam(name string) bool {
	n := strings.ToLower(name)
	switch n {
	case "gclid", "fbclid", "_ga", "msclkid":
		return true
	}
	return strings.HasPrefix(n, "utm_")
}

// encodingClass folds Accept-Encoding into the one coding the cache asks
// the origin for: "br", "gzip" or "" (identity). Keying on the class
// and sending the origin only the class keeps a compressed entry away from
// clients that cannot decode it, with at most three variants per URL.
func encodingClass(ae string) string {
	br, gzip := false, false
	for part := range strings.SplitSeq(ae, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if zeroQ(params) {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(coding)) {
		case "br":
			br = true
		case "gzip", "x-gzip":
			gzip = true
		}
	}
	switch {
	case br:
		return "br"
	case gzip:
		return "gzip"
	}
	return ""
}

// zeroQ reports whether coding parameters say q=0 (not acceptable).
func zeroQ(params string) bool {
	for p := range strings.SplitSeq(params, ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		if strings.EqualFold(k, "q") {
			q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return err == nil && q == 0
		}
	}
	return false
}
