package edge

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
)

// healthCheckSpec is a compiled HTTP HealthCheck.
type healthCheckSpec struct {
	timeout, interval, noTrafficInterval time.Duration
	unhealthyThreshold, healthyThreshold int
	path, host                           string
	expected                             [][2]int64 // half-open status ranges
}

func compileHealthCheck(hc *core.HealthCheck, clusterName string) (*healthCheckSpec, error) {
	h := hc.GetHttpHealthCheck()
	if h == nil {
		return nil, errors.New("only http_health_check is implemented")
	}
	s := &healthCheckSpec{
		timeout: hc.GetTimeout().AsDuration(), interval: hc.GetInterval().AsDuration(),
		// no_traffic_interval: "The default value for 'no traffic interval' is 60 seconds."
		noTrafficInterval:  60 * time.Second,
		unhealthyThreshold: int(hc.GetUnhealthyThreshold().GetValue()),
		healthyThreshold:   int(hc.GetHealthyThreshold().GetValue()),
		path:               h.GetPath(),
		// HttpHealthCheck.host: "If left empty (default value), the name of
		// the cluster this health check is associated with will be used."
		host: h.GetHost(),
	}
	if s.host == "" {
		s.host = clusterName
	}
	if v := hc.GetNoTrafficInterval(); v != nil {
		s.noTrafficInterval = v.AsDuration()
	}
	if s.timeout <= 0 || s.interval <= 0 {
		return nil, errors.New("timeout and interval must be greater than zero")
	}
	for _, r := range h.GetExpectedStatuses() {
		s.expected = append(s.expected, [2]int64{r.GetStart(), r.GetEnd()})
	}
	if len(s.expected) == 0 {
		// expected_statuses: "If provided, replaces default 200-only policy".
		s.expected = [][2]int64{{200, 201}}
	}
	return s, nil
}

func (s *healthCheckSpec) expects(status int) bool {
	for _, r := range s.expected {
		if int64(status) >= r[0] && int64(status) < r[1] {
			return true
		}
	}
	return false
}

// checkLoop checks one host: at once (the cluster warms on its first
// round), then every interval once the cluster carried traffic, every
// no_traffic_interval before.
func (u *upstream) checkLoop(ctx context.Context, h *host) {
	spec := u.spec.healthCheck
	client := &http.Client{Transport: u.transport, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	for {
		status, err := u.probe(ctx, client, h)
		if ctx.Err() != nil {
			return
		}
		u.recordCheck(h, status, err)
		u.maybeWarm()
		wait := spec.noTrafficInterval
		if u.used.Load() {
			wait = spec.interval
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

func (u *upstream) probe(ctx context.Context, client *http.Client, h *host) (int, error) {
	spec := u.spec.healthCheck
	ctx, cancel := context.WithTimeout(ctx, spec.timeout)
	defer cancel()
	scheme := "http"
	if u.spec.tls != nil {
		scheme = "https"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, scheme+"://"+h.addr+spec.path, nil)
	if err != nil {
		return 0, err
	}
	req.Host = spec.host
	req.Header.Set("User-Agent", "Envoy/HC") // what Envoy's HTTP health checker sends
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return resp.StatusCode, nil
}

// recordCheck applies the thresholds: healthy_threshold successes bring a
// host back (one suffices for a host never checked before); a network
// failure or timeout counts towards unhealthy_threshold; a response outside
// expected_statuses fails the host at once ("the host being considered
// immediately unhealthy", HttpHealthCheck.retriable_statuses).
func (u *upstream) recordCheck(h *host, status int, err error) {
	spec := u.spec.healthCheck
	h.mu.Lock()
	defer h.mu.Unlock()
	first := !h.hcChecked
	h.hcChecked = true
	switch {
	case err == nil && spec.expects(status):
		h.hcFailures = 0
		h.hcSuccesses++
		if h.hcFailed.Load() && (first || h.hcSuccesses >= spec.healthyThreshold) {
			h.hcFailed.Store(false)
			u.log.Info("host passes health checks", "host", h.addr)
		}
	case err == nil:
		h.hcSuccesses = 0
		h.hcFailures++
		if !h.hcFailed.Load() || first {
			u.log.Warn("host fails health check", "host", h.addr, "status", status)
		}
		h.hcFailed.Store(true)
	default:
		h.hcSuccesses = 0
		h.hcFailures++
		if !h.hcFailed.Load() && h.hcFailures >= spec.unhealthyThreshold {
			h.hcFailed.Store(true)
			u.log.Warn("host fails health checks", "host", h.addr, "error", fmt.Sprint(err))
		}
	}
}
