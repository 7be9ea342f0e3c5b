package edge

import (
	"errors"
	"fmt"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	hcm "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
)

// defaultServerName is what Envoy writes into the server response header
// when server_name is unset (HttpConnectionManager.server_name, with the
// default server_header_transformation OVERWRITE).
const defaultServerName = "envoy"

// hcmSpec is a compiled HTTP connection manager.
type hcmSpec struct {
	codec                     hcm.HttpConnectionManager_CodecType
	rdsName                   string      // RDS route configuration, or
	inline                    *routeTable // route_config given inline
	useRemoteAddress          bool
	xffTrustedHops            uint32
	skipXFFAppend             bool
	generateRequestID         bool
	preserveExternalRequestID bool
	serverName                string
	filters                   []*filterSpec // in order, router excluded
	suppressEnvoyHeaders      bool          // router.suppress_envoy_headers
	accessLogs                []*accessLogSpec
}

func compileHCM(m *hcm.HttpConnectionManager) (*hcmSpec, error) {
	s := &hcmSpec{
		codec:                     m.GetCodecType(),
		useRemoteAddress:          m.GetUseRemoteAddress().GetValue(),
		xffTrustedHops:            m.GetXffNumTrustedHops(),
		skipXFFAppend:             m.GetSkipXffAppend(),
		generateRequestID:         true, // generate_request_id defaults to true
		preserveExternalRequestID: m.GetPreserveExternalRequestId(),
		serverName:                defaultServerName,
	}
	if v := m.GetGenerateRequestId(); v != nil {
		s.generateRequestID = v.GetValue()
	}
	if m.GetServerName() != "" {
		s.serverName = m.GetServerName()
	}
	if err := s.routeSource(m); err != nil {
		return nil, err
	}
	filters, suppress, err := compileHTTPFilters(m.GetHttpFilters())
	if err != nil {
		return nil, err
	}
	s.filters, s.suppressEnvoyHeaders = filters, suppress
	for i, al := range m.GetAccessLog() {
		spec, err := compileAccessLog(al)
		if err != nil {
			return nil, fmt.Errorf("access_log[%d]: %w", i, err)
		}
		s.accessLogs = append(s.accessLogs, spec)
	}
	return s, nil
}

// routeSource: RDS over ADS (what strangler serves) or an inline
// route_config (what its static bootstrap holds).
func (s *hcmSpec) routeSource(m *hcm.HttpConnectionManager) error {
	switch rs := m.GetRouteSpecifier().(type) {
	case *hcm.HttpConnectionManager_Rds:
		src := rs.Rds.GetConfigSource()
		if src.GetAds() == nil {
			return errors.New("rds.config_source: only ads {} is supported (the stand-in has one ADS stream)")
		}
		if v := src.GetResourceApiVersion(); v != core.ApiVersion_V3 && v != core.ApiVersion_AUTO {
			return fmt.Errorf("rds.config_source.resource_api_version %s: only V3", v)
		}
		s.rdsName = rs.Rds.GetRouteConfigName()
		return nil
	case *hcm.HttpConnectionManager_RouteConfig:
		table, err := compileRouteTable(rs.RouteConfig)
		if err != nil {
			return fmt.Errorf("route_config: %w", err)
		}
		s.inline = table
		return nil
	}
	return errors.New("route_specifier: rds or route_config is required")
}
