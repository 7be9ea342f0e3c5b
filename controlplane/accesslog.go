package controlplane

import (
	accesslog "github.com/envoyproxy/go-control-plane/envoy/config/accesslog/v3"
	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	stream "github.com/envoyproxy/go-control-plane/envoy/extensions/access_loggers/stream/v3"
	"google.golang.org/protobuf/types/known/structpb"
)

const stdoutAccessLogName = "envoy.access_loggers.stdout"

// accessLogFields is one JSON object per request, so logs can be queried per
// route and per side: route_name says which route entry (or preview entry)
// matched and upstream_cluster whether legacy, the new service or the
// fallback aggregate served it.
var accessLogFields = map[string]any{
	"start_time":       "%START_TIME%",
	"method":           "%REQ(:METHOD)%",
	"path":             "%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%",
	"protocol":         "%PROTOCOL%",
	"response_code":    "%RESPONSE_CODE%",
	"response_flags":   "%RESPONSE_FLAGS%",
	"bytes_received":   "%BYTES_RECEIVED%",
	"bytes_sent":       "%BYTES_SENT%",
	"duration_ms":      "%DURATION%",
	"upstream_cluster": "%UPSTREAM_CLUSTER%",
	"upstream_host":    "%UPSTREAM_HOST%",
	"x_request_id":     "%REQ(X-REQUEST-ID)%",
	"authority":        "%REQ(:AUTHORITY)%",
	"user_agent":       "%REQ(USER-AGENT)%",
	"route_name":       "%ROUTE_NAME%",
}

// stdoutAccessLog writes the JSON access log to Envoy's stdout, where the
// container runtime collects it.
func stdoutAccessLog() *accesslog.AccessLog {
	format, err := structpb.NewStruct(accessLogFields)
	if err != nil {
		panic("controlplane: access log fields: " + err.Error()) // string values only
	}
	return &accesslog.AccessLog{
		Name: stdoutAccessLogName,
		ConfigType: &accesslog.AccessLog_TypedConfig{TypedConfig: typed(&stream.StdoutAccessLog{
			AccessLogFormat: &stream.StdoutAccessLog_LogFormat{LogFormat: &core.SubstitutionFormatString{
				Format: &core.SubstitutionFormatString_JsonFormat{JsonFormat: format},
			}},
		})},
	}
}
