package rollout

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPrometheusReadsEnvoyClusterStats(t *testing.T) {
	ps := newPromStandIn(t)
	ps.set("catalog", promCluster{requests: 1200, has5xx: true, errorRate: 0.004, p99ms: 182.5})
	p, err := NewPrometheus(ps.srv.URL+"/", nil, Queries{})
	require.NoError(t, err)
	at := time.Date(2026, 11, 27, 9, 30, 15, 250e6, time.UTC)
	st, err := p.NewSideStats(context.Background(), "catalog", time.Minute, at)
	require.NoError(t, err)
	assert.Equal(t, EnvoyStats{Requests: 1200, ErrorRate: 0.004, P99: 182500 * time.Microsecond,
		HasRequests: true, HasErrorRate: true, HasP99: true}, st)

	seen := ps.queries()
	require.Len(t, seen, 3)
	def := DefaultQueries()
	for i, want := range []string{def.Requests, def.ErrorRate, def.P99} {
		// The query arrived intact through URL encoding (quotes, braces, brackets, spaces, +).
		want = strings.NewReplacer("{{.Cluster}}", "catalog", "{{.Window}}", "60s").Replace(want)
		assert.Equal(t, want, seen[i].query)
		assert.Equal(t, "catalog", seen[i].cluster)
		assert.Equal(t, "60s", seen[i].window)
		assert.InDelta(t, float64(at.UnixMilli())/1000, seen[i].time, 1e-6, "evaluation time is the check's, not the server's")
	}
}

// Envoy has no upstream_rq_5xx series until the first 5xx. The ratio the
// brief spelled out is then an empty vector — no data, forever, for a
// healthy service — which is why the default numerator falls back to 0.
func TestErrorRateWithoutAny5xxSeries(t *testing.T) {
	ps := newPromStandIn(t)
	ps.set("catalog", promCluster{requests: 800, p99ms: 90})
	def, err := NewPrometheus(ps.srv.URL, nil, Queries{})
	require.NoError(t, err)
	st, err := def.NewSideStats(context.Background(), "catalog", time.Minute, time.Now())
	require.NoError(t, err)
	assert.True(t, st.HasErrorRate)
	assert.Zero(t, st.ErrorRate)

	plain := `sum(rate(envoy_cluster_upstream_rq_xx{envoy_cluster_name="{{.Cluster}}",envoy_response_code_class="5"}[{{.Window}}]))` +
		` / sum(rate(envoy_cluster_upstream_rq_xx{envoy_cluster_name="{{.Cluster}}"}[{{.Window}}]))`
	literal, err := NewPrometheus(ps.srv.URL, nil, Queries{ErrorRate: plain})
	require.NoError(t, err)
	st, err = literal.NewSideStats(context.Background(), "catalog", time.Minute, time.Now())
	require.NoError(t, err)
	assert.False(t, st.HasErrorRate, "the overridden query is used as given")
	assert.True(t, st.HasRequests)
}

func TestPrometheusNoDataIsNotZero(t *testing.T) {
	ps := newPromStandIn(t)
	ps.set("idle", promCluster{}) // series exist, no traffic in the window
	p, err := NewPrometheus(ps.srv.URL, nil, Queries{})
	require.NoError(t, err)
	for _, cluster := range []string{"idle", "never-seen"} {
		st, err := p.NewSideStats(context.Background(), cluster, 90*time.Second, time.Now())
		require.NoError(t, err, cluster)
		assert.False(t, st.HasErrorRate, cluster)
		assert.False(t, st.HasP99, "%s: a NaN quantile is no data", cluster)
	}
	st, _ := p.NewSideStats(context.Background(), "idle", time.Minute, time.Now())
	assert.True(t, st.HasRequests, "a zero increase is a value")
	st, _ = p.NewSideStats(context.Background(), "never-seen", time.Minute, time.Now())
	assert.False(t, st.HasRequests, "an empty vector is not zero")
	assert.Equal(t, "90s", ps.queries()[0].window)
}

