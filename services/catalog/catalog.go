// Package catalog is the new Go catalog service that takes product and
// category reads over from Magento: the same REST endpoints, answered from
// its own in-memory index of the catalogue, with a small TTL cache,
// singleflight on hot keys and negative caching of missing skus. Faults can
// be switched on at run time (GET/PUT /admin/faults) so that shadow reports,
// fallback and rollout analysis have something to find. It encodes with
// encoding/json, so PHP-vs-Go differences (\/ escaping, [] for {}, HTML
// escapes) show up as they would against a real Magento.
package catalog

import (
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/strangler-dev/strangler/services/catalogue"
)

// Defaults for Options.
const (
	DefaultCacheTTL    = 30 * time.Second
	DefaultNegativeTTL = 5 * time.Second
	DefaultCacheSize   = 10000
)

// Options configure the service.
type Options struct {
	Catalogue   *catalogue.Catalogue // nil: generated from Seed at the default size, as legacy.New does
	Seed        uint64               // the catalogue's seed when Catalogue is nil; give both services the same
	Faults      Faults               // in force from the start; New panics if they do not Validate
	CacheTTL    time.Duration        // product, search and category entries, ±20 %; default DefaultCacheTTL
	NegativeTTL time.Duration        // missing skus and categories, ±20 %; default DefaultNegativeTTL
	CacheSize   int                  // entries per cache; default DefaultCacheSize
	Registerer  prometheus.Registerer
	Logger      *slog.Logger
}

// Service is the catalog service; it is an http.Handler.
type Service struct {
	opts       Options
	log        *slog.Logger
	index      *index
	faults     atomic.Pointer[Faults]
	products   *ttlCache[bodyEntry]
	searches   *ttlCache[searchEntry]
	categories *ttlCache[bodyEntry]
	flight     singleflight.Group
	metrics    *metrics
	handler    http.Handler
	// loadHook runs inside every load; tests slow loads down with it to hold
	// concurrent misses together.
	loadHook func()
}

// bodyEntry is an encoded answer, or the memory that there is none.
type bodyEntry struct {
	body  []byte
	found bool
}

type searchEntry struct {
	skus  []string
	total int
}

// New builds the service. It panics when opts.Faults do not Validate or the
// metrics cannot be registered: both are mistakes in the caller's code.
func New(opts Options) *Service {
	if err := opts.Faults.Validate(); err != nil {
		panic(fmt.Sprintf("catalog: Options.Faults: %v", err))
	}
	if opts.Catalogue == nil {
		opts.Catalogue = catalogue.Generate(catalogue.Options{Seed: opts.Seed})
	}
	if opts.CacheTTL <= 0 {
		opts.CacheTTL = DefaultCacheTTL
	}
	if opts.NegativeTTL <= 0 {
		opts.NegativeTTL = DefaultNegativeTTL
	}
	if opts.CacheSize <= 0 {
		opts.CacheSize = DefaultCacheSize
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	s := &Service{
		opts: opts, log: opts.Logger.With("service", "catalog"),
		index:      newIndex(opts.Catalogue),
		products:   newTTLCache[bodyEntry](opts.CacheSize, time.Now),
		searches:   newTTLCache[searchEntry](opts.CacheSize, time.Now),
		categories: newTTLCache[bodyEntry](opts.CacheSize, time.Now),
		metrics:    newMetrics(opts.Registerer),
	}
	f := opts.Faults
	s.faults.Store(&f)
	s.handler = catalogue.ServedBy("catalog", s.faulty(catalogue.Unscope(s.routes())))
	return s
}

// ServeHTTP answers a request.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// Faults returns the faults in force.
func (s *Service) Faults() Faults { return *s.faults.Load() }

// SetFaults puts f in force for the requests that start from now on.
func (s *Service) SetFaults(f Faults) error {
	if err := f.Validate(); err != nil {
		return fmt.Errorf("faults: %w", err)
	}
	s.faults.Store(&f)
	s.log.Info("faults set", "latency", f.Latency, "error_rate", f.ErrorRate, "down", f.Down,
		"differences", f.Differences.Any())
	return nil
}

func (s *Service) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /rest/V1/products/{sku}", s.product)
	mux.HandleFunc("GET /rest/V1/products", s.searchProducts)
	mux.HandleFunc("GET /rest/V1/categories", s.categoryTree)
	mux.HandleFunc("GET /rest/V1/categories/{id}", s.category)
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET "+faultsPath, s.getFaults)
	mux.HandleFunc("PUT "+faultsPath, s.putFaults)
	mux.HandleFunc("/", s.noRoute)
	return mux
}
