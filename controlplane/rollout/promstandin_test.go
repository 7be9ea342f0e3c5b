package rollout

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// promCluster is what Envoy's stats of one cluster would make Prometheus
// answer.
type promCluster struct {
	requests  float64 // 0: the cluster's series do not exist (no traffic yet)
	has5xx    bool    // Envoy creates upstream_rq_xx{class="5"} on the first 5xx only
	errorRate float64
	p99ms     float64
	fail      int // answer this HTTP status with a Prometheus error body; 502: a non-Prometheus body
}

// promStandIn is a real HTTP server speaking Prometheus' /api/v1/query
// answer format. It picks values by reading the query it is sent: which
// metric, which cluster, and whether the error ratio's numerator falls
// back to vector(0), as PromQL would evaluate them.
type promStandIn struct {
	srv *httptest.Server

	mu       sync.Mutex
	clusters map[string]promCluster
	seen     []promQuery
}

type promQuery struct {
	query, window, cluster string
	time                   float64
}

var (
	clusterLabel = regexp.MustCompile(`envoy_cluster_name="((?:[^"\\]|\\.)*)"`)
	rangeWindow  = regexp.MustCompile(`\[(\d+(?:ms|s|m|h))\]`)
)

func newPromStandIn(t testing.TB) *promStandIn {
	p := &promStandIn{clusters: map[string]promCluster{}}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *promStandIn) set(cluster string, c promCluster) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clusters[cluster] = c
}

func (p *promStandIn) queries() []promQuery {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]promQuery(nil), p.seen...)
}

func (p *promStandIn) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet || r.URL.Path != "/api/v1/query" {
		promFail(w, http.StatusNotFound, "bad_data", "no such endpoint "+r.Method+" "+r.URL.Path)
		return
	}
	q := r.URL.Query()
	query := q.Get("query")
	ts, err := strconv.ParseFloat(q.Get("time"), 64)
	if err != nil {
		promFail(w, http.StatusBadRequest, "bad_data", `invalid parameter "time": `+err.Error())
		return
	}
	m, win := clusterLabel.FindStringSubmatch(query), rangeWindow.FindStringSubmatch(query)
	if m == nil || win == nil {
		promFail(w, http.StatusBadRequest, "bad_data", "stand-in understands only queries over one cluster and a range: "+query)
		return
	}
	cluster := strings.NewReplacer(`\"`, `"`, `\\`, `\`).Replace(m[1])
	p.mu.Lock()
	p.seen = append(p.seen, promQuery{query: query, window: win[1], cluster: cluster, time: ts})
	c, known := p.clusters[cluster]
	p.mu.Unlock()
	switch {
	case c.fail == http.StatusBadGateway:
		w.WriteHeader(c.fail)
		fmt.Fprint(w, "<html>bad gateway</html>")
		return
	case c.fail != 0:
		promFail(w, c.fail, "execution", "query processing would load too many samples")
		return
	}
	live := known && c.requests > 0
	switch {
	case strings.HasPrefix(query, "histogram_quantile(0.99,") && strings.Contains(query, "envoy_cluster_upstream_rq_time_bucket"):
		// Over buckets whose rates are all 0, histogram_quantile is NaN.
		v := math.NaN()
		if live {
			v = c.p99ms
		}
		promVector(w, ts, live || known, v)
	case strings.Contains(query, `envoy_response_code_class="5"`) && strings.Contains(query, "envoy_cluster_upstream_rq_xx"):
		fallback := strings.Contains(query, "or vector(0)")
		switch {
		case !live:
			promVector(w, ts, false, 0) // empty denominator: empty ratio
		case c.has5xx:
			promVector(w, ts, true, c.errorRate)
		default:
			promVector(w, ts, fallback, 0) // no 5xx series: empty unless the numerator falls back
		}
	case strings.HasPrefix(query, "sum(increase(envoy_cluster_upstream_rq_total{"):
		promVector(w, ts, known, c.requests)
	default:
		promFail(w, http.StatusBadRequest, "bad_data", "stand-in does not know the query "+query)
	}
}

func promVector(w http.ResponseWriter, ts float64, has bool, v float64) {
	result := []any{}
	if has {
		result = append(result, map[string]any{"metric": map[string]string{}, "value": []any{ts, strconv.FormatFloat(v, 'f', -1, 64)}})
	}
	promReply(w, http.StatusOK, map[string]any{"status": "success", "data": map[string]any{"resultType": "vector", "result": result}})
}

func promFail(w http.ResponseWriter, code int, typ, msg string) {
	promReply(w, code, map[string]any{"status": "error", "errorType": typ, "error": msg})
}

func promReply(w http.ResponseWriter, code int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(body)
}
