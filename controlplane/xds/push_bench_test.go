package xds_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/envoyproxy/go-control-plane/pkg/resource/v3"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"

	"github.com/strangler-dev/strangler/controlplane/xds"
	"github.com/strangler-dev/strangler/controlplane/xds/xdstest"
)

const (
	pushClients = 1000 // Envoys on ADS streams
	pushConns   = 10   // gRPC connections they share
)

// rdsAcks counts the clients that ACKed one RDS version.
type rdsAcks struct {
	mu    sync.Mutex
	want  string
	count int
	all   chan struct{}
}

func (a *rdsAcks) expect(version string) <-chan struct{} {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.want, a.count, a.all = version, 0, make(chan struct{})
	return a.all
}

func (a *rdsAcks) ack(url, version string) {
	if url != resource.RouteType {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if version == a.want {
		a.count++
		if a.count == pushClients {
			close(a.all)
		}
	}
}

// BenchmarkPush1000Clients times one percent change: from Update until every
// one of 1,000 ADS clients holds the new RDS version and has ACKed it.
func BenchmarkPush1000Clients(b *testing.B) {
	h := newHarness(b)
	ctx := context.Background()
	low, high := xdstest.Resources(10), xdstest.Resources(20)
	rdsOf := func(percent uint32) string {
		snap, err := xds.NewSnapshot(xdstest.Resources(percent))
		require.NoError(b, err)
		return snap.GetVersion(resource.RouteType)
	}
	lowRDS, highRDS := rdsOf(10), rdsOf(20)

	acks := &rdsAcks{}
	var otherPushes atomic.Int64
	onResponse := func(url, _ string) {
		if url != resource.RouteType {
			otherPushes.Add(1)
		}
	}
	conns := make([]*grpc.ClientConn, 0, pushConns)
	for range pushConns {
		conns = append(conns, xdstest.Dial(b, h.addr))
	}
	all := acks.expect(lowRDS)
	require.NoError(b, h.srv.Update(ctx, low))
	for i := range pushClients {
		h.envoyOn(b, conns[i%pushConns], fmt.Sprintf("envoy-%04d", i), xdstest.Options{OnAck: acks.ack, OnResponse: onResponse})
	}
	wait(b, all)
	otherPushes.Store(0)

	b.ResetTimer()
	for i := range b.N {
		res, rds := high, highRDS
		if i%2 == 1 {
			res, rds = low, lowRDS
		}
		all := acks.expect(rds)
		require.NoError(b, h.srv.Update(ctx, res))
		wait(b, all)
	}
	b.StopTimer()

	b.ReportMetric(float64(otherPushes.Load()), "cds_eds_lds_pushes")
	if n := otherPushes.Load(); n != 0 {
		b.Errorf("a percent change pushed %d CDS/EDS/LDS responses; want 0", n)
	}
	// Node tracking must have kept up too: every node ACKed the last version.
	last := h.srv.Versions()[resource.RouteType]
	require.NoError(b, h.srv.WaitFor(waitCtx(b), func(nodes []xds.Node) bool {
		for _, n := range nodes {
			if n.Acked[resource.RouteType] != last {
				return false
			}
		}
		return len(nodes) == pushClients
	}))
}

func wait(b *testing.B, all <-chan struct{}) {
	b.Helper()
	select {
	case <-all:
	case <-time.After(30 * time.Second):
		b.Fatal("not every client ACKed the new RDS version within 30s")
	}
}
