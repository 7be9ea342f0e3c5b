package shadow

import (
	"strings"
	"time"

	"github.com/strangler-dev/strangler/shadow/diff"
)

// Report is one route's results over a time range, added up across every
// receiver writing to the store. It encodes as the JSON report.
type Report struct {
	Route      string          `json:"route"`
	Since      time.Time       `json:"since"`
	Until      time.Time       `json:"until"`
	Thresholds diff.Thresholds `json:"thresholds"`
	Stats
	Endpoints []EndpointReport `json:"endpoints"`
	// Fields are ranked: real differences first (by how far the raw rate
	// stands above the noise rate), then noise.
	Fields []FieldReport `json:"fields"`
	// Series is the route's minutes with data, oldest first: what a match
	// rate chart draws, at the store's own resolution.
	Series []Point `json:"series"`
}

// Point is one minute of a route: pairs compared and matched in it.
type Point struct {
	At       time.Time `json:"at"` // the minute's start
	Compared int64     `json:"compared"`
	Matched  int64     `json:"matched"`
}

// Stats are the counts of a route or of one endpoint.
type Stats struct {
	Compared  int64 `json:"compared"`
	Matched   int64 `json:"matched"`
	Differing int64 `json:"differing"`
	// MatchRate is Matched/Compared in percent; 0 when nothing was compared.
	MatchRate     float64          `json:"match_rate"`
	NotComparable map[string]int64 `json:"not_comparable"`
	NoiseSamples  int64            `json:"noise_samples"` // legacy-vs-legacy comparisons
	// Latency per side ("legacy", "new"): the primary's from the capture,
	// the receiver's own calls as measured.
	Latency        map[string]Latency `json:"latency"`
	NewRequests    int64              `json:"new_requests"`
	NewErrors5xx   int64              `json:"new_errors_5xx"` // 5xx, timeouts, connection errors and fallbacks
	latencyBuckets map[string]histogram
}

// EndpointReport is one endpoint: a method and a diff.PathTemplate.
type EndpointReport struct {
	Endpoint string `json:"endpoint"` // "GET /rest/V1/products/{sku}"
	Stats
}

// FieldReport is one field template of one endpoint.
type FieldReport struct {
	Endpoint string           `json:"endpoint"`
	Template string           `json:"template"` // body:$.items[*].price, header:cache-control, status
	Raw      int64            `json:"raw"`      // pairs where legacy and new differed here
	Noise    int64            `json:"noise"`    // legacy-vs-legacy pairs that differed here
	Verdict  Verdict          `json:"verdict"`
	Kinds    map[string]int64 `json:"kinds"` // difference kinds seen, with their counts
	Samples  []Sample         `json:"samples"`
}

// Verdict is diff.Classify's answer for a field.
type Verdict struct {
	Real      bool    `json:"real"`
	RawRate   float64 `json:"raw_rate"`   // percent of the endpoint's compared pairs
	NoiseRate float64 `json:"noise_rate"` // percent of the endpoint's noise samples
	Relative  float64 `json:"relative"`
	Absolute  float64 `json:"absolute"`
}

// Sample is one differing pair, as stored: already redacted.
type Sample struct {
	At           time.Time          `json:"at"`
	RequestID    string             `json:"request_id"`
	Method       string             `json:"method"`
	Path         string             `json:"path"`
	Served       string             `json:"served,omitempty"` // the side that served the user; empty for replays
	LegacyStatus int                `json:"legacy_status"`
	NewStatus    int                `json:"new_status"`
	Differences  []SampleDifference `json:"differences"`
	Omitted      int                `json:"omitted,omitempty"`
	Legacy       string             `json:"legacy_body,omitempty"` // decoded, redacted, capped; empty when not safe to keep
	New          string             `json:"new_body,omitempty"`
}

// SampleDifference is a diff.Difference as stored.
type SampleDifference struct {
	Path     string `json:"path"`
	Template string `json:"template"`
	Kind     string `json:"kind"`
	Legacy   string `json:"legacy,omitempty"`
	New      string `json:"new,omitempty"`
	Redacted bool   `json:"redacted,omitempty"`
}

func newStats() Stats {
	return Stats{NotComparable: map[string]int64{}, Latency: map[string]Latency{}, latencyBuckets: map[string]histogram{}}
}

// add sums one counter into the stats.
func (s *Stats) add(name string, n int64) {
	switch name {
	case cCompared:
		s.Compared += n
	case cMatched:
		s.Matched += n
	case cDiffering:
		s.Differing += n
	case cNoise:
		s.NoiseSamples += n
	case cNewReq:
		s.NewRequests += n
	case cNew5xx:
		s.NewErrors5xx += n
	default:
		if reason, ok := strings.CutPrefix(name, pNC); ok {
			s.NotComparable[reason] += n
		} else if sideBound, ok := strings.CutPrefix(name, pLatency); ok {
			s.addLatency(sideBound, n)
		}
	}
}

func (s *Stats) addLatency(sideBound string, n int64) {
	side, bound, ok := strings.Cut(sideBound, ":")
	if !ok || (side != SideLegacy && side != SideNew) {
		return
	}
	h := s.latencyBuckets[side]
	if h == nil {
		h = histogram{}
		s.latencyBuckets[side] = h
	}
	h.add(bound, n)
}

// finish computes the rates and quantiles once every counter is in.
func (s *Stats) finish() {
	if s.Compared > 0 {
		s.MatchRate = 100 * float64(s.Matched) / float64(s.Compared)
	}
	for _, side := range []string{SideLegacy, SideNew} {
		s.Latency[side] = s.latencyBuckets[side].latency()
	}
}

// NotComparableTotal is the sum over reasons.
func (s *Stats) NotComparableTotal() int64 {
	var n int64
	for _, v := range s.NotComparable {
		n += v
	}
	return n
}
