package rollout

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"text/template"
	"time"
)

// Queries are the PromQL templates Prometheus runs for a gate check. Each
// must return one sample (a one-series vector or a scalar) and sees
// {{.Cluster}} (the Envoy cluster of the new service, which carries the
// backend's name, escaped for a PromQL string) and {{.Window}} (the gate
// interval as a PromQL duration).
type Queries struct {
	Requests  string // requests to the cluster in the window
	ErrorRate string // share of 5xx answers, 0 to 1
	P99       string // p99 upstream time in milliseconds
}

// DefaultQueries read Envoy's cluster stats as Envoy's Prometheus endpoint
// (/stats/prometheus) names them. The error rate's numerator falls back to
// 0: Envoy creates upstream_rq_5xx only on the first 5xx answer, so a
// healthy service has no such series and the plain ratio would be an empty
// vector (no data) forever. Without requests the denominator is empty and
// the ratio still is.
func DefaultQueries() Queries {
	return Queries{
		Requests: `sum(increase(envoy_cluster_upstream_rq_total{envoy_cluster_name="{{.Cluster}}"}[{{.Window}}]))`,
		ErrorRate: `(sum(rate(envoy_cluster_upstream_rq_xx{envoy_cluster_name="{{.Cluster}}",envoy_response_code_class="5"}[{{.Window}}])) or vector(0))` +
			` / sum(rate(envoy_cluster_upstream_rq_xx{envoy_cluster_name="{{.Cluster}}"}[{{.Window}}]))`,
		P99: `histogram_quantile(0.99, sum(rate(envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name="{{.Cluster}}"}[{{.Window}}])) by (le))`,
	}
}

// Prometheus is an EnvoySource over Prometheus' HTTP API.
type Prometheus struct {
	base                  string
	http                  *http.Client
	requests, errors, p99 *template.Template
}

// NewPrometheus reads from the Prometheus at baseURL (e.g.
// http://prometheus:9090). Empty fields of queries take DefaultQueries; a
// nil httpClient gets one with a 10s timeout.
func NewPrometheus(baseURL string, httpClient *http.Client, queries Queries) (*Prometheus, error) {
	if httpClient == nil {
		httpClient = &http.Client{Timeout: sourceTimeout}
	}
	def := DefaultQueries()
	p := &Prometheus{base: strings.TrimRight(baseURL, "/"), http: httpClient}
	for _, q := range []struct {
		name     string
		text     string
		fallback string
		into     **template.Template
	}{
		{"requests", queries.Requests, def.Requests, &p.requests},
		{"error rate", queries.ErrorRate, def.ErrorRate, &p.errors},
		{"p99", queries.P99, def.P99, &p.p99},
	} {
		text := q.text
		if text == "" {
			text = q.fallback
		}
		t, err := template.New(q.name).Option("missingkey=error").Parse(text)
		if err != nil {
			return nil, fmt.Errorf("prometheus %s query: %w", q.name, err)
		}
		*q.into = t
	}
	return p, nil
}

type queryVars struct{ Cluster, Window string }

// NewSideStats runs the three queries at the instant at.
func (p *Prometheus) NewSideStats(ctx context.Context, cluster string, window time.Duration, at time.Time) (EnvoyStats, error) {
	vars := queryVars{Cluster: promString(cluster), Window: promDuration(window)}
	var st EnvoyStats
	var p99ms float64
	for _, q := range []struct {
		t   *template.Template
		val *float64
		has *bool
	}{
		{p.requests, &st.Requests, &st.HasRequests},
		{p.errors, &st.ErrorRate, &st.HasErrorRate},
		{p.p99, &p99ms, &st.HasP99},
	} {
		var b strings.Builder
		if err := q.t.Execute(&b, vars); err != nil {
			return EnvoyStats{}, fmt.Errorf("cluster %q: %s query: %w", cluster, q.t.Name(), err)
		}
		v, ok, err := p.instant(ctx, b.String(), at)
		if err != nil {
			return EnvoyStats{}, fmt.Errorf("cluster %q: %s: %w", cluster, q.t.Name(), err)
		}
		*q.val, *q.has = v, ok
	}
	if st.HasP99 {
		st.P99 = msToDuration(p99ms)
	}
	return st, nil
}

// msToDuration saturates: +Inf (the quantile fell in Envoy's +Inf bucket)
// is slower than any limit.
func msToDuration(ms float64) time.Duration {
	if ms >= float64(math.MaxInt64)/float64(time.Millisecond) {
		return time.Duration(math.MaxInt64)
	}
	return time.Duration(ms * float64(time.Millisecond))
}

// promDuration writes d as a PromQL duration: whole seconds, or
// milliseconds when it has a fraction of a second.
func promDuration(d time.Duration) string {
	if d%time.Second == 0 {
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
	return strconv.FormatInt(d.Milliseconds(), 10) + "ms"
}

// promString escapes s for inside a double-quoted PromQL string.
func promString(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}
