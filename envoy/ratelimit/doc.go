// Package ratelimit is strangler's global rate limit service: Envoy's
// envoy.service.ratelimit.v3.RateLimitService, deciding with GCRA (the
// generic cell rate algorithm) in Redis.
//
// # Descriptors
//
// For each limit Envoy sends one descriptor: {limit: <id>}, then, unless the
// limit is per route, one of {remote_address: <ip>}, {header: <value>} or
// {cookie: <whole Cookie header>} (the service picks the named cookie out;
// without it the limit does not apply). All descriptors of a request are
// decided together: the request is rejected if any enforced limit is over,
// and a rejected request consumes nothing. A descriptor naming no
// configured limit, or shaped unlike its limit, or sent under another
// domain, is config drift: it is answered OK and counted in
// strangler_ratelimit_unknown_limit_total, never blocking traffic.
//
// # Rate and burst
//
// A limit of Count per Period with Burst B admits, from a fresh start, B
// requests at once, then one every Period/Count (the emission interval T).
// Precisely: each key keeps a theoretical arrival time TAT; a request of
// cost c at time now is admitted iff max(TAT, now) + c*T - now <= B*T, and
// then TAT becomes max(TAT, now) + c*T. So in any stretch of time W no more
// than W*Count/Period + B requests are admitted, and a client sending at
// exactly the rate is never rejected (B >= 2 also absorbs up to one
// interval of jitter). Burst 0 means Count: "50/s" may come as 50 at once,
// as a fixed window allows, but never faster than that on average. The
// cost c is hits_addend (the descriptor's, else the request's, else 1);
// negative hits are not supported and answered OK without a decision.
//
// Arithmetic is integer: microseconds from Redis TIME (the only clock; the
// service's own clock is used for nothing but its local cache), and T kept
// as the exact fraction Period/Count, so 3/s is 333333⅓ µs and no rounding
// drifts. Figures returned per descriptor: limit_remaining is how many more
// requests of cost 1 would be admitted right now; duration_until_reset is
// the time until the limit is back to its full burst (the key is idle and
// expires: its TTL); Retry-After on a rejection is the time until this
// request would be admitted, in whole seconds rounded up. current_limit
// uses the largest Envoy unit dividing the period (10 per 30s is 10 per
// SECOND with unit_multiplier 30).
//
// Shadow limits are decided and counted (result "shadow_over_limit") but
// never reject, and their descriptor status is a bare OK (no current_limit,
// no figures), so neither Envoy's X-RateLimit headers nor clients see them.
// Their keys are written only when they would have admitted, so a shadow
// limit's state is what it would be if it were enforced alone.
//
// # Redis
//
// One Lua script decides everything: per key a GET and, when admitted, a
// SET with PX = time until idle; all keys of a request are checked before
// any is written. Keys are rl:{<group>}:<id>:<value> (values over 64 bytes
// as their SHA-256): the hash tag is the route name (or "default"), so a
// route's limits share one Redis Cluster slot and one script can decide
// them atomically. The trade-off: all keys of one route live on one shard,
// so one very hot route loads one shard. A request whose limits span
// groups (a route's limits plus default ones) is decided in one script on
// a single Redis; on a cluster, group by group, refunding the groups
// already admitted if a later one rejects.
//
// On a single Redis, decisions waiting for Redis are batched into one
// script call (batch.go); rueidis pipelines the calls in flight. Keys that
// Redis found over their limit are cached in the service until their retry
// time, so a flood from one client is answered without Redis; that is safe
// because a rejected request changes nothing in Redis.
//
// # Failure
//
// Each decision has its own deadline, RedisTimeout (5 ms by default).
// When Redis fails or is late, OnRedisError decides: allow answers OK,
// deny answers OVER_LIMIT with Retry-After 1 (shadow limits never deny).
// After 5 consecutive failures a circuit breaker opens: decisions use the
// policy without waiting on Redis, and one decision per 100 ms probes it;
// the first success closes the breaker.
package ratelimit
