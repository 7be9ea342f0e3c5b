package diff

import (
	"math"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func TestClassify(t *testing.T) {
	cases := []struct {
		name                          string
		raw, noise, total, noiseTotal int64
		real                          bool
		rawRate, noiseRate, relative  float64
	}{
		{"clear regression", 50, 0, 1000, 100, true, 5, 0, 100},
		{"as noisy as legacy", 90, 9, 1000, 100, false, 9, 9, 0},
		{"rarer than noise", 5, 1, 1000, 100, false, 0.5, 1, -100.0 / 3},
		{"slightly above noise", 110, 10, 10000, 1000, false, 1.1, 1, 100 * 0.1 / 2.1},
		{"absolute margin not exceeded", 3, 0, 10000, 100, false, 0.03, 0, 100},
		{"absolute margin exceeded", 4, 0, 10000, 100, true, 0.04, 0, 100},
		{"no comparisons", 0, 0, 0, 0, false, 0, 0, 0},
		{"no noise sample", 5, 0, 100, 0, true, 5, 0, 100},
		{"rates are per own total", 20, 1, 1000, 10, false, 2, 10, -100 * 8.0 / 12},
	}
	for _, tc := range cases {
		v := Classify(tc.raw, tc.noise, tc.total, tc.noiseTotal, DefaultThresholds)
		if v.Real != tc.real || !near(v.RawRate, tc.rawRate) || !near(v.NoiseRate, tc.noiseRate) ||
			!near(v.Relative, tc.relative) || !near(v.Absolute, tc.rawRate-tc.noiseRate) {
			t.Errorf("%s: got %+v, want real=%v raw=%v noise=%v relative=%v", tc.name, v, tc.real, tc.rawRate, tc.noiseRate, tc.relative)
		}
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// A noise scenario replays response pairs many times: raw pairs are legacy
// vs candidate, noise pairs legacy vs a second legacy answer. Every field
// template that differs must be classified as the scenario expects.
type noiseScenario struct {
	Description string            `json:"description"`
	Rules       corpusRules       `json:"rules"`
	Total       int64             `json:"total"`
	NoiseTotal  int64             `json:"noise_total"`
	Raw         []weightedPair    `json:"raw"`
	Noise       []weightedPair    `json:"noise"`
	Expect      map[string]string `json:"expect"` // template -> "real" | "not_real"
}

type weightedPair struct {
	Legacy    corpusSide `json:"legacy"`
	Candidate corpusSide `json:"candidate"`
	Count     int64      `json:"count"`
}

func TestNoiseScenarios(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "corpus", "noise", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no noise scenarios: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".json"), func(t *testing.T) {
			var sc noiseScenario
			loadJSON(t, file, &sc)
			cc := corpusCase{Rules: sc.Rules}
			cmp := cc.comparer(t)
			raw := countTemplates(t, cmp, sc.Raw)
			noise := countTemplates(t, cmp, sc.Noise)
			var seen []string
			for tpl := range raw {
				seen = append(seen, tpl)
			}
			for tpl := range noise {
				if _, ok := raw[tpl]; !ok {
					seen = append(seen, tpl)
				}
			}
			sort.Strings(seen)
			for _, tpl := range seen {
				v := Classify(raw[tpl], noise[tpl], sc.Total, sc.NoiseTotal, DefaultThresholds)
				got := map[bool]string{true: "real", false: "not_real"}[v.Real]
				want, ok := sc.Expect[tpl]
				if !ok {
					t.Errorf("%s differed but the scenario does not classify it (%+v)", tpl, v)
					continue
				}
				if got != want {
					t.Errorf("%s: %s, want %s (%+v)", tpl, got, want, v)
				}
			}
			for tpl := range sc.Expect {
				if _, ok := raw[tpl]; !ok {
					if _, ok := noise[tpl]; !ok {
						t.Errorf("%s is expected but never differed", tpl)
					}
				}
			}
		})
	}
}

// countTemplates counts, per field template, the comparisons in which it
// differed (once per comparison, however many indexes differed).
func countTemplates(t *testing.T, cmp *Comparer, pairs []weightedPair) map[string]int64 {
	t.Helper()
	counts := map[string]int64{}
	for _, p := range pairs {
		res := cmp.Compare(p.Legacy.response(t), p.Candidate.response(t))
		if res.Match {
			t.Fatalf("a scenario pair matches; it adds nothing to the scenario")
		}
		once := map[string]bool{}
		for _, d := range res.Differences {
			if !once[d.Template] {
				once[d.Template] = true
				counts[d.Template] += p.Count
			}
		}
	}
	return counts
}
