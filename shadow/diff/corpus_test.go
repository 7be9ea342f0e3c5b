package diff

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
)

// A corpus case is one response pair and the outcome a reviewer expects.
// Bodies are kept byte for byte (json.RawMessage) so PHP's encoding quirks
// survive into the comparison.
type corpusCase struct {
	Description string        `json:"description"`
	Rules       corpusRules   `json:"rules"`
	Options     corpusOptions `json:"options"`
	Legacy      corpusSide    `json:"legacy"`
	Candidate   corpusSide    `json:"candidate"`
	Expect      corpusExpect  `json:"expect"`
}

type corpusRules struct {
	Ignore    []string           `json:"ignore"`
	Unordered []string           `json:"unordered"`
	Tolerance map[string]float64 `json:"tolerance"`
	Redact    []string           `json:"redact"`
}

type corpusOptions struct {
	MaxBodyBytes int64 `json:"max_body_bytes"`
	SampleBytes  int   `json:"sample_bytes"`
}

type corpusSide struct {
	Status   int               `json:"status"`
	Headers  map[string]string `json:"headers"`
	BodyFile string            `json:"body_file"` // under testdata/corpus/bodies
	Body     json.RawMessage   `json:"body"`      // inline JSON, byte for byte
	BodyText *string           `json:"body_text"`
	// GoEncode re-encodes the JSON body with encoding/json, as a Go service
	// would write it: keys sorted, <>& escaped, slashes and UTF-8 plain.
	GoEncode bool `json:"go_encode"`
	// Replace applies literal substitutions in order; each must match.
	Replace [][2]string `json:"replace"`
	// Encoding compresses the body: gzip, br, deflate, deflate-raw, or
	// broken-gzip (a gzip header with a corrupt stream).
	Encoding string `json:"encoding"`
}

type corpusExpect struct {
	Match          bool         `json:"match"`
	NotComparable  string       `json:"not_comparable"` // prefix
	Differences    []expectDiff `json:"differences"`    // exact, in order
	Ignored        int          `json:"ignored"`
	Tolerated      int          `json:"tolerated"`
	Omitted        int          `json:"omitted"`
	SampleExcludes []string     `json:"sample_excludes"`     // must appear in neither sample
	SampleIncludes []string     `json:"sample_includes"`     // must appear in the legacy sample
	DiffIncludes   []string     `json:"differences_include"` // each must appear in some rendering
	// Samples says which samples a mismatch keeps: "both" (the default),
	// "legacy", "candidate" or "none". A match keeps none.
	Samples string `json:"samples"`
}

type expectDiff struct {
	Path      string  `json:"path"`
	Template  string  `json:"template"`
	Kind      Kind    `json:"kind"`
	Legacy    *string `json:"legacy"`
	Candidate *string `json:"candidate"`
	Redacted  bool    `json:"redacted"`
}

func loadCase(t testing.TB, file string) corpusCase {
	t.Helper()
	var c corpusCase
	loadJSON(t, file, &c)
	return c
}

// loadJSON decodes a test file strictly, so a misspelt field fails the test
// instead of silently weakening it.
func loadJSON(t testing.TB, file string, v any) {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}

func (s corpusSide) response(t testing.TB) Response {
	t.Helper()
	var body []byte
	switch {
	case s.BodyFile != "":
		b, err := os.ReadFile(filepath.Join("testdata", "corpus", "bodies", s.BodyFile))
		if err != nil {
			t.Fatal(err)
		}
		body = b
	case s.BodyText != nil:
		body = []byte(*s.BodyText)
	default:
		body = []byte(s.Body)
	}
	if s.GoEncode {
		body = goEncode(t, body)
	}
	for _, r := range s.Replace {
		if !bytes.Contains(body, []byte(r[0])) {
			t.Fatalf("replace: %q not found in body", r[0])
		}
		body = bytes.Replace(body, []byte(r[0]), []byte(r[1]), 1)
	}
	h := http.Header{}
	for k, v := range s.Headers {
		h.Set(k, v)
	}
	if s.Headers == nil {
		h.Set("Content-Type", "application/json")
	}
	if s.Encoding != "" {
		body = compress(t, s.Encoding, body)
		h.Set("Content-Encoding", strings.TrimSuffix(strings.TrimPrefix(s.Encoding, "broken-"), "-raw"))
	}
	status := s.Status
	if status == 0 {
		status = http.StatusOK
	}
	return Response{Status: status, Header: h, Body: body}
}

func goEncode(t testing.TB, body []byte) []byte {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("go_encode: %v", err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("go_encode: %v", err)
	}
	return out
}

func compress(t testing.TB, enc string, body []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	var w interface {
		Write([]byte) (int, error)
		Close() error
	}
	switch enc {
	case "gzip", "broken-gzip":
		w = gzip.NewWriter(&buf)
	case "br":
		w = brotli.NewWriter(&buf)
	case "deflate":
		w = zlib.NewWriter(&buf)
	case "deflate-raw":
		fw, err := flate.NewWriter(&buf, flate.DefaultCompression)
		if err != nil {
			t.Fatal(err)
		}
		w = fw
	default:
		t.Fatalf("unknown encoding %q", enc)
	}
	if _, err := w.Write(body); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	out := buf.Bytes()
	if enc == "broken-gzip" {
		for i := 12; i < len(out)-8; i++ { // keep the header, wreck the stream
			out[i] ^= 0x5a
		}
	}
	return out
}

