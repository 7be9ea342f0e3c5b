package xdstest

import (
	"context"
	"fmt"
	"maps"
	"slices"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	"github.com/envoyproxy/go-control-plane/pkg/resource/v3"
	"github.com/strangler-dev/strangler/controlplane/xds"
	"google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
)

// Options shape a client. The hooks run on the client's receive goroutine,
// so a slow hook slows that client as a slow Envoy would.
type Options struct {
	// Node is sent on the stream's first request only, as Envoy does with
	// set_node_on_first_message_only.
	Node *core.Node
	// Reject makes the client NACK a response it would otherwise accept: a
	// non-empty message becomes error_detail.message.
	Reject func(typeURL, version string) string
	// OnResponse sees every response, before it is applied.
	OnResponse func(typeURL, version string)
	// OnAck sees every ACK after it was sent.
	OnAck func(typeURL, version string)
}

// Client is one Envoy on an ADS stream, state-of-the-world (StartADS) or
// delta (StartDelta). It asks for clusters and listeners, then for the
// endpoints and route configurations they name, and ACKs or NACKs every
// response the way Envoy does.
type Client struct {
	*state
	opts   Options
	wire   protocol
	cancel context.CancelFunc
}

// protocol is what differs between the state-of-the-world and delta wires.
type protocol interface {
	recv() (response, error)
	// subscribe changes the names asked for of url from was.names to names.
	subscribe(url string, was typeState, names []string) error
	// answer ACKs r, or NACKs it when reason is set; was is the type's state
	// before r.
	answer(r response, was typeState, reason string) error
}

// response is one xDS response in wire-neutral form.
type response struct {
	url, version, nonce string
	resources           []*anypb.Any
	removed             []string
	incremental         bool // delta: resources update what the client holds
}

// start subscribes to clusters and listeners as Envoy does at start-up and
// runs the receive loop.
func start(wire protocol, opts Options, cancel context.CancelFunc) (*Client, error) {
	c := &Client{state: newState(), opts: opts, wire: wire, cancel: cancel}
	for _, url := range []string{resource.ClusterType, resource.ListenerType} {
		c.of(url).subscribed = true
		if err := wire.subscribe(url, typeState{}, nil); err != nil {
			cancel()
			return nil, fmt.Errorf("subscribe %s: %w", url, err)
		}
	}
	go c.run()
	return c, nil
}

// Close resets the stream, as an Envoy that goes away does, and waits for the
// receive loop to stop. (CloseSend would race with the loop's sends.)
func (c *Client) Close() {
	c.cancel()
	<-c.done
}

func (c *Client) run() {
	for {
		r, err := c.wire.recv()
		if err == nil {
			err = c.respond(r)
		}
		if err != nil {
			c.finish(err)
			return
		}
	}
}

func (c *Client) respond(r response) error {
	if c.opts.OnResponse != nil {
		c.opts.OnResponse(r.url, r.version)
	}
	updated, err := xds.DecodeResources(r.url, r.resources)
	reason := errorText(err)
	if reason == "" && c.opts.Reject != nil {
		reason = c.opts.Reject(r.url, r.version)
	}

	// The state changes before the answer goes out, so a test that saw the
	// server get the answer finds the client's state already matching.
	var was, nextWas typeState
	next, names, follow := "", []string(nil), false
	c.change(func() {
		st := c.of(r.url)
		was = *st
		st.responses++
		st.nonce = r.nonce
		if reason != "" {
			return
		}
		st.version, st.resources = r.version, updated
		if r.incremental {
			st.resources = maps.Clone(was.resources)
			if st.resources == nil {
				st.resources = map[string]proto.Message{}
			}
			for _, name := range r.removed {
				delete(st.resources, name)
			}
			maps.Copy(st.resources, updated)
		}
		next, names = dependents(r.url, st.resources)
		if next == "" {
			return
		}
		ns := c.of(next)
		nextWas = *ns
		follow = !slices.Equal(ns.names, names) && (ns.subscribed || len(names) > 0)
		if follow {
			ns.subscribed, ns.names = true, names
		}
	})
	// Envoy asks for the endpoints and route configurations a new set of
	// clusters or listeners needs before it ACKs that set.
	if follow {
		if err := c.wire.subscribe(next, nextWas, names); err != nil {
			return fmt.Errorf("subscribe %s %v: %w", next, names, err)
		}
	}
	if err := c.wire.answer(r, was, reason); err != nil {
		return fmt.Errorf("answer %s %s: %w", r.url, r.version, err)
	}
	if reason == "" && c.opts.OnAck != nil {
		c.opts.OnAck(r.url, r.version)
	}
	return nil
}

func nackStatus(reason string) *status.Status {
	return &status.Status{Code: int32(codes.InvalidArgument), Message: reason}
}

func errorText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// RejectAllBut is a Reject hook that NACKs, with reason, every version of
// typeURL except keep: an Envoy that accepted keep and refuses what follows.
func RejectAllBut(typeURL, keep, reason string) func(typeURL, version string) string {
	return func(url, version string) string {
		if url == typeURL && version != keep {
			return reason
		}
		return ""
	}
}
