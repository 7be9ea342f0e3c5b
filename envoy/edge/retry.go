package edge

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	previous "github.com/envoyproxy/go-control-plane/envoy/extensions/retry/priority/previous_priorities/v3"
)

const previousPrioritiesName = "envoy.retry_priorities.previous_priorities"

// Retry conditions (config_http_filters_router_x-envoy-retry-on).
type retryOn uint8

const (
	retryOn5xx retryOn = 1 << iota
	retryOnGatewayError
	retryOnReset
	retryOnConnectFailure
	retryOnStatusCodes
)

var retryOnNames = map[string]retryOn{
	"5xx":                    retryOn5xx,
	"gateway-error":          retryOnGatewayError,
	"reset":                  retryOnReset,
	"connect-failure":        retryOnConnectFailure,
	"retriable-status-codes": retryOnStatusCodes,
}

// retryPolicy is a compiled RetryPolicy.
type retryPolicy struct {
	on         retryOn
	codes      map[int]bool
	numRetries int
	// updateFrequency > 0: the previous_priorities retry priority, excluding
	// priorities already attempted, recomputed every updateFrequency attempts.
	updateFrequency int
	base, max       time.Duration
}

func compileRetryPolicy(p *route.RetryPolicy) (*retryPolicy, error) {
	// num_retries "defaults to 1"; the back-off base interval to 25ms and its
	// maximum to 10 times the base (RetryPolicy.RetryBackOff).
	rp := &retryPolicy{numRetries: 1, base: 25 * time.Millisecond, codes: map[int]bool{}}
	for _, name := range strings.Split(p.GetRetryOn(), ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		bit, ok := retryOnNames[name]
		if !ok {
			return nil, fmt.Errorf("retry_on %q: the stand-in implements 5xx, gateway-error, reset, connect-failure and retriable-status-codes", name)
		}
		rp.on |= bit
	}
	if v := p.GetNumRetries(); v != nil {
		rp.numRetries = int(v.GetValue())
	}
	for _, c := range p.GetRetriableStatusCodes() {
		rp.codes[int(c)] = true
	}
	if bo := p.GetRetryBackOff(); bo != nil {
		rp.base = bo.GetBaseInterval().AsDuration()
		if rp.base <= 0 {
			return nil, errors.New("retry_back_off.base_interval must be greater than zero")
		}
		if mi := bo.GetMaxInterval(); mi != nil {
			rp.max = mi.AsDuration()
		}
	}
	if rp.max == 0 {
		rp.max = 10 * rp.base
	}
	if rp.max < rp.base {
		return nil, errors.New("retry_back_off.max_interval must be at least base_interval")
	}
	if pr := p.GetRetryPriority(); pr != nil {
		if pr.GetName() != previousPrioritiesName {
			return nil, fmt.Errorf("retry_priority %q: only %s is implemented", pr.GetName(), previousPrioritiesName)
		}
		cfg := &previous.PreviousPrioritiesConfig{}
		if err := pr.GetTypedConfig().UnmarshalTo(cfg); err != nil {
			return nil, fmt.Errorf("retry_priority: %w", err)
		}
		if cfg.GetUpdateFrequency() <= 0 {
			return nil, errors.New("retry_priority: update_frequency must be greater than zero")
		}
		rp.updateFrequency = int(cfg.GetUpdateFrequency())
	}
	return rp, nil
}

// attemptFailure is how an upstream attempt went wrong, if it did.
type attemptFailure int

const (
	attemptOK attemptFailure = iota
	attemptConnectFailure
	attemptReset // disconnect, reset or read timeout before a response
)

// retriable applies x-envoy-retry-on's documented conditions: 5xx covers any
// 5xx and no response at all (connect failure, reset); gateway-error covers
// 502/503/504 and the same failures (an upstream that never answered is
// reported as a gateway error); reset only failures after connecting or
// before; connect-failure only failures to connect.
func (p *retryPolicy) retriable(status int, failure attemptFailure) bool {
	switch failure {
	case attemptConnectFailure:
		return p.on&(retryOn5xx|retryOnGatewayError|retryOnReset|retryOnConnectFailure) != 0
	case attemptReset:
		return p.on&(retryOn5xx|retryOnGatewayError|retryOnReset) != 0
	}
	switch {
	case p.on&retryOn5xx != 0 && status >= 500:
		return true
	case p.on&retryOnGatewayError != 0 && (status == 502 || status == 503 || status == 504):
		return true
	case p.on&retryOnStatusCodes != 0 && p.codes[status]:
		return true
	}
	return false
}

// backoff is Envoy's fully jittered exponential back-off: retry N waits a
// random time in [0, (2^N - 1) × base), at most max
// (arch_overview/http/http_routing#retry-semantics, RetryPolicy.retry_back_off).
func (p *retryPolicy) backoff(retry int) time.Duration {
	ceiling := p.max
	if retry < 30 {
		if c := time.Duration((uint64(1)<<retry)-1) * p.base; c < ceiling {
			ceiling = c
		}
	}
	if ceiling <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(ceiling)))
}
