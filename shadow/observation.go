package shadow

import (
	"strings"
	"time"

	"github.com/strangler-dev/strangler/shadow/diff"
)

// Reasons a pair was not compared.
const (
	NotComparableTimeout     = "timeout"     // the call to the other side timed out
	NotComparableTooLarge    = "too_large"   // a body over MaxBody (or the comparer's decoded cap)
	NotComparableJoinMissed  = "join_missed" // the mirror or the capture never arrived
	NotComparableFellBack    = "fell_back"   // the new side failed and Envoy retried on legacy
	NotComparableError       = "error"       // the call failed, or the capture was unusable
	NotComparableDecodeError = "decode_error"
	// NotComparableRefused: the method is not shadowed on the route (or is a
	// write without allow_writes), so neither side was called. Envoy's
	// shadow route should never send one.
	NotComparableRefused = "refused"
)

// Observation is one request's outcome, what Store.Record adds up.
type Observation struct {
	Route     string
	Method    string
	Path      string // the request path; the query is dropped before storing
	RequestID string
	At        time.Time
	Served    string // the side that served the user; "" for replays

	// Result is the legacy-vs-new comparison; nil when NotComparable says
	// why there was none.
	Result        *diff.Result
	NotComparable string
	// Noise is a legacy-vs-legacy comparison of the same request, made for
	// a share of anonymous GETs; nil when none was made.
	Noise *diff.Result

	Legacy, New SideStats

	// comparer produced Result and renders its samples; nil for a Result
	// built with its samples already in it.
	comparer *diff.Comparer
}

// samples renders Result's redacted sample bodies. Rendering costs a fifth of
// a comparison, so Record asks only for a sample it is about to store.
func (o *Observation) samples() (legacy, candidate []byte) {
	if o.comparer == nil {
		return o.Result.SampleLegacy, o.Result.SampleCandidate
	}
	return o.comparer.Sample(o.Result)
}

// SideStats is what one side did for this request.
type SideStats struct {
	Status  int           // 0: no response seen
	Latency time.Duration // 0: not measured
	Failed  bool          // no usable answer: timeout, connection error, or a fallback
}

// answered reports whether the side was asked at all.
func (s SideStats) answered() bool { return s.Status > 0 || s.Failed }

// errored is a new-side failure for the rollout gate: a 5xx, or no answer.
func (s SideStats) errored() bool { return s.Failed || s.Status >= 500 }

// reason is the not-comparable reason, from the observation or its result.
func (o *Observation) reason() string {
	if o.NotComparable != "" {
		return o.NotComparable
	}
	if o.Result != nil {
		return reasonOf(o.Result.NotComparable)
	}
	return ""
}

// reasonOf maps the comparer's not-comparable text ("decode_error: ...")
// to a report reason.
func reasonOf(nc string) string {
	switch {
	case nc == "":
		return ""
	case nc == diff.NotComparableTooLarge:
		return NotComparableTooLarge
	case strings.HasPrefix(nc, diff.NotComparableDecodeError):
		return NotComparableDecodeError
	}
	return NotComparableError
}

// endpointOf names an endpoint: the method and diff.PathTemplate of the path.
func endpointOf(method, path string) string {
	return method + " " + diff.PathTemplate(path)
}
