package edge

import "google.golang.org/protobuf/reflect/protoreflect"

// fieldRule says what the stand-in does with a field: use interprets it;
// any other value is the reason it is accepted and ignored.
type fieldRule string

const use fieldRule = ""

const (
	noStats       fieldRule = "the stand-in keeps no Envoy stats"
	noOverload    fieldRule = "not enforced: the stand-in has no overload protection"
	noRuntime     fieldRule = "the stand-in has no runtime layer; default values apply"
	noTuning      fieldRule = "connection tuning without effect on behaviour"
	onlyRE2       fieldRule = "RE2 (Go regexp) is the only engine"
	noLocality    fieldRule = "one locality: locality-aware balancing is not implemented"
	noJitter      fieldRule = "health check jitter only spreads load"
	noTraceSample fieldRule = "the stand-in does not trace"
)

// leafMessages are value types checked by whoever reads them.
var leafMessages = map[protoreflect.FullName]bool{
	"google.protobuf.Duration":    true,
	"google.protobuf.UInt32Value": true,
	"google.protobuf.UInt64Value": true,
	"google.protobuf.BoolValue":   true,
	"google.protobuf.Struct":      true, // access log json_format
	"google.protobuf.Value":       true,
	"google.protobuf.ListValue":   true,
	"google.protobuf.Empty":       true,
}

func fields(names ...protoreflect.Name) map[protoreflect.Name]fieldRule {
	m := make(map[protoreflect.Name]fieldRule, len(names))
	for _, n := range names {
		m[n] = use
	}
	return m
}

func with(m map[protoreflect.Name]fieldRule, name protoreflect.Name, r fieldRule) map[protoreflect.Name]fieldRule {
	m[name] = r
	return m
}

