// Package legacy is a stand-in for the Magento 2 monolith that strangler moves
// traffic off: Magento's REST shapes for products, categories, carts and
// customer tokens, its storefront pages with their caching headers and tags,
// PHP's JSON encoding, Magento's noise, and the Varnish PURGE it sends when a
// product is saved. It is what `strangler service legacy` serves and what
// end-to-end tests put behind Envoy.
package legacy

import (
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/strangler-dev/strangler/services/catalogue"
)

// Options configure the stand-in. The zero value serves the default
// catalogue of seed 0, at once, without noise or purges.
type Options struct {
	Catalogue *catalogue.Catalogue // nil: generated from Seed at the default size
	// Seed seeds the catalogue when Catalogue is nil, and the latency jitter,
	// noise, cart ids, tokens and form keys, so that runs repeat.
	Seed    uint64
	Latency Latency
	// Noise turns on what makes two identical Magento requests answer
	// differently: see noise.go. SetNoise switches it at run time.
	Noise      bool
	NoiseEvery int // with Noise, one product rendering in NoiseEvery gets a fresh updated_at; default 10
	// PurgeURL is the cache (Varnish, or strangler's edge cache) that saving a
	// product purges with `PURGE /` and X-Magento-Tags-Pattern. Empty: no purge.
	PurgeURL    string
	PurgeClient *http.Client // default: a client with a 5 s timeout
	Logger      *slog.Logger // default: slog.Default()
}

// Latency is added to every request but /_stats: Base plus a uniform draw in
// [0, Jitter).
type Latency struct {
	Base   time.Duration
	Jitter time.Duration
}

// RealisticLatency is what a warm Magento answers an uncached request in:
// a few tens of milliseconds.
var RealisticLatency = Latency{Base: 35 * time.Millisecond, Jitter: 30 * time.Millisecond}

const defaultNoiseEvery = 10

// Server is the stand-in; it is an http.Handler.
type Server struct {
	opts      Options
	log       *slog.Logger
	store     *store
	carts     *carts
	customers *customers
	stats     *stats
	noise     atomic.Bool
	renders   atomic.Uint64 // product renderings, for one-in-N noise
	rngMu     sync.Mutex
	rng       *rand.Rand
	formKey   string // the form_key of every page while noise is off
	handler   http.Handler
}

// New builds the stand-in.
func New(opts Options) *Server {
	if opts.Catalogue == nil {
		opts.Catalogue = catalogue.Generate(catalogue.Options{Seed: opts.Seed})
	}
	if opts.NoiseEvery <= 0 {
		opts.NoiseEvery = defaultNoiseEvery
	}
	if opts.PurgeClient == nil {
		opts.PurgeClient = &http.Client{Timeout: 5 * time.Second}
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	s := &Server{
		opts: opts, log: opts.Logger.With("service", "legacy"),
		store: newStore(opts.Catalogue), carts: newCarts(), customers: newCustomers(),
		stats: newStats(),
		rng:   rand.New(rand.NewPCG(opts.Seed, 0x6c6567616379)),
	}
	s.noise.Store(opts.Noise)
	s.formKey = s.randomString(16, alphanumeric)
	s.handler = s.count(catalogue.ServedBy("magento", s.delay(catalogue.Unscope(s.routes()))))
	return s
}

// ServeHTTP answers as Magento would.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// SetNoise switches noise on or off while serving.
func (s *Server) SetNoise(on bool) { s.noise.Store(on) }

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health_check.php", s.healthCheck)

	mux.HandleFunc("GET /rest/V1/products/{sku}", s.product)
	mux.HandleFunc("GET /rest/V1/products", s.searchProducts)
	mux.HandleFunc("GET /rest/V1/categories", s.categoryTree)
	mux.HandleFunc("GET /rest/V1/categories/{id}", s.category)

	mux.HandleFunc("POST /rest/V1/guest-carts", s.createGuestCart)
	mux.HandleFunc("GET /rest/V1/guest-carts/{cartId}", s.guestCart(s.showCart))
	mux.HandleFunc("GET /rest/V1/guest-carts/{cartId}/items", s.guestCart(s.listItems))
	mux.HandleFunc("POST /rest/V1/guest-carts/{cartId}/items", s.guestCart(s.addItem))
	mux.HandleFunc("GET /rest/V1/guest-carts/{cartId}/totals", s.guestCart(s.showTotals))

	mux.HandleFunc("POST /rest/V1/integration/customer/token", s.customerToken)
	mux.HandleFunc("POST /rest/V1/carts/mine", s.customerCart(s.cartID))
	mux.HandleFunc("GET /rest/V1/carts/mine", s.customerCart(s.showCart))
	mux.HandleFunc("GET /rest/V1/carts/mine/items", s.customerCart(s.listItems))
	mux.HandleFunc("POST /rest/V1/carts/mine/items", s.customerCart(s.addItem))
	mux.HandleFunc("GET /rest/V1/carts/mine/totals", s.customerCart(s.showTotals))
	mux.HandleFunc("/rest/", s.noRoute)

	mux.HandleFunc("GET /catalog/product/view/id/{id}", s.productPage)
	mux.HandleFunc("POST /customer/account/loginPost/{$}", s.login)
	mux.HandleFunc("POST /customer/account/loginPost", s.login)
	mux.HandleFunc("GET /customer/account/{$}", s.account)
	mux.HandleFunc("GET /customer/account/login/{$}", s.loginPage)
	mux.HandleFunc("/", s.storefront)

	mux.HandleFunc("POST /admin/products/{sku}", s.saveProduct)
	mux.HandleFunc("GET /_stats", s.showStats)
	mux.HandleFunc("DELETE /_stats", s.resetStats)
	return mux
}

func (s *Server) healthCheck(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	w.WriteHeader(http.StatusOK) // Magento's health_check.php answers an empty 200 when all is well
}

func (s *Server) noRoute(w http.ResponseWriter, _ *http.Request) {
	s.writeError(w, http.StatusNotFound, &catalogue.InputError{Message: catalogue.MessageNoRoute})
}
