package edge

import (
	"crypto/tls"
	"errors"
	"fmt"
	"strconv"
	"time"

	cluster "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	aggregate "github.com/envoyproxy/go-control-plane/envoy/extensions/clusters/aggregate/v3"
	upstreamhttp "github.com/envoyproxy/go-control-plane/envoy/extensions/upstreams/http/v3"
)

const (
	aggregateClusterType   = "envoy.clusters.aggregate"
	httpProtocolOptionsKey = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions"
	// Cluster.connect_timeout "defaults to 5s"; dns_refresh_rate to 5000ms;
	// CommonLbConfig.healthy_panic_threshold to 50%.
	defaultConnectTimeout = 5 * time.Second
	defaultDNSRefresh     = 5 * time.Second
	defaultPanicThreshold = 50.0
)

type clusterKind int

const (
	kindEDS clusterKind = iota
	kindStatic
	kindStrictDNS
	kindAggregate
)

// clusterSpec is a compiled Cluster.
type clusterSpec struct {
	name           string
	kind           clusterKind
	edsName        string         // EDS: the ClusterLoadAssignment to subscribe to
	endpoints      []endpointSpec // STATIC, STRICT_DNS: inline load_assignment
	aggregate      []string       // aggregate: its clusters, in priority order
	connectTimeout time.Duration
	http2          bool // explicit HTTP/2: a gRPC target
	healthCheck    *healthCheckSpec
	outlier        *outlierSpec
	dnsFamily      cluster.Cluster_DnsLookupFamily
	dnsRefresh     time.Duration
	keepalive      *core.TcpKeepalive
	tls            *tls.Config
	panicThreshold float64
}

func compileCluster(c *cluster.Cluster) (*clusterSpec, error) {
	if err := checkSubset(c, "cluster "+strconv.Quote(c.GetName())); err != nil {
		return nil, err
	}
	s, err := compileClusterBody(c)
	if err != nil {
		return nil, fmt.Errorf("cluster %q: %w", c.GetName(), err)
	}
	return s, nil
}

func compileClusterBody(c *cluster.Cluster) (*clusterSpec, error) {
	s := &clusterSpec{
		name: c.GetName(), connectTimeout: defaultConnectTimeout, dnsFamily: c.GetDnsLookupFamily(),
		dnsRefresh: defaultDNSRefresh, keepalive: c.GetUpstreamConnectionOptions().GetTcpKeepalive(),
		panicThreshold: defaultPanicThreshold,
	}
	if t := c.GetConnectTimeout(); t != nil {
		s.connectTimeout = t.AsDuration()
	}
	if r := c.GetDnsRefreshRate(); r != nil {
		s.dnsRefresh = r.AsDuration()
	}
	if p := c.GetCommonLbConfig().GetHealthyPanicThreshold(); p != nil {
		s.panicThreshold = p.GetValue()
	}
	if err := s.discovery(c); err != nil {
		return nil, err
	}
	if err := s.lbPolicy(c.GetLbPolicy()); err != nil {
		return nil, err
	}
	var err error
	if s.http2, err = explicitHTTP2(c); err != nil {
		return nil, err
	}
	if hcs := c.GetHealthChecks(); len(hcs) > 0 {
		if len(hcs) > 1 {
			return nil, errors.New("health_checks: the stand-in runs one health check per cluster")
		}
		if s.healthCheck, err = compileHealthCheck(hcs[0], s.name); err != nil {
			return nil, fmt.Errorf("health_checks[0]: %w", err)
		}
	}
	if od := c.GetOutlierDetection(); od != nil {
		s.outlier = compileOutlier(od)
	}
	if ts := c.GetTransportSocket(); ts != nil {
		if s.tls, err = compileUpstreamTLS(ts); err != nil {
			return nil, fmt.Errorf("transport_socket: %w", err)
		}
	}
	if s.kind == kindAggregate && (s.healthCheck != nil || s.tls != nil || s.outlier != nil) {
		return nil, errors.New("an aggregate cluster has no hosts of its own: health_checks, outlier_detection and transport_socket belong on its clusters")
	}
	return s, nil
}

