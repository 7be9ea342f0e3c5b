package legacy

import (
	"maps"
	"net/http"
	"sync"
)

const statsPath = "/_stats"

// stats counts requests by path as the client sent it, so a test can tell
// how much traffic still reaches the monolith.
type stats struct {
	mu    sync.Mutex
	paths map[string]int64
	total int64
}

func newStats() *stats { return &stats{paths: map[string]int64{}} }

// Stats is a snapshot of the request counts, GET /_stats.
type Stats struct {
	Total int64            `json:"total"`
	Paths map[string]int64 `json:"paths"`
}

func (s *Server) count(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != statsPath {
			s.stats.mu.Lock()
			s.stats.paths[r.URL.Path]++
			s.stats.total++
			s.stats.mu.Unlock()
		}
		next.ServeHTTP(w, r)
	})
}

// Stats returns how many requests each path got since the start or the last
// reset; /_stats itself is not counted.
func (s *Server) Stats() Stats {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	return Stats{Total: s.stats.total, Paths: maps.Clone(s.stats.paths)}
}

// Requests returns how many requests path got.
func (s *Server) Requests(path string) int64 {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	return s.stats.paths[path]
}

// ResetStats zeroes the counts.
func (s *Server) ResetStats() {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	s.stats.paths = map[string]int64{}
	s.stats.total = 0
}

func (s *Server) showStats(w http.ResponseWriter, _ *http.Request) {
	s.writeREST(w, http.StatusOK, s.Stats())
}

func (s *Server) resetStats(w http.ResponseWriter, _ *http.Request) {
	s.ResetStats()
	w.WriteHeader(http.StatusNoContent)
}
