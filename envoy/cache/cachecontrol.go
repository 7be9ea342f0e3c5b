package cache

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// directives are the Cache-Control response directives the cache acts on
// (RFC 9111 section 5.2.2, RFC 5861).
type directives struct {
	noStore, noCache, private, public, mustRevalidate bool
	sMaxAge, maxAge, swr, sie                         optSeconds
}

// optSeconds is a delta-seconds directive that may be absent.
type optSeconds struct {
	set bool
	d   time.Duration
}

// maxDelta is the RFC 9111 section 1.2.2 cap on delta-seconds.
const maxDelta = time.Duration(math.MaxInt32) * time.Second

func parseCacheControl(lines []string) directives {
	var d directives
	for _, line := range lines {
		for _, tok := range splitDirectives(line) {
			name, arg, _ := strings.Cut(tok, "=")
			switch strings.ToLower(strings.TrimSpace(name)) {
			case "no-store":
				d.noStore = true
			case "no-cache":
				// Qualified no-cache (no-cache="field") still forbids reusing
				// the listed fields without revalidation; this cache does not
				// revalidate, so it treats both forms alike.
				d.noCache = true
			case "private":
				d.private = true
			case "public":
				d.public = true
			case "must-revalidate", "proxy-revalidate":
				d.mustRevalidate = true
			case "s-maxage":
				d.sMaxAge = seconds(arg)
			case "max-age":
				d.maxAge = seconds(arg)
			case "stale-while-revalidate":
				d.swr = seconds(arg)
			case "stale-if-error":
				d.sie = seconds(arg)
			}
		}
	}
	return d
}

// seconds parses delta-seconds; an invalid value counts as 0, which makes
// the response stale at once (RFC 9111 section 4.2.1 encourages that).
func seconds(arg string) optSeconds {
	arg = strings.Trim(strings.TrimSpace(arg), `"`)
	n, err := strconv.ParseInt(arg, 10, 64)
	switch {
	case err != nil && strings.TrimLeft(arg, "0123456789") == "" && arg != "":
		return optSeconds{set: true, d: maxDelta} // all digits, too many of them
	case err != nil || n < 0:
		return optSeconds{set: true}
	case time.Duration(n) > maxDelta/time.Second:
		return optSeconds{set: true, d: maxDelta}
	}
	return optSeconds{set: true, d: time.Duration(n) * time.Second}
}

// splitDirectives splits on commas outside quoted strings
// (private="set-cookie, x" is one directive).
func splitDirectives(s string) []string {
	var out []string
	quoted, start := false, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			quoted = !quoted
		case '\\':
			if quoted {
				i++
			}
		case ',':
			if !quoted {
				out = appendDirective(out, s[start:i])
				start = i + 1
			}
		}
	}
	return appendDirective(out, s[start:])
}

func appendDirective(out []string, tok string) []string {
	if tok = strings.TrimSpace(tok); tok != "" {
		out = append(out, tok)
	}
	return out
}
