// Package console is the migration console: pages served by the admin
// server of `strangler serve` that show, for every route in match order,
// how far it has moved, whether the new service answers like Magento, what
// its rollout is doing and what changed last, and for every Envoy what it
// ACKed or rejected; and that shift routes and steer rollouts.
//
// The pages are static (embedded HTML, CSS and vanilla JS) and read the
// admin API from the browser, polling it every 2 s. Besides the pages the
// console serves two endpoints of its own: POST /api/routes/{route}/shift
// (the route file's percent, behind the admin token) and GET
// /console/api/figures/{route} (the route's rate-limit and cache counters).
package console

import (
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

//go:embed assets
var assets embed.FS

// Options configure the console.
type Options struct {
	// RoutesPath is the route file the control plane watches; shift
	// rewrites it in place and the watcher serves the change.
	RoutesPath string
	// Token is the admin bearer token actions need; empty refuses them all.
	Token string
	// Gatherer is the admin server's registry, for the rate-limit and cache
	// figures of a route; nil reports them as not available.
	Gatherer prometheus.Gatherer
	Logger   *slog.Logger // defaults to slog.Default()
	// OnShift, when set, is told who shifts a route and why just before the
	// file is written, so the control plane's history names them instead
	// of "route file".
	OnShift func(who, why string)
}

// Patterns are the admin mux patterns to route to Handler: the root (a
// redirect to the console), the console's pages, assets and figures, and
// the shift endpoint beneath /api/routes/ (the route list itself,
// /api/routes, stays the admin API's).
var Patterns = []string{"/{$}", "/console/", "/api/routes/"}

// Handler serves the console for Patterns.
func Handler(opts Options) http.Handler {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	static, err := fs.Sub(assets, "assets")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	c := &console{opts: opts, log: opts.Logger.With("part", "console")}
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", http.RedirectHandler("/console/", http.StatusFound))
	page := secured(serveFile(static, "index.html"))
	mux.Handle("GET /console/{$}", page)
	mux.Handle("GET /console/nodes", page)
	mux.Handle("GET /console/routes/{route}", page)
	mux.Handle("GET /console/assets/", secured(http.StripPrefix("/console/assets/", http.FileServerFS(static))))
	mux.HandleFunc("GET /console/api/figures/{route}", c.figures)
	mux.HandleFunc("POST /api/routes/{route}/shift", c.shift)
	mux.HandleFunc("/", notFound)
	return mux
}

type console struct {
	opts Options
	log  *slog.Logger
	mu   sync.Mutex // one read-modify-write of the route file at a time
}

// secured keeps the pages from being framed or running anything but their
// own scripts: a page that can act with the admin token must not load code
// from elsewhere.
func secured(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "no-referrer")
		w.Header().Set("Cache-Control", "no-cache") // a new binary brings new assets
		h.ServeHTTP(w, r)
	})
}

func serveFile(fsys fs.FS, name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeFileFS(w, r, fsys, name)
	})
}

func notFound(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost && strings.HasPrefix(r.URL.Path, "/api/routes/") && strings.HasSuffix(r.URL.Path, "/shift") {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, http.StatusMethodNotAllowed, "method "+r.Method+" not allowed; shift is POST")
		return
	}
	writeError(w, http.StatusNotFound, "no such console page or endpoint: "+r.URL.Path)
}
