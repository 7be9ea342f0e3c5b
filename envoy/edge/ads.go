package edge

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	discovery "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	"github.com/envoyproxy/go-control-plane/pkg/resource/v3"
	"github.com/strangler-dev/strangler/controlplane/xds"
	"google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
)

// subscription is one xDS type on the ADS stream.
type subscription struct {
	subscribed bool
	names      []string // nil: wildcard
	version    string   // accepted last
	nonce      string   // of the last response
}

// dependent is the type whose names a type's resources decide: Envoy asks
// for the endpoints of its EDS clusters and the route configurations of its
// listeners once it has them.
var dependent = map[string]string{
	resource.ClusterType:  resource.EndpointType,
	resource.ListenerType: resource.RouteType,
}

// subscriptionOrder is Envoy's: clusters and listeners first, wildcard.
var subscriptionOrder = []string{resource.ClusterType, resource.ListenerType, resource.EndpointType, resource.RouteType}

// adsClient is the node's side of one state-of-the-world ADS stream,
// reconnecting with back-off while the edge runs. The configuration
// accepted so far keeps serving while the stream is down.
type adsClient struct {
	target  string
	node    *core.Node
	store   *configStore
	log     *slog.Logger
	metrics *metrics
	subs    map[string]*subscription
}

func newADSClient(target string, node *core.Node, store *configStore, log *slog.Logger, m *metrics) *adsClient {
	subs := map[string]*subscription{}
	for _, url := range subscriptionOrder {
		subs[url] = &subscription{}
	}
	subs[resource.ClusterType].subscribed = true
	subs[resource.ListenerType].subscribed = true
	return &adsClient{target: target, node: node, store: store, log: log, metrics: m, subs: subs}
}

func (c *adsClient) run(ctx context.Context) error {
	conn, err := grpc.NewClient(c.target, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return fmt.Errorf("xds %s: %w", c.target, err)
	}
	defer conn.Close()
	backoff := 100 * time.Millisecond
	for {
		start := time.Now()
		err := c.stream(ctx, conn)
		if ctx.Err() != nil {
			return nil
		}
		if time.Since(start) > 10*time.Second {
			backoff = 100 * time.Millisecond
		}
		c.log.Warn("ADS stream ended; reconnecting", "xds", c.target, "error", err, "in", backoff.String())
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

// stream runs one ADS stream: it (re)subscribes to everything it holds,
// with the versions it runs, then answers every response.
func (c *adsClient) stream(ctx context.Context, conn *grpc.ClientConn) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s, err := discovery.NewAggregatedDiscoveryServiceClient(conn).StreamAggregatedResources(ctx)
	if err != nil {
		return err
	}
	first := true
	send := func(req *discovery.DiscoveryRequest) error {
		if first {
			req.Node, first = c.node, false // set_node_on_first_message_only
		}
		return s.Send(req)
	}
	for _, url := range subscriptionOrder {
		sub := c.subs[url]
		if !sub.subscribed {
			continue
		}
		sub.nonce = "" // nonces belong to the stream that sent them
		if err := send(&discovery.DiscoveryRequest{TypeUrl: url, VersionInfo: sub.version, ResourceNames: sub.names}); err != nil {
			return err
		}
	}
	for {
		resp, err := s.Recv()
		if err != nil {
			return err
		}
		if err := c.respond(resp, send); err != nil {
			return err
		}
	}
}

// respond decodes, applies and answers one response: an ACK carries its
// version and nonce; a NACK the version still running, the nonce, and an
// error_detail saying what was refused. A new set of clusters or listeners
// first asks for the endpoints or route configurations it names.
func (c *adsClient) respond(resp *discovery.DiscoveryResponse, send func(*discovery.DiscoveryRequest) error) error {
	url := resp.GetTypeUrl()
	sub, ok := c.subs[url]
	if !ok || !sub.subscribed {
		c.log.Warn("ignoring a response for a type never asked for", "type", url)
		return nil
	}
	var deps []string
	res, err := xds.DecodeResources(url, resp.GetResources())
	if err == nil {
		deps, err = c.store.apply(url, res)
	}
	if err == nil {
		if next, ok := dependent[url]; ok {
			if err := c.follow(next, deps, send); err != nil {
				return err
			}
		}
	}
	sub.nonce = resp.GetNonce()
	req := &discovery.DiscoveryRequest{TypeUrl: url, ResponseNonce: resp.GetNonce(), ResourceNames: sub.names}
	if err != nil {
		req.VersionInfo = sub.version
		req.ErrorDetail = &status.Status{Code: int32(codes.InvalidArgument), Message: err.Error()}
		c.log.Error("config rejected (NACK)", "type", url, "version", resp.GetVersionInfo(), "keeping", sub.version, "error", err)
		c.metrics.update(url, "nack")
	} else {
		sub.version = resp.GetVersionInfo()
		req.VersionInfo = sub.version
		c.log.Info("config accepted (ACK)", "type", url, "version", sub.version, "resources", len(res))
		c.metrics.update(url, "ack")
	}
	return send(req)
}

func (c *adsClient) follow(url string, names []string, send func(*discovery.DiscoveryRequest) error) error {
	sub := c.subs[url]
	if names == nil {
		names = []string{}
	}
	if sub.subscribed && slices.Equal(sub.names, names) {
		return nil
	}
	if !sub.subscribed && len(names) == 0 {
		return nil
	}
	sub.subscribed, sub.names = true, names
	return send(&discovery.DiscoveryRequest{TypeUrl: url, VersionInfo: sub.version, ResponseNonce: sub.nonce, ResourceNames: names})
}
