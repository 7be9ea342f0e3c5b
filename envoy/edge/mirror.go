package edge

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"

	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
)

// mirrorPolicy is a compiled RequestMirrorPolicy.
type mirrorPolicy struct {
	cluster   string
	fraction  *fraction // nil: every request
	mutations []headerMutationOp
	keepHost  bool // disable_shadow_host_suffix_append
}

func compileMirrorPolicy(p *route.RouteAction_RequestMirrorPolicy) (*mirrorPolicy, error) {
	m := &mirrorPolicy{cluster: p.GetCluster(), keepHost: p.GetDisableShadowHostSuffixAppend()}
	if m.cluster == "" {
		return nil, errors.New("cluster is required (cluster_header is outside the subset)")
	}
	if rf := p.GetRuntimeFraction(); rf != nil {
		f, err := compileFraction(rf)
		if err != nil {
			return nil, err
		}
		m.fraction = f
	}
	ops, err := compileHeaderMutations(p.GetRequestHeadersMutations())
	if err != nil {
		return nil, err
	}
	m.mutations = ops
	return m, nil
}

// mirror sends a copy of the request to the mirror cluster and forgets it:
// the answer is read and dropped, a failure only logged, and the client's
// response never waits for it. The copy is the request as the router
// forwards it (after the filters), with the policy's header mutations and,
// unless disable_shadow_host_suffix_append, "-shadow" appended to the host
// (before any port). A missing cluster or a body too large to hold skips the
// mirror, as Envoy does. The mirror shares the route timeout.
func (e *Edge) mirror(x *exchange, a *routeAction, m *mirrorPolicy, body *requestBody) {
	if m.fraction != nil && !m.fraction.percentSample() {
		return
	}
	u := x.view.cluster(m.cluster)
	if u == nil || u.spec.kind == kindAggregate || !body.replayable() {
		return
	}
	copyX := *x
	copyX.header = x.header.Clone()
	applyHeaderMutations(copyX.header, m.mutations)
	if !m.keepHost {
		copyX.authority = shadowHost(x.authority)
	}
	go func() {
		ctx := context.Background()
		if a.timeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, a.timeout)
			defer cancel()
		}
		h := u.pick()
		if h == nil {
			return
		}
		req, err := u.upstreamRequest(ctx, &copyX, h, body)
		if err != nil {
			return
		}
		resp, err := u.transport.RoundTrip(req)
		if err != nil {
			e.log.Debug("mirror failed", "cluster", m.cluster, "error", err)
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}()
}

func shadowHost(authority string) string {
	host, port, err := net.SplitHostPort(authority)
	if err != nil || strings.HasSuffix(authority, "]") {
		return authority + "-shadow"
	}
	return net.JoinHostPort(host+"-shadow", port)
}
