package xds

import (
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/hashicorp/go-memdb"
)

// Node is what the control plane knows about one Envoy, keyed by its node id.
// Values returned to callers are copies; changing them changes nothing.
type Node struct {
	ID          string            `json:"id"`
	Cluster     string            `json:"cluster"`
	Connected   bool              `json:"connected"`
	Streams     int               `json:"streams"`
	ConnectedAt time.Time         `json:"connected_at"`
	LastSeen    time.Time         `json:"last_seen"`
	Acked       map[string]string `json:"acked"` // type URL -> version the node ACKed last
	LastNACK    *NACK             `json:"last_nack,omitempty"`
}

// NACK is one configuration a node rejected.
type NACK struct {
	TypeURL string `json:"type_url"`
	// Version is what the node keeps running: version_info of the NACK for
	// state-of-the-world, the last ACKed version for delta.
	Version string `json:"version"`
	// Rejected is the version of the response the NACK answers, when the nonce
	// names a response sent on that stream.
	Rejected string    `json:"rejected_version,omitempty"`
	Nonce    string    `json:"nonce"`
	Message  string    `json:"message"`
	At       time.Time `json:"at"`
}

func (n Node) clone() Node {
	n.Acked = maps.Clone(n.Acked)
	if n.LastNACK != nil {
		nack := *n.LastNACK
		n.LastNACK = &nack
	}
	return n
}

const nodesTable = "nodes"

var nodesSchema = &memdb.DBSchema{Tables: map[string]*memdb.TableSchema{
	nodesTable: {
		Name: nodesTable,
		Indexes: map[string]*memdb.IndexSchema{
			"id":        {Name: "id", Unique: true, Indexer: &memdb.StringFieldIndex{Field: "ID"}},
			"connected": {Name: "connected", Indexer: &memdb.BoolFieldIndex{Field: "Connected"}},
		},
	},
}}

// nodeTable stores Nodes in go-memdb so readers get consistent snapshots
// without locks and can block on a watch channel until something changes.
type nodeTable struct {
	db *memdb.MemDB
	// connected hears the number of connected nodes whenever it changes,
	// before the change is committed, so whoever sees the change in the
	// table also sees it in the metric.
	connected func(int)
}

func newNodeTable(connected func(int)) (*nodeTable, error) {
	db, err := memdb.NewMemDB(nodesSchema)
	if err != nil {
		return nil, fmt.Errorf("node table: %w", err)
	}
	return &nodeTable{db: db, connected: connected}, nil
}

// update applies fn to a copy of node id (a fresh Node if unknown) and
// stores it; memdb write transactions are exclusive, so read-modify-write is
// atomic.
func (t *nodeTable) update(id string, fn func(*Node)) error {
	txn := t.db.Txn(true)
	defer txn.Abort()
	raw, err := txn.First(nodesTable, "id", id)
	if err != nil {
		return fmt.Errorf("node %q: %w", id, err)
	}
	before := Node{ID: id}
	if raw != nil {
		before = *raw.(*Node)
	}
	after := before.clone()
	if after.Acked == nil {
		after.Acked = map[string]string{}
	}
	fn(&after)
	if err := txn.Insert(nodesTable, &after); err != nil {
		return fmt.Errorf("node %q: %w", id, err)
	}
	if before.Connected != after.Connected {
		n, err := countConnected(txn)
		if err != nil {
			return err
		}
		t.connected(n)
	}
	txn.Commit()
	return nil
}

// all returns every node in id order, with a channel closed on the next change.
func (t *nodeTable) all() ([]Node, <-chan struct{}) {
	txn := t.db.Txn(false)
	it, err := txn.Get(nodesTable, "id")
	if err != nil {
		// Only an unknown table or index fails here, both fixed by the schema.
		panic(fmt.Sprintf("node table: %v", err))
	}
	var out []Node
	for raw := it.Next(); raw != nil; raw = it.Next() {
		out = append(out, raw.(*Node).clone())
	}
	return out, it.WatchCh()
}

func (t *nodeTable) get(id string) (Node, bool) {
	raw, err := t.db.Txn(false).First(nodesTable, "id", id)
	if err != nil || raw == nil {
		return Node{}, false
	}
	return raw.(*Node).clone(), true
}

// waitFor returns once cond holds for the current nodes, re-checking after
// every change, or ctx's error when ctx ends first.
func (t *nodeTable) waitFor(ctx context.Context, cond func([]Node) bool) error {
	for {
		nodes, changed := t.all()
		if cond(nodes) {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("waiting for nodes: %w", ctx.Err())
		}
	}
}

func countConnected(txn *memdb.Txn) (int, error) {
	it, err := txn.Get(nodesTable, "connected", true)
	if err != nil {
		return 0, fmt.Errorf("count connected nodes: %w", err)
	}
	n := 0
	for raw := it.Next(); raw != nil; raw = it.Next() {
		n++
	}
	return n, nil
}
