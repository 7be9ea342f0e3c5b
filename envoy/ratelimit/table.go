package ratelimit

import (
	"math"
	"time"

	rlsv3 "github.com/envoyproxy/go-control-plane/envoy/service/ratelimit/v3"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// table is one config generation, swapped whole by Update.
type table struct {
	cfg    Config
	deny   bool // OnRedisError == deny
	limits map[string]*limit
	cache  *overCache // a new config starts with an empty cache: limits may have changed
}

// limit is a Limit with everything the hot path needs precomputed.
type limit struct {
	Limit
	entryKey  string // descriptor entry key of the counted value
	rate      rate
	args      [3]string // num, den, burst
	shadowArg string
	current   *rlsv3.RateLimitResponse_RateLimit // shared by responses, never mutated
	count     limitCounters
}

func compile(cfg Config, m *metrics) (*table, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	t := &table{cfg: cfg, deny: cfg.OnRedisError == OnErrorDeny, limits: make(map[string]*limit, len(cfg.Limits)), cache: newOverCache()}
	for id, l := range cfg.Limits {
		r := newRate(l)
		shadow := "0"
		if l.Shadow {
			shadow = "1"
		}
		t.limits[id] = &limit{
			Limit: l, entryKey: entryKeyFor(l.Per.Kind), rate: r, args: r.args(), shadowArg: shadow,
			current: currentLimit(l), count: m.forLimit(id),
		}
	}
	return t, nil
}

var units = []struct {
	d time.Duration
	u rlsv3.RateLimitResponse_RateLimit_Unit
}{
	{24 * time.Hour, rlsv3.RateLimitResponse_RateLimit_DAY},
	{time.Hour, rlsv3.RateLimitResponse_RateLimit_HOUR},
	{time.Minute, rlsv3.RateLimitResponse_RateLimit_MINUTE},
	{time.Second, rlsv3.RateLimitResponse_RateLimit_SECOND},
}

// currentLimit expresses Count per Period in Envoy's terms: the largest unit
// that divides the period, with unit_multiplier for e.g. 10 per 30s. A
// sub-second period has no unit; it is reported per second, rounded down.
func currentLimit(l Limit) *rlsv3.RateLimitResponse_RateLimit {
	rl := &rlsv3.RateLimitResponse_RateLimit{Name: l.ID}
	for _, u := range units {
		if l.Period%u.d == 0 {
			rl.Unit, rl.RequestsPerUnit = u.u, clampU32(l.Count)
			if mult := int64(l.Period / u.d); mult > 1 {
				rl.UnitMultiplier = wrapperspb.UInt32(clampU32(mult))
			}
			return rl
		}
	}
	perSecond := float64(l.Count) * float64(time.Second) / float64(l.Period)
	rl.Unit, rl.RequestsPerUnit = rlsv3.RateLimitResponse_RateLimit_SECOND, clampU32(int64(math.Max(1, perSecond)))
	return rl
}

func clampU32(v int64) uint32 {
	switch {
	case v < 0:
		return 0
	case v > math.MaxUint32:
		return math.MaxUint32
	}
	return uint32(v)
}
