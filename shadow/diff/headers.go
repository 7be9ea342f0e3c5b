package diff

import (
	"maps"
	"net/http"
	"slices"
	"sort"
	"strings"
)

// defaultIgnoredHeaders differ on every response (dates, ids, cache debug),
// describe the connection rather than the response (hop-by-hop), or describe
// the encoded body while bodies are compared decoded.
// Keys are canonical header names.
var defaultIgnoredHeaders = canonicalSet(
	"Date", "Set-Cookie", "X-Request-Id", "X-Magento-Tags", "X-Magento-Cache-Debug",
	"Server", "Via", "Age", "Expires",
	"Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Connection",
	"Te", "Trailer", "Upgrade", "Transfer-Encoding", "Content-Length", "Content-Encoding",
	// Envoy adds it to whichever response went through it.
	"X-Envoy-Upstream-Service-Time",
)

func canonicalSet(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[http.CanonicalHeaderKey(n)] = true
	}
	return m
}

func (c *Comparer) compareHeaders(res *Result, legacy, candidate http.Header) {
	legacy, candidate = canonicalHeader(legacy), canonicalHeader(candidate)
	// Most headers are equal: collect the differing names, and sort only
	// those, for a stable order.
	var differ []string
	for k, lv := range legacy {
		if cv, ok := candidate[k]; !ok || !equalValues(lv, cv) {
			differ = append(differ, k)
		}
	}
	for k := range candidate {
		if _, ok := legacy[k]; !ok {
			differ = append(differ, k)
		}
	}
	sort.Strings(differ)
	for _, name := range differ {
		if defaultIgnoredHeaders[name] || c.rules.ignoreHeaders[name] {
			res.Ignored++
			continue
		}
		lv, lok := legacy[name]
		cv, cok := candidate[name]
		path := "header:" + strings.ToLower(name)
		d := Difference{Path: path, Template: path, Kind: KindValue}
		switch {
		case !cok:
			d.Kind = KindMissing
		case !lok:
			d.Kind = KindExtra
		}
		if lok {
			d.Legacy = jsonQuote(strings.Join(lv, ", "))
		}
		if cok {
			d.Candidate = jsonQuote(strings.Join(cv, ", "))
		}
		if c.rules.redactHeaders[name] {
			d.Legacy, d.Candidate, d.Redacted = redactIfSet(d.Legacy), redactIfSet(d.Candidate), true
		}
		c.add(res, d)
	}
}

func equalValues(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// canonicalHeader returns h with canonical keys, copying only when a key
// (from a hand-built map) is not canonical.
func canonicalHeader(h http.Header) http.Header {
	for k := range h {
		if !isCanonicalKey(k) {
			// Sorted, so that two spellings of one name ("x-a", "X-a")
			// join their values in the same order on every run.
			out := make(http.Header, len(h))
			for _, k := range slices.Sorted(maps.Keys(h)) {
				ck := http.CanonicalHeaderKey(k)
				out[ck] = append(out[ck], h[k]...)
			}
			return out
		}
	}
	return h
}

func redactIfSet(s string) string {
	if s == "" {
		return ""
	}
	return jsonQuote(RedactedMarker)
}
