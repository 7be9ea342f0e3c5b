// Package shopper generates traffic shaped like a shop's: visitors who browse
// categories, open products, search, and now and then fill a cart, each with
// their own session cookie. `make run` points it at the edge so that shadow
// reports, limits, the cache and the console have something to show.
package shopper

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/strangler-dev/strangler/services/catalogue"
)

// Options shape the traffic.
type Options struct {
	BaseURL   string               // the edge, e.g. http://127.0.0.1:10000
	Rate      float64              // requests per second, all visitors together
	Visitors  int                  // concurrent visitors; default 8
	Catalogue *catalogue.Catalogue // what there is to browse (the services' catalogue)
	Seed      uint64
	Client    *http.Client // default: 5 s timeout, no redirects followed
}

// Stats counts what the traffic met.
type Stats struct {
	mu       sync.Mutex
	Requests int64
	Status   map[string]int64 // "2xx", "4xx", "429", "5xx", "error"
	ServedBy map[string]int64 // X-Served-By: magento or catalog
	Cache    map[string]int64 // X-Cache: HIT, MISS, STALE
}

func (s *Stats) add(resp *http.Response, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Requests++
	if err != nil {
		s.Status["error"]++
		return
	}
	class := fmt.Sprintf("%dxx", resp.StatusCode/100)
	if resp.StatusCode == http.StatusTooManyRequests {
		class = "429"
	}
	s.Status[class]++
	if v := resp.Header.Get("X-Served-By"); v != "" {
		s.ServedBy[v]++
	}
	if v := resp.Header.Get("X-Cache"); v != "" {
		s.Cache[v]++
	}
}

// String is a one-line summary.
func (s *Stats) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fmt.Sprintf("%d requests, status %v, served by %v, cache %v", s.Requests, s.Status, s.ServedBy, s.Cache)
}

// Run sends traffic until ctx ends.
func Run(ctx context.Context, opts Options) *Stats {
	if opts.Visitors <= 0 {
		opts.Visitors = 8
	}
	if opts.Client == nil {
		opts.Client = &http.Client{Timeout: 5 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	st := &Stats{Status: map[string]int64{}, ServedBy: map[string]int64{}, Cache: map[string]int64{}}
	tick := time.Duration(float64(time.Second) * float64(opts.Visitors) / max(opts.Rate, 0.1))
	var wg sync.WaitGroup
	for i := range opts.Visitors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := &visitor{opts: opts, st: st, rng: rand.New(rand.NewPCG(opts.Seed, uint64(i))),
				session: fmt.Sprintf("%016x", rand.New(rand.NewPCG(opts.Seed, uint64(i)+1000)).Uint64())}
			t := time.NewTicker(tick)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					v.step(ctx)
				}
			}
		}()
	}
	wg.Wait()
	return st
}

type visitor struct {
	opts    Options
	st      *Stats
	rng     *rand.Rand
	session string
	cart    string
}

// step is one request, picked the way shoppers spread theirs: mostly product
// and category views, some searches, a few cart actions.
func (v *visitor) step(ctx context.Context) {
	c := v.opts.Catalogue
	p := c.Products[v.rng.IntN(len(c.Products))]
	cat := c.Categories[v.rng.IntN(len(c.Categories))]
	switch n := v.rng.IntN(100); {
	case n < 40:
		v.do(ctx, http.MethodGet, "/rest/V1/products/"+url.PathEscape(p.SKU), "")
	case n < 55:
		v.do(ctx, http.MethodGet, fmt.Sprintf("/rest/V1/categories/%d", cat.ID), "")
	case n < 70:
		if cat.URLPath != "" {
			v.do(ctx, http.MethodGet, "/"+cat.URLPath+".html", "")
		}
	case n < 85:
		q := url.Values{}
		q.Set("searchCriteria[filter_groups][0][filters][0][field]", "name")
		q.Set("searchCriteria[filter_groups][0][filters][0][value]", "%"+strings.Fields(p.Name)[0]+"%")
		q.Set("searchCriteria[filter_groups][0][filters][0][condition_type]", "like")
		q.Set("searchCriteria[pageSize]", "20")
		v.do(ctx, http.MethodGet, "/rest/V1/products?"+q.Encode(), "")
	case n < 90:
		v.do(ctx, http.MethodGet, "/rest/V1/categories", "")
	default:
		v.cartStep(ctx, p.SKU)
	}
}

func (v *visitor) cartStep(ctx context.Context, sku string) {
	if v.cart == "" {
		body := v.do(ctx, http.MethodPost, "/rest/V1/guest-carts", "")
		v.cart = strings.Trim(strings.TrimSpace(body), `"`)
		return
	}
	if v.rng.IntN(2) == 0 {
		v.do(ctx, http.MethodPost, "/rest/V1/guest-carts/"+v.cart+"/items",
			fmt.Sprintf(`{"cartItem":{"sku":%q,"qty":1,"quote_id":%q}}`, sku, v.cart))
		return
	}
	v.do(ctx, http.MethodGet, "/rest/V1/guest-carts/"+v.cart+"/totals", "")
}

func (v *visitor) do(ctx context.Context, method, path, body string) string {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, v.opts.BaseURL+path, rd)
	if err != nil {
		return ""
	}
	req.Header.Set("Cookie", "PHPSESSID="+v.session)
	req.Header.Set("User-Agent", "strangler-shopper/1")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := v.opts.Client.Do(req)
	if ctx.Err() != nil {
		return ""
	}
	v.st.add(resp, err)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return string(b)
}
