package redisconn

import (
	"context"
	"strings"
	"testing"
	"time"

	commonrl "github.com/envoyproxy/go-control-plane/envoy/extensions/common/ratelimit/v3"
	rlsv3 "github.com/envoyproxy/go-control-plane/envoy/service/ratelimit/v3"
	"github.com/redis/rueidis"

	"github.com/strangler-dev/strangler/envoy/ratelimit"
	"github.com/strangler-dev/strangler/internal/redistest"
)

func open(t *testing.T, cfg Config) rueidis.Client {
	t.Helper()
	c, closeFn, err := Open(context.Background(), cfg, nil)
	if err != nil {
		t.Fatalf("Open(%+v): %v", cfg, err)
	}
	t.Cleanup(closeFn)
	return c
}

// The embedded server must run the real decision script: zero-install
// `make run` rate limits with it.
func TestEmbeddedRunsTheRateLimitScript(t *testing.T) {
	c := open(t, Config{})
	l := ratelimit.Limit{ID: "e#0", Group: "e", Per: ratelimit.Per{Kind: ratelimit.PerClientIP}, Count: 10, Period: time.Minute, Burst: 10}
	short := ratelimit.Limit{ID: "e#1", Group: "e", Per: ratelimit.Per{Kind: ratelimit.PerRoute}, Count: 1, Period: 300 * time.Millisecond, Burst: 1}
	svc, err := ratelimit.New(ratelimit.Config{Limits: map[string]ratelimit.Limit{l.ID: l, short.ID: short}, RedisTimeout: time.Second},
		ratelimit.FromRueidis(c), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	req := &rlsv3.RateLimitRequest{Domain: "strangler", Descriptors: []*commonrl.RateLimitDescriptor{{Entries: []*commonrl.RateLimitDescriptor_Entry{
		{Key: "limit", Value: l.ID}, {Key: "remote_address", Value: "10.0.0.1"}}}}}
	for i := range 11 {
		resp, err := svc.ShouldRateLimit(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		st := resp.GetStatuses()[0]
		if i == 0 && (st.GetCurrentLimit() == nil || st.GetLimitRemaining() != 9) {
			t.Fatalf("first decision on miniredis: %v (want remaining 9 from the script)", resp)
		}
		if over := resp.GetOverallCode() == rlsv3.RateLimitResponse_OVER_LIMIT; over != (i == 10) {
			t.Fatalf("request %d: %v", i+1, resp)
		}
	}
	// Idle keys expire in real time (this one 300ms after its request).
	req.Descriptors = []*commonrl.RateLimitDescriptor{{Entries: []*commonrl.RateLimitDescriptor_Entry{{Key: "limit", Value: short.ID}}}}
	if _, err := svc.ShouldRateLimit(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	key := "rl:{e}:e#1:"
	if n, _ := c.Do(context.Background(), c.B().Exists().Key(key).Build()).AsInt64(); n != 1 {
		t.Fatalf("key %s not written", key)
	}
	deadline := time.Now().Add(3 * time.Second)
	for {
		n, _ := c.Do(context.Background(), c.B().Exists().Key(key).Build()).AsInt64()
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("an idle key never expired on the embedded server")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestAddress(t *testing.T) {
	srv := redistest.Start(t)
	c := open(t, Config{Address: "redis://" + srv.Addr() + "/2"})
	if c.Mode() != rueidis.ClientModeStandalone {
		t.Fatalf("mode %v", c.Mode())
	}
	if err := c.Do(context.Background(), c.B().Set().Key("k").Value("v").Build()).Error(); err != nil {
		t.Fatal(err)
	}
	// db 2 from the URL: db 0 does not have the key.
	other := open(t, Config{Address: "redis://" + srv.Addr() + "/0"})
	if err := other.Do(context.Background(), other.B().Get().Key("k").Build()).Error(); !rueidis.IsRedisNil(err) {
		t.Fatalf("key visible in db 0: %v", err)
	}
}

func TestAddressDownAtStartIsNotFatal(t *testing.T) {
	srv := redistest.Start(t)
	if !srv.Real() {
		t.Skip("needs a redis-server process")
	}
	srv.Kill()
	c := open(t, Config{Address: "redis://" + srv.Addr()})
	srv.Restart()
	var err error
	for range 50 {
		if err = c.Do(context.Background(), c.B().Ping().Build()).Error(); err == nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("client never reached the server once it came up: %v", err)
}

func TestCluster(t *testing.T) {
	cl := redistest.StartCluster(t, 3)
	c := open(t, Config{Cluster: cl.Addrs()})
	if c.Mode() != rueidis.ClientModeCluster || len(c.Nodes()) != 3 {
		t.Fatalf("mode %v with %d nodes", c.Mode(), len(c.Nodes()))
	}
}

func TestConfigErrors(t *testing.T) {
	srv := redistest.Start(t)
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{Address: "redis://" + srv.Addr(), Cluster: []string{srv.Addr()}}, "not both"},
		{Config{Address: srv.Addr()}, "redis://"},
		{Config{Cluster: []string{srv.Addr()}}, "not a Redis Cluster"},
	} {
		_, _, err := Open(context.Background(), c.cfg, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.cfg, err, c.want)
		}
	}
	if got := redacted("redis://user:secret@h:1/0"); strings.Contains(got, "secret") {
		t.Errorf("redacted kept the password: %s", got)
	}
}
