package edge

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) lines() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Split(strings.TrimSpace(b.buf.String()), "\n")
}

// TestAccessLog: one JSON line per request, the fields of strangler's
// json_format with Envoy's operators evaluated (numbers stay numbers).
func TestAccessLog(t *testing.T) {
	legacy, newer := newBackend(t, "legacy"), newBackend(t, "new")
	p := startDirectPlane(t, twoBackendFile(legacy, newer, `  - name: product-api
    match: {prefix: /rest/V1/products, methods: [GET]}
    to: catalog
    percent: 100
`))
	out := &syncBuffer{}
	e := startEdgeWith(t, Options{XDS: p.addr, NodeID: "edge-log", Logger: slog.New(slog.NewJSONHandler(out, nil)), ListenOverride: "127.0.0.1:0"})
	req, err := http.NewRequest(http.MethodGet, "http://"+e.Addr().String()+"/rest/V1/products/9", nil)
	require.NoError(t, err)
	req.Header.Set("User-Agent", "edge-test")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()

	var entry map[string]any
	waitFor(t, func() bool {
		for _, l := range out.lines() {
			if strings.Contains(l, `"msg":"access"`) {
				return json.Unmarshal([]byte(l), &entry) == nil
			}
		}
		return false
	})
	assert.Equal(t, "GET", entry["method"])
	assert.Equal(t, "/rest/V1/products/9", entry["path"])
	assert.Equal(t, float64(200), entry["response_code"])
	assert.Equal(t, "-", entry["response_flags"])
	assert.Equal(t, "catalog", entry["upstream_cluster"])
	assert.Equal(t, newer.hostPort(), entry["upstream_host"])
	assert.Equal(t, "product-api", entry["route_name"])
	assert.Equal(t, "edge-test", entry["user_agent"])
	assert.Equal(t, "HTTP/1.1", entry["protocol"])
	assert.Equal(t, newer.lastRequest().Header.Get("X-Request-Id"), entry["x_request_id"])
	assert.Equal(t, float64(len("new")), entry["bytes_sent"])
}
