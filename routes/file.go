// Package routes holds strangler's route file contract (version 1): its types,
// the loader that reads the YAML node tree, the validator, and the go-memdb
// state the control plane serves from.
package routes

import (
	"net/netip"
	"time"
)

// File is one parsed and validated route file. Everything the translator
// needs is resolved here: defaults applied, legacy names filled in per route,
// endpoints split into host and port.
type File struct {
	Path           string // where it was read from, for error messages
	Version        int
	Listen         Address
	Legacy         string // name of the default legacy backend
	XFFTrustedHops uint32
	Backends       map[string]*Backend
	Routes         []*Route // file order is match order

	RateLimit     *RateLimitService // nil: no limits anywhere
	Redis         Redis             // shared store of limits, cache and shadow reports
	DefaultLimits []Limit           // for routes that set no limits of their own, and the catch-all

	ShadowService *ShadowService // nil: no route is shadowed

	Metrics Metrics // where rollout gates read Envoy's figures

	CacheService *CacheService // nil: no route is cached
}

// CacheService is where strangler's cache service listens, where Envoy
// reaches it (ext_proc over gRPC) and who may purge it (Magento's Varnish
// purge requests arrive on the same address).
type CacheService struct {
	Listen     Address
	Address    Address
	PurgeAllow []netip.Prefix // empty: loopback only
	PurgeToken string         // required as a bearer token when set
}

// Cache is a route's edge cache policy.
type Cache struct {
	TTL                  time.Duration // when the response gives no s-maxage/max-age/Expires
	StaleWhileRevalidate time.Duration
	StaleIfError         time.Duration
	NegativeTTL          time.Duration // 404/410 kept this long; 0: not cached
	Jitter               float64       // ± share of the TTL, 0.10 = 10 %
	MaxBody              int64         // bytes
	Vary                 []RequestKey
	Bypass               []RequestKey
}

// RequestKey names a cookie or a header of the request.
type RequestKey struct {
	Kind string // "cookie" or "header"
	Name string
}

// Cache defaults.
const (
	DefaultCacheTTL     = 5 * time.Minute
	DefaultCacheMaxBody = 1 << 20
)

// Metrics says where Envoy's cluster stats are scraped. Empty: rollout gates
// use the shadow receiver's figures only.
type Metrics struct {
	Prometheus string // base URL, e.g. http://prometheus:9090
}

// Rollout is a route's automated, gated plan from its file percent to 100.
type Rollout struct {
	Steps     []RolloutStep
	Hold      time.Duration // time at each step before the next
	Gates     Gates
	OnFailure string // rollback (to 0) or pause (hold where it is)
}

// RolloutStep is a percent, or a pause that waits for `strangler rollout promote`.
type RolloutStep struct {
	Percent Percent
	Pause   bool
}

// Gates are checked every Interval while a step holds.
type Gates struct {
	Interval    time.Duration
	ShadowMatch *Percent      // min shadow match rate in the interval; nil: not gated
	ErrorRate   *Percent      // max share of 5xx from the new service; nil: not gated
	P99Latency  time.Duration // max p99 of the new service; 0: not gated
	MinRequests int64         // fewer samples: inconclusive, the step waits
	Failures    int           // consecutive failed checks before acting
}

// Rollout defaults.
const (
	DefaultGateInterval = time.Minute
	DefaultMinRequests  = 100
	DefaultFailures     = 3
	OnFailureRollback   = "rollback"
	OnFailurePause      = "pause"
)

// ShadowService is where strangler's shadow receiver listens and where Envoy
// reaches it (the request mirror over HTTP/1.1 and the response capture over
// gRPC share the one address).
type ShadowService struct {
	Listen  Address
	Address Address
}

// Shadow compares a sample of a route's traffic: the response the user got
// with the one the other side gives for the same request.
type Shadow struct {
	Percent      Percent  // share of matching requests compared
	Methods      []string // default GET, HEAD
	AllowWrites  bool     // methods other than GET/HEAD/OPTIONS may be mirrored
	Ignore       []string // header:NAME or body:JSONPath
	Unordered    []string // body arrays compared as multisets
	Tolerance    map[string]float64
	Redact       []string // never stored in clear
	NoisePercent Percent  // share of anonymous GETs sent to legacy a second time, to learn noise
}

// RateLimitService is where strangler's rate limit service listens and where
// Envoy reaches it.
type RateLimitService struct {
	Listen       Address       // where `strangler ratelimit` (or serve) listens
	Address      Address       // where Envoy reaches it (cluster strangler_ratelimit)
	OnRedisError string        // allow or deny when the decision cannot be made
	Timeout      time.Duration // Envoy's wait for a decision (filter timeout)
	RedisTimeout time.Duration // the service's own deadline for Redis
}

// Rate limit defaults.
const (
	DefaultRateLimitTimeout      = 20 * time.Millisecond
	DefaultRateLimitRedisTimeout = 5 * time.Millisecond
)

// Redis is the one Redis setting. Both empty: an embedded in-process server.
type Redis struct {
	URL     string   // redis://host:port/db
	Cluster []string // host:port seeds of a Redis Cluster
}

