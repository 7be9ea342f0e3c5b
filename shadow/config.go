package shadow

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/strangler-dev/strangler/shadow/diff"
)

// Route is one shadowed route of the route file, as the receiver needs it.
type Route struct {
	Name         string
	Rules        diff.Rules
	Methods      []string // shadow methods; empty: GET and HEAD
	AllowWrites  bool     // methods other than GET, HEAD and OPTIONS may be called
	NoisePercent float64  // 0..100: share of anonymous legacy-served GETs sent to legacy a second time
	Legacy, New  []string // base URLs (http://host:port) of each side's endpoints
	Timeout      time.Duration
}

// Config is the receiver's whole configuration.
type Config struct {
	Routes          map[string]Route
	JoinTTL         time.Duration // how long a half waits for its partner; default 10s
	QueueSize       int           // joined pairs waiting for a worker; default 10000 (fixed at New)
	Workers         int           // default 16 (fixed at New)
	MaxBody         int64         // request and response bodies kept, each; default 1 MiB
	CallTimeout     time.Duration // per call when the route sets no Timeout; default 10s
	SamplesPerField int           // samples kept per field template; default 5, like Diffy
	// JoinTableSize caps the halves waiting for a partner; default 4 × QueueSize.
	JoinTableSize int
	// MaxBufferedBytes caps the body bytes held by waiting halves and queued
	// pairs together; default 256 MiB. A half beyond it is dropped and counted.
	MaxBufferedBytes int64
}

// Defaults for Config.
const (
	DefaultJoinTTL          = 10 * time.Second
	DefaultQueueSize        = 10000
	DefaultWorkers          = 16
	DefaultMaxBody          = 1 << 20
	DefaultCallTimeout      = 10 * time.Second
	DefaultSamplesPerField  = 5
	DefaultMaxBufferedBytes = 256 << 20
)

// withDefaults fills the zero fields.
func (c Config) withDefaults() Config {
	if c.JoinTTL <= 0 {
		c.JoinTTL = DefaultJoinTTL
	}
	if c.QueueSize <= 0 {
		c.QueueSize = DefaultQueueSize
	}
	if c.Workers <= 0 {
		c.Workers = DefaultWorkers
	}
	if c.MaxBody <= 0 {
		c.MaxBody = DefaultMaxBody
	}
	if c.CallTimeout <= 0 {
		c.CallTimeout = DefaultCallTimeout
	}
	if c.SamplesPerField <= 0 {
		c.SamplesPerField = DefaultSamplesPerField
	}
	if c.JoinTableSize <= 0 {
		c.JoinTableSize = 4 * c.QueueSize
	}
	if c.MaxBufferedBytes <= 0 {
		c.MaxBufferedBytes = DefaultMaxBufferedBytes
	}
	return c
}

// safeMethods never change state in Magento's REST API, so they may be
// shadowed without allow_writes.
var safeMethods = []string{http.MethodGet, http.MethodHead, http.MethodOptions}

var defaultMethods = []string{http.MethodGet, http.MethodHead}

// mayCall is the defence in depth behind Envoy's method match: a method the
// route does not shadow, or an unsafe one without allow_writes, is never sent
// to either side.
func (r *Route) mayCall(method string) bool {
	methods := r.Methods
	if len(methods) == 0 {
		methods = defaultMethods
	}
	if !slices.Contains(methods, method) {
		return false
	}
	return r.AllowWrites || slices.Contains(safeMethods, method)
}

func (r *Route) validate() error {
	var errs []error
	if r.NoisePercent < 0 || r.NoisePercent > 100 {
		errs = append(errs, fmt.Errorf("noise percent %v not within 0..100", r.NoisePercent))
	}
	for side, urls := range map[string][]string{SideLegacy: r.Legacy, SideNew: r.New} {
		if len(urls) == 0 {
			errs = append(errs, fmt.Errorf("no %s endpoints", side))
		}
		for _, u := range urls {
			if err := checkBaseURL(u); err != nil {
				errs = append(errs, fmt.Errorf("%s endpoint: %w", side, err))
			}
		}
	}
	for _, m := range r.Methods {
		if m != strings.ToUpper(m) || m == "" {
			errs = append(errs, fmt.Errorf("method %q must be upper case", m))
		}
	}
	return errors.Join(errs...)
}

func checkBaseURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%q: %w", s, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return fmt.Errorf("%q: want http://host:port", s)
	}
	return nil
}
