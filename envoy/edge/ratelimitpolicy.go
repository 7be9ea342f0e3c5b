package edge

import (
	"errors"
	"fmt"
	"strings"

	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
)

// rateLimitPolicy is a compiled route or virtual host RateLimit: the actions
// that build one descriptor.
type rateLimitPolicy struct {
	stage   uint32
	actions []rateLimitAction
}

type actionKind int

const (
	actionGenericKey actionKind = iota
	actionRemoteAddress
	actionRequestHeaders
)

type rateLimitAction struct {
	kind         actionKind
	key, value   string // generic_key
	header       string // request_headers
	skipIfAbsent bool
}

type descriptorEntry struct{ key, value string }

func compileRateLimitPolicies(rls []*route.RateLimit) ([]*rateLimitPolicy, error) {
	out := make([]*rateLimitPolicy, 0, len(rls))
	for i, rl := range rls {
		p := &rateLimitPolicy{stage: rl.GetStage().GetValue()}
		for j, a := range rl.GetActions() {
			act, err := compileRateLimitAction(a)
			if err != nil {
				return nil, fmt.Errorf("[%d].actions[%d]: %w", i, j, err)
			}
			p.actions = append(p.actions, act)
		}
		out = append(out, p)
	}
	return out, nil
}

func compileRateLimitAction(a *route.RateLimit_Action) (rateLimitAction, error) {
	switch spec := a.GetActionSpecifier().(type) {
	case *route.RateLimit_Action_GenericKey_:
		key := spec.GenericKey.GetDescriptorKey()
		if key == "" {
			key = "generic_key" // GenericKey.descriptor_key: 'If not set, the key is set as "generic_key"'
		}
		return rateLimitAction{kind: actionGenericKey, key: key, value: spec.GenericKey.GetDescriptorValue()}, nil
	case *route.RateLimit_Action_RemoteAddress_:
		return rateLimitAction{kind: actionRemoteAddress}, nil
	case *route.RateLimit_Action_RequestHeaders_:
		rh := spec.RequestHeaders
		return rateLimitAction{kind: actionRequestHeaders, header: strings.ToLower(rh.GetHeaderName()),
			key: rh.GetDescriptorKey(), skipIfAbsent: rh.GetSkipIfAbsent()}, nil
	}
	return rateLimitAction{}, errors.New("only generic_key, remote_address and request_headers actions are supported")
}

// descriptor builds the policy's descriptor as Envoy's
// RateLimitPolicyEntryImpl::populateDescriptors does: actions in order, and
// one action that cannot produce its entry drops the whole descriptor.
// remote_address is the trusted client address (after use_remote_address
// and xff_num_trusted_hops); request_headers with an absent header drops
// the descriptor, or only its own entry with skip_if_absent; a header with
// several values gives its first (RequestHeadersAction).
func (p *rateLimitPolicy) descriptor(x *exchange) ([]descriptorEntry, bool) {
	entries := make([]descriptorEntry, 0, len(p.actions))
	for _, a := range p.actions {
		switch a.kind {
		case actionGenericKey:
			entries = append(entries, descriptorEntry{a.key, a.value})
		case actionRemoteAddress:
			if !x.client.IsValid() {
				return nil, false
			}
			entries = append(entries, descriptorEntry{"remote_address", x.client.String()})
		case actionRequestHeaders:
			v, ok := firstRequestHeader(x, a.header)
			if !ok {
				if a.skipIfAbsent {
					continue
				}
				return nil, false
			}
			entries = append(entries, descriptorEntry{a.key, v})
		}
	}
	return entries, len(entries) > 0
}

func firstRequestHeader(x *exchange, name string) (string, bool) {
	if strings.HasPrefix(name, ":") || name == "host" {
		return requestHeader(x, name)
	}
	vs := x.header.Values(name)
	if len(vs) == 0 {
		return "", false
	}
	return vs[0], true
}
