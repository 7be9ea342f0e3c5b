package legacy

import (
	"net/http"
	"time"
)

// delay holds every request but the test hooks for Options.Latency, as PHP
// bootstrapping and the database would; a client that gives up ends the wait.
func (s *Server) delay(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d := s.opts.Latency.Base + s.randomDuration(s.opts.Latency.Jitter)
		if d > 0 && r.URL.Path != statsPath {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