// Embedded reports whether strangler must start its own in-process Redis.
func (r Redis) Embedded() bool { return r.URL == "" && len(r.Cluster) == 0 }

// Limit is one global rate limit: Count requests per Period with a burst.
type Limit struct {
	ID     string // "<route>#<index>" or "_default#<index>": names the limit in Envoy's descriptor and in Redis
	Group  string // route name or "_default": the Redis Cluster hash tag of the limit's keys
	Per    LimitKey
	Count  int64
	Period time.Duration
	Burst  int64 // requests allowed at once; 0 means Count
	Shadow bool  // counted and reported, never rejects
	Pos    Pos
}

// LimitKey says what a limit counts separately.
type LimitKey struct {
	Kind string // client_ip, header, cookie or route
	Name string // header or cookie name
}

// Limit key kinds.
const (
	PerClientIP = "client_ip"
	PerHeader   = "header"
	PerCookie   = "cookie"
	PerRoute    = "route"
)

// DefaultLimitGroup groups the top-level default limits. Route names cannot
// contain '_', so it never collides with a route's group.
const DefaultLimitGroup = "_default"

// Address is a host:port pair. Host may be a DNS name or an IP literal.
type Address struct {
	Host string
	Port uint32
}

// IsIP reports whether Host is an IP literal (STATIC cluster) rather than a
// DNS name (STRICT_DNS cluster).
func (a Address) IsIP() bool { return parseIP(a.Host) }

func (a Address) String() string { return joinHostPort(a.Host, a.Port) }

// Backend is one upstream service, Magento or a new Go service.
type Backend struct {
	Name        string
	Endpoints   []Address
	HealthCheck *HealthCheck  // nil: no active health check
	Timeout     time.Duration // upstream request timeout for routes it serves; 0 means the default (15s)
	TLS         bool          // upstream TLS with SNI = Endpoints[0].Host
	Pos         Pos
}

// EffectiveLimits are the limits applied to the route's requests.
func (r *Route) EffectiveLimits(f *File) []Limit {
	if r.Limits != nil {
		return r.Limits
	}
	return f.DefaultLimits
}

// DefaultTimeout is the upstream request timeout when a backend sets none;
// it matches Envoy's own route default.
const DefaultTimeout = 15 * time.Second

// DefaultHealthCheckInterval applies when health_check gives no interval.
const DefaultHealthCheckInterval = 5 * time.Second

// HealthCheck is an active HTTP health check.
type HealthCheck struct {
	Path     string
	Interval time.Duration
}

// Route moves one slice of traffic from legacy to a new backend.
type Route struct {
	Name     string
	Index    int // position in File.Routes
	Match    Match
	To       string   // the new backend
	Legacy   string   // the legacy backend for this route (per-route override or the file's)
	Percent  Percent  // share sent to To
	Sticky   *Sticky  // nil: each request decided on its own
	Fallback bool     // a failing To degrades to Legacy
	Preview  *Preview // nil: no forcing header
	Limits   []Limit  // nil: the file's DefaultLimits; empty: none
	Shadow   *Shadow  // nil: not compared
	Rollout  *Rollout // nil: percent moves only by editing the file
	Cache    *Cache   // nil: not cached at the edge
	Pos      Pos
}

// Match selects requests. Exactly one of Prefix, Path and Regex is set.
type Match struct {
	Prefix  string
	Path    string
	Regex   string
	Methods []string      // upper case, file order; empty: any method
	Headers []HeaderMatch // sorted by name; exact values
	Host    string        // empty: any host
}

// HeaderMatch is one exact header condition.
type HeaderMatch struct {
	Name  string
	Value string
}

// Sticky keeps one user on one side. Exactly one of Cookie and Header is set.
type Sticky struct {
	Cookie string
	Header string
}

// Preview names the header whose value "new" or "legacy" forces a side.
type Preview struct {
	Header string
}

// Preview header values.
const (
	PreviewNew    = "new"
	PreviewLegacy = "legacy"
)

// Percent is a share of traffic in basis points: 0 (none) to 10000 (all).
// The route file allows two decimals of a percent, so basis points are exact.
type Percent uint32

// Full is 100 %.
const Full Percent = 10000

// Float returns the percent as a float, e.g. 25.5.
func (p Percent) Float() float64 { return float64(p) / 100 }

func (p Percent) String() string { return formatPercent(p) }

// Pos is a position in the route file, from the YAML node tree.
type Pos struct {
	Line, Col int
}

// WithPercents returns the file with some routes' percents replaced (the
// effective percents of rollouts), leaving f itself untouched: the route
// file stays the plan, the control plane serves the effective split.
func (f *File) WithPercents(p map[string]Percent) *File {
	changed := false
	for _, r := range f.Routes {
		if v, ok := p[r.Name]; ok && v != r.Percent {
			changed = true
		}
	}
	if !changed {
		return f
	}
	out := *f
	out.Routes = make([]*Route, len(f.Routes))
	for i, r := range f.Routes {
		out.Routes[i] = r
		if v, ok := p[r.Name]; ok && v != r.Percent {
			c := *r
			c.Percent = v
			out.Routes[i] = &c
		}
	}
	return &out
}
