package shadow

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// primaryMarker is set by the Envoy stand-in on the request that serves the
// user, so a backend can tell those from the receiver's own calls.
const primaryMarker = "X-Test-Primary"

// Injected behaviour of the test backends, by request:
//   - products/SKU-<n>: legacy stamps generated_at afresh on every call
//     (noise: legacy differs from itself); the new service differs in price
//     and seller_email (redacted) when n%4 == 1.
//   - categories/<n>: the new service renames "Gear" when n%5 == 0.
func priceDiffers(n int) bool    { return n%4 == 1 }
func categoryDiffers(n int) bool { return n%5 == 0 }

// backend is a real HTTP server standing in for Magento or the new service.
type backend struct {
	srv    *httptest.Server
	legacy bool
	stamp  atomic.Int64
	delay  atomic.Int64  // nanoseconds every answer waits
	block  chan struct{} // when set, receiver calls wait for it to close

	mu    sync.Mutex
	calls []seenRequest // the receiver's calls (not the primaries)
}

type seenRequest struct {
	Method, URI, Host string
	Header            http.Header
	Body              string
}

func testBodies(t testing.TB) (product, category []byte) {
	t.Helper()
	dir := filepath.Join("diff", "testdata", "corpus", "bodies")
	p, err := os.ReadFile(filepath.Join(dir, "product_24-MB01.json"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := os.ReadFile(filepath.Join(dir, "category_tree.json"))
	if err != nil {
		t.Fatal(err)
	}
	return p, c
}

func newBackend(t testing.TB, legacy bool) *backend {
	product, category := testBodies(t)
	b := &backend{legacy: legacy}
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := readAll(r)
		if r.Header.Get(primaryMarker) == "" {
			b.mu.Lock()
			b.calls = append(b.calls, seenRequest{Method: r.Method, URI: r.RequestURI, Host: r.Host, Header: r.Header.Clone(), Body: body})
			blk := b.block
			b.mu.Unlock()
			if blk != nil {
				<-blk
			}
		}
		if d := b.delay.Load(); d > 0 {
			time.Sleep(time.Duration(d))
		}
		b.serve(w, r, product, category)
	}))
	t.Cleanup(b.srv.Close)
	return b
}

func readAll(r *http.Request) string {
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(r.Body)
	return buf.String()
}

func (b *backend) serve(w http.ResponseWriter, r *http.Request, product, category []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	path := r.URL.Path
	switch {
	case r.Method == http.MethodPost:
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, `{"id":99}`)
	case strings.HasPrefix(path, "/rest/V1/products/SKU-"):
		n, _ := strconv.Atoi(strings.TrimPrefix(path, "/rest/V1/products/SKU-"))
		b.writeBody(w, r, b.product(product, n))
	case strings.HasPrefix(path, "/rest/V1/categories/"):
		n, _ := strconv.Atoi(strings.TrimPrefix(path, "/rest/V1/categories/"))
		b.writeBody(w, r, b.category(category, n))
	case path == "/rest/V1/broken" && !b.legacy, path == "/rest/V1/broken-legacy" && b.legacy:
		w.Header().Set("Content-Encoding", "gzip") // a gzip header on a body that is not gzip
		fmt.Fprint(w, `{"id":1}`)
	case path == "/rest/V1/broken", path == "/rest/V1/broken-legacy":
		fmt.Fprint(w, `{"id":1}`)
	default:
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"message":"Request does not match any route."}`)
	}
}

// writeBody gzips like Magento behind nginx when the client accepts it; the
// new service answers plain.
func (b *backend) writeBody(w http.ResponseWriter, r *http.Request, body []byte) {
	if b.legacy && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("Content-Encoding", "gzip")
		gz := gzip.NewWriter(w)
		gz.Write(body)
		gz.Close()
		return
	}
	w.Write(body)
}

func (b *backend) product(tmpl []byte, n int) []byte {
	sku := fmt.Sprintf("SKU-%d", n)
	email := "seller+" + sku + "@example.com"
	stamp := fmt.Sprintf("2025-01-01T00:00:00.%09dZ", b.stamp.Add(1))
	if !b.legacy {
		stamp = "new-" + stamp
		if priceDiffers(n) {
			email = "ops+" + sku + "@example.com"
		}
	}
	head := fmt.Sprintf(`{"id":1,"sku":%q,"generated_at":%q,"seller_email":%q,`, sku, stamp, email)
	out := bytes.Replace(tmpl, []byte(`{"id":1,"sku":"24-MB01",`), []byte(head), 1)
	if !b.legacy && priceDiffers(n) {
		out = bytes.Replace(out, []byte(`"price":34,`), []byte(`"price":35,`), 1)
	}
	return out
}

func (b *backend) category(tmpl []byte, n int) []byte {
	out := bytes.Replace(tmpl, []byte(`{"id":2,`), []byte(fmt.Sprintf(`{"id":%d,`, n)), 1)
	if !b.legacy && categoryDiffers(n) {
		out = bytes.Replace(out, []byte(`"name":"Gear"`), []byte(`"name":"Gear & Bags"`), 1)
	}
	return out
}

// receiverCalls returns the calls the receiver made.
func (b *backend) receiverCalls() []seenRequest {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]seenRequest(nil), b.calls...)
}

func (b *backend) setBlock(ch chan struct{}) {
	b.mu.Lock()
	b.block = ch
	b.mu.Unlock()
}
