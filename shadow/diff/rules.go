package diff

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// Rules is a route's shadow block as written in the route file. Paths are
// `header:NAME` (case-insensitive) or `body:` plus a JSONPath subset:
// $, .key, ['key'], [N], [*], .*, ..key (recursive descent).
type Rules struct {
	Ignore    []string           // differences at or below these paths are not reported
	Unordered []string           // body arrays compared as multisets
	Tolerance map[string]float64 // body paths -> absolute numeric tolerance
	Redact    []string           // values replaced by RedactedMarker in differences and samples
}

// ParseRules checks every entry and returns the rules; the error lists every
// bad entry, one per line, as "list: entry: problem".
func ParseRules(ignore, unordered []string, tolerance map[string]float64, redact []string) (Rules, error) {
	r := Rules{Ignore: ignore, Unordered: unordered, Tolerance: tolerance, Redact: redact}
	_, err := compileRules(r)
	return r, err
}

type tolerancePattern struct {
	pattern
	abs float64
}

// compiledRules is Rules ready for matching.
type compiledRules struct {
	ignoreHeaders map[string]bool
	redactHeaders map[string]bool
	ignoreBody    patternSet
	unordered     patternSet
	tolerance     []tolerancePattern
	redactBody    patternSet
}

func compileRules(r Rules) (compiledRules, error) {
	c := compiledRules{ignoreHeaders: map[string]bool{}, redactHeaders: map[string]bool{}}
	var errs []error
	bad := func(list, entry string, err error) {
		errs = append(errs, fmt.Errorf("%s: %s: %w", list, entry, err))
	}
	// ignore and redact take headers and body paths alike.
	both := func(list string, entries []string, body *patternSet, headers map[string]bool) {
		for _, e := range entries {
			sel, err := parseSelector(e)
			switch {
			case err != nil:
				bad(list, e, err)
			case sel.isBody:
				*body = append(*body, pattern{steps: sel.steps})
			default:
				headers[sel.header] = true
			}
		}
	}
	both("ignore", r.Ignore, &c.ignoreBody, c.ignoreHeaders)
	for _, e := range r.Unordered {
		sel, err := parseSelector(e)
		switch {
		case err != nil:
			bad("unordered", e, err)
		case !sel.isBody:
			bad("unordered", e, errors.New("applies to body paths only"))
		default:
			c.unordered = append(c.unordered, pattern{steps: sel.steps})
		}
	}
	keys := make([]string, 0, len(r.Tolerance))
	for k := range r.Tolerance {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, e := range keys {
		abs := r.Tolerance[e]
		sel, err := parseSelector(e)
		switch {
		case err != nil:
			bad("tolerance", e, err)
		case !sel.isBody:
			bad("tolerance", e, errors.New("applies to body paths only"))
		case abs < 0 || math.IsNaN(abs) || math.IsInf(abs, 0):
			bad("tolerance", e, fmt.Errorf("tolerance %v must be a finite number >= 0", abs))
		default:
			c.tolerance = append(c.tolerance, tolerancePattern{pattern: pattern{steps: sel.steps}, abs: abs})
		}
	}
	both("redact", r.Redact, &c.redactBody, c.redactHeaders)
	return c, errors.Join(errs...)
}

// toleranceAt returns the largest tolerance whose path covers path.
func (c *compiledRules) toleranceAt(path []pathSeg) (float64, bool) {
	best, found := 0.0, false
	for i := range c.tolerance {
		t := &c.tolerance[i]
		if t.matchesPrefix(path) && (!found || t.abs > best) {
			best, found = t.abs, true
		}
	}
	return best, found
}

func (c *compiledRules) unorderedAt(path []pathSeg) bool {
	for i := range c.unordered {
		if c.unordered[i].matchesExact(path) {
			return true
		}
	}
	return false
}

// wholeBodyIgnored is true when a rule ignores "$": the only body rule that
// applies to bodies that are not JSON.
func (c *compiledRules) wholeBodyIgnored() bool {
	for i := range c.ignoreBody {
		if len(c.ignoreBody[i].steps) == 0 {
			return true
		}
	}
	return false
}
