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
	cmp.Sample(&res)
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
	cmp.Sample(&res)
	if res.Match || res.SampleLegacy != nil || res.SampleCandidate != nil {
		t.Fatalf("got %+v, want a mismatch without samples", res)
	}
}

// TestRedactedSampleWithheld: a body that redact rules cannot reach (not
// JSON) is not kept as a sample rather than kept in clear.
func TestRedactedSampleWithheld(t *testing.T) {
	cmp := emailRedactingComparer(t)
	html := Response{Status: 200, Header: http.Header{"Content-Type": {"text/html"}}, Body: []byte("<p>mail: a@b.c</p>")}
	res := cmp.Compare(html, jsonResp(`{"email":"a@b.c"}`))
	cmp.Sample(&res)
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

// TestSampleOnDemand: Compare renders no sample; Sample renders the same
// redacted bodies from a gzipped pair, once, and lets go of the bodies.
func TestSampleOnDemand(t *testing.T) {
	cmp := emailRedactingComparer(t)
	legacy := jsonResp(`{"email":"a@b.c","n":1}`)
	legacy.Header.Set("Content-Encoding", "gzip")
	legacy.Body = gzipped(t, legacy.Body)
	res := cmp.Compare(legacy, jsonResp(`{"email":"x@y.z","n":2}`))
	if res.Match || res.SampleLegacy != nil || res.SampleCandidate != nil {
		t.Fatalf("Compare rendered samples: %q %q", res.SampleLegacy, res.SampleCandidate)
	}
	l, c := cmp.Sample(&res)
	if string(l) != `{"email":"[redacted]","n":1}` || string(c) != `{"email":"[redacted]","n":2}` {
		t.Fatalf("samples %q %q", l, c)
	}
	if string(res.SampleLegacy) != string(l) || string(res.SampleCandidate) != string(c) || res.toSample || res.pair[0].Body != nil {
		t.Fatalf("Sample did not keep its rendering and drop the bodies: %+v", res)
	}
	if l2, c2 := cmp.Sample(&res); &l2[0] != &l[0] || &c2[0] != &c[0] {
		t.Fatal("a second Sample rendered again")
	}
	match := cmp.Compare(jsonResp(`{"a":1}`), jsonResp(`{"a":1}`))
	if l, c := cmp.Sample(&match); l != nil || c != nil {
		t.Fatalf("samples for a match: %q %q", l, c)
	}
}

func emailRedactingComparer(t *testing.T) *Comparer {
	t.Helper()
	rules, err := ParseRules(nil, nil, nil, []string{"body:$..email"})
	if err != nil {
		t.Fatal(err)
	}
	cmp, err := NewComparer(rules)
	if err != nil {
		t.Fatal(err)
	}
	return cmp
}

// TestResultDependsOnInputAlone: a pooled comparer that has compared other
// pairs (the walker keeps scratch state, such as the member positions of
// objects it met) gives the same result as a fresh one, also for arrays of
// objects whose keys are out of order or repeated.
func TestResultDependsOnInputAlone(t *testing.T) {
	pairs := [][2]string{
		{`{"a":[{"x":1,"y":2,"z":3},{"x":4,"y":5,"z":6}]}`, `{"a":[{"z":3,"y":2,"x":1},{"y":5,"z":6,"x":4}]}`},
		{`{"a":[{"z":1,"x":2,"x":3},{"x":4,"z":5,"x":6}]}`, `{"a":[{"x":2,"x":3,"z":1},{"x":6,"z":5,"x":4}]}`},
		{`{"a":[{"k":1,"j":2},{"j":3,"k":4,"k":5}]}`, `{"a":[{"j":2,"k":1},{"k":5,"j":3,"k":4}]}`},
		{`[{"p":1,"q":2,"r":3,"s":4,"t":5,"u":6,"v":7,"w":8,"x":9}]`, `[{"x":9,"w":8,"v":7,"u":6,"t":5,"s":4,"r":3,"q":2,"p":0}]`},
	}
	used, err := NewComparer(Rules{})
	if err != nil {
		t.Fatal(err)
	}
	for round := 0; round < 3; round++ {
		for i, p := range pairs {
			fresh, err := NewComparer(Rules{})
			if err != nil {
				t.Fatal(err)
			}
			want := fresh.Compare(jsonResp(p[0]), jsonResp(p[1]))
			got := used.Compare(jsonResp(p[0]), jsonResp(p[1]))
			if got.Match != want.Match || len(got.Differences) != len(want.Differences) {
				t.Fatalf("round %d pair %d: %+v after other comparisons, %+v fresh", round, i, got.Differences, want.Differences)
			}
			for k := range got.Differences {
				if got.Differences[k] != want.Differences[k] {
					t.Fatalf("round %d pair %d: %+v after other comparisons, %+v fresh", round, i, got.Differences[k], want.Differences[k])
				}
			}
		}
	}
}
