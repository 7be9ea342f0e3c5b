package edge

import (
	"errors"
	"fmt"
	"time"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
)

// grpcServiceSpec is a filter's GrpcService: an Envoy cluster to call over
// gRPC (envoy_grpc; google_grpc is outside the subset).
type grpcServiceSpec struct {
	cluster   string
	authority string        // :authority, the cluster name by default
	timeout   time.Duration // per call; 0: none
	metadata  []metadataPair
}

type metadataPair struct{ key, value string }

func compileGrpcService(g *core.GrpcService) (grpcServiceSpec, error) {
	eg := g.GetEnvoyGrpc()
	if eg == nil {
		return grpcServiceSpec{}, errors.New("grpc_service: envoy_grpc is required")
	}
	s := grpcServiceSpec{cluster: eg.GetClusterName(), authority: eg.GetAuthority()}
	if s.authority == "" {
		// GrpcService.EnvoyGrpc.authority: "If not set, the cluster name is used."
		s.authority = s.cluster
	}
	if t := g.GetTimeout(); t != nil {
		s.timeout = t.AsDuration()
	}
	md, err := metadataPairs(g.GetInitialMetadata())
	if err != nil {
		return grpcServiceSpec{}, fmt.Errorf("grpc_service.initial_metadata: %w", err)
	}
	s.metadata = md
	return s, nil
}

func metadataPairs(hs []*core.HeaderValue) ([]metadataPair, error) {
	out := make([]metadataPair, 0, len(hs))
	for _, h := range hs {
		v, err := headerValueText(h)
		if err != nil {
			return nil, err
		}
		out = append(out, metadataPair{key: h.GetKey(), value: v})
	}
	return out, nil
}

// headerValueText reads a HeaderValue from configuration: value or
// raw_value, never both (HeaderValue: "Only one of value or raw_value can
// be set").
func headerValueText(h *core.HeaderValue) (string, error) {
	if h.GetValue() != "" && len(h.GetRawValue()) > 0 {
		return "", fmt.Errorf("header %q: only one of value or raw_value may be set", h.GetKey())
	}
	if len(h.GetRawValue()) > 0 {
		return string(h.GetRawValue()), nil
	}
	return h.GetValue(), nil
}
