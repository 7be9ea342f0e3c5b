package ratelimit

import (
	"errors"
	"fmt"
	"github.com/strangler-dev/strangler/routes"
	"strings"
	"time"
)

// Per says what one limit counts separately.
type Per struct {
	Kind string // PerClientIP, PerHeader, PerCookie or PerRoute
	Name string // header or cookie name
}

// Per kinds: the route file's, so a limit read from it needs no mapping.
const (
	PerClientIP = routes.PerClientIP
	PerHeader   = routes.PerHeader
	PerCookie   = routes.PerCookie
	PerRoute    = routes.PerRoute
)

// Limit is one global rate limit: Count requests per Period, with Burst
// requests allowed at once (see the package comment for the exact meaning).
type Limit struct {
	ID     string // "<route>#<index>" or "default#<index>"
	Group  string // route name or "default": the Redis Cluster hash tag
	Per    Per
	Count  int64
	Period time.Duration
	Burst  int64 // 0 means Count
	Shadow bool  // evaluated and counted, never rejects
}

// Config is everything the service decides with.
type Config struct {
	Domain       string           // "" means DefaultDomain
	Limits       map[string]Limit // by Limit.ID
	OnRedisError string           // OnErrorAllow ("" too) or OnErrorDeny
	RedisTimeout time.Duration    // the service's own deadline per decision; 0 means DefaultRedisTimeout
}

// Defaults and policies.
const (
	DefaultDomain       = "strangler"
	DefaultRedisTimeout = 5 * time.Millisecond
	OnErrorAllow        = "allow"
	OnErrorDeny         = "deny"
)

// maxExact bounds every number the script computes with: Lua numbers are
// doubles, exact for integers below 2^53.
const maxExact = 1 << 52

// withDefaults fills the zero values and checks everything the script and the
// descriptor matching rely on.
func (c Config) withDefaults() (Config, error) {
	if c.Domain == "" {
		c.Domain = DefaultDomain
	}
	if c.OnRedisError == "" {
		c.OnRedisError = OnErrorAllow
	}
	if c.OnRedisError != OnErrorAllow && c.OnRedisError != OnErrorDeny {
		return c, fmt.Errorf("on_redis_error %q: want %q or %q", c.OnRedisError, OnErrorAllow, OnErrorDeny)
	}
	if c.RedisTimeout == 0 {
		c.RedisTimeout = DefaultRedisTimeout
	}
	if c.RedisTimeout < 0 {
		return c, fmt.Errorf("redis timeout %v is negative", c.RedisTimeout)
	}
	var errs []error
	for id, l := range c.Limits {
		if l.ID != id {
			errs = append(errs, fmt.Errorf("limit %q is filed under %q", l.ID, id))
			continue
		}
		if err := l.check(); err != nil {
			errs = append(errs, fmt.Errorf("limit %q: %w", id, err))
		}
	}
	return c, errors.Join(errs...)
}

func (l Limit) check() error {
	if l.ID == "" {
		return errors.New("empty id")
	}
	if l.Group == "" || strings.ContainsAny(l.Group, "{}") {
		return fmt.Errorf("group %q must be non-empty and free of braces (it is a Redis hash tag)", l.Group)
	}
	switch l.Per.Kind {
	case PerClientIP, PerRoute:
	case PerHeader, PerCookie:
		if l.Per.Name == "" {
			return fmt.Errorf("per %s needs a name", l.Per.Kind)
		}
	default:
		return fmt.Errorf("per %q: want %s, %s, %s or %s", l.Per.Kind, PerClientIP, PerHeader, PerCookie, PerRoute)
	}
	if l.Count <= 0 {
		return fmt.Errorf("count %d must be positive", l.Count)
	}
	if l.Period < time.Microsecond || l.Period%time.Microsecond != 0 {
		return fmt.Errorf("period %v must be a whole number of microseconds, at least 1µs", l.Period)
	}
	if l.Burst < 0 {
		return fmt.Errorf("burst %d is negative", l.Burst)
	}
	r := newRate(l)
	// The largest lead the script holds is num*(burst+cost) with cost <= burst.
	if r.num > maxExact/(2*r.burst) {
		return fmt.Errorf("%d per %v with burst %d is too fine-grained to compute exactly", l.Count, l.Period, r.burst)
	}
	return nil
}
