package xdstest

import (
	"context"
	"fmt"
	"slices"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	discovery "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/anypb"
)

// StartDelta opens a delta (incremental) ADS stream on conn. The client's
// Version for a type is the system_version_info of the last response it
// accepted.
func StartDelta(ctx context.Context, conn grpc.ClientConnInterface, opts Options) (*Client, error) {
	ctx, cancel := context.WithCancel(ctx)
	stream, err := discovery.NewAggregatedDiscoveryServiceClient(conn).DeltaAggregatedResources(ctx)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("open delta ADS stream: %w", err)
	}
	return start(&deltaWire{stream: stream, node: opts.Node}, opts, cancel)
}

type deltaWire struct {
	stream discovery.AggregatedDiscoveryService_DeltaAggregatedResourcesClient
	node   *core.Node // sent once, then nil
}

func (w *deltaWire) send(req *discovery.DeltaDiscoveryRequest) error {
	req.Node, w.node = w.node, nil
	return w.stream.Send(req)
}

func (w *deltaWire) recv() (response, error) {
	resp, err := w.stream.Recv()
	if err != nil {
		return response{}, err
	}
	anys := make([]*anypb.Any, 0, len(resp.GetResources()))
	for _, r := range resp.GetResources() {
		anys = append(anys, r.GetResource())
	}
	return response{
		url: resp.GetTypeUrl(), version: resp.GetSystemVersionInfo(), nonce: resp.GetNonce(),
		resources: anys, removed: resp.GetRemovedResources(), incremental: true,
	}, nil
}

// subscribe sends only the change in names; with none yet for url it is the
// legacy wildcard subscription Envoy opens clusters and listeners with.
func (w *deltaWire) subscribe(url string, was typeState, names []string) error {
	return w.send(&discovery.DeltaDiscoveryRequest{
		TypeUrl:                  url,
		ResourceNamesSubscribe:   missingFrom(was.names, names),
		ResourceNamesUnsubscribe: missingFrom(names, was.names),
	})
}

func (w *deltaWire) answer(r response, _ typeState, reason string) error {
	req := &discovery.DeltaDiscoveryRequest{TypeUrl: r.url, ResponseNonce: r.nonce}
	if reason != "" {
		req.ErrorDetail = nackStatus(reason)
	}
	return w.send(req)
}

// missingFrom lists the names in b that a lacks.
func missingFrom(a, b []string) []string {
	var out []string
	for _, n := range b {
		if !slices.Contains(a, n) {
			out = append(out, n)
		}
	}
	return out
}
