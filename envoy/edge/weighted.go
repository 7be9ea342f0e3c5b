package edge

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
)

// weightedClusters is a compiled WeightedCluster.
type weightedClusters struct {
	entries []*weightedEntry
	total   uint64
	useHash bool
}

type weightedEntry struct {
	name       string
	weight     uint64
	reqAdd     []headerOption
	reqRemove  []string
	respAdd    []headerOption
	respRemove []string
}

func compileWeightedClusters(w *route.WeightedCluster) (*weightedClusters, error) {
	wc := &weightedClusters{useHash: w.GetUseHashPolicy().GetValue()}
	for i, c := range w.GetClusters() {
		e := &weightedEntry{name: c.GetName(), weight: uint64(c.GetWeight().GetValue())}
		if e.name == "" {
			return nil, fmt.Errorf("clusters[%d]: name is required (cluster_header is outside the subset)", i)
		}
		var err error
		if e.reqAdd, err = compileHeadersToAdd(c.GetRequestHeadersToAdd(), true); err != nil {
			return nil, fmt.Errorf("clusters[%d].request_headers_to_add: %w", i, err)
		}
		if e.respAdd, err = compileHeadersToAdd(c.GetResponseHeadersToAdd(), false); err != nil {
			return nil, fmt.Errorf("clusters[%d].response_headers_to_add: %w", i, err)
		}
		e.reqRemove, e.respRemove = c.GetRequestHeadersToRemove(), c.GetResponseHeadersToRemove()
		wc.total += e.weight
		wc.entries = append(wc.entries, e)
	}
	// Envoy rejects a zero total ("Sum of weights in the weighted_cluster
	// must be greater than 0") and one above uint32.
	if wc.total == 0 {
		return nil, errors.New("sum of weights must be greater than 0")
	}
	if wc.total > math.MaxUint32 {
		return nil, errors.New("sum of weights exceeds 2^32-1")
	}
	return wc, nil
}

// pick chooses as Envoy's WeightedClusterSpecifierPlugin::pickWeightedCluster
// does: the selection value is the route hash when use_hash_policy is set
// and the hash policy produced one, a random number otherwise; value % total
// falls in one interval [sum of earlier weights, that + own weight), in
// list order.
func (w *weightedClusters) pick(a *routeAction, x *exchange) *weightedEntry {
	value := rand.Uint64()
	if w.useHash {
		if h, ok := routeHash(a.hash, x); ok {
			value = h
		}
	}
	selected := value % w.total
	var begin uint64
	for _, e := range w.entries {
		end := begin + e.weight
		if selected >= begin && selected < end {
			return e
		}
		begin = end
	}
	return w.entries[len(w.entries)-1] // unreachable: the intervals cover [0, total)
}
