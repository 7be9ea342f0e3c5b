// Package cache is strangler's shared HTTP cache at the edge: an Envoy
// external processor (envoy.service.ext_proc.v3.ExternalProcessor) that
// answers hits from Redis with an ImmediateResponse, stores what RFC 9111
// lets a shared cache store, coalesces concurrent misses within and across
// instances, serves stale content (RFC 5861) and takes Magento's Varnish
// purge requests. DESIGN.md in this directory explains the choices.
package cache

import (
	"net/netip"
	"time"
)

// Route is the cache policy of one route, named by the x-strangler-route
// gRPC metadata Envoy sends on the Process stream.
type Route struct {
	Name string
	// TTL is the freshness lifetime when the response gives none
	// (no s-maxage, max-age or Expires).
	TTL time.Duration
	// StaleWhileRevalidate and StaleIfError are the RFC 5861 windows after
	// the TTL; the response's own directives win when present.
	StaleWhileRevalidate, StaleIfError time.Duration
	// NegativeTTL is how long 404 and 410 answers are kept, which shields the
	// origin from floods of requests for things that do not exist; 0 keeps
	// none.
	NegativeTTL time.Duration
	// Jitter spreads TTLs by ± this fraction (0.10 = ±10%), so entries
	// stored together do not all expire together.
	Jitter float64
	// MaxBody is the largest body stored, in bytes; 0 means DefaultMaxBody.
	MaxBody int64
	// Vary adds these request values to the key.
	Vary []Key
	// Bypass: a request carrying any of these (non-empty) is never answered
	// from the cache and its response never stored.
	Bypass []Key
}

// Key names one request value: a cookie or a header.
type Key struct {
	Kind string // "cookie" or "header"
	Name string
}

// Key kinds.
const (
	KindCookie = "cookie"
	KindHeader = "header"
)

// Config is the whole cache service configuration.
type Config struct {
	Routes map[string]Route
	// PurgeAllow lists the addresses PURGE is accepted from; empty means
	// loopback only, like Magento's default Varnish ACL.
	PurgeAllow []netip.Prefix
	// PurgeToken, when set, must come as "Authorization: Bearer <token>" or
	// X-Purge-Token on every PURGE.
	PurgeToken string
	// LockTTL bounds how long one fill may hold the cross-instance lock
	// (a crashed filler's lock frees itself after it). Default 5s.
	LockTTL time.Duration
	// LockWait bounds how long a request waits for another request's fill
	// before it goes to the origin uncached. Default: what fits in the
	// Envoy message timeout, see MessageTimeout.
	LockWait time.Duration
	// RedisTimeout is the deadline of each Redis call; on expiry the request
	// passes through uncached. Default 25ms.
	RedisTimeout time.Duration
	// MessageTimeout is the ext_proc filter's message_timeout (Envoy's
	// default, 200ms, when 0): a request held while it waits for a fill must
	// be answered within it.
	MessageTimeout time.Duration
	// MaxMessageTimeout is the filter's max_message_timeout. When it is
	// larger than MessageTimeout, a waiting request first asks Envoy for
	// more time (override_message_timeout) and may wait up to it.
	MaxMessageTimeout time.Duration
	// LocalCacheBytes bounds the in-process copy of hot entries that saves
	// a Redis round trip per hit; 0 means DefaultLocalCacheBytes, negative
	// turns it off.
	LocalCacheBytes int64
}

// Defaults for zero Config fields.
const (
	DefaultMaxBody         = 1 << 20
	DefaultLockTTL         = 5 * time.Second
	DefaultRedisTimeout    = 25 * time.Millisecond
	DefaultMessageTimeout  = 200 * time.Millisecond
	DefaultLocalCacheBytes = 64 << 20
)
