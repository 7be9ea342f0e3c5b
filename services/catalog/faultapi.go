package catalog

import (
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"time"
)

const faultsPath = "/admin/faults"

// faulty applies the faults in force to every request but /admin/faults,
// which stays reachable so that a test or an operator can switch them off.
func (s *Service) faulty(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == faultsPath {
			next.ServeHTTP(w, r)
			return
		}
		f := s.Faults()
		if f.Down {
			s.metrics.faults.WithLabelValues("down").Inc()
			s.writeMessage(w, http.StatusServiceUnavailable, "service unavailable (injected fault: down)")
			return
		}
		if f.Latency > 0 {
			s.metrics.faults.WithLabelValues("latency").Inc()
			t := time.NewTimer(f.Latency)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		if f.ErrorRate > 0 && rand.Float64() < f.ErrorRate {
			s.metrics.faults.WithLabelValues("error").Inc()
			s.writeMessage(w, http.StatusInternalServerError, "internal error (injected fault: error_rate)")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Service) getFaults(w http.ResponseWriter, _ *http.Request) {
	s.writeJSON(w, http.StatusOK, s.Faults())
}

// putFaults replaces the faults in force with the body, whole: a field left
// out is off.
func (s *Service) putFaults(w http.ResponseWriter, r *http.Request) {
	var f Faults
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&f); err != nil {
		s.writeMessage(w, http.StatusBadRequest, err.Error())
		return
	}
	if err := s.SetFaults(f); err != nil {
		s.writeMessage(w, http.StatusBadRequest, err.Error())
		return
	}
	s.writeJSON(w, http.StatusOK, s.Faults())
}
