// Package routes holds strangler's route file contract (version 1): its types,
// the loader that reads the YAML node tree, the validator, and the go-memdb
// state the control plane serves from.
package routes

import "time"

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
}

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
