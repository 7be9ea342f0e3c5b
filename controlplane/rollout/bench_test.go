package rollout

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// BenchmarkDrivePass is one driver pass over 50 rollouts that are all due
// for a check: per route a state read, the gates, a compare-and-set write
// with a notice, against a real redis-server.
func BenchmarkDrivePass(b *testing.B) {
	const n = 50
	r := newRig(b)
	var sb strings.Builder
	sb.WriteString(fileBase[:strings.Index(fileBase, "  - name: orders-api")])
	for i := range n {
		name := fmt.Sprintf("r%d", i)
		r.shadow.set(name, figures{compared: 10, matched: 10, requests: 10}) // inconclusive: every pass checks and stays
		fmt.Fprintf(&sb, "  - name: %s\n    match: {prefix: /%s/}\n    to: catalog\n    percent: 0\n    rollout: {steps: [50, 100], hold: 1h, gates: {interval: 1m, shadow_match: 99%%}}\n", name, name)
	}
	c, _ := r.controller("bench")
	if err := c.Update(context.Background(), parseFile(b, sb.String()), "bench"); err != nil {
		b.Fatal(err)
	}
	c.leaseUntil.Store(time.Now().Add(time.Hour).UnixNano())
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r.clock.Advance(time.Minute)
		if next := c.pass(ctx, r.clock.Now()); next.IsZero() {
			b.Fatal("no route due next")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/n, "µs/route")
}
