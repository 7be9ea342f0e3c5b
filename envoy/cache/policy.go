package cache

import (
	"math/rand/v2"
	"time"
)

// Reasons a response is not stored, the "reason" label of not_stored_total.
const (
	reasonMethod      = "method"       // not a GET
	reasonStatus      = "status"       // status not cacheable (or 404/410 without negative_ttl)
	reasonNoStore     = "no_store"     // Cache-Control: no-store
	reasonPrivate     = "private"      // Cache-Control: private
	reasonNoCache     = "no_cache"     // Cache-Control: no-cache (this cache does not revalidate)
	reasonMagentoVary = "magento_vary" // sets an X-Magento-Vary cookie the request lacked
	reasonSetCookie   = "set_cookie"   // any other Set-Cookie
	reasonAuth        = "authorization"
	reasonVaryStar    = "vary_star"
	reasonVaryUnkeyed = "vary_unkeyed" // Vary names a header the key does not hold
	reasonZeroTTL     = "zero_ttl"     // max-age=0, Expires in the past ...
	reasonTooLarge    = "too_large"    // over max_body, or more than Envoy buffered
	reasonRedis       = "redis_error"  // the write failed
)

// magentoVaryCookie is the cookie Magento keys its page cache on.
const magentoVaryCookie = "X-Magento-Vary"

// verdict says whether and for how long a response may be stored.
type verdict struct {
	reason        string // "" when storable
	ttl, swr, sie time.Duration
}

// decide applies RFC 9111's rules for a shared cache (section 3) plus
// Magento's X-Magento-Vary rule and the route's policy. It is a pure
// function of its inputs, save the jitter drawn from rnd.
func decide(rt *route, req *request, resp *response, now time.Time, rnd func() float64) verdict {
	negative := resp.status == 404 || resp.status == 410
	explicit := resp.cc.sMaxAge.set || resp.cc.maxAge.set
	switch {
	case req.method != "GET":
		return verdict{reason: reasonMethod}
	case negative && rt.NegativeTTL == 0:
		return verdict{reason: reasonStatus}
	case !negative && !cacheableStatus(resp.status, explicit):
		return verdict{reason: reasonStatus}
	case resp.cc.noStore:
		return verdict{reason: reasonNoStore}
	case resp.cc.private:
		return verdict{reason: reasonPrivate}
	case resp.cc.noCache:
		return verdict{reason: reasonNoCache}
	case resp.setsCookie(magentoVaryCookie) && !hasCookie(req, magentoVaryCookie):
		return verdict{reason: reasonMagentoVary}
	case len(resp.setCookies) > 0:
		return verdict{reason: reasonSetCookie}
	case req.authorization && !resp.cc.public && !resp.cc.sMaxAge.set:
		return verdict{reason: reasonAuth} // RFC 9111 section 3.5
	case resp.contentLength > rt.maxBody:
		return verdict{reason: reasonTooLarge}
	}
	if r := varyReason(rt, resp.vary); r != "" {
		return verdict{reason: r}
	}
	ttl := freshness(rt, resp, now, negative)
	if ttl <= 0 {
		return verdict{reason: reasonZeroTTL}
	}
	v := verdict{ttl: jitter(ttl, rt.Jitter, rnd), swr: rt.StaleWhileRevalidate, sie: rt.StaleIfError}
	if resp.cc.swr.set {
		v.swr = resp.cc.swr.d
	}
	if resp.cc.sie.set {
		v.sie = resp.cc.sie.d
	}
	if resp.cc.mustRevalidate {
		v.swr, v.sie = 0, 0 // must not be served stale (RFC 9111 section 5.2.2.2)
	}
	return v
}

// cacheableStatus: the RFC 9110 heuristically cacheable codes this cache
// keeps for the route TTL (206 is left out: the cache does not combine
// ranges); temporary redirects only when the origin says for how long.
func cacheableStatus(status int, explicit bool) bool {
	switch status {
	case 200, 203, 204, 300, 301, 308:
		return true
	case 302, 307:
		return explicit
	}
	return false
}

func hasCookie(req *request, name string) bool {
	_, ok := req.cookie(name)
	return ok
}

// varyReason checks the response's Vary against what the key holds:
// accept-encoding (always, as a class), the route's vary headers, and
// "cookie" when the route varies on a cookie.
func varyReason(rt *route, vary []string) string {
	for _, f := range vary {
		switch {
		case f == "*":
			return reasonVaryStar
		case f == "accept-encoding":
		case f == "cookie" && len(rt.varyCookies) > 0:
		case contains(rt.varyHeaders, f):
		default:
			return reasonVaryUnkeyed
		}
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// freshness is s-maxage, else max-age, else Expires, else the route TTL,
// less the Age the response already has; 404/410 live NegativeTTL, or less
// when the origin says less.
func freshness(rt *route, resp *response, now time.Time, negative bool) time.Duration {
	var ttl time.Duration
	explicit := true
	switch {
	case resp.cc.sMaxAge.set:
		ttl = resp.cc.sMaxAge.d
	case resp.cc.maxAge.set:
		ttl = resp.cc.maxAge.d
	default:
		ttl, explicit = resp.expiresIn(now)
	}
	switch {
	case negative && explicit:
		ttl = min(ttl, rt.NegativeTTL)
	case negative:
		ttl = rt.NegativeTTL
	case !explicit:
		ttl = rt.TTL
	}
	return ttl - resp.age
}

// jitter spreads ttl uniformly over ±fraction.
func jitter(ttl time.Duration, fraction float64, rnd func() float64) time.Duration {
	if fraction == 0 {
		return ttl
	}
	if rnd == nil {
		rnd = rand.Float64
	}
	f := 1 + fraction*(2*rnd()-1)
	return max(time.Duration(float64(ttl)*f), time.Millisecond)
}
