package xds

import (
	"context"
	"log/slog"
	"sync"
	"time"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	discovery "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	serverv3 "github.com/envoyproxy/go-control-plane/pkg/server/v3"
)

// streamKey tells streams apart: the state-of-the-world and delta servers
// number their streams independently, both from 1.
type streamKey struct {
	delta bool
	id    int64
}

// sent is one response sent on a stream and not yet answered.
type sent struct{ nonce, version string }

type stream struct {
	node    string            // empty until a request names the node
	pending map[string][]sent // type URL -> responses in send order
}

// answer finds the response nonce refers to and forgets it and everything
// sent before it for that type, since Envoy answers responses in order.
func (s *stream) answer(typeURL, nonce string) (sent, bool) {
	list := s.pending[typeURL]
	for i, p := range list {
		if p.nonce == nonce {
			s.pending[typeURL] = list[i+1:]
			return p, true
		}
	}
	return sent{}, false
}

// tracker turns xDS server callbacks into node records: which node each
// stream belongs to (Envoy may name it only on a stream's first request),
// connection state, ACKed versions and NACKs.
type tracker struct {
	nodes   *nodeTable
	metrics *metrics
	log     *slog.Logger

	mu      sync.Mutex
	streams map[streamKey]*stream
}

func newTracker(nodes *nodeTable, m *metrics, log *slog.Logger) *tracker {
	return &tracker{nodes: nodes, metrics: m, log: log, streams: map[streamKey]*stream{}}
}

func (t *tracker) callbacks() serverv3.Callbacks {
	return serverv3.CallbackFuncs{
		StreamClosedFunc:      func(id int64, _ *core.Node) { t.closed(streamKey{id: id}) },
		DeltaStreamClosedFunc: func(id int64, _ *core.Node) { t.closed(streamKey{delta: true, id: id}) },
		StreamRequestFunc: func(id int64, req *discovery.DiscoveryRequest) error {
			rejected, ok := t.request(request{
				key: streamKey{id: id}, node: req.GetNode(), typeURL: req.GetTypeUrl(), nonce: req.GetResponseNonce(),
				versionInfo: req.GetVersionInfo(), nack: req.GetErrorDetail() != nil, message: req.GetErrorDetail().GetMessage(),
			})
			if ok {
				// The snapshot cache answers any request whose version_info differs
				// from the snapshot's, and a NACK carries the old version: it would
				// resend the rejected version at once, be NACKed again, and so on
				// for as long as the config stays (go-control-plane#46, #962). The
				// server hands this same request to the cache next, so naming the
				// rejected version here parks the watch until the snapshot changes;
				// if it already has, the newer version goes out at once.
				req.VersionInfo = rejected
			}
			return nil
		},
		// Delta needs no parking: the cache sends only resources whose
		// content hash differs from what the stream was last sent.
		StreamDeltaRequestFunc: func(id int64, req *discovery.DeltaDiscoveryRequest) error {
			t.request(request{
				key: streamKey{delta: true, id: id}, node: req.GetNode(), typeURL: req.GetTypeUrl(), nonce: req.GetResponseNonce(),
				nack: req.GetErrorDetail() != nil, message: req.GetErrorDetail().GetMessage(),
			})
			return nil
		},
		StreamResponseFunc: func(_ context.Context, id int64, _ *discovery.DiscoveryRequest, resp *discovery.DiscoveryResponse) {
			t.response(streamKey{id: id}, resp.GetTypeUrl(), resp.GetNonce(), resp.GetVersionInfo())
		},
		StreamDeltaResponseFunc: func(id int64, _ *discovery.DeltaDiscoveryRequest, resp *discovery.DeltaDiscoveryResponse) {
			t.response(streamKey{delta: true, id: id}, resp.GetTypeUrl(), resp.GetNonce(), resp.GetSystemVersionInfo())
		},
	}
}

func (t *tracker) response(key streamKey, typeURL, nonce, version string) {
	t.metrics.pushes.WithLabelValues(shortType(typeURL)).Inc()
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.stream(key)
	s.pending[typeURL] = append(s.pending[typeURL], sent{nonce: nonce, version: version})
}

// stream returns the state of key, creating it; callers hold t.mu.
func (t *tracker) stream(key streamKey) *stream {
	s, ok := t.streams[key]
	if !ok {
		s = &stream{pending: map[string][]sent{}}
		t.streams[key] = s
	}
	return s
}

// request is what node tracking needs from a sotw or delta request.
type request struct {
	key            streamKey
	node           *core.Node
	typeURL, nonce string
	versionInfo    string // sotw only: delta requests carry none
	nack           bool   // error_detail was set
	message        string // error_detail.message
}

// request records one request. For a NACK of a response sent on this stream
// it returns the version that response carried.
func (t *tracker) request(r request) (rejected string, nackMatched bool) {
	t.mu.Lock()
	s := t.stream(r.key)
	attach := s.node == "" && r.node.GetId() != ""
	if attach {
		s.node = r.node.GetId()
	}
	id := s.node
	answered, matched := s.answer(r.typeURL, r.nonce)
	t.mu.Unlock()
	if id == "" {
		// Envoy names its node on a stream's first request; a client that
		// never does cannot be tracked.
		return answered.version, r.nack && matched
	}
	now := time.Now()
	err := t.nodes.update(id, func(n *Node) {
		n.LastSeen = now
		if attach {
			n.Cluster = r.node.GetCluster()
			n.Streams++
			if !n.Connected {
				n.Connected, n.ConnectedAt = true, now
			}
		}
		switch {
		case r.nack:
			// A NACK is known by error_detail alone, never by comparing
			// versions: Envoy echoes its last good version there.
			nack := &NACK{TypeURL: r.typeURL, Version: r.versionInfo, Nonce: r.nonce, Message: r.message, At: now}
			if r.key.delta {
				nack.Version = n.Acked[r.typeURL]
			}
			if matched {
				nack.Rejected = answered.version
			}
			n.LastNACK = nack
			// Counted and logged before the change commits, so whoever sees
			// the NACK in the table finds it in the metric and the log too.
			t.metrics.nacks.WithLabelValues(id, shortType(r.typeURL)).Inc()
			t.log.Warn("node rejected config; it keeps serving its last accepted version",
				"node", id, "type", r.typeURL, "serving", nack.Version, "rejected", nack.Rejected,
				"nonce", r.nonce, "error", r.message)
		case matched && r.key.delta:
			n.Acked[r.typeURL] = answered.version
		case matched:
			n.Acked[r.typeURL] = r.versionInfo
		}
	})
	if err != nil {
		t.log.Error("node tracking failed", "node", id, "error", err)
	}
	return answered.version, r.nack && matched
}

// closed ends a stream; a node stays connected while any stream remains.
func (t *tracker) closed(key streamKey) {
	t.mu.Lock()
	s, ok := t.streams[key]
	delete(t.streams, key)
	t.mu.Unlock()
	if !ok || s.node == "" {
		return
	}
	now := time.Now()
	err := t.nodes.update(s.node, func(n *Node) {
		n.LastSeen = now
		n.Streams = max(n.Streams-1, 0)
		n.Connected = n.Streams > 0
	})
	if err != nil {
		t.log.Error("node tracking failed", "node", s.node, "error", err)
	}
}
