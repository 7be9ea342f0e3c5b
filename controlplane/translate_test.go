package controlplane

import (
	"testing"
	"time"

	cluster "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	endpoint "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	listener "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	hcm "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	tlsv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/transport_sockets/tls/v3"
	"github.com/envoyproxy/go-control-plane/pkg/cache/types"
	cache "github.com/envoyproxy/go-control-plane/pkg/cache/v3"
	"github.com/envoyproxy/go-control-plane/pkg/wellknown"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strangler-dev/strangler/routes"
)

func translate(t *testing.T, f *routes.File) *Resources {
	t.Helper()
	res, err := Translate(f)
	require.NoError(t, err)
	requireValid(t, res)
	return res
}

func routeEntries(t *testing.T, res *Resources) []*route.Route {
	t.Helper()
	require.Len(t, res.Routes, 1)
	rc := res.Routes[0].(*route.RouteConfiguration)
	require.Equal(t, RouteConfigName, rc.Name)
	require.Len(t, rc.VirtualHosts, 1)
	require.Equal(t, []string{"*"}, rc.VirtualHosts[0].Domains)
	return rc.VirtualHosts[0].Routes
}

func entryNames(rs []*route.Route) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Name)
	}
	return out
}

func findCluster(res *Resources, name string) *cluster.Cluster {
	for _, r := range res.Clusters {
		if c := r.(*cluster.Cluster); c.Name == name {
			return c
		}
	}
	return nil
}

func TestRouteOrderPreviewFirstCatchAllLast(t *testing.T) {
	rs := routeEntries(t, translate(t, exampleFile()))
	assert.Equal(t, []string{
		"product-api/preview-new", "product-api/preview-legacy", "product-api",
		"categories-api", "orders-api", CatchAllRouteName,
	}, entryNames(rs))
	last := rs[len(rs)-1]
	assert.Equal(t, "/", last.Match.GetPrefix())
	assert.Equal(t, "magento", last.GetRoute().GetCluster())
}

func TestPreviewEntries(t *testing.T) {
	rs := routeEntries(t, translate(t, exampleFile()))
	newSide, legacySide, main := rs[0], rs[1], rs[2]
	// The route's own conditions plus the preview header.
	require.Len(t, newSide.Match.Headers, len(main.Match.Headers)+1)
	h := newSide.Match.Headers[len(newSide.Match.Headers)-1]
	assert.Equal(t, "X-Strangler-Preview", h.Name)
	assert.Equal(t, routes.PreviewNew, h.GetStringMatch().GetExact())
	assert.Equal(t, routes.PreviewLegacy, legacySide.Match.Headers[len(legacySide.Match.Headers)-1].GetStringMatch().GetExact())
	assert.Equal(t, main.Match.GetPrefix(), newSide.Match.GetPrefix())
	// Preview-new shows the real service, not the fallback aggregate.
	assert.Equal(t, "catalog", newSide.GetRoute().GetCluster())
	assert.Nil(t, newSide.GetRoute().RetryPolicy)
	assert.Equal(t, "magento", legacySide.GetRoute().GetCluster())
	assert.Equal(t, 5*time.Second, newSide.GetRoute().Timeout.AsDuration())
	assert.Equal(t, 60*time.Second, legacySide.GetRoute().Timeout.AsDuration())
}

