package diff

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// benchPair is the ~10 KB product pair: Magento's PHP encoding against the
// same product from encoding/json (other key order, other escapes) with a
// few real differences, an ignored one and a tolerated one.
func benchPair(b *testing.B) (*Comparer, Response, Response) {
	b.Helper()
	legacy, err := os.ReadFile(filepath.Join("testdata", "corpus", "bodies", "product_24-MB01.json"))
	if err != nil {
		b.Fatal(err)
	}
	cand := goEncode(b, legacy)
	for _, r := range [][2]string{
		{`"price":34`, `"price":34.004`},                                             // tolerated
		{`"updated_at":"2024-11-02 17:05:09"`, `"updated_at":"2024-11-02 17:05:10"`}, // ignored
		{`"qty":100`, `"qty":"100"`},                                                 // type
		{`"label":"Side view"`, `"label":"Side View"`},                               // value
		{`"options":[]`, `"options":[],"is_salable":true`},                           // extra
	} {
		if !bytes.Contains(cand, []byte(r[0])) {
			b.Fatalf("bench edit %q does not apply", r[0])
		}
		cand = bytes.Replace(cand, []byte(r[0]), []byte(r[1]), 1)
	}
	rules, err := ParseRules([]string{"header:Date", "body:$.updated_at", "body:$.extension_attributes.stock_item.item_id"},
		[]string{"body:$.custom_attributes"}, map[string]float64{"body:$..price": 0.005}, []string{"body:$..email"})
	if err != nil {
		b.Fatal(err)
	}
	cmp, err := NewComparer(rules)
	if err != nil {
		b.Fatal(err)
	}
	h := func(date string) http.Header {
		return http.Header{"Content-Type": {"application/json"}, "Date": {date}, "Cache-Control": {"max-age=86400, public"},
			"X-Magento-Tags": {"cat_p_1,cat_p"}, "Vary": {"Accept-Encoding"}, "X-Content-Type-Options": {"nosniff"},
			"X-Frame-Options": {"SAMEORIGIN"}, "Pragma": {"cache"}}
	}
	return cmp, Response{200, h("Sat, 02 Nov 2024 17:05:09 GMT"), legacy}, Response{200, h("Sat, 02 Nov 2024 17:05:10 GMT"), cand}
}

// BenchmarkCompareProduct10KB measures what the receiver pays for almost
// every differing pair: Compare alone. The receiver renders samples (Sample)
// for at most one pair per field per second, so they are measured apart, in
// BenchmarkSampleProduct10KB.
func BenchmarkCompareProduct10KB(b *testing.B) {
	cmp, l, c := benchPair(b)
	if res := cmp.Compare(l, c); len(res.Differences) != 3 || res.Ignored != 2 || res.Tolerated != 1 {
		b.Fatalf("bench pair gives %d differences, %d ignored, %d tolerated:\n%s", len(res.Differences), res.Ignored, res.Tolerated, dumpDiffs(res.Differences))
	}
	b.SetBytes(int64(len(l.Body) + len(c.Body)))
	runCompare(b, cmp, l, c)
}

// BenchmarkSampleProduct10KB is the extra cost of a pair whose sample is
// stored: Sample re-decodes and re-parses both bodies and redacts them.
func BenchmarkSampleProduct10KB(b *testing.B) {
	cmp, l, c := benchPair(b)
	res := cmp.Compare(l, c)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := res
		if sl, sc := cmp.Sample(&r); len(sl) == 0 || len(sc) == 0 {
			b.Fatal("no sample")
		}
	}
}

// runCompare reports comparisons per wall second and per CPU second of the
// process: the machine is shared, and CPU time does not count the time other
// processes hold the core.
func runCompare(b *testing.B, cmp *Comparer, l, c Response) {
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU(b)
	for i := 0; i < b.N; i++ {
		cmp.Compare(l, c)
	}
	cpu := processCPU(b) - cpu0
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cmp/s")
	b.ReportMetric(float64(b.N)/cpu.Seconds(), "cmp/cpu-s")
}

func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCompareProductMatch is the common case in production: equal
// bodies in different encodings.
func BenchmarkCompareProductMatch(b *testing.B) {
	cmp, l, _ := benchPair(b)
	c := Response{l.Status, l.Header, goEncode(b, l.Body)}
	if !cmp.Compare(l, c).Match {
		b.Fatal("no match")
	}
	runCompare(b, cmp, l, c)
}

// BenchmarkCompareProductList is a list endpoint's pair: the corpus
// product list grown to 30 items, against its encoding/json form, where
// every item's keys come sorted: each item's members are looked up by key,
// the case the per-depth member positions (memberIndex.guess) serve.
func BenchmarkCompareProductList(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join("testdata", "corpus", "bodies", "product_list.json"))
	if err != nil {
		b.Fatal(err)
	}
	var list struct {
		Items      []json.RawMessage `json:"items"`
		TotalCount int               `json:"total_count"`
	}
	if err := json.Unmarshal(raw, &list); err != nil {
		b.Fatal(err)
	}
	var items [][]byte
	for len(items) < 30 {
		for _, it := range list.Items {
			items = append(items, it)
		}
	}
	legacy := append(append([]byte(`{"items":[`), bytes.Join(items[:30], []byte(","))...), `],"total_count":30}`...)
	h := http.Header{"Content-Type": {"application/json"}}
	l, c := Response{200, h, legacy}, Response{200, h, goEncode(b, legacy)}
	cmp, err := NewComparer(Rules{})
	if err != nil {
		b.Fatal(err)
	}
	if !cmp.Compare(l, c).Match {
		b.Fatal("the list differs from its encoding/json form")
	}
	b.SetBytes(int64(len(l.Body) + len(c.Body)))
	runCompare(b, cmp, l, c)
}

// The decoding approaches measured before choosing the flat tree: each
// decodes both bodies of the pair, which is the floor of a comparison.
func BenchmarkDecodeProductPair(b *testing.B) {
	var t jtree
	benchDecoders(b, map[string]func([]byte) error{
		"flat_tree": t.parse,
		"encoding_json_any_usenumber": func(body []byte) error {
			dec := json.NewDecoder(bytes.NewReader(body))
			dec.UseNumber()
			var v any
			return dec.Decode(&v)
		},
		"encoding_json_token_stream": func(body []byte) error {
			dec := json.NewDecoder(bytes.NewReader(body))
			dec.UseNumber()
			return drainTokens(func() error { _, err := dec.Token(); return err })
		},
	})
}

func benchDecoders(b *testing.B, decoders map[string]func([]byte) error) {
	_, l, c := benchPair(b)
	for name, decode := range decoders {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				for _, body := range [][]byte{l.Body, c.Body} {
					if err := decode(body); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// drainTokens reads tokens until the end of the input.
func drainTokens(next func() error) error {
	for {
		if err := next(); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
	}
}
