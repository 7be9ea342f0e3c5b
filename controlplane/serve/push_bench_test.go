package serve

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	"github.com/envoyproxy/go-control-plane/pkg/resource/v3"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"

	"github.com/strangler-dev/strangler/controlplane/xds/xdstest"
	"github.com/strangler-dev/strangler/routes"
)

const (
	benchEnvoys = 1000 // ADS streams, each one Envoy node
	benchConns  = 10   // gRPC connections they share
)

// BenchmarkPercentEditTo1000Envoys times the edit of one route's percent in
// the example route file: from reading the new file (parse, validate,
// translate, snapshot, push) until all 1,000 connected Envoys have received
// and ACKed the new RDS version. The watcher's 100 ms debounce comes before
// this and is a deliberate wait, not work. It also counts CDS/EDS/LDS
// responses during the edits, which must be zero.
func BenchmarkPercentEditTo1000Envoys(b *testing.B) {
	data, err := os.ReadFile("../../routes/examples/magento.yaml")
	require.NoError(b, err)
	files := [2][]byte{data, []byte(strings.Replace(string(data), "percent: 25", "percent: 26", 1))}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cp, err := New(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(b, err)
	apply := func(i int) {
		f, err := routes.Parse("routes.yaml", files[i%2])
		require.NoError(b, cp.Apply(ctx, f, err))
	}
	apply(0)
	addr := xdstest.Serve(b, cp.XDS)

	var mu sync.Mutex
	acked := map[string]int{}
	var others atomic.Int64
	opts := xdstest.Options{
		OnAck: func(url, v string) {
			if url == resource.RouteType {
				mu.Lock()
				acked[v]++
				mu.Unlock()
			}
		},
		OnResponse: func(url, _ string) {
			if url != resource.RouteType {
				others.Add(1)
			}
		},
	}
	conns := make([]*grpc.ClientConn, benchConns)
	for i := range conns {
		conns[i] = xdstest.Dial(b, addr)
	}
	for i := range benchEnvoys {
		opts.Node = &core.Node{Id: fmt.Sprintf("envoy-%04d", i), Cluster: "edge"}
		c, err := xdstest.StartADS(ctx, conns[i%benchConns], opts)
		require.NoError(b, err)
		b.Cleanup(c.Close)
	}
	waitAll := func() {
		want := cp.XDS.Versions()[resource.RouteType]
		deadline := time.Now().Add(30 * time.Second)
		for {
			mu.Lock()
			n := acked[want]
			mu.Unlock()
			if n == benchEnvoys {
				return
			}
			if time.Now().After(deadline) {
				b.Fatalf("%d of %d Envoys ACKed RDS %s within 30s", n, benchEnvoys, want)
			}
			time.Sleep(200 * time.Microsecond)
		}
	}
	waitAll()
	others.Store(0)

	b.ResetTimer()
	for i := range b.N {
		mu.Lock()
		clear(acked)
		mu.Unlock()
		apply(i + 1)
		waitAll()
	}
	b.StopTimer()
	b.ReportMetric(float64(others.Load()), "cds_eds_lds_responses")
	if n := others.Load(); n != 0 {
		b.Errorf("percent edits re-sent %d CDS/EDS/LDS responses; want 0", n)
	}
}
