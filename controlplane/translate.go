package controlplane

import (
	"cmp"
	"errors"
	"fmt"
	"slices"

	"github.com/envoyproxy/go-control-plane/pkg/cache/types"
	cache "github.com/envoyproxy/go-control-plane/pkg/cache/v3"

	"github.com/strangler-dev/strangler/routes"
)

// Translate turns a route file into Envoy resources. It is pure: no I/O and
// no clock, and the same file always yields the same resources in the same
// order (lists sorted by name, protos built in a fixed order), which the
// snapshot's content hashes and the golden files depend on.
func Translate(f *routes.File) (*Resources, error) {
	if f == nil {
		return nil, errors.New("translate: no route file")
	}
	if err := checkInvariants(f); err != nil {
		return nil, fmt.Errorf("translate %s: %w", f.Path, err)
	}
	l, err := httpListener(f)
	if err != nil {
		return nil, fmt.Errorf("translate %s: listener: %w", f.Path, err)
	}
	clusters, endpoints := clusterResources(f)
	return &Resources{
		Listeners: []types.Resource{l},
		Routes:    []types.Resource{routeConfiguration(f)},
		Clusters:  clusters,
		Endpoints: endpoints,
	}, nil
}

// clusterResources: one cluster per backend, plus one fallback aggregate per
// distinct (to, legacy) pair that some route falls back with.
func clusterResources(f *routes.File) (clusters, endpoints []types.Resource) {
	for _, b := range f.Backends {
		c, cla := backendCluster(b)
		clusters = append(clusters, c)
		if cla != nil {
			endpoints = append(endpoints, cla)
		}
	}
	clusters = append(clusters, serviceClusters(f)...)
	seen := map[string]bool{}
	for _, r := range f.Routes {
		name := FallbackClusterName(r.To, r.Legacy)
		if r.Fallback && !seen[name] {
			seen[name] = true
			clusters = append(clusters, fallbackCluster(r.To, r.Legacy))
		}
	}
	sortByName(clusters)
	sortByName(endpoints)
	return clusters, endpoints
}

func sortByName(rs []types.Resource) {
	slices.SortFunc(rs, func(a, b types.Resource) int {
		return cmp.Compare(cache.GetResourceName(a), cache.GetResourceName(b))
	})
}