func TestPrometheusErrors(t *testing.T) {
	ps := newPromStandIn(t)
	ps.set("heavy", promCluster{requests: 10, fail: http.StatusUnprocessableEntity})
	ps.set("behind-proxy", promCluster{fail: http.StatusBadGateway})
	p, err := NewPrometheus(ps.srv.URL, nil, Queries{})
	require.NoError(t, err)

	_, err = p.NewSideStats(context.Background(), "heavy", time.Minute, time.Now())
	require.Error(t, err)
	assert.Contains(t, err.Error(), `cluster "heavy": requests: prometheus query`)
	assert.Contains(t, err.Error(), "HTTP 422: execution: query processing would load too many samples")

	_, err = p.NewSideStats(context.Background(), "behind-proxy", time.Minute, time.Now())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "HTTP 502, not a Prometheus API answer")

	bad, err := NewPrometheus(ps.srv.URL, nil, Queries{P99: `histogram_quantile(0.99, x{c="{{.Nope}}"}[{{.Window}}])`})
	require.NoError(t, err)
	ps.set("catalog", promCluster{requests: 10})
	_, err = bad.NewSideStats(context.Background(), "catalog", time.Minute, time.Now())
	assert.ErrorContains(t, err, "p99 query")

	_, err = NewPrometheus(ps.srv.URL, nil, Queries{Requests: "sum({{.Cluster"})
	assert.ErrorContains(t, err, "prometheus requests query")

	down, err := NewPrometheus("http://127.0.0.1:1", &http.Client{Timeout: time.Second}, Queries{})
	require.NoError(t, err)
	_, err = down.NewSideStats(context.Background(), "catalog", time.Minute, time.Now())
	assert.ErrorContains(t, err, "prometheus query")
}

func TestPrometheusEscapesClusterAndSubSecondWindows(t *testing.T) {
	ps := newPromStandIn(t)
	ps.set(`we"ird\name`, promCluster{requests: 5, has5xx: true, errorRate: 0.5, p99ms: 1})
	p, err := NewPrometheus(ps.srv.URL, nil, Queries{})
	require.NoError(t, err)
	st, err := p.NewSideStats(context.Background(), `we"ird\name`, 1500*time.Millisecond, time.Now())
	require.NoError(t, err)
	assert.Equal(t, 0.5, st.ErrorRate)
	assert.Equal(t, "1500ms", ps.queries()[0].window)
}

func TestOneSample(t *testing.T) {
	for _, tc := range []struct {
		typ, raw string
		want     float64
		ok       bool
		err      string
	}{
		{"scalar", `[1.5, "3.25"]`, 3.25, true, ""},
		{"vector", `[{"metric":{},"value":[1, "+Inf"]}]`, inf, true, ""},
		{"vector", `[{"metric":{},"value":[1, "NaN"]}]`, 0, false, ""},
		{"vector", `[]`, 0, false, ""},
		{"vector", `[{"metric":{"a":"1"},"value":[1,"1"]},{"metric":{"a":"2"},"value":[1,"2"]}]`, 0, false, "2 series"},
		{"matrix", `[]`, 0, false, `result type "matrix"`},
		{"vector", `[{"metric":{},"value":[1, 7]}]`, 0, false, "not a string"},
	} {
		v, ok, err := oneSample(tc.typ, json.RawMessage(tc.raw))
		if tc.err != "" {
			assert.ErrorContains(t, err, tc.err, tc.raw)
			continue
		}
		require.NoError(t, err, tc.raw)
		assert.Equal(t, tc.ok, ok, tc.raw)
		assert.Equal(t, tc.want, v, tc.raw)
	}
	assert.Equal(t, time.Duration(1<<63-1), msToDuration(inf), "+Inf latency is over any limit")
}

var inf = math.Inf(1)