func (c corpusCase) comparer(t testing.TB) *Comparer {
	t.Helper()
	rules, err := ParseRules(c.Rules.Ignore, c.Rules.Unordered, c.Rules.Tolerance, c.Rules.Redact)
	if err != nil {
		t.Fatalf("rules: %v", err)
	}
	var opts []Option
	if c.Options.MaxBodyBytes > 0 {
		opts = append(opts, WithMaxBodyBytes(c.Options.MaxBodyBytes))
	}
	if c.Options.SampleBytes > 0 {
		opts = append(opts, WithSampleBytes(c.Options.SampleBytes))
	}
	cmp, err := NewComparer(rules, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return cmp
}

func TestCorpus(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "corpus", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 20 {
		t.Fatalf("corpus has %d cases, expected the full set", len(files))
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".json"), func(t *testing.T) {
			c := loadCase(t, file)
			cmp := c.comparer(t)
			res := cmp.Compare(c.Legacy.response(t), c.Candidate.response(t))
			cmp.Sample(&res)
			checkResult(t, c.Expect, res)
		})
	}
}

func checkResult(t *testing.T, want corpusExpect, res Result) {
	t.Helper()
	if res.Match != want.Match {
		t.Errorf("Match = %v, want %v", res.Match, want.Match)
	}
	if want.NotComparable == "" && res.NotComparable != "" || !strings.HasPrefix(res.NotComparable, want.NotComparable) {
		t.Errorf("NotComparable = %q, want prefix %q", res.NotComparable, want.NotComparable)
	}
	if res.Ignored != want.Ignored || res.Tolerated != want.Tolerated || res.Omitted != want.Omitted {
		t.Errorf("Ignored/Tolerated/Omitted = %d/%d/%d, want %d/%d/%d",
			res.Ignored, res.Tolerated, res.Omitted, want.Ignored, want.Tolerated, want.Omitted)
	}
	if len(res.Differences) != len(want.Differences) {
		t.Errorf("%d differences, want %d:\n%s", len(res.Differences), len(want.Differences), dumpDiffs(res.Differences))
	} else {
		for i, w := range want.Differences {
			checkDiff(t, i, w, res.Differences[i])
		}
	}
	for _, s := range want.SampleExcludes {
		if bytes.Contains(res.SampleLegacy, []byte(s)) || bytes.Contains(res.SampleCandidate, []byte(s)) {
			t.Errorf("a sample holds %q in clear", s)
		}
		for _, d := range res.Differences {
			if strings.Contains(d.Legacy, s) || strings.Contains(d.Candidate, s) {
				t.Errorf("difference %s holds %q in clear", d.Path, s)
			}
		}
	}
	for _, s := range want.SampleIncludes {
		if !bytes.Contains(res.SampleLegacy, []byte(s)) {
			t.Errorf("legacy sample lacks %q", s)
		}
	}
	for _, s := range want.DiffIncludes {
		found := false
		for _, d := range res.Differences {
			found = found || strings.Contains(d.Legacy, s) || strings.Contains(d.Candidate, s)
		}
		if !found {
			t.Errorf("no difference renders %q", s)
		}
	}
	samples := want.Samples
	switch {
	case want.Match:
		samples = "none"
	case samples == "":
		samples = "both"
	}
	wantL := samples == "both" || samples == "legacy"
	wantC := samples == "both" || samples == "candidate"
	if (res.SampleLegacy != nil) != wantL || (res.SampleCandidate != nil) != wantC {
		t.Errorf("samples legacy=%v candidate=%v, want %q", res.SampleLegacy != nil, res.SampleCandidate != nil, samples)
	}
}

func checkDiff(t *testing.T, i int, w expectDiff, got Difference) {
	t.Helper()
	if got.Path != w.Path || got.Kind != w.Kind || got.Redacted != w.Redacted {
		t.Errorf("difference %d = %s %s redacted=%v, want %s %s redacted=%v",
			i, got.Path, got.Kind, got.Redacted, w.Path, w.Kind, w.Redacted)
	}
	if w.Template != "" && got.Template != w.Template {
		t.Errorf("difference %d template = %s, want %s", i, got.Template, w.Template)
	}
	if w.Legacy != nil && got.Legacy != *w.Legacy {
		t.Errorf("difference %d legacy = %s, want %s", i, got.Legacy, *w.Legacy)
	}
	if w.Candidate != nil && got.Candidate != *w.Candidate {
		t.Errorf("difference %d candidate = %s, want %s", i, got.Candidate, *w.Candidate)
	}
}

func dumpDiffs(ds []Difference) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString("  " + d.Path + " " + string(d.Kind) + " " + d.Legacy + " -> " + d.Candidate + "\n")
	}
	return b.String()
}
