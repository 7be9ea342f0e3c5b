package diff

import (
	"net/http"
	"strings"
	"testing"
)

func jsonResp(body string) Response {
	return Response{Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(body)}
}

func TestOptionsValidated(t *testing.T) {
	for _, opts := range [][]Option{
		{WithMaxBodyBytes(0)}, {WithMaxBodyBytes(2 << 30)}, {WithSampleBytes(-1)}, {WithMaxDifferences(0)},
	} {
		if _, err := NewComparer(Rules{}, opts...); err == nil || !strings.Contains(err.Error(), "shadow comparer") {
			t.Errorf("NewComparer accepted bad options: %v", err)
		}
	}
}

func TestMaxDifferencesAndSampleCap(t *testing.T) {
	cmp, err := NewComparer(Rules{}, WithMaxDifferences(2), WithSampleBytes(10))
	if err != nil {
		t.Fatal(err)
	}
	res := cmp.Compare(jsonResp(`{"a":1,"b":2,"c":3,"d":4,"e":5}`), jsonResp(`{"a":9,"b":9,"c":9,"d":9,"e":9}`))
	if res.Match || len(res.Differences) != 2 || res.Omitted != 3 {
		t.Fatalf("got %d differences, %d omitted, match %v; want 2, 3, false", len(res.Differences), res.Omitted, res.Match)
	}
	if string(res.SampleLegacy) != `{"a":1,"b"` || string(res.SampleCandidate) != `{"a":9,"b"` {
		t.Fatalf("samples %q %q, want the first 10 bytes", res.SampleLegacy, res.SampleCandidate)
	}
}

func TestNoSamplesOption(t *testing.T) {
	cmp, err := NewComparer(Rules{}, WithSampleBytes(0))
	if err != nil {
		t.Fatal(err)
	}
	res := cmp.Compare(jsonResp(`{"a":1}`), jsonResp(`{"a":2}`))
	if res.Match || res.SampleLegacy != nil || res.SampleCandidate != nil {
		t.Fatalf("got %+v, want a mismatch without samples", res)
	}
}

// TestRedactedSampleWithheld: a body that redact rules cannot reach (not
// JSON) is not kept as a sample rather than kept in clear.
func TestRedactedSampleWithheld(t *testing.T) {
	rules, err := ParseRules(nil, nil, nil, []string{"body:$..email"})
	if err != nil {
		t.Fatal(err)
	}
	cmp, err := NewComparer(rules)
	if err != nil {
		t.Fatal(err)
	}
	html := Response{Status: 200, Header: http.Header{"Content-Type": {"text/html"}}, Body: []byte("<p>mail: a@b.c</p>")}
	res := cmp.Compare(html, jsonResp(`{"email":"a@b.c"}`))
	if res.SampleLegacy != nil {
		t.Fatalf("legacy sample kept in clear: %q", res.SampleLegacy)
	}
	if string(res.SampleCandidate) != `{"email":"[redacted]"}` {
		t.Fatalf("candidate sample %q", res.SampleCandidate)
	}
	for _, d := range res.Differences {
		if strings.Contains(d.Legacy+d.Candidate, "a@b.c") {
			t.Fatalf("difference %s holds the address in clear", d.Path)
		}
	}
}
