package routes

import (
	"fmt"
	"time"

	"github.com/hashicorp/go-memdb"
)

// Store is the control plane's in-memory view of the route file, in go-memdb:
// readers get consistent snapshots without locks, can query routes by name,
// order or backend, and can block on watch channels until something changes.
type Store struct {
	db *memdb.MemDB
}

// Status is the state of the route file as the control plane knows it.
type Status struct {
	Path        string
	Generation  uint64    // bumped on every accepted file
	LoadedAt    time.Time // when the serving file was accepted
	LastError   string    // the newest rejected file's errors; empty once a good file is loaded
	LastErrorAt time.Time
}

// meta is the single row that holds the accepted File and the status.
type meta struct {
	ID     string
	File   *File
	Status Status
}

const metaID = "file"

var schema = &memdb.DBSchema{Tables: map[string]*memdb.TableSchema{
	"meta": {Name: "meta", Indexes: map[string]*memdb.IndexSchema{
		"id": {Name: "id", Unique: true, Indexer: &memdb.StringFieldIndex{Field: "ID"}},
	}},
	"routes": {Name: "routes", Indexes: map[string]*memdb.IndexSchema{
		"id":     {Name: "id", Unique: true, Indexer: &memdb.StringFieldIndex{Field: "Name"}},
		"order":  {Name: "order", Unique: true, Indexer: &memdb.IntFieldIndex{Field: "Index"}},
		"to":     {Name: "to", Indexer: &memdb.StringFieldIndex{Field: "To"}},
		"legacy": {Name: "legacy", Indexer: &memdb.StringFieldIndex{Field: "Legacy"}},
	}},
	"backends": {Name: "backends", Indexes: map[string]*memdb.IndexSchema{
		"id": {Name: "id", Unique: true, Indexer: &memdb.StringFieldIndex{Field: "Name"}},
	}},
}}

// NewStore returns an empty store.
func NewStore() (*Store, error) {
	db, err := memdb.NewMemDB(schema)
	if err != nil {
		return nil, fmt.Errorf("route store: %w", err)
	}
	return &Store{db: db}, nil
}

// Replace swaps in a validated file in one transaction: readers see either
// the old file or the new one, never a mix.
func (s *Store) Replace(f *File, at time.Time) error {
	txn := s.db.Txn(true)
	defer txn.Abort()
	old := s.meta(txn)
	for _, table := range []string{"routes", "backends"} {
		if _, err := txn.DeleteAll(table, "id"); err != nil {
			return fmt.Errorf("route store: clear %s: %w", table, err)
		}
	}
	for _, r := range f.Routes {
		if err := txn.Insert("routes", r); err != nil {
			return fmt.Errorf("route store: route %q: %w", r.Name, err)
		}
	}
	for _, b := range f.Backends {
		if err := txn.Insert("backends", b); err != nil {
			return fmt.Errorf("route store: backend %q: %w", b.Name, err)
		}
	}
	st := Status{Path: f.Path, Generation: old.Status.Generation + 1, LoadedAt: at}
	if err := txn.Insert("meta", &meta{ID: metaID, File: f, Status: st}); err != nil {
		return fmt.Errorf("route store: %w", err)
	}
	txn.Commit()
	return nil
}

// Reject records that a new version of the file was refused. The accepted
// file keeps serving; the error stays visible until a good file replaces it.
func (s *Store) Reject(err error, at time.Time) {
	txn := s.db.Txn(true)
	defer txn.Abort()
	m := *s.meta(txn)
	m.ID = metaID
	m.Status.LastError, m.Status.LastErrorAt = err.Error(), at
	if txn.Insert("meta", &m) == nil {
		txn.Commit()
	}
}

func (s *Store) meta(txn *memdb.Txn) *meta {
	raw, err := txn.First("meta", "id", metaID)
	if err != nil || raw == nil {
		return &meta{}
	}
	return raw.(*meta)
}

// File returns the accepted file (nil before the first one) and, when ws is
// not nil, adds a channel to it that closes on the next change.
func (s *Store) File(ws memdb.WatchSet) *File {
	txn := s.db.Txn(false)
	ch, raw, err := txn.FirstWatch("meta", "id", metaID)
	ws.Add(ch)
	if err != nil || raw == nil {
		return nil
	}
	return raw.(*meta).File
}

// Status returns the file's status.
func (s *Store) Status() Status {
	return s.meta(s.db.Txn(false)).Status
}

// Route returns one route by name.
func (s *Store) Route(name string) (*Route, bool) {
	raw, err := s.db.Txn(false).First("routes", "id", name)
	if err != nil || raw == nil {
		return nil, false
	}
	return raw.(*Route), true
}

// RoutesOf returns the routes, in match order, that send traffic to a
// backend, as the new service or as their legacy.
func (s *Store) RoutesOf(backend string) []*Route {
	txn := s.db.Txn(false)
	var out []*Route
	seen := map[string]bool{}
	for _, index := range []string{"to", "legacy"} {
		it, err := txn.Get("routes", index, backend)
		if err != nil {
			continue
		}
		for raw := it.Next(); raw != nil; raw = it.Next() {
			if r := raw.(*Route); !seen[r.Name] {
				seen[r.Name] = true
				out = append(out, r)
			}
		}
	}
	sortByIndex(out)
	return out
}
