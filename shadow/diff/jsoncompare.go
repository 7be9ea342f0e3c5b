package diff

import (
	"bytes"
	"hash/maphash"
	"slices"
	"strconv"
)

// walker compares two parsed bodies node by node, legacy driving the order.
// In quiet mode (quiet > 0) it only answers "equal?", as needed to match array
// elements; it then stops at the first difference and records nothing.
type walker struct {
	rules    *compiledRules
	res      *Result
	maxDiffs int
	l, c     *jtree
	path     []wseg    // the current path, kept free of pointers (no GC write barriers)
	pbuf     []pathSeg // w.path materialised for rule matching and printing
	kslots   []int32   // stack of member key indexes (see memberIndex)
	pairs    []int32   // stack of element pairings for arrays
	kids     []int32   // stack of child lists of the containers being compared
	quiet    int
	budget   int        // quiet node visits left; element matching is quadratic
	visits   int        // node visits that got past the raw bytes test, in any mode
	matches  int        // matchElements calls so far
	memo     []elemMemo // stack of loud element outcomes (see orderedArray)
	shapes   [][]int32  // per path depth, member positions of the last object (see memberIndex)
	red      redactor
	buf      []byte // scratch for rendering paths and values before they become strings
	strs     unescaper
	// Ignored and tolerated differences met in quiet mode: they reach the
	// Result only if the element comparison they belong to is kept.
	qIgnored, qTolerated int
}

// quietBudget bounds the node visits spent matching array elements in one
// comparison; past it, elements count as different (reported, not hidden).
const quietBudget = 1 << 20

func (w *walker) reset(rules *compiledRules, res *Result, maxDiffs int, l, c *jtree) {
	w.rules, w.res, w.maxDiffs, w.l, w.c = rules, res, maxDiffs, l, c
	w.path, w.pairs, w.kslots, w.kids = w.path[:0], w.pairs[:0], w.kslots[:0], w.kids[:0]
	w.memo = w.memo[:0]
	for i := range w.shapes {
		w.shapes[i] = w.shapes[i][:0]
	}
	w.quiet, w.budget, w.qIgnored, w.qTolerated = 0, quietBudget, 0, 0
	if w.red.set == nil && len(rules.redactBody) > 0 {
		w.red = newRedactor(rules.redactBody)
	}
}

// wseg is a path segment as the walker keeps it: key offsets into the
// legacy (or, for extra members, candidate) source.
type wseg struct {
	start, end int32
	index      int32
	isIndex    bool
	esc        bool
	cand       bool
}

// segs materialises the current path for rule matching and printing.
func (w *walker) segs() []pathSeg {
	w.pbuf = w.pbuf[:0]
	for _, s := range w.path {
		if s.isIndex {
			w.pbuf = append(w.pbuf, pathSeg{index: int(s.index), isIndex: true})
			continue
		}
		src := w.l.src
		if s.cand {
			src = w.c.src
		}
		w.pbuf = append(w.pbuf, pathSeg{key: src[s.start:s.end], esc: s.esc})
	}
	return w.pbuf
}

func isBool(k jkind) bool      { return k == jTrue || k == jFalse }
func isContainer(k jkind) bool { return k == jObject || k == jArray }

func (w *walker) value(li, ci int32) bool {
	ln, cn := &w.l.nodes[li], &w.c.nodes[ci]
	if bytes.Equal(w.l.src[ln.start:ln.end], w.c.src[cn.start:cn.end]) {
		return true
	}
	w.visits++
	if w.quiet > 0 {
		if w.budget--; w.budget < 0 {
			return false
		}
	}
	if ln.kind != cn.kind {
		switch {
		case isBool(ln.kind) && isBool(cn.kind):
			return w.report(KindValue, li, ci)
		case isContainer(ln.kind) && isContainer(cn.kind) && ln.count == 0 && cn.count == 0:
			return true // PHP writes an empty object as []
		}
		return w.report(KindType, li, ci)
	}
	switch ln.kind {
	case jNumber:
		a, b := w.l.raw(int(li)), w.c.raw(int(ci))
		if numbersEqual(a, b) {
			return true
		}
		if tol, ok := w.rules.toleranceAt(w.segs()); ok && withinTolerance(a, b, tol) {
			w.suppressed(0, 1)
			return true
		}
		return w.report(KindNumeric, li, ci)
	case jString:
		// The raw bytes differ: only escapes can make the values equal.
		if (ln.esc || cn.esc) && bytes.Equal(w.l.str(ln), w.c.str(cn)) {
			return true
		}
		return w.report(KindValue, li, ci)
	case jObject:
		return w.object(li, ci)
	case jArray:
		return w.array(li, ci)
	}
	return true
}

