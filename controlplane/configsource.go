package controlplane

import core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"

// adsSource says "fetch this over the ADS stream Envoy already has open", for
// RDS, EDS, CDS and LDS alike: one stream means Envoy applies updates in the
// order the server sends them, with no race between separate connections.
func adsSource() *core.ConfigSource {
	return &core.ConfigSource{
		ConfigSourceSpecifier: &core.ConfigSource_Ads{Ads: &core.AggregatedConfigSource{}},
		ResourceApiVersion:    core.ApiVersion_V3,
	}
}