func TestSplitShapes(t *testing.T) {
	for _, tc := range []struct {
		percent routes.Percent
		cluster string // plain cluster; "" for a weighted split
	}{{0, "magento"}, {1, ""}, {2500, ""}, {9999, ""}, {routes.Full, "catalog"}} {
		f := exampleFile()
		r := f.Routes[2]
		r.To, r.Percent = "catalog", tc.percent
		a := routeEntries(t, translate(t, f))[4].GetRoute()
		if tc.cluster != "" {
			assert.Equal(t, tc.cluster, a.GetCluster(), "percent %s", tc.percent)
			continue
		}
		wc := a.GetWeightedClusters()
		require.NotNil(t, wc, "percent %s", tc.percent)
		require.Len(t, wc.Clusters, 2)
		assert.Equal(t, "catalog", wc.Clusters[0].Name, "new side first")
		assert.Equal(t, uint32(tc.percent), wc.Clusters[0].Weight.GetValue())
		assert.Equal(t, "magento", wc.Clusters[1].Name)
		assert.Equal(t, uint32(10000), wc.Clusters[0].Weight.GetValue()+wc.Clusters[1].Weight.GetValue())
		assert.Nil(t, wc.TotalWeight) //nolint:staticcheck // asserting the deprecated field stays unset
		assert.Equal(t, 60*time.Second, a.Timeout.AsDuration(), "split timeout is the larger of the two")
	}
}

// pick is Envoy's choice among weighted clusters for a selection value (the
// hash with use_hash_policy): the first cluster whose cumulative interval
// holds value % total (weighted_cluster_specifier.cc, pickWeightedCluster).
func pick(wc *route.WeightedCluster, value uint64) string {
	var total uint64
	for _, c := range wc.Clusters {
		total += uint64(c.Weight.GetValue())
	}
	v, end := value%total, uint64(0)
	for _, c := range wc.Clusters {
		end += uint64(c.Weight.GetValue())
		if v < end {
			return c.Name
		}
	}
	return ""
}

// TestStickyRaiseOnlyMovesLegacyUsers: with our cluster order, raising the
// percent never sends a user who was on the new side back to legacy.
func TestStickyRaiseOnlyMovesLegacyUsers(t *testing.T) {
	steps := []routes.Percent{100, 1000, 2500, 5000, 7500, 9900}
	var prev *route.WeightedCluster
	for _, p := range steps {
		f := exampleFile()
		f.Routes[0].Percent, f.Routes[0].Fallback = p, false
		a := routeEntries(t, translate(t, f))[2].GetRoute()
		wc := a.GetWeightedClusters()
		require.True(t, wc.GetUseHashPolicy().GetValue())
		require.Len(t, a.HashPolicy, 1)
		assert.Equal(t, "PHPSESSID", a.HashPolicy[0].GetCookie().GetName())
		assert.Nil(t, a.HashPolicy[0].GetCookie().GetTtl(), "no ttl: Envoy must not mint cookies")
		if prev != nil {
			for h := uint64(0); h < 20000; h += 7 {
				if pick(prev, h) == "catalog" {
					require.Equal(t, "catalog", pick(wc, h), "hash %d moved back to legacy at %s", h, p)
				}
			}
		}
		prev = wc
	}
}

func TestStickyHeaderAndNoHashOutsideSplits(t *testing.T) {
	f := exampleFile()
	f.Routes[0].Sticky = &routes.Sticky{Header: "X-Customer-Id"}
	f.Routes[1].Sticky = &routes.Sticky{Cookie: "PHPSESSID"} // at 100 %
	rs := routeEntries(t, translate(t, f))
	assert.Equal(t, "X-Customer-Id", rs[2].GetRoute().HashPolicy[0].GetHeader().GetHeaderName())
	assert.Empty(t, rs[3].GetRoute().HashPolicy, "no split, nothing to hash for")
}

