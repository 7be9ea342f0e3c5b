package controlplane

import (
	"fmt"
	"strings"

	"github.com/envoyproxy/go-control-plane/pkg/cache/types"
	cache "github.com/envoyproxy/go-control-plane/pkg/cache/v3"
	"google.golang.org/protobuf/proto"

	"github.com/strangler-dev/strangler/routes"
)

const envoyNothing = "Envoy: nothing re-sent"

// envoyChange compares the translations of both files per xDS type, in the
// order Envoy applies them, and names the resources that differ: a reviewer
// sees that a percent bump re-sends RDS only, while an endpoint change is
// EDS only and a new fallback adds a cluster.
func envoyChange(old, new *routes.File) (Change, error) {
	a, err := translateOrNone(old)
	if err != nil {
		return Change{}, fmt.Errorf("diff: old file: %w", err)
	}
	b, err := translateOrNone(new)
	if err != nil {
		return Change{}, fmt.Errorf("diff: new file: %w", err)
	}
	var changed, same []string
	for _, t := range []struct {
		name     string
		old, new []types.Resource
	}{{"CDS", a.Clusters, b.Clusters}, {"EDS", a.Endpoints, b.Endpoints}, {"LDS", a.Listeners, b.Listeners}, {"RDS", a.Routes, b.Routes}} {
		if d := resourceDiff(t.old, t.new); d != "" {
			changed = append(changed, t.name+" ("+d+")")
		} else {
			same = append(same, t.name)
		}
	}
	return Change{Kind: ChangeEnvoy, Resource: "Envoy", Text: envoyText(changed, same)}, nil
}

func envoyText(changed, same []string) string {
	switch {
	case len(changed) == 0:
		return envoyNothing
	case len(same) == 0:
		return "Envoy: " + strings.Join(changed, ", ") + " change"
	}
	verb := " change; "
	if len(changed) == 1 {
		verb = " changes; "
	}
	return "Envoy: " + strings.Join(changed, ", ") + verb + strings.Join(same, ", ") + " unchanged"
}

// resourceDiff names what differs between two name-sorted lists: "+added",
// "-removed", or the name of a changed resource; "" when equal.
func resourceDiff(old, new []types.Resource) string {
	byName := map[string]types.Resource{}
	for _, r := range old {
		byName[cache.GetResourceName(r)] = r
	}
	var parts []string
	kept := map[string]bool{}
	for _, r := range new {
		name := cache.GetResourceName(r)
		kept[name] = true
		switch prev, ok := byName[name]; {
		case !ok:
			parts = append(parts, "+"+name)
		case !proto.Equal(prev, r):
			parts = append(parts, name)
		}
	}
	for _, r := range old {
		if name := cache.GetResourceName(r); !kept[name] {
			parts = append(parts, "-"+name)
		}
	}
	return strings.Join(parts, " ")
}

// translateOrNone lets Diff describe a first file (old nil) or a deleted one.
func translateOrNone(f *routes.File) (*Resources, error) {
	if f == nil {
		return &Resources{}, nil
	}
	return Translate(f)
}
