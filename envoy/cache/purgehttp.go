package cache

import (
	"context"
	"crypto/subtle"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// purgeTimeout bounds one PURGE request; Magento batches tags so one
// request may drain many indexes.
const purgeTimeout = 30 * time.Second

// PurgeHandler answers Magento's purge requests the way its Varnish VCL
// does: PURGE with X-Magento-Tags-Pattern (a regular expression over tags,
// ".*" for everything) or X-Pool, from an allowed address; 200 "Purged",
// 400 without a pattern, 405 for another method or address. With a purge
// token configured, the request must also carry it (401 otherwise).
func (s *Service) PurgeHandler() http.Handler { return http.HandlerFunc(s.servePurge) }

func (s *Service) servePurge(w http.ResponseWriter, r *http.Request) {
	t := s.table.Load()
	deny := func(code int, msg string) {
		s.m.purges.WithLabelValues("http", "denied").Inc()
		http.Error(w, msg, code)
	}
	if r.Method != "PURGE" {
		deny(http.StatusMethodNotAllowed, "Method not allowed")
		return
	}
	if !allowedPeer(t.purgeAllow, r.RemoteAddr) {
		deny(http.StatusMethodNotAllowed, "Method not allowed")
		return
	}
	if t.purgeToken != "" && !tokenMatches(r, t.purgeToken) {
		w.Header().Set("WWW-Authenticate", "Bearer")
		deny(http.StatusUnauthorized, "Purge token required")
		return
	}
	tags, pool := r.Header.Get("X-Magento-Tags-Pattern"), r.Header.Get("X-Pool")
	if tags == "" && pool == "" {
		s.m.purges.WithLabelValues("http", "bad_request").Inc()
		http.Error(w, "X-Magento-Tags-Pattern or X-Pool header required", http.StatusBadRequest)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), purgeTimeout)
	defer cancel()
	total := 0
	for _, p := range []struct{ kind, pattern string }{{indexTag, tags}, {indexPool, pool}} {
		if p.pattern == "" {
			continue
		}
		n, err := s.purge(ctx, p.kind, p.pattern)
		total += n
		if err != nil {
			s.m.purges.WithLabelValues("http", purgeResult(err)).Inc()
			code := http.StatusInternalServerError
			if errors.Is(err, ErrBadPattern) {
				code = http.StatusBadRequest
			}
			s.log.Warn("purge failed", "pattern", p.pattern, "deleted", total, "err", err)
			http.Error(w, err.Error(), code)
			return
		}
	}
	s.m.purges.WithLabelValues("http", "ok").Inc()
	s.log.Info("purged", "tags", tags, "pool", pool, "entries", total, "from", r.RemoteAddr)
	w.Header().Set("X-Purged-Entries", strconv.Itoa(total))
	_, _ = w.Write([]byte("Purged"))
}

// allowedPeer checks the connection's address, never a forwarded one:
// purges come straight to this port.
func allowedPeer(allow []netip.Prefix, remote string) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		return false
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	addr = addr.Unmap()
	for _, p := range allow {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

func tokenMatches(r *http.Request, token string) bool {
	got := r.Header.Get("X-Purge-Token")
	if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		got = strings.TrimSpace(bearer)
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(token)) == 1
}