func TestFallback(t *testing.T) {
	res := translate(t, exampleFile())
	agg := findCluster(res, FallbackClusterName("catalog", "magento"))
	require.NotNil(t, agg)
	assert.Equal(t, cluster.Cluster_CLUSTER_PROVIDED, agg.LbPolicy)
	assert.Equal(t, "envoy.clusters.aggregate", agg.GetClusterType().Name)
	assert.NotNil(t, agg.CircuitBreakers.Thresholds[0].RetryBudget, "retries are counted on the aggregate")

	main := routeEntries(t, res)[2].GetRoute()
	assert.Equal(t, agg.Name, main.GetWeightedClusters().Clusters[0].Name)
	rp := main.RetryPolicy
	require.NotNil(t, rp)
	assert.Equal(t, "5xx,reset,connect-failure", rp.RetryOn)
	assert.Equal(t, uint32(1), rp.NumRetries.GetValue())
	assert.Equal(t, "envoy.retry_priorities.previous_priorities", rp.RetryPriority.Name)
	assert.Equal(t, 60*time.Second, main.Timeout.AsDuration())

	// At 0 % the aggregate stays (a later percent change is RDS only) but the
	// route is plain legacy without retries.
	f := exampleFile()
	f.Routes[0].Percent = 0
	res0 := translate(t, f)
	assert.NotNil(t, findCluster(res0, agg.Name))
	a0 := routeEntries(t, res0)[2].GetRoute()
	assert.Equal(t, "magento", a0.GetCluster())
	assert.Nil(t, a0.RetryPolicy)
}

func TestFallbackAggregatesAreShared(t *testing.T) {
	f := exampleFile()
	f.Routes[1].Fallback = true // same (catalog, magento) pair as product-api
	res := translate(t, f)
	var aggregates []string
	for _, r := range res.Clusters {
		if c := r.(*cluster.Cluster); c.GetClusterType() != nil {
			aggregates = append(aggregates, c.Name)
		}
	}
	assert.Equal(t, []string{"fallback_catalog_magento"}, aggregates)
}

func TestMatchConditions(t *testing.T) {
	rs := routeEntries(t, translate(t, exampleFile()))
	h := rs[2].Match.Headers
	require.Len(t, h, 3)
	assert.Equal(t, ":method", h[0].Name)
	assert.Equal(t, "^(GET|HEAD)$", h[0].GetStringMatch().GetSafeRegex().Regex)
	assert.Equal(t, ":authority", h[1].Name)
	assert.Equal(t, `(?i)^shop\.example\.com(:[0-9]+)?$`, h[1].GetStringMatch().GetSafeRegex().Regex)
	assert.Equal(t, "Store", h[2].Name)
	assert.Equal(t, "default", h[2].GetStringMatch().GetExact())
	assert.Equal(t, "/rest/V1/orders", rs[4].Match.GetPath())

	f := exampleFile()
	f.Routes[2].Match = routes.Match{Regex: `^/rest/V1/orders/[0-9]+$`}
	assert.Equal(t, `^/rest/V1/orders/[0-9]+$`, routeEntries(t, translate(t, f))[4].Match.GetSafeRegex().Regex)
}

func TestClusters(t *testing.T) {
	res := translate(t, exampleFile())
	assert.Equal(t, []string{"catalog", "fallback_catalog_magento", "magento", "orders"}, resourceNames(res.Clusters))
	assert.Equal(t, []string{"catalog", "orders"}, resourceNames(res.Endpoints), "EDS only for all-IP backends")

	cat := findCluster(res, "catalog")
	assert.Equal(t, cluster.Cluster_EDS, cat.GetType())
	assert.Nil(t, cat.LoadAssignment)
	hc := cat.HealthChecks[0]
	assert.Equal(t, 500*time.Millisecond, hc.Timeout.AsDuration(), "timeout is min(1s, interval)")
	assert.Empty(t, hc.GetHttpHealthCheck().Host, "no name to send for an IP backend")

	mag := findCluster(res, "magento")
	assert.Equal(t, cluster.Cluster_STRICT_DNS, mag.GetType())
	assert.Equal(t, cluster.Cluster_V4_PREFERRED, mag.DnsLookupFamily)
	assert.Equal(t, "magento.internal", mag.LoadAssignment.Endpoints[0].LbEndpoints[0].GetEndpoint().Address.GetSocketAddress().Address)
	assert.Equal(t, time.Second, mag.HealthChecks[0].Timeout.AsDuration())
	assert.Equal(t, "magento.internal", mag.HealthChecks[0].GetHttpHealthCheck().Host)

	cla := res.Endpoints[0].(*endpoint.ClusterLoadAssignment)
	assert.Len(t, cla.Endpoints[0].LbEndpoints, 2)
	assert.Empty(t, findCluster(res, "orders").HealthChecks)
}