// discovery reads the service discovery type: EDS over ADS, STATIC and
// STRICT_DNS with an inline load_assignment, or the aggregate cluster.
func (s *clusterSpec) discovery(c *cluster.Cluster) error {
	if ct := c.GetClusterType(); ct != nil {
		if ct.GetName() != aggregateClusterType {
			return fmt.Errorf("cluster_type %q: only %s is implemented", ct.GetName(), aggregateClusterType)
		}
		cfg := &aggregate.ClusterConfig{}
		if err := ct.GetTypedConfig().UnmarshalTo(cfg); err != nil {
			return fmt.Errorf("cluster_type.typed_config: %w", err)
		}
		if len(cfg.GetClusters()) == 0 {
			return errors.New("cluster_type: an aggregate cluster needs clusters")
		}
		s.kind, s.aggregate = kindAggregate, cfg.GetClusters()
		return nil
	}
	switch c.GetType() {
	case cluster.Cluster_EDS:
		src := c.GetEdsClusterConfig().GetEdsConfig()
		if src.GetAds() == nil {
			return errors.New("eds_cluster_config.eds_config: only ads {} is supported")
		}
		s.kind, s.edsName = kindEDS, c.GetEdsClusterConfig().GetServiceName()
		if s.edsName == "" {
			s.edsName = c.GetName() // EdsClusterConfig.service_name defaults to the cluster name
		}
		return nil
	case cluster.Cluster_STATIC, cluster.Cluster_STRICT_DNS:
		eps, err := compileLoadAssignment(c.GetLoadAssignment(), c.GetType() == cluster.Cluster_STATIC)
		if err != nil {
			return fmt.Errorf("load_assignment: %w", err)
		}
		s.kind, s.endpoints = kindStatic, eps
		if c.GetType() == cluster.Cluster_STRICT_DNS {
			s.kind = kindStrictDNS
		}
		return nil
	}
	return fmt.Errorf("type %s: the stand-in implements EDS, STATIC, STRICT_DNS and the aggregate cluster", c.GetType())
}

// lbPolicy: round robin, or CLUSTER_PROVIDED for the aggregate cluster
// (arch_overview/upstream/aggregate_cluster's example).
func (s *clusterSpec) lbPolicy(p cluster.Cluster_LbPolicy) error {
	switch {
	case s.kind == kindAggregate && (p == cluster.Cluster_CLUSTER_PROVIDED || p == cluster.Cluster_ROUND_ROBIN):
		return nil
	case s.kind != kindAggregate && p == cluster.Cluster_ROUND_ROBIN:
		return nil
	}
	return fmt.Errorf("lb_policy %s: the stand-in balances round robin (CLUSTER_PROVIDED for aggregates)", p)
}

// explicitHTTP2 reads typed_extension_protocol_options: explicit HTTP/2
// makes the cluster a gRPC target, anything else is HTTP/1.1.
func explicitHTTP2(c *cluster.Cluster) (bool, error) {
	for key, a := range c.GetTypedExtensionProtocolOptions() {
		if key != httpProtocolOptionsKey {
			return false, fmt.Errorf("typed_extension_protocol_options[%q]: only %s is supported", key, httpProtocolOptionsKey)
		}
		opts := &upstreamhttp.HttpProtocolOptions{}
		if err := a.UnmarshalTo(opts); err != nil {
			return false, fmt.Errorf("typed_extension_protocol_options: %w", err)
		}
		explicit := opts.GetExplicitHttpConfig()
		if explicit == nil {
			return false, errors.New("typed_extension_protocol_options: only explicit_http_config is supported")
		}
		return explicit.GetHttp2ProtocolOptions() != nil, nil
	}
	return false, nil
}
