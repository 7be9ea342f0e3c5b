package console_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	rlext "github.com/envoyproxy/go-control-plane/envoy/extensions/common/ratelimit/v3"
	extprocv3 "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
	rlsv3 "github.com/envoyproxy/go-control-plane/envoy/service/ratelimit/v3"
	"github.com/envoyproxy/go-control-plane/pkg/resource/v3"
	"github.com/redis/rueidis"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/metadata"

	"github.com/strangler-dev/strangler/controlplane/serve"
	"github.com/strangler-dev/strangler/controlplane/serve/servetest"
	"github.com/strangler-dev/strangler/controlplane/xds/xdstest"
	"github.com/strangler-dev/strangler/internal/redistest"
	"github.com/strangler-dev/strangler/shadow"
	"github.com/strangler-dev/strangler/shadow/diff"
)

const testToken = "s3cret-admin-token"

// stackFile is a shop mid-migration: a product API under a gated rollout
// with limits and shadowing, a category API moved and cached, a search
// route not moved yet.
const stackFile = `version: 1
listen: 0.0.0.0:10000
legacy: magento
redis: {address: redis://%[1]s/0}
ratelimit: {listen: %[2]s, address: %[2]s}
cache_service: {listen: %[3]s, address: %[3]s}
shadow_service: {listen: %[4]s, address: %[4]s}
limits: [{per: client_ip, rate: 100/s, burst: 200}]
backends:
  magento: {endpoints: [127.0.0.1:8080]}
  catalog: {endpoints: [127.0.0.1:8090]}
routes:
  # Product reads: under a gated rollout.
  - name: product-api
    match: {prefix: /rest/V1/products, methods: [GET, HEAD]}
    to: catalog
    percent: 5
    sticky: {cookie: PHPSESSID}
    fallback: true
    preview: {header: X-Strangler-Preview}
    limits: [{per: client_ip, rate: 50/s, burst: 100}, {per: route, rate: 2000/s, burst: 500, shadow: true}]
    shadow: {percent: 10, redact: [body:$..email], noise_percent: 1}
    rollout:
      steps: [25, 50, pause, 100]
      hold: 1h
      gates: {interval: 1m, shadow_match: 99.5%%, min_requests: 100}
  - name: category-api
    match: {prefix: /rest/V1/categories, methods: [GET, HEAD]}
    to: catalog
    percent: 100
    fallback: true
    shadow: {percent: 5}
    cache: {ttl: 10m, stale_while_revalidate: 30s, vary: [cookie:X-Magento-Vary]}
  - name: search
    match: {path: /rest/default/V1/search, methods: [GET]}
    to: catalog
    percent: 0
`

// stack is a running control plane (serve.Run), whose admin server mounts
// the console as in production.
type stack struct {
	t       *testing.T
	path    string
	admin   string // the admin server, http://host:port
	console string // the console's origin (the admin server, which mounts it)
	run     *serve.Running
	redis   *redistest.Server
	store   *shadow.Store
	rlAddr  string
	cache   string // the cache service's address
}

func startStack(t *testing.T) *stack {
	t.Helper()
	s := &stack{t: t, redis: redistest.Start(t)}
	s.rlAddr, s.cache = servetest.FreeAddr(t), servetest.FreeAddr(t)
	s.path = servetest.WriteRouteFile(t, fmt.Sprintf(stackFile, s.redis.Addr(), s.rlAddr, s.cache, servetest.FreeAddr(t)))
	// serve mounts the console on its admin server, as in production.
	s.run = servetest.Start(t, serve.Options{RoutesPath: s.path, Debounce: 20 * time.Millisecond, AdminToken: testToken})
	s.admin = "http://" + s.run.AdminAddr.String()
	s.console = s.admin

	client, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{s.redis.Addr()}, DisableCache: true, ForceSingleClient: true})
	require.NoError(t, err)
	t.Cleanup(client.Close)
	s.store = shadow.NewStore(client, shadow.WithSampleInterval(0))

	// Ready once the rollout has started: its state is in Redis.
	require.Eventually(t, func() bool {
		var st struct {
			Phase string `json:"phase"`
		}
		return getJSON(t, s.admin+"/api/rollouts/product-api", &st) == http.StatusOK && st.Phase == "progressing"
	}, 10*time.Second, 20*time.Millisecond, "the rollout never started")
	return s
}

