package legacy

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strangler-dev/strangler/services/catalogue"
)

// purgeSink is a real HTTP server standing where Varnish would.
type purgeSink struct {
	mu   sync.Mutex
	reqs []*http.Request
	srv  *httptest.Server
}

func newPurgeSink(t *testing.T, status int) *purgeSink {
	s := &purgeSink{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.reqs = append(s.reqs, r.Clone(r.Context()))
		s.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *purgeSink) received() []*http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*http.Request(nil), s.reqs...)
}

func TestSavingAProductPurgesItsTag(t *testing.T) {
	sink := newPurgeSink(t, http.StatusOK)
	own := catalogue.Generate(catalogue.Options{Seed: 42, Products: 60})
	g := newRig(t, Options{Catalogue: own, PurgeURL: sink.srv.URL})
	p := own.Products[0]
	originalPrice := p.Price

	r := g.Do("POST", "/admin/products/"+p.SKU, `{"price": 12.34}`)
	require.Equal(t, 200, r.Status, "%s", r.Body)
	reqs := sink.received()
	require.Len(t, reqs, 1)
	assert.Equal(t, "PURGE", reqs[0].Method)
	assert.Equal(t, "/", reqs[0].URL.Path)
	pattern := reqs[0].Header.Get("X-Magento-Tags-Pattern")
	tag := "cat_p_" + strconv.Itoa(p.ID)
	assert.Equal(t, "((^|,)"+tag+"(,|$))", pattern)
	re := regexp.MustCompile(pattern)
	assert.True(t, re.MatchString("cat_c_3,"+tag+",cat_c_p_3"))
	assert.True(t, re.MatchString(tag))
	assert.False(t, re.MatchString(tag+"1,cat_c_3"), "the pattern does not catch a longer id")

	saved := r.Object(t)
	assert.EqualValues(t, 200, saved["purge"].(map[string]any)["status"])
	assert.Equal(t, 12.34, saved["product"].(map[string]any)["price"])
	assert.Equal(t, 12.34, g.Get("/rest/V1/products/" + p.SKU).Object(t)["price"], "the change is served")
	assert.Equal(t, originalPrice, own.Products[0].Price, "the shared catalogue is untouched")
}

func TestPurgeFailureKeepsTheSave(t *testing.T) {
	sink := newPurgeSink(t, http.StatusMethodNotAllowed)
	g := newRig(t, Options{PurgeURL: sink.srv.URL})
	p := shared().Products[3]
	refused := g.Do("POST", "/admin/products/"+p.SKU, `{"qty": 0}`).Object(t)
	assert.Equal(t, "purge answered 405 Method Not Allowed", refused["purge"].(map[string]any)["error"])
	assert.Equal(t, false, g.Get("/rest/V1/products/" + p.SKU).Object(t)["extension_attributes"].(map[string]any)["stock_item"].(map[string]any)["is_in_stock"])

	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	g2 := newRig(t, Options{PurgeURL: down.URL})
	r := g2.Do("POST", "/admin/products/"+p.SKU, `{"name": "Renamed"}`)
	require.Equal(t, 200, r.Status)
	assert.Contains(t, r.Object(t)["purge"].(map[string]any)["error"], "connect")
	assert.Equal(t, "Renamed", g2.Get("/rest/V1/products/" + p.SKU).Object(t)["name"])

	off := newRig(t, Options{}).Do("POST", "/admin/products/"+p.SKU, `{}`).Object(t)
	assert.Equal(t, map[string]any{"pattern": "((^|,)cat_p_" + strconv.Itoa(p.ID) + "(,|$))"}, off["purge"], "no PurgeURL: nothing sent")
}

func TestSaveRefusals(t *testing.T) {
	g := newRig(t, Options{})
	assert.Equal(t, 404, g.Do("POST", "/admin/products/NO-SUCH-SKU", `{"price":1}`).Status)
	assert.Equal(t, 400, g.Do("POST", "/admin/products/"+shared().Products[0].SKU, `{"prize":1}`).Status)
}
