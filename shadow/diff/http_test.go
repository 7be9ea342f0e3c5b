package diff

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
)

// fetch captures a response as the shadow receiver would: raw bytes on the
// wire, Content-Encoding untouched.
func fetch(t *testing.T, client *http.Client, url string) Response {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: body}
}

// TestCompareLiveServers compares a PHP-style legacy server (gzip, escaped
// slashes, Magento headers) with a Go candidate server over real HTTP.
func TestCompareLiveServers(t *testing.T) {
	product, err := os.ReadFile(filepath.Join("testdata", "corpus", "bodies", "product_24-MB01.json"))
	if err != nil {
		t.Fatal(err)
	}
	legacy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("X-Magento-Tags", "cat_p_1,cat_p")
		w.Header().Set("Set-Cookie", "PHPSESSID=abc; path=/")
		gz := gzip.NewWriter(w)
		gz.Write(product)
		gz.Close()
	}))
	defer legacy.Close()
	candBody := bytes.Replace(goEncode(t, product), []byte(`"price":34`), []byte(`"price":34.5`), 1)
	candidate := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write(candBody)
	}))
	defer candidate.Close()

	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	cmp, err := NewComparer(Rules{})
	if err != nil {
		t.Fatal(err)
	}
	l, c := fetch(t, client, legacy.URL+"/rest/V1/products/24-MB01"), fetch(t, client, candidate.URL+"/rest/V1/products/24-MB01")
	if l.Header.Get("Content-Encoding") != "gzip" {
		t.Fatal("the legacy body was decoded on the way; the test would not exercise decoding")
	}
	res := cmp.Compare(l, c)
	cmp.Sample(&res)
	if len(res.Differences) != 1 || res.Differences[0].Path != "body:$.price" || res.Differences[0].Kind != KindNumeric {
		t.Fatalf("differences:\n%s", dumpDiffs(res.Differences))
	}
	if res.Ignored < 3 { // Set-Cookie, X-Magento-Tags, Content-Encoding at least
		t.Fatalf("ignored %d header differences, want at least 3", res.Ignored)
	}
	if !bytes.HasPrefix(res.SampleLegacy, []byte(`{"id":1,"sku":"24-MB01"`)) {
		t.Fatalf("legacy sample is not the decoded body: %.60q", res.SampleLegacy)
	}
}

// TestCompareConcurrent shares one Comparer between goroutines (run with
// -race): results must equal the sequential ones.
func TestCompareConcurrent(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "corpus", "*.json"))
	rules, err := ParseRules([]string{"body:$.updated_at"}, []string{"body:$.items", "body:$.custom_attributes"},
		map[string]float64{"body:$..price": 0.005}, []string{"body:$..email"})
	if err != nil {
		t.Fatal(err)
	}
	cmp, err := NewComparer(rules)
	if err != nil {
		t.Fatal(err)
	}
	type pair struct{ l, c Response }
	var pairs []pair
	var want []Result
	for _, f := range files {
		cc := loadCase(t, f)
		p := pair{cc.Legacy.response(t), cc.Candidate.response(t)}
		pairs = append(pairs, p)
		want = append(want, cmp.Compare(p.l, p.c))
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 3*len(pairs); i++ {
				k := (i + g) % len(pairs)
				if got := cmp.Compare(pairs[k].l, pairs[k].c); !reflect.DeepEqual(got, want[k]) {
					errs <- filepath.Base(files[k])
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("%s: concurrent result differs from sequential", e)
	}
}
