package serve

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/rueidis"

	"github.com/strangler-dev/strangler/routes"
	"github.com/strangler-dev/strangler/shadow"
)

func init() {
	edgeKinds = append(edgeKinds, edgeKind{
		name: "shadow",
		listen: func(f *routes.File) (routes.Address, bool) {
			if f.ShadowService == nil {
				return routes.Address{}, false
			}
			return f.ShadowService.Listen, true
		},
		start: func(_ context.Context, f *routes.File, redis rueidis.Client, reg prometheus.Registerer, log *slog.Logger) (edgeService, error) {
			r, err := shadow.New(shadow.ConfigFromRoutes(f), shadow.NewStore(redis), reg, log)
			if err != nil {
				return nil, err
			}
			return shadowEdge{r}, nil
		},
	})
}

type shadowEdge struct{ r *shadow.Receiver }

func (s shadowEdge) update(f *routes.File) error                     { return s.r.Update(shadow.ConfigFromRoutes(f)) }
func (s shadowEdge) close()                                          { s.r.Close() }
func (s shadowEdge) serve(ctx context.Context, l net.Listener) error { return s.r.Serve(ctx, l) }

// reports serves the shadow reports from the store once a route file has
// named the Redis they live in: the HTML pages under /shadow/ and JSON under
// /api/shadow/.
type reports struct{ store atomic.Pointer[shadow.Store] }

func (rp *reports) set(c rueidis.Client) {
	if rp.store.Load() == nil {
		rp.store.Store(shadow.NewStore(c))
	}
}

func (rp *reports) handlers() map[string]http.Handler {
	return map[string]http.Handler{
		"/shadow/":     http.HandlerFunc(rp.html),
		"/api/shadow":  http.HandlerFunc(rp.json),
		"/api/shadow/": http.HandlerFunc(rp.json),
	}
}

func (rp *reports) ready(w http.ResponseWriter) *shadow.Store {
	s := rp.store.Load()
	if s == nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "no shadow data yet: the route file names no Redis-backed feature"})
	}
	return s
}

func (rp *reports) html(w http.ResponseWriter, r *http.Request) {
	if s := rp.ready(w); s != nil {
		shadow.HTMLHandler(s).ServeHTTP(w, r)
	}
}

// json: GET /api/shadow lists routes with data; /api/shadow/<route>?since=1h
// is that route's report.
func (rp *reports) json(w http.ResponseWriter, r *http.Request) {
	s := rp.ready(w)
	if s == nil {
		return
	}
	since := time.Hour
	if v := r.URL.Query().Get("since"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "since: want a duration like 10m or 1h"})
			return
		}
		since = d
	}
	route := strings.Trim(strings.TrimPrefix(r.URL.Path, "/api/shadow"), "/")
	if route == "" {
		names, err := s.Routes(r.Context())
		if err != nil {
			writeJSON(w, http.StatusBadGateway, map[string]string{"error": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"routes": names})
		return
	}
	now := time.Now()
	rep, err := s.Report(r.Context(), route, now.Add(-since), now)
	if err != nil {
		writeJSON(w, http.StatusBadGateway, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
