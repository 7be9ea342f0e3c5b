package diff

import (
	"fmt"
	"strconv"
	"sync"
)

// Defaults for the Comparer options.
const (
	DefaultMaxBodyBytes   = 4 << 20  // decoded body cap; larger pairs are "too_large"
	DefaultSampleBytes    = 64 << 10 // cap on each kept sample body
	DefaultMaxDifferences = 500      // differences kept per comparison; the rest are counted in Omitted
)

// maxBodyLimit keeps offsets in the JSON tree within int32.
const maxBodyLimit = 1 << 30

type options struct {
	maxBody     int64
	sampleBytes int
	maxDiffs    int
}

// Option tunes a Comparer.
type Option func(*options)

// WithMaxBodyBytes caps the decoded (decompressed) size of each body.
func WithMaxBodyBytes(n int64) Option { return func(o *options) { o.maxBody = n } }

// WithSampleBytes caps each sample body kept in a Result.
func WithSampleBytes(n int) Option { return func(o *options) { o.sampleBytes = n } }

// WithMaxDifferences caps the differences listed in a Result.
func WithMaxDifferences(n int) Option { return func(o *options) { o.maxDiffs = n } }

// Comparer compares response pairs under one route's rules. It is safe for
// concurrent use.
type Comparer struct {
	rules compiledRules
	opt   options
	pool  sync.Pool // *scratch
}

// scratch is the per-comparison working memory, reused through the pool.
type scratch struct {
	sides [2]side
	w     walker
}

// NewComparer compiles rules once; the error names every bad rule.
func NewComparer(rules Rules, opts ...Option) (*Comparer, error) {
	cr, err := compileRules(rules)
	if err != nil {
		return nil, fmt.Errorf("shadow rules: %w", err)
	}
	o := options{maxBody: DefaultMaxBodyBytes, sampleBytes: DefaultSampleBytes, maxDiffs: DefaultMaxDifferences}
	for _, opt := range opts {
		opt(&o)
	}
	if o.maxBody <= 0 || o.maxBody > maxBodyLimit || o.sampleBytes < 0 || o.maxDiffs <= 0 {
		return nil, fmt.Errorf("shadow comparer: want 0 < max body <= %d, sample >= 0 (0: no samples), max differences > 0; got %d, %d, %d",
			maxBodyLimit, o.maxBody, o.sampleBytes, o.maxDiffs)
	}
	c := &Comparer{rules: cr, opt: o}
	c.pool.New = func() any { return new(scratch) }
	return c, nil
}

// Compare compares status, headers and decoded bodies. For a pair that does
// not match, res keeps the two responses so that Sample can render the
// redacted sample bodies later, only if the caller keeps a sample; the
// caller must not change the bodies until then.
func (c *Comparer) Compare(legacy, candidate Response) Result {
	var res Result
	if legacy.Status != candidate.Status {
		c.add(&res, Difference{Path: "status", Template: "status", Kind: KindStatus,
			Legacy: strconv.Itoa(legacy.Status), Candidate: strconv.Itoa(candidate.Status)})
	}
	c.compareHeaders(&res, legacy.Header, candidate.Header)

	s := c.pool.Get().(*scratch)
	s.sides[0].reset(legacy)
	s.sides[1].reset(candidate)
	c.compareBodies(&res, s)
	res.Match = len(res.Differences) == 0 && res.Omitted == 0 && res.NotComparable == ""
	if !res.Match && c.opt.sampleBytes > 0 {
		res.pair, res.toSample = [2]Response{legacy, candidate}, true
	}
	s.sides[0].release()
	s.sides[1].release()
	c.pool.Put(s)
	return res
}

// add records a difference found outside the JSON walk, honouring the cap.
func (c *Comparer) add(res *Result, d Difference) {
	if len(res.Differences) >= c.opt.maxDiffs {
		res.Omitted++
		return
	}
	res.Differences = append(res.Differences, d)
}