// subsetFields is the whole subset: every message type the stand-in accepts
// and, per type, the fields it reads. It is what strangler's translator
// emits (controlplane/*.go, testdata/*.golden.json) plus a few neighbours
// that cost a line each to honour (other string matchers, header removal).
var subsetFields = map[protoreflect.FullName]map[protoreflect.Name]fieldRule{
	// LDS
	"envoy.config.listener.v3.Listener": with(with(fields("name", "address", "filter_chains", "per_connection_buffer_limit_bytes"),
		"stat_prefix", noStats), "traffic_direction", noTuning),
	"envoy.config.core.v3.Address":       fields("socket_address"),
	"envoy.config.core.v3.SocketAddress": fields("protocol", "address", "port_value"),
	"envoy.config.listener.v3.FilterChain": with(fields("filters"),
		"name", noStats),
	"envoy.config.listener.v3.Filter": fields("name", "typed_config"),
	"envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager": with(fields(
		"codec_type", "rds", "route_config", "http_filters", "access_log", "use_remote_address",
		"xff_num_trusted_hops", "skip_xff_append", "generate_request_id", "preserve_external_request_id", "server_name"),
		"stat_prefix", noStats),
	"envoy.extensions.filters.network.http_connection_manager.v3.Rds": fields("config_source", "route_config_name"),
	"envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter": fields(
		"name", "typed_config", "is_optional", "disabled"),
	"envoy.config.core.v3.ConfigSource": with(fields("ads", "resource_api_version"),
		"initial_fetch_timeout", noTuning),
	"envoy.config.core.v3.AggregatedConfigSource":               fields(),
	"envoy.extensions.filters.http.router.v3.Router":            fields("suppress_envoy_headers"),
	"envoy.config.accesslog.v3.AccessLog":                       fields("name", "typed_config"),
	"envoy.extensions.access_loggers.stream.v3.StdoutAccessLog": fields("log_format"),
	"envoy.extensions.access_loggers.stream.v3.StderrAccessLog": fields("log_format"),
	"envoy.config.core.v3.SubstitutionFormatString":             fields("json_format", "omit_empty_values"),
	"envoy.extensions.filters.http.ratelimit.v3.RateLimit":      fields("domain", "stage", "timeout", "failure_mode_deny", "rate_limit_service", "enable_x_ratelimit_headers", "rate_limited_status", "status_on_error", "disable_x_envoy_ratelimited_header"),
	"envoy.config.ratelimit.v3.RateLimitServiceConfig":          fields("grpc_service", "transport_api_version"),
	"envoy.config.core.v3.GrpcService":                          fields("envoy_grpc", "timeout", "initial_metadata"),
	"envoy.config.core.v3.GrpcService.EnvoyGrpc":                fields("cluster_name", "authority"),
	"envoy.config.core.v3.HeaderValue":                          fields("key", "value", "raw_value"),
	"envoy.type.v3.HttpStatus":                                  fields("code"),
	"envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor": with(fields("grpc_service", "failure_mode_allow",
		"processing_mode", "message_timeout", "max_message_timeout", "mutation_rules", "allow_mode_override",
		"allowed_override_modes", "disable_immediate_response", "observability_mode", "disable_clear_route_cache",
		"route_cache_action", "deferred_close_timeout", "status_on_error", "allow_content_length_header"),
		"stat_prefix", noStats),
	"envoy.extensions.filters.http.ext_proc.v3.ProcessingMode": fields("request_header_mode", "response_header_mode",
		"request_body_mode", "response_body_mode", "request_trailer_mode", "response_trailer_mode"),
	"envoy.config.common.mutation_rules.v3.HeaderMutationRules": fields("allow_all_routing", "allow_envoy",
		"disallow_system", "disallow_all", "allow_expression", "disallow_expression", "disallow_is_error"),
	"envoy.type.matcher.v3.RegexMatcher":           with(fields("regex"), "google_re2", onlyRE2),
	"envoy.type.matcher.v3.RegexMatcher.GoogleRE2": with(fields(), "max_program_size", onlyRE2),

	// RDS
	"envoy.config.route.v3.RouteConfiguration": fields("name", "virtual_hosts", "validate_clusters"),
	"envoy.config.route.v3.VirtualHost": fields("name", "domains", "routes", "include_attempt_count_in_response",
		"rate_limits", "typed_per_filter_config"),
	"envoy.config.route.v3.Route": fields("name", "match", "route", "typed_per_filter_config",
		"request_headers_to_add", "request_headers_to_remove", "response_headers_to_add", "response_headers_to_remove"),
	"envoy.config.route.v3.RouteMatch":    fields("prefix", "path", "safe_regex", "headers", "runtime_fraction", "case_sensitive"),
	"envoy.config.route.v3.HeaderMatcher": fields("name", "string_match", "present_match", "invert_match"),
	"envoy.type.matcher.v3.StringMatcher": fields("exact", "prefix", "suffix", "contains", "safe_regex", "ignore_case"),
	"envoy.config.core.v3.RuntimeFractionalPercent": with(fields("default_value"),
		"runtime_key", noRuntime),
	"envoy.type.v3.FractionalPercent": fields("numerator", "denominator"),
	"envoy.config.route.v3.RouteAction": fields("cluster", "weighted_clusters", "cluster_not_found_response_code",
		"timeout", "retry_policy", "request_mirror_policies", "hash_policy", "rate_limits"),
	"envoy.config.route.v3.WeightedCluster": fields("clusters", "use_hash_policy"),
	"envoy.config.route.v3.WeightedCluster.ClusterWeight": fields("name", "weight",
		"request_headers_to_add", "request_headers_to_remove", "response_headers_to_add", "response_headers_to_remove"),
	"envoy.config.route.v3.RouteAction.HashPolicy":        fields("header", "cookie", "terminal"),
	"envoy.config.route.v3.RouteAction.HashPolicy.Header": fields("header_name"),
	"envoy.config.route.v3.RouteAction.HashPolicy.Cookie": fields("name"),
	"envoy.config.route.v3.RetryPolicy": fields("retry_on", "num_retries", "retry_priority",
		"retriable_status_codes", "retry_back_off"),
	"envoy.config.route.v3.RetryPolicy.RetryPriority":                                 fields("name", "typed_config"),
	"envoy.config.route.v3.RetryPolicy.RetryBackOff":                                  fields("base_interval", "max_interval"),
	"envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig": fields("update_frequency"),
	"envoy.config.route.v3.RouteAction.RequestMirrorPolicy": with(fields("cluster", "runtime_fraction",
		"disable_shadow_host_suffix_append", "request_headers_mutations"),
		"trace_sampled", noTraceSample),
	"envoy.config.common.mutation_rules.v3.HeaderMutation":      fields("append", "remove"),
	"envoy.config.core.v3.HeaderValueOption":                    fields("header", "append", "append_action", "keep_empty_value"),
	"envoy.config.route.v3.RateLimit":                           fields("actions", "stage"),
	"envoy.config.route.v3.RateLimit.Action":                    fields("generic_key", "remote_address", "request_headers"),
	"envoy.config.route.v3.RateLimit.Action.GenericKey":         fields("descriptor_value", "descriptor_key"),
	"envoy.config.route.v3.RateLimit.Action.RemoteAddress":      fields(),
	"envoy.config.route.v3.RateLimit.Action.RequestHeaders":     fields("header_name", "descriptor_key", "skip_if_absent"),
	"envoy.config.route.v3.FilterConfig":                        fields("config", "is_optional", "disabled"),
	"envoy.extensions.filters.http.ext_proc.v3.ExtProcPerRoute": fields("disabled", "overrides"),
	"envoy.extensions.filters.http.ext_proc.v3.ExtProcOverrides": fields("processing_mode", "grpc_service",
		"grpc_initial_metadata", "failure_mode_allow"),

	// CDS
	"envoy.config.cluster.v3.Cluster": with(with(with(fields("name", "type", "cluster_type", "eds_cluster_config",
		"connect_timeout", "lb_policy", "load_assignment", "health_checks", "outlier_detection", "dns_lookup_family",
		"dns_refresh_rate", "typed_extension_protocol_options", "upstream_connection_options", "transport_socket",
		"common_lb_config"),
		"circuit_breakers", noOverload), "per_connection_buffer_limit_bytes", noTuning), "alt_stat_name", noStats),
	"envoy.config.cluster.v3.Cluster.CustomClusterType":    fields("name", "typed_config"),
	"envoy.extensions.clusters.aggregate.v3.ClusterConfig": fields("clusters"),
	"envoy.config.cluster.v3.Cluster.EdsClusterConfig":     fields("eds_config", "service_name"),
	"envoy.config.cluster.v3.Cluster.CommonLbConfig":       fields("healthy_panic_threshold"),
	"envoy.type.v3.Percent":                                fields("value"),
	"envoy.config.endpoint.v3.ClusterLoadAssignment":       fields("cluster_name", "endpoints"),
	"envoy.config.endpoint.v3.LocalityLbEndpoints": with(fields("lb_endpoints", "priority"),
		"locality", noLocality),
	"envoy.config.endpoint.v3.LbEndpoint": fields("endpoint", "health_status"),
	"envoy.config.endpoint.v3.Endpoint": with(fields("address"),
		"hostname", noStats),
	"envoy.config.core.v3.HealthCheck": with(with(with(with(fields("timeout", "interval", "unhealthy_threshold",
		"healthy_threshold", "http_health_check", "no_traffic_interval"),
		"reuse_connection", noTuning), "initial_jitter", noJitter), "interval_jitter", noJitter), "interval_jitter_percent", noJitter),
	"envoy.config.core.v3.HealthCheck.HttpHealthCheck": fields("path", "host", "expected_statuses"),
	"envoy.type.v3.Int64Range":                         fields("start", "end"),
	"envoy.config.cluster.v3.OutlierDetection": fields("consecutive_5xx", "interval", "base_ejection_time",
		"max_ejection_percent", "enforcing_consecutive_5xx", "max_ejection_time"),
	"envoy.extensions.upstreams.http.v3.HttpProtocolOptions":                    fields("explicit_http_config"),
	"envoy.extensions.upstreams.http.v3.HttpProtocolOptions.ExplicitHttpConfig": fields("http_protocol_options", "http2_protocol_options"),
	"envoy.config.core.v3.Http1ProtocolOptions":                                 fields(),
	"envoy.config.core.v3.Http2ProtocolOptions":                                 fields(),
	"envoy.config.cluster.v3.UpstreamConnectionOptions":                         fields("tcp_keepalive"),
	"envoy.config.core.v3.TcpKeepalive":                                         fields("keepalive_probes", "keepalive_time", "keepalive_interval"),
	"envoy.config.core.v3.TransportSocket":                                      fields("name", "typed_config"),
	"envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext":              fields("common_tls_context", "sni"),
	"envoy.extensions.transport_sockets.tls.v3.CommonTlsContext":                fields("validation_context"),
	"envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext":    fields("trusted_ca", "match_typed_subject_alt_names"),
	"envoy.config.core.v3.DataSource":                                           fields("filename", "inline_bytes", "inline_string"),
	"envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher":           fields("san_type", "matcher"),
}