// report records a difference at the current path unless an ignore rule
// covers it, and returns whether the values count as equal. A difference's
// path, template and two values are written into one buffer and become one
// string, sliced four ways: one allocation per difference.
func (w *walker) report(kind Kind, li, ci int32) bool {
	segs := w.segs()
	if len(w.rules.ignoreBody) > 0 && w.rules.ignoreBody.anyPrefix(segs) {
		w.suppressed(1, 0)
		return true
	}
	if w.quiet > 0 {
		return false
	}
	if len(w.res.Differences) >= w.maxDiffs {
		w.res.Omitted++
		return false
	}
	d := Difference{Kind: kind}
	b := appendPath(w.buf[:0], segs, false)
	np := len(b)
	b = appendPath(b, segs, true)
	nt := len(b)
	var nl int
	if kind == KindArraySize {
		b, nl, d.Redacted = w.appendLengths(b, li, ci, segs)
	} else {
		var rl, rc bool
		b, rl = w.appendRendered(b, w.l, li, segs)
		nl = len(b)
		b, rc = w.appendRendered(b, w.c, ci, segs)
		d.Redacted = rl || rc
	}
	w.buf = b
	all := string(b)
	d.Path, d.Template, d.Legacy, d.Candidate = all[:np], all[np:nt], all[nt:nl], all[nl:]
	if w.res.Differences == nil {
		w.res.Differences = make([]Difference, 0, 4)
	}
	w.res.Differences = append(w.res.Differences, d)
	return false
}

// suppressed counts ignored and tolerated differences where they belong
// for the current mode.
func (w *walker) suppressed(ignored, tolerated int) {
	if w.quiet > 0 {
		w.qIgnored += ignored
		w.qTolerated += tolerated
		return
	}
	w.res.Ignored += ignored
	w.res.Tolerated += tolerated
}

// renderLimit is the rough size of a value shown in a Difference.
const renderLimit = 200

func (w *walker) render(t *jtree, idx int32) (string, bool) {
	out, redacted := w.appendRendered(w.buf[:0], t, idx, w.segs())
	w.buf = out
	return string(out), redacted
}

// appendRendered appends node idx of t, at path segs, compacted, redacted
// and cut at about renderLimit bytes; nothing for idx < 0.
func (w *walker) appendRendered(b []byte, t *jtree, idx int32, segs []pathSeg) ([]byte, bool) {
	if idx < 0 {
		return b, false
	}
	spans := w.red.collect(t, int(idx), segs)
	n := &t.nodes[idx]
	out, cut := writeRedacted(b, t.src, n.start, n.end, spans, true, renderLimit)
	if cut {
		out = append(out, "…"...)
	}
	return out, len(spans) > 0
}

// appendLengths appends the two arrays' lengths, or the redaction marker
// for both when the array is redacted; mid is where the second starts.
func (w *walker) appendLengths(b []byte, li, ci int32, segs []pathSeg) (out []byte, mid int, redacted bool) {
	if len(w.red.set) > 0 && w.red.set.start(segs, w.red.buf(0, len(w.red.set))) {
		b = append(b, RedactedMarker...)
		return append(b, RedactedMarker...), len(b), true
	}
	b = strconv.AppendInt(b, int64(w.l.nodes[li].count), 10)
	return strconv.AppendInt(b, int64(w.c.nodes[ci].count), 10), len(b), false
}

