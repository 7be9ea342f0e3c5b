package xds

import (
	"errors"
	"fmt"

	endpoint "github.com/envoyproxy/go-control-plane/envoy/config/endpoint/v3"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
)

// DecodeResources unpacks a discovery response's resources as Envoy does
// before using them, for the clients that stand in for Envoy (the edge
// stand-in, the test clients): a resource of another type, one that does
// not decode, fails its proto validation rules (including those of the
// typed configs packed inside it) or repeats a name is a NACK.
func DecodeResources(typeURL string, anys []*anypb.Any) (map[string]proto.Message, error) {
	out := make(map[string]proto.Message, len(anys))
	for i, a := range anys {
		if a.GetTypeUrl() != typeURL {
			return nil, fmt.Errorf("resources[%d] is a %s in a %s response", i, a.GetTypeUrl(), typeURL)
		}
		m, err := a.UnmarshalNew()
		if err != nil {
			return nil, fmt.Errorf("resources[%d]: %w", i, err)
		}
		name := resourceName(m)
		if name == "" {
			return nil, fmt.Errorf("resources[%d]: %w", i, errNoName)
		}
		if err := validateDeep(m); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("%s appears twice", name)
		}
		out[name] = m
	}
	return out, nil
}

func resourceName(m proto.Message) string {
	switch v := m.(type) {
	case *endpoint.ClusterLoadAssignment:
		return v.GetClusterName()
	case interface{ GetName() string }:
		return v.GetName()
	}
	return ""
}

var errNoName = errors.New("resource has no name")
