// Package diff compares a legacy (Magento) HTTP response with a candidate (Go
// service) response the way a reviewer reads them: typed differences on
// normalised paths, with ignore, tolerance, unordered and redaction rules.
// It does no I/O; storage and reports are built on top of Result.
package diff

import "net/http"

// Response is one captured HTTP response. Body is the body as it travelled on
// the wire: Compare decodes it according to Content-Encoding.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Kind names what sort of difference was found.
type Kind string

const (
	KindStatus    Kind = "status"     // HTTP status codes differ
	KindType      Kind = "type"       // JSON types differ ("10" vs 10), or JSON vs non-JSON body
	KindValue     Kind = "value"      // same type, other value (strings, booleans, header values)
	KindNumeric   Kind = "numeric"    // numbers differ by more than the tolerance
	KindMissing   Kind = "missing"    // present in legacy, absent in candidate
	KindExtra     Kind = "extra"      // absent in legacy, present in candidate
	KindArraySize Kind = "array_size" // arrays of different lengths
	KindOrder     Kind = "order"      // same elements, other order, on an ordered array
	KindLine      Kind = "line"       // a text line differs
	KindBytes     Kind = "bytes"      // opaque bodies differ
	KindDecode    Kind = "decode"     // the candidate's body cannot be decoded or parsed while legacy's can
)

// Difference is one finding. Legacy and Candidate are short JSON (or text)
// renderings, truncated, with redacted values replaced by RedactedMarker.
type Difference struct {
	Path      string // e.g. body:$.items[3].price
	Template  string // Path with array indexes collapsed: body:$.items[*].price
	Kind      Kind
	Legacy    string // empty when the value is absent on that side
	Candidate string
	Redacted  bool // some or all of Legacy/Candidate was replaced by RedactedMarker
}

// RedactedMarker replaces every redacted value in differences and samples.
const RedactedMarker = "[redacted]"

// Not-comparable reasons (Result.NotComparable). Decode errors carry detail
// after the prefix: "decode_error: candidate: gzip: invalid header".
const (
	NotComparableTooLarge    = "too_large"
	NotComparableDecodeError = "decode_error"
)

// Result is the outcome of one comparison.
type Result struct {
	Match         bool
	Differences   []Difference
	Omitted       int // differences found beyond the MaxDifferences cap
	Ignored       int // differences suppressed by the default header list or ignore rules
	Tolerated     int // numeric differences within a tolerance rule
	NotComparable string

	// Redacted, capped copies of the decoded bodies, rendered by
	// Comparer.Sample and only for a pair that does not match. Nil until
	// then, and when a body cannot be redacted safely.
	SampleLegacy    []byte
	SampleCandidate []byte

	// pair is what Sample renders from, while toSample is set: a
	// mismatch whose samples are not rendered yet.
	pair     [2]Response
	toSample bool
}
