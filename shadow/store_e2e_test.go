package shadow

import (
	"context"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/redis/rueidis"
)

// Two receivers on one Redis, each taking part of the traffic, add up to
// the report one receiver gives for all of it.
func TestTwoReceiversAddUpToOneReport(t *testing.T) {
	rg := newRig(t, nil)
	second := startNode(t, rg.cfg, NewStore(openClient(t, rg.redis.Addr()), WithSampleInterval(0)), rg.legacy, rg.new)
	play(t, []*envoy{rg.node.envoy, second.envoy}, traffic())
	checkStandardReport(t, rg.waitHandled(80))
	for _, n := range []*node{rg.node, second} {
		if got := counterValue(t, n.reg, "strangler_shadow_joined_total", map[string]string{"route": testRoute}); got != 40 {
			t.Fatalf("a receiver joined %v pairs, want 40 (half of the traffic)", got)
		}
	}
}

// A receiver restart (new process, new client) finds the report as it was.
func TestReportSurvivesRestart(t *testing.T) {
	rg := newRig(t, nil)
	play(t, []*envoy{rg.node.envoy}, traffic())
	rg.waitHandled(80)
	since, now := time.Now().Add(-time.Hour), time.Now()
	before, err := rg.store.Report(context.Background(), testRoute, since, now)
	if err != nil {
		t.Fatal(err)
	}
	rg.node.close()
	rg.client.Close()

	store := NewStore(openClient(t, rg.redis.Addr()))
	after, err := store.Report(context.Background(), testRoute, since, now)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, after) {
		t.Fatalf("report changed across a restart:\nbefore %+v\nafter  %+v", before.Stats, after.Stats)
	}
	checkStandardReport(t, after)
	routes, err := store.Routes(context.Background())
	if err != nil || len(routes) != 1 || routes[0] != testRoute {
		t.Fatalf("routes %v, %v", routes, err)
	}
	// The restarted receiver adds to the same counters.
	n := startNode(t, rg.cfg, store, rg.legacy, rg.new)
	u := categoryReq(1)
	u.Side = SideLegacy
	play(t, []*envoy{n.envoy}, []userRequest{u})
	rg.store = store
	if rep := rg.waitHandled(81); rep.Matched != 33 {
		t.Fatalf("after restart: %+v", rep.Stats)
	}
}

// No redacted value reaches Redis: every key and every value is scanned for
// the emails the backends put in their bodies.
func TestRedactedValuesNeverReachRedis(t *testing.T) {
	rg := newRig(t, nil)
	play(t, []*envoy{rg.node.envoy}, traffic())
	rep := rg.waitHandled(80)
	markers := 0
	ctx := context.Background()
	var cursor uint64
	keys := 0
	for {
		entry, err := rg.client.Do(ctx, rg.client.B().Scan().Cursor(cursor).Count(1000).Build()).AsScanEntry()
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range entry.Elements {
			keys++
			for _, v := range dumpKey(t, rg.client, k) {
				if strings.Contains(v, "@example.com") {
					t.Fatalf("key %q holds an email in clear: %.200s", k, v)
				}
				markers += strings.Count(v, "[redacted]")
			}
			if !strings.HasPrefix(k, "sh:{"+testRoute+"}:") && k != routesKey {
				t.Fatalf("key %q is outside the documented layout", k)
			}
		}
		if cursor = entry.Cursor; cursor == 0 {
			break
		}
	}
	// The scan must have seen the redacted samples, or it proves nothing.
	if keys == 0 || markers == 0 || rep.Differing == 0 {
		t.Fatalf("scanned %d keys, %d redaction markers: nothing to check", keys, markers)
	}
	// And the emails really were in the bodies the receiver compared.
	resp, err := http.Get(rg.new.srv.URL + "/rest/V1/products/SKU-1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "ops+SKU-1@example.com") {
		t.Fatalf("test setup: the new side's body has no email: %.200s", body)
	}
}

// dumpKey returns a key's name, fields and values, whatever its type.
func dumpKey(t testing.TB, c rueidis.Client, k string) []string {
	t.Helper()
	ctx := context.Background()
	typ, err := c.Do(ctx, c.B().Type().Key(k).Build()).ToString()
	if err != nil {
		t.Fatal(err)
	}
	out := []string{k}
	switch typ {
	case "hash":
		m, err := c.Do(ctx, c.B().Hgetall().Key(k).Build()).AsStrMap()
		if err != nil {
			t.Fatal(err)
		}
		for f, v := range m {
			out = append(out, f, v)
		}
	case "list":
		vs, err := c.Do(ctx, c.B().Lrange().Key(k).Start(0).Stop(-1).Build()).AsStrSlice()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, vs...)
	case "zset":
		vs, err := c.Do(ctx, c.B().Zrange().Key(k).Min("0").Max("-1").Build()).AsStrSlice()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, vs...)
	default:
		t.Fatalf("key %q of unexpected type %s", k, typ)
	}
	return out
}