// envoys connects Envoy nodes over ADS: one that takes everything, one
// that rejects every route configuration after its first, and one that
// leaves once configured.
func (s *stack) envoys() {
	t := s.t
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	dial := func(id string, opts xdstest.Options) *xdstest.Client {
		opts.Node = &core.Node{Id: id, Cluster: "edge-eu"}
		c, err := xdstest.StartADS(context.Background(), xdstest.Dial(t, s.run.XDSAddr.String()), opts)
		require.NoError(t, err)
		require.NoError(t, c.Wait(ctx, func() bool { return c.Version(resource.RouteType) != "" }))
		return c
	}
	good := dial("envoy-eu-1", xdstest.Options{})
	t.Cleanup(good.Close)
	first := ""
	picky := dial("envoy-eu-2", xdstest.Options{Reject: func(url, version string) string {
		if url != resource.RouteType {
			return ""
		}
		if first == "" {
			first = version
		}
		if version == first {
			return ""
		}
		return "Proto constraint validation failed (RouteConfigurationValidationError.VirtualHosts[0]: " +
			"embedded message failed validation | caused by VirtualHostValidationError.Routes[0]: weighted_clusters: total weight must be 100)"
	}})
	t.Cleanup(picky.Close)
	gone := dial("envoy-us-1", xdstest.Options{})
	gone.Close()
	require.Eventually(t, func() bool {
		n, ok := s.run.ControlPlane.XDS.Node("envoy-us-1")
		return ok && !n.Connected
	}, 5*time.Second, 10*time.Millisecond)
}

// shadowTraffic records an hour of product-api comparisons made by the
// real comparer on Magento-like bodies: mostly matching, a price that the
// new service rounds differently now and then (a real difference), an
// updated_at that differs between two Magento answers too (noise), and a
// customer email that is redacted. category-api matches throughout.
func (s *stack) shadowTraffic() (tr traffic) {
	t := s.t
	rules, err := diff.ParseRules([]string{"header:Date"}, nil, nil, []string{"body:$..email"})
	require.NoError(t, err)
	cmp, err := diff.NewComparer(rules)
	require.NoError(t, err)
	body := func(price, updated, email string) diff.Response {
		return diff.Response{Status: 200, Header: http.Header{"Content-Type": {"application/json"}},
			Body: []byte(`{"id":1042,"sku":"24-MB01","name":"Joust Duffle Bag","price":` + price +
				`,"status":1,"updated_at":"` + updated + `","extension_attributes":{"website_ids":[1],"stock_item":{"qty":100,"is_in_stock":true}},` +
				`"reviewed_by":{"name":"Veronica Costello","email":"` + email + `"}}`)}
	}
	ctx := context.Background()
	now := time.Now().Truncate(time.Minute) // one minute's pairs in one bucket
	for m := 50; m >= 1; m-- {
		at := now.Add(-time.Duration(m) * time.Minute)
		tr.minutes++
		differed := false
		for i := range 20 {
			legacy := body("34", "2024-05-01 10:00:00", "roni_cost@example.com")
			candidate := legacy
			var noise *diff.Result
			switch {
			case m%9 == 4 && i < 3: // a burst of price rounding
				candidate = body("34.0000001", "2024-05-01 10:00:00", "veronica@example.com")
			case m%3 == 0 && i == 7:
				candidate = body("34", "2024-05-01 10:00:01", "roni_cost@example.com")
			}
			if i%4 == 0 { // Magento against itself
				again := body("34", "2024-05-01 10:00:00", "roni_cost@example.com")
				if i == 4 && m%2 == 0 {
					again = body("34", "2024-05-01 10:00:02", "roni_cost@example.com")
				}
				n := cmp.Compare(legacy, again)
				noise = &n
			}
			res := cmp.Compare(legacy, candidate)
			cmp.Sample(&res) // the receiver renders the redacted bodies of a pair it may keep
			tr.compared++
			if res.Match {
				tr.matched++
			} else {
				differed = true
			}
			obs := shadow.Observation{Route: "product-api", Method: "GET", Path: "/rest/V1/products/24-MB01",
				RequestID: fmt.Sprintf("req-%d-%d", m, i), At: at.Add(time.Duration(i) * time.Second), Served: shadow.SideLegacy,
				Result: &res, Noise: noise,
				Legacy: shadow.SideStats{Status: 200, Latency: time.Duration(180+i*7) * time.Millisecond},
				New:    shadow.SideStats{Status: 200, Latency: time.Duration(22+i) * time.Millisecond}}
			require.NoError(t, s.store.Record(ctx, obs))
			if i < 5 {
				same := cmp.Compare(legacy, legacy)
				require.NoError(t, s.store.Record(ctx, shadow.Observation{Route: "category-api", Method: "GET", Path: "/rest/V1/categories/12",
					At: obs.At, Served: shadow.SideNew, Result: &same,
					Legacy: shadow.SideStats{Status: 200, Latency: 90 * time.Millisecond}, New: shadow.SideStats{Status: 200, Latency: 12 * time.Millisecond}}))
			}
		}
		if differed {
			tr.minutesBelow++
		}
	}
	return tr
}

