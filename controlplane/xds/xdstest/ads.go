package xdstest

import (
	"context"
	"fmt"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	discovery "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	"google.golang.org/grpc"
)

// StartADS opens a state-of-the-world ADS stream on conn.
func StartADS(ctx context.Context, conn grpc.ClientConnInterface, opts Options) (*Client, error) {
	ctx, cancel := context.WithCancel(ctx)
	stream, err := discovery.NewAggregatedDiscoveryServiceClient(conn).StreamAggregatedResources(ctx)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("open ADS stream: %w", err)
	}
	return start(&sotwWire{stream: stream, node: opts.Node}, opts, cancel)
}

type sotwWire struct {
	stream discovery.AggregatedDiscoveryService_StreamAggregatedResourcesClient
	node   *core.Node // sent once, then nil
}

func (w *sotwWire) send(req *discovery.DiscoveryRequest) error {
	req.Node, w.node = w.node, nil
	return w.stream.Send(req)
}

func (w *sotwWire) recv() (response, error) {
	resp, err := w.stream.Recv()
	if err != nil {
		return response{}, err
	}
	return response{
		url: resp.GetTypeUrl(), version: resp.GetVersionInfo(), nonce: resp.GetNonce(), resources: resp.GetResources(),
	}, nil
}

// subscribe re-sends the type's last version and nonce with the new names:
// in state-of-the-world a request always carries the full set.
func (w *sotwWire) subscribe(url string, was typeState, names []string) error {
	return w.send(&discovery.DiscoveryRequest{
		TypeUrl: url, VersionInfo: was.version, ResponseNonce: was.nonce, ResourceNames: names,
	})
}

// answer carries the new version on an ACK and the last accepted one on a
// NACK, which is how the server tells what the node runs.
func (w *sotwWire) answer(r response, was typeState, reason string) error {
	req := &discovery.DiscoveryRequest{TypeUrl: r.url, VersionInfo: r.version, ResponseNonce: r.nonce, ResourceNames: was.names}
	if reason != "" {
		req.VersionInfo, req.ErrorDetail = was.version, nackStatus(reason)
	}
	return w.send(req)
}
