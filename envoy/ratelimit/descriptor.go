package ratelimit

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	commonrl "github.com/envoyproxy/go-control-plane/envoy/extensions/common/ratelimit/v3"
)

// Descriptor entry keys the lead's translator emits (see the package comment).
const (
	entryLimit    = "limit"
	entryClientIP = "remote_address"
	entryHeader   = "header"
	entryCookie   = "cookie"
)

type matchResult int

const (
	matched    matchResult = iota
	unknown                // no such limit, or a shape that does not fit it: config drift
	notApplied             // per-cookie limit and the request has no such cookie
)

// match finds the limit a descriptor is for and the value it counts by.
func (t *table) match(d *commonrl.RateLimitDescriptor) (*limit, string, matchResult) {
	e := d.GetEntries()
	if len(e) == 0 || e[0].GetKey() != entryLimit {
		return nil, "", unknown
	}
	l := t.limits[e[0].GetValue()]
	if l == nil {
		return nil, "", unknown
	}
	if l.Per.Kind == PerRoute {
		if len(e) != 1 {
			return nil, "", unknown
		}
		return l, "", matched
	}
	if len(e) != 2 || e[1].GetKey() != l.entryKey {
		return nil, "", unknown
	}
	v := e[1].GetValue()
	if l.Per.Kind == PerCookie {
		c, ok := cookie(v, l.Per.Name)
		if !ok {
			return nil, "", notApplied
		}
		v = c
	}
	return l, v, matched
}

func entryKeyFor(kind string) string {
	switch kind {
	case PerClientIP:
		return entryClientIP
	case PerHeader:
		return entryHeader
	case PerCookie:
		return entryCookie
	}
	return ""
}

// cookie finds name in a Cookie header ("a=1; b=2"); the first occurrence
// wins, as in browsers' ordering of more specific paths first.
func cookie(header, name string) (string, bool) {
	for header != "" {
		var pair string
		pair, header, _ = strings.Cut(header, ";")
		k, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if !ok || k != name {
			continue
		}
		if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
			v = v[1 : len(v)-1]
		}
		return v, true
	}
	return "", false
}

// maxValueLen bounds a key: longer values (a client controls headers and
// cookies) are stored as their SHA-256.
const maxValueLen = 64

// appendKey appends rl:{<group>}:<id>:<value>. The hash tag puts all of one
// group's keys in one Redis Cluster slot.
func appendKey(b []byte, l *limit, value string) []byte {
	b = append(b, "rl:{"...)
	b = append(b, l.Group...)
	b = append(b, "}:"...)
	b = append(b, l.ID...)
	b = append(b, ':')
	if len(value) <= maxValueLen {
		return append(b, value...)
	}
	sum := sha256.Sum256([]byte(value))
	return hex.AppendEncode(b, sum[:])
}
