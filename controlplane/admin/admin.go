// Package admin is strangler's HTTP admin API: the routes and Envoy
// configuration being served, the Envoys connected and what they ACKed or
// NACKed, health and readiness probes, and Prometheus metrics.
package admin

import (
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/strangler-dev/strangler/controlplane/xds"
)

// Options are what the admin API reports on. A nil field makes its endpoints
// answer 501 saying what is missing.
type Options struct {
	Routes   func() any             // the route view, encoded as JSON as is
	Config   func() ([]byte, error) // the rendered Envoy configuration, JSON
	Server   *xds.Server
	Gatherer prometheus.Gatherer
	Logger   *slog.Logger // defaults to slog.Default()
	// Extra mounts more handlers by pattern (shadow reports, rollouts);
	// they answer for their own methods.
	Extra map[string]http.Handler
}

// NewHandler serves the admin API. Every endpoint answers GET (and HEAD)
// only; errors are JSON {"error": "..."}.
func NewHandler(opts Options) http.Handler {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	a := &api{opts: opts}
	mux := http.NewServeMux()
	mux.Handle("/api/routes", a.get(a.routes))
	mux.Handle("/api/config", a.get(a.config))
	mux.Handle("/api/nodes", a.get(a.nodes))
	mux.Handle("/api/status", a.get(a.status))
	mux.Handle("/healthz", a.get(a.healthz))
	mux.Handle("/readyz", a.get(a.readyz))
	mux.Handle("/metrics", a.get(a.metrics()))
	for pattern, h := range opts.Extra {
		mux.Handle(pattern, h)
	}
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.fail(w, http.StatusNotFound, "no such endpoint: "+r.URL.Path)
	}))
	return mux
}

type api struct{ opts Options }

func (a *api) metrics() http.HandlerFunc {
	if a.opts.Gatherer == nil {
		return a.missing("metrics gatherer")
	}
	return promhttp.HandlerFor(a.opts.Gatherer, promhttp.HandlerOpts{
		ErrorLog: slog.NewLogLogger(a.opts.Logger.Handler(), slog.LevelError),
	}).ServeHTTP
}
