package cache

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// holdMargin is what a held request needs beyond its waits: the gRPC round
// trip and building the answer, on a busy machine.
const holdMargin = 25 * time.Millisecond

// table is a validated Config with defaults applied, swapped atomically.
type table struct {
	routes       map[string]*route
	purgeAllow   []netip.Prefix
	purgeToken   string
	lockTTL      time.Duration
	lockWait     time.Duration
	redisTimeout time.Duration
	// messageTimeout is Envoy's message_timeout: how long a request_headers
	// message may be held unless the hold is extended.
	messageTimeout time.Duration
	// holdTimeout, when non-zero, is the override_message_timeout a request
	// asks Envoy for before it waits on someone else's fill.
	holdTimeout time.Duration
	localBytes  int64
}

// route is a Route ready for the request path.
type route struct {
	Route
	maxBody       int64
	varyCookies   []string
	varyHeaders   []string // lower case
	bypassCookies []string
	bypassHeaders []string // lower case
	m             *routeMetrics
}

var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

func compile(cfg Config, m *metrics) (*table, error) {
	t := &table{
		routes:       make(map[string]*route, len(cfg.Routes)),
		purgeAllow:   cfg.PurgeAllow,
		purgeToken:   cfg.PurgeToken,
		lockTTL:      orDefault(cfg.LockTTL, DefaultLockTTL),
		redisTimeout: orDefault(cfg.RedisTimeout, DefaultRedisTimeout),
		localBytes:   cfg.LocalCacheBytes,
	}
	if len(t.purgeAllow) == 0 {
		t.purgeAllow = loopback
	}
	if t.localBytes == 0 {
		t.localBytes = DefaultLocalCacheBytes
	}
	if err := t.planWaits(cfg); err != nil {
		return nil, err
	}
	for name, r := range cfg.Routes {
		cr, err := compileRoute(name, r)
		if err != nil {
			return nil, fmt.Errorf("route %q: %w", name, err)
		}
		cr.m = m.forRoute(cr.Name)
		t.routes[cr.Name] = cr
	}
	return t, nil
}

// planWaits fits the fill wait into Envoy's message timeout: a held
// request_headers message spends up to three Redis calls (lookup, lock,
// re-read) plus the wait plus a margin before it is answered, and Envoy
// gives up on it (and, with failure_mode_allow, sends it on unprocessed)
// when message_timeout runs out.
func (t *table) planWaits(cfg Config) error {
	msg := orDefault(cfg.MessageTimeout, DefaultMessageTimeout)
	t.messageTimeout = msg
	budget := max(msg, cfg.MaxMessageTimeout)
	overhead := 3*t.redisTimeout + holdMargin
	t.lockWait = cfg.LockWait
	if t.lockWait == 0 {
		t.lockWait = min(t.lockTTL, budget-overhead)
	}
	switch {
	case t.lockWait <= 0:
		return fmt.Errorf("message timeout %v leaves no time to wait for a fill (redis timeout %v each, 3 calls, +%v)",
			budget, t.redisTimeout, holdMargin)
	case t.lockWait+overhead > budget:
		return fmt.Errorf("lock wait %v + %v overhead exceeds the message timeout %v: raise max_message_timeout or lower lock_wait",
			t.lockWait, overhead, budget)
	case t.lockWait+overhead > msg:
		t.holdTimeout = t.lockWait + overhead
	}
	return nil
}

func compileRoute(name string, r Route) (*route, error) {
	if r.Name == "" {
		r.Name = name
	}
	if r.Name != name {
		return nil, fmt.Errorf("name %q differs from its key", r.Name)
	}
	if r.TTL < 0 || r.StaleWhileRevalidate < 0 || r.StaleIfError < 0 || r.NegativeTTL < 0 {
		return nil, errors.New("negative duration")
	}
	if r.Jitter < 0 || r.Jitter >= 1 {
		return nil, fmt.Errorf("jitter %v: want 0 <= jitter < 1", r.Jitter)
	}
	if r.MaxBody < 0 {
		return nil, fmt.Errorf("max_body %d is negative", r.MaxBody)
	}
	cr := &route{Route: r, maxBody: r.MaxBody}
	if cr.maxBody == 0 {
		cr.maxBody = DefaultMaxBody
	}
	var err error
	if cr.varyCookies, cr.varyHeaders, err = splitKeys(r.Vary); err != nil {
		return nil, fmt.Errorf("vary: %w", err)
	}
	if cr.bypassCookies, cr.bypassHeaders, err = splitKeys(r.Bypass); err != nil {
		return nil, fmt.Errorf("bypass: %w", err)
	}
	return cr, nil
}

// splitKeys sorts keys by kind; header names are lower-cased because Envoy
// sends them lower-cased, cookie names stay as they are (they are
// case-sensitive).
func splitKeys(keys []Key) (cookies, headers []string, err error) {
	for _, k := range keys {
		if k.Name == "" {
			return nil, nil, fmt.Errorf("%s key without a name", k.Kind)
		}
		switch k.Kind {
		case KindCookie:
			cookies = append(cookies, k.Name)
		case KindHeader:
			headers = append(headers, strings.ToLower(k.Name))
		default:
			return nil, nil, fmt.Errorf("key %q: kind %q, want cookie or header", k.Name, k.Kind)
		}
	}
	return cookies, headers, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}
