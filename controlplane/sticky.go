package controlplane

import (
	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/strangler-dev/strangler/routes"
)

// applySticky keeps a user on one side of a split by choosing the weighted
// cluster from a hash of their cookie or header instead of a random number
// (see splitAction for why the order of the clusters matters). It only acts
// on a weighted split: at 0 % or 100 % there is nothing to choose, and the
// clusters use round robin, which ignores hashes.
//
// The cookie policy has no ttl, so Envoy never mints a cookie: a request
// without the cookie (a first visit, before Magento sets PHPSESSID) produces
// no hash and is split at random, and the user is pinned from the next
// request on.
func applySticky(a *route.RouteAction, s *routes.Sticky) {
	wc := a.GetWeightedClusters()
	if s == nil || wc == nil {
		return
	}
	a.HashPolicy = []*route.RouteAction_HashPolicy{hashPolicy(s)}
	wc.RandomValueSpecifier = &route.WeightedCluster_UseHashPolicy{UseHashPolicy: wrapperspb.Bool(true)}
}

func hashPolicy(s *routes.Sticky) *route.RouteAction_HashPolicy {
	if s.Cookie != "" {
		return &route.RouteAction_HashPolicy{PolicySpecifier: &route.RouteAction_HashPolicy_Cookie_{
			Cookie: &route.RouteAction_HashPolicy_Cookie{Name: s.Cookie},
		}}
	}
	return &route.RouteAction_HashPolicy{PolicySpecifier: &route.RouteAction_HashPolicy_Header_{
		Header: &route.RouteAction_HashPolicy_Header{HeaderName: s.Header},
	}}
}
