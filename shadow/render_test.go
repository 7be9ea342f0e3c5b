package shadow

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func TestRenderers(t *testing.T) {
	rg := newRig(t, nil)
	play(t, []*envoy{rg.node.envoy}, traffic())
	rep := rg.waitHandled(80)

	var table bytes.Buffer
	if err := WriteTable(&table, rep); err != nil {
		t.Fatal(err)
	}
	txt := table.String()
	for _, want := range []string{"compared 80, matched 32 (40.00%), differing 48", "noise samples 60",
		productEP, categoryEP} {
		if !strings.Contains(txt, want) {
			t.Errorf("table lacks %q:\n%s", want, txt)
		}
	}
	if !regexp.MustCompile(`REAL\s+body:\$\.price\s+GET /rest/V1/products/\{sku\}\s+10 \(25\.00%\)\s+0 \(0\.00%\)`).MatchString(txt) ||
		!regexp.MustCompile(`noise\s+body:\$\.generated_at\s+\S+ \S+\s+40 \(100\.00%\)\s+30 \(100\.00%\)`).MatchString(txt) {
		t.Errorf("field rows:\n%s", txt)
	}

	var md bytes.Buffer
	if err := WriteMarkdown(&md, rep); err != nil {
		t.Fatal(err)
	}
	if m := md.String(); !strings.Contains(m, "| `body:$.price` | `GET /rest/V1/products/{sku}` |") ||
		!strings.Contains(m, "## Fields") || !strings.Contains(m, "| --- |") {
		t.Errorf("markdown:\n%s", m)
	}

	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back["compared"] != 80.0 || back["match_rate"] != 40.0 || len(back["fields"].([]any)) != 4 {
		t.Errorf("JSON: %.400s", b)
	}
	if lat := back["latency"].(map[string]any)["new"].(map[string]any); lat["count"] != 80.0 || lat["p99_ms"] == 0.0 {
		t.Errorf("JSON latency: %v", lat)
	}
}

func TestHTMLPages(t *testing.T) {
	rg := newRig(t, nil)
	play(t, []*envoy{rg.node.envoy}, traffic())
	rg.waitHandled(80)
	web := httptest.NewServer(HTMLHandler(rg.store))
	defer web.Close()
	get := func(path string) string {
		t.Helper()
		resp, err := http.Get(web.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
		}
		if strings.Contains(string(b), "<script") || strings.Contains(string(b), "http://") || strings.Contains(string(b), "https://") {
			t.Fatalf("GET %s: external assets or scripts", path)
		}
		return string(b)
	}
	overview := get("/shadow/")
	// 40 % match: a red bar 40 % wide, linked to the route page.
	if !strings.Contains(overview, `<span class="bad" style="width: 40.00%"></span><b>40.00%</b>`) ||
		!strings.Contains(overview, `href="/shadow/catalog?range=1h"`) {
		t.Fatalf("overview:\n%s", overview)
	}
	page := get("/shadow/catalog?range=15m")
	realAt, noiseAt := strings.Index(page, "Real differences"), strings.Index(page, "Noise <span")
	priceAt, stampAt := strings.Index(page, "<code>body:$.price</code>"), strings.Index(page, "<code>body:$.generated_at</code>")
	if realAt < 0 || noiseAt < realAt || priceAt < realAt || priceAt > noiseAt || stampAt < noiseAt {
		t.Fatalf("real fields must come first and noise apart: real@%d price@%d noise@%d generated_at@%d", realAt, priceAt, noiseAt, stampAt)
	}
	// A sample of the price field side by side: the differing line marked
	// on both sides, redacted values marked.
	sample := get("/shadow/catalog?range=15m&ep=" + urlQuery(productEP) + "&f=" + urlQuery("body:$.price") + "&sample=0")
	if !regexp.MustCompile(`<div class="d" style="padding-left: 1em"><span class="k">&#34;price&#34;</span>: <span class="n">34</span>,</div>`).MatchString(sample) ||
		!strings.Contains(sample, `<span class="n">35</span>`) {
		t.Fatalf("price line not highlighted:\n%s", sample)
	}
	if !strings.Contains(sample, `<span class="redacted">&#34;[redacted]&#34;</span>`) || strings.Contains(sample, "@example.com") {
		t.Fatal("redacted value not marked, or an email in clear")
	}
	if strings.Count(sample, `class="d"`) < 4 { // price and seller_email on both sides at least
		t.Fatalf("%d highlighted lines", strings.Count(sample, `class="d"`))
	}
	if resp, err := http.Get(web.URL + "/shadow/bad%7Bname%7D"); err != nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("bad route name: %v %v", resp.StatusCode, err)
	}
}

func urlQuery(s string) string {
	r := strings.NewReplacer("%", "%25", " ", "%20", "{", "%7B", "}", "%7D", "$", "%24", "&", "%26", "+", "%2B")
	return r.Replace(s)
}

func TestPrettyBodyMarksDifferingPaths(t *testing.T) {
	body := `{"items":[{"sku":"a","price":1},{"sku":"b","price":2}],"odd key":{"x":[]},"email":"[redacted]"}`
	lines := prettyBody(body, []string{"body:$.items[1].price", "body:$['odd key']"})
	var marked []string
	for _, l := range lines {
		if l.Diff {
			marked = append(marked, string(l.HTML))
		}
	}
	want := []string{`<span class="k">&#34;price&#34;</span>: <span class="n">2</span>`,
		`<span class="k">&#34;odd key&#34;</span>: {`, `<span class="k">&#34;x&#34;</span>: []`, `},`}
	if strings.Join(marked, "\n") != strings.Join(want, "\n") {
		t.Fatalf("marked:\n%s", strings.Join(marked, "\n"))
	}
	if !lines[len(lines)-2].Redacted {
		t.Fatal("redacted value not flagged")
	}
	// Text (or a sample cut by the size cap) is shown as it is.
	if got := prettyBody("<html>\n[redacted]", nil); len(got) != 2 || !strings.Contains(string(got[1].HTML), `class="redacted"`) ||
		string(got[0].HTML) != "&lt;html&gt;" {
		t.Fatalf("text body: %+v", got)
	}
}