func TestTLS(t *testing.T) {
	f := exampleFile()
	f.Backends["magento"].TLS = true
	res := translate(t, f)
	ts := findCluster(res, "magento").TransportSocket
	require.NotNil(t, ts)
	assert.Equal(t, wellknown.TransportSocketTLS, ts.Name)
	ctx := &tlsv3.UpstreamTlsContext{}
	require.NoError(t, ts.GetTypedConfig().UnmarshalTo(ctx))
	assert.Equal(t, "magento.internal", ctx.Sni)
	vc := ctx.CommonTlsContext.GetValidationContext()
	assert.Equal(t, "/etc/ssl/certs/ca-certificates.crt", vc.TrustedCa.GetFilename())
	assert.Equal(t, "magento.internal", vc.MatchTypedSubjectAltNames[0].Matcher.GetExact())
	assert.Nil(t, findCluster(res, "catalog").TransportSocket)
}

func TestListener(t *testing.T) {
	res := translate(t, exampleFile())
	require.Len(t, res.Listeners, 1)
	l := res.Listeners[0].(*listener.Listener)
	assert.Equal(t, ListenerName, l.Name)
	assert.Equal(t, uint32(10000), l.Address.GetSocketAddress().GetPortValue())
	mgr := &hcm.HttpConnectionManager{}
	require.NoError(t, l.FilterChains[0].Filters[0].GetTypedConfig().UnmarshalTo(mgr))
	assert.Equal(t, RouteConfigName, mgr.GetRds().RouteConfigName)
	assert.NotNil(t, mgr.GetRds().ConfigSource.GetAds())
	assert.Equal(t, uint32(1), mgr.XffNumTrustedHops)
	assert.True(t, mgr.UseRemoteAddress.GetValue())
	assert.Equal(t, wellknown.Router, mgr.HttpFilters[len(mgr.HttpFilters)-1].Name)
	assert.Equal(t, "envoy.access_loggers.stdout", mgr.AccessLog[0].Name)
}

func TestTimeoutDefaults(t *testing.T) {
	rs := routeEntries(t, translate(t, exampleFile()))
	// orders-api at 0 % is served by magento (60s); orders sets no timeout.
	assert.Equal(t, 60*time.Second, rs[4].GetRoute().Timeout.AsDuration())
	f := exampleFile()
	f.Routes[2].Percent = routes.Full
	rs = routeEntries(t, translate(t, f))
	assert.Equal(t, routes.DefaultTimeout, rs[4].GetRoute().Timeout.AsDuration())
}

func TestTranslateRejectsBrokenInvariants(t *testing.T) {
	for name, breakIt := range map[string]func(*routes.File){
		"unknown to":        func(f *routes.File) { f.Routes[0].To = "nowhere" },
		"unknown legacy":    func(f *routes.File) { f.Legacy = "nowhere" },
		"percent over 100":  func(f *routes.File) { f.Routes[1].Percent = 10001 },
		"two path matchers": func(f *routes.File) { f.Routes[2].Match.Prefix = "/x" },
		"no endpoints":      func(f *routes.File) { f.Backends["orders"].Endpoints = nil },
		"empty sticky":      func(f *routes.File) { f.Routes[0].Sticky = &routes.Sticky{} },
	} {
		t.Run(name, func(t *testing.T) {
			f := exampleFile()
			breakIt(f)
			_, err := Translate(f)
			require.Error(t, err)
		})
	}
	_, err := Translate(nil)
	require.Error(t, err)
}

func resourceNames(rs []types.Resource) []string {
	var out []string
	for _, r := range rs {
		out = append(out, cache.GetResourceName(r))
	}
	return out
}