// pushIndex grows the path and sets fields one by one: a composite literal
// is built on the stack and copied with wide loads that stall on the narrow
// stores just made, on every element visited.
func (w *walker) pushIndex(k int) {
	s := w.grow()
	s.start, s.end, s.index, s.isIndex, s.esc, s.cand = 0, 0, int32(k), true, false, false
}

func (w *walker) grow() *wseg {
	n := len(w.path)
	if n == cap(w.path) {
		w.path = append(w.path, wseg{})
	}
	w.path = w.path[:n+1]
	return &w.path[n]
}

func (w *walker) pop() { w.path = w.path[:len(w.path)-1] }

// object compares members by key, in legacy order; candidate members left
// unmatched are extras. While both sides list the same keys in the same
// order (one service mirroring the other's field order, or two elements of
// one array) members are paired in step; from the first key out of place
// on, candidate members are looked up in a child list, the walker's own
// copy, where a matched member's entry is set to -1: all the "used" state
// the matching needs.
func (w *walker) object(li, ci int32) bool {
	nl, nc := int(w.l.nodes[li].count), int(w.c.nodes[ci].count)
	equal := true
	// One path segment serves every member: it is rewritten, not pushed
	// and popped, per member.
	d := len(w.path)
	w.grow()
	k, lm, cm := 0, li+1, ci+1
	for ; k < nl && k < nc && (equal || w.quiet == 0); k++ {
		ln, cn := &w.l.nodes[lm], &w.c.nodes[cm]
		if !w.sameKey(ln, cn) {
			break
		}
		w.setKey(d, ln, false)
		equal = w.value(lm, cm) && equal
		lm, cm = lm+ln.size, cm+cn.size
	}
	if (k < nl || k < nc) && (equal || w.quiet == 0) {
		equal = w.members(d, li, ci, k, lm) && equal
	}
	w.path = w.path[:d]
	return equal
}

// members compares the members of li from position k (node lm) on, and
// reports the candidate's extras; the first k members were paired in step.
func (w *walker) members(d int, li, ci int32, k int, lm int32) bool {
	kb := len(w.kids)
	w.kids = w.c.appendChildren(w.kids, ci)
	cks := w.kids[kb:] // stays valid: later pushes only append
	for j := 0; j < k; j++ {
		cks[j] = -1
	}
	nl := int(w.l.nodes[li].count)
	sb := len(w.kslots)
	mi := memberIndex{guess: w.shape(d, nl)}
	equal := true
	for ; k < nl && (equal || w.quiet == 0); k++ {
		ln := &w.l.nodes[lm]
		w.setKey(d, ln, false)
		var eq bool
		if cm := w.findMember(ln, k, cks, &mi); cm < 0 {
			eq = w.report(KindMissing, lm, -1)
		} else {
			eq = w.value(lm, cm)
		}
		equal = equal && eq
		lm += ln.size
	}
	for _, cm := range cks {
		if !equal && w.quiet > 0 {
			break
		}
		if cm < 0 {
			continue
		}
		w.setKey(d, &w.c.nodes[cm], true)
		equal = w.report(KindExtra, -1, cm) && equal
	}
	w.kslots, w.kids = w.kslots[:sb], w.kids[:kb]
	return equal
}

// sameKey reports whether two members have the same key.
func (w *walker) sameKey(ln, cn *jnode) bool {
	lk, ck := w.l.src[ln.keyStart:ln.keyEnd], w.c.src[cn.keyStart:cn.keyEnd]
	if !ln.keyEsc && !cn.keyEsc { // most keys: no call
		return string(lk) == string(ck)
	}
	return w.strs.equal(lk, ck, ln.keyEsc, cn.keyEsc)
}

// setKey makes path segment d the key of member n (of the candidate: cand).
func (w *walker) setKey(d int, n *jnode, cand bool) {
	s := &w.path[d]
	s.start, s.end, s.index, s.isIndex, s.esc, s.cand = n.keyStart, n.keyEnd, 0, false, n.keyEsc, cand
}