// traffic is what shadowTraffic recorded for product-api.
type traffic struct {
	compared, matched     int64
	minutes, minutesBelow int // minutes with comparisons; those with a difference (below 99.5 %)
}

// rateLimitTraffic asks the running rate limit service as Envoy would,
// for product-api's first limit: from one client, n times.
func (s *stack) rateLimitTraffic(n int) {
	t := s.t
	rls := rlsv3.NewRateLimitServiceClient(xdstest.Dial(t, s.rlAddr))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	d := &rlext.RateLimitDescriptor{Entries: []*rlext.RateLimitDescriptor_Entry{
		{Key: "limit", Value: "product-api#0"}, {Key: "remote_address", Value: "203.0.113.9"}}}
	require.Eventually(t, func() bool {
		_, err := rls.ShouldRateLimit(ctx, &rlsv3.RateLimitRequest{Domain: "strangler", Descriptors: []*rlext.RateLimitDescriptor{d}})
		return err == nil
	}, 5*time.Second, 20*time.Millisecond, "the rate limit service never answered")
	for range n - 1 {
		_, err := rls.ShouldRateLimit(ctx, &rlsv3.RateLimitRequest{Domain: "strangler", Descriptors: []*rlext.RateLimitDescriptor{d}})
		require.NoError(t, err)
	}
}

// cacheTraffic asks the running cache service as Envoy's ext_proc filter
// would, for category-api: a miss that the origin's answer fills, then a
// hit answered from the cache.
func (s *stack) cacheTraffic() {
	t := s.t
	client := extprocv3.NewExternalProcessorClient(xdstest.Dial(t, s.cache))
	header := func(kv ...string) *core.HeaderMap {
		m := &core.HeaderMap{}
		for i := 0; i+1 < len(kv); i += 2 {
			m.Headers = append(m.Headers, &core.HeaderValue{Key: kv[i], RawValue: []byte(kv[i+1])})
		}
		return m
	}
	request := &extprocv3.ProcessingRequest{Request: &extprocv3.ProcessingRequest_RequestHeaders{RequestHeaders: &extprocv3.HttpHeaders{
		Headers: header(":method", "GET", ":path", "/rest/V1/categories/12", ":authority", "shop.test", ":scheme", "https"), EndOfStream: true}}}
	open := func() (extprocv3.ExternalProcessor_ProcessClient, func() *extprocv3.ProcessingResponse) {
		ctx, cancel := context.WithTimeout(metadata.AppendToOutgoingContext(context.Background(), "x-strangler-route", "category-api"), 10*time.Second)
		t.Cleanup(cancel)
		stream, err := client.Process(ctx)
		require.NoError(t, err)
		next := func() *extprocv3.ProcessingResponse {
			for {
				a, err := stream.Recv()
				require.NoError(t, err)
				if a.GetOverrideMessageTimeout() == nil {
					return a
				}
			}
		}
		return stream, next
	}
	require.Eventually(t, func() bool {
		stream, next := open()
		require.NoError(t, stream.Send(request))
		a := next()
		if a.GetRequestHeaders() == nil { // answered from the cache already: filled by a try before
			return a.GetImmediateResponse() != nil
		}
		require.NoError(t, stream.Send(&extprocv3.ProcessingRequest{Request: &extprocv3.ProcessingRequest_ResponseHeaders{ResponseHeaders: &extprocv3.HttpHeaders{
			Headers: header(":status", "200", "content-type", "application/json", "cache-control", "public, max-age=600")}}}))
		if next().GetModeOverride() != nil {
			require.NoError(t, stream.Send(&extprocv3.ProcessingRequest{Request: &extprocv3.ProcessingRequest_ResponseBody{ResponseBody: &extprocv3.HttpBody{
				Body: []byte(`{"id":12,"name":"Gear","children_data":[]}`), EndOfStream: true}}}))
			next()
		}
		require.NoError(t, stream.CloseSend())
		_, err := stream.Recv()
		require.ErrorIs(t, err, io.EOF)

		stream, next = open()
		require.NoError(t, stream.Send(request))
		hit := next().GetImmediateResponse() != nil
		require.NoError(t, stream.CloseSend())
		return hit
	}, 10*time.Second, 50*time.Millisecond, "the cache service never answered a request from the cache")
}