// scanLimit is the member count up to which a linear scan beats building a
// key index.
const scanLimit = 8

// memberIndex is an open-addressing table over one candidate object's keys,
// kept on the walker's kslots stack; slots hold member position + 1.
type memberIndex struct {
	base, mask int
	built      bool
	// guess holds, per legacy position, where the last object seen at
	// this depth had that member on the candidate side (-1: unknown).
	// Elements of one array share a shape, so from the second element on
	// the guess is mostly right, and is updated as members are found.
	guess []int32
}

// shape returns the guesses for an object of nl members at path depth d.
// They are kept for the current comparison only, so that its result
// depends on its input alone (objects with duplicate keys included).
func (w *walker) shape(d, nl int) []int32 {
	for len(w.shapes) <= d {
		w.shapes = append(w.shapes, nil)
	}
	g := w.shapes[d]
	for len(g) < nl {
		g = append(g, -1)
	}
	w.shapes[d] = g
	return g[:nl]
}

// findMember returns the unmatched candidate member (of cks) with ln's
// key and marks it matched, trying the same position first since both sides
// often keep the same key order (PHP keeps insertion order, encoding/json
// sorts map keys, structs keep theirs).
func (w *walker) findMember(ln *jnode, k int, cks []int32, mi *memberIndex) int32 {
	nc := len(cks)
	lk := w.l.src[ln.keyStart:ln.keyEnd]
	match := func(j int) bool {
		cm := cks[j]
		if cm < 0 {
			return false
		}
		cn := &w.c.nodes[cm]
		if !ln.keyEsc && !cn.keyEsc { // most keys: lengths first, no call
			return int(cn.keyEnd-cn.keyStart) == len(lk) && string(lk) == string(w.c.src[cn.keyStart:cn.keyEnd])
		}
		return w.sameKey(ln, cn)
	}
	take := func(j int) int32 {
		cm := cks[j]
		cks[j], mi.guess[k] = -1, int32(j)
		return cm
	}
	if j := int(mi.guess[k]); j >= 0 && j < nc && match(j) {
		return take(j)
	}
	if k < nc && match(k) {
		return take(k)
	}
	if nc <= scanLimit {
		for j := 0; j < nc; j++ {
			if match(j) {
				return take(j)
			}
		}
		return -1
	}
	if !mi.built {
		w.buildIndex(mi, cks)
	}
	for h := w.keyHash(lk, ln.keyEsc) & uint64(mi.mask); ; h = (h + 1) & uint64(mi.mask) {
		slot := w.kslots[mi.base+int(h)]
		if slot == 0 {
			return -1
		}
		if j := int(slot - 1); match(j) {
			return take(j)
		}
	}
}

// buildIndex indexes the keys of the members in cks not matched yet.
func (w *walker) buildIndex(mi *memberIndex, cks []int32) {
	nc := len(cks)
	size := 16
	for size < 2*nc {
		size *= 2
	}
	mi.base, mi.mask, mi.built = len(w.kslots), size-1, true
	w.kslots = slices.Grow(w.kslots, size)[:mi.base+size]
	clear(w.kslots[mi.base:])
	for j := 0; j < nc; j++ {
		if cks[j] < 0 {
			continue
		}
		cn := &w.c.nodes[cks[j]]
		h := w.keyHash(w.c.src[cn.keyStart:cn.keyEnd], cn.keyEsc) & uint64(mi.mask)
		for w.kslots[mi.base+int(h)] != 0 {
			h = (h + 1) & uint64(mi.mask)
		}
		w.kslots[mi.base+int(h)] = int32(j + 1)
	}
}

// keyHash hashes a key by decoded value, so escaped and plain spellings of
// one key land in the same slot.
func (w *walker) keyHash(key []byte, esc bool) uint64 {
	if esc {
		var buf [64]byte
		key = unescapeJSON(buf[:0], key)
	}
	return maphash.Bytes(hashSeed, key)
}

var hashSeed = maphash.MakeSeed()
