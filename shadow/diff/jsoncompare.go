package diff

import (
	"bytes"
	"hash/maphash"
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
	used     []bool    // stack of "candidate member already matched" flags
	kslots   []int32   // stack of member key indexes (see memberIndex)
	pairs    []int32   // stack of element pairings for arrays
	kids     []int32   // stack of child lists of the containers being compared
	quiet    int
	budget   int        // quiet node visits left; element matching is quadratic
	visits   int        // node visits that got past the raw bytes test, in any mode
	matches  int        // matchElements calls so far
	memo     []elemMemo // stack of loud element outcomes (see orderedArray)
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
	w.path, w.used, w.pairs, w.kslots, w.kids = w.path[:0], w.used[:0], w.pairs[:0], w.kslots[:0], w.kids[:0]
	w.memo = w.memo[:0]
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
		a, b := w.l.src[ln.start+1:ln.end-1], w.c.src[cn.start+1:cn.end-1]
		if w.strs.equal(a, b, ln.esc, cn.esc) {
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
// covers it, and returns whether the values count as equal.
func (w *walker) report(kind Kind, li, ci int32) bool {
	if len(w.rules.ignoreBody) > 0 && w.rules.ignoreBody.anyPrefix(w.segs()) {
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
	d.Path, d.Template, w.buf = formatPaths(w.buf, w.segs())
	if kind == KindArraySize {
		d.Legacy, d.Candidate, d.Redacted = w.renderLengths(li, ci)
	} else {
		var rl, rc bool
		d.Legacy, rl = w.render(w.l, li)
		d.Candidate, rc = w.render(w.c, ci)
		d.Redacted = rl || rc
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
	if idx < 0 {
		return "", false
	}
	spans := w.red.collect(t, int(idx), w.segs())
	n := &t.nodes[idx]
	out, cut := writeRedacted(w.buf[:0], t.src, n.start, n.end, spans, true, renderLimit)
	if cut {
		out = append(out, "…"...)
	}
	w.buf = out
	return string(out), len(spans) > 0
}

func (w *walker) renderLengths(li, ci int32) (string, string, bool) {
	if len(w.red.set) > 0 && w.red.set.start(w.segs(), w.red.buf(0, len(w.red.set))) {
		return RedactedMarker, RedactedMarker, true
	}
	return itoa(int(w.l.nodes[li].count)), itoa(int(w.c.nodes[ci].count)), false
}

// pushKey and pushIndex grow the path and set fields one by one: a composite
// literal is built on the stack and copied with wide loads that stall on
// the narrow stores just made, on every member and element visited.
func (w *walker) pushKey(t *jtree, node int32) {
	n := &t.nodes[node]
	s := w.grow()
	s.start, s.end, s.index, s.isIndex, s.esc, s.cand = n.keyStart, n.keyEnd, 0, false, n.keyEsc, t == w.c
}

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
// unmatched are extras.
func (w *walker) object(li, ci int32) bool {
	kb := len(w.kids)
	w.kids = w.c.appendChildren(w.kids, ci)
	cks := w.kids[kb:] // stays valid: later pushes only append
	nl, nc := int(w.l.nodes[li].count), len(cks)
	ub := len(w.used)
	w.used = append(w.used, make([]bool, nc)...)
	sb := len(w.kslots)
	var mi memberIndex
	equal := true
	lm := li + 1
	for k := 0; k < nl && (equal || w.quiet == 0); k, lm = k+1, lm+w.l.nodes[lm].size {
		cm := w.findMember(lm, k, cks, ub, &mi)
		w.pushKey(w.l, lm)
		var eq bool
		if cm < 0 {
			eq = w.report(KindMissing, lm, -1)
		} else {
			eq = w.value(lm, cm)
		}
		w.pop()
		equal = equal && eq
	}
	for k := 0; k < nc && (equal || w.quiet == 0); k++ {
		if w.used[ub+k] {
			continue
		}
		cm := cks[k]
		w.pushKey(w.c, cm)
		eq := w.report(KindExtra, -1, cm)
		w.pop()
		equal = equal && eq
	}
	w.used, w.kslots, w.kids = w.used[:ub], w.kslots[:sb], w.kids[:kb]
	return equal
}

// scanLimit is the member count up to which a linear scan beats building a
// key index.
const scanLimit = 8

// memberIndex is an open-addressing table over one candidate object's keys,
// kept on the walker's kslots stack; slots hold member position + 1.
type memberIndex struct {
	base, mask int
	built      bool
}

// findMember returns the unused candidate member with lm's key, trying the
// same position first since both sides often keep the same key order (PHP
// keeps insertion order, encoding/json sorts map keys, structs keep theirs).
func (w *walker) findMember(lm int32, k int, cks []int32, ub int, mi *memberIndex) int32 {
	nc := len(cks)
	ln := &w.l.nodes[lm]
	lk := w.l.src[ln.keyStart:ln.keyEnd]
	match := func(j int) bool {
		if w.used[ub+j] {
			return false
		}
		cn := &w.c.nodes[cks[j]]
		ck := w.c.src[cn.keyStart:cn.keyEnd]
		if !ln.keyEsc && !cn.keyEsc { // most keys: no call
			return string(lk) == string(ck)
		}
		return w.strs.equal(lk, ck, ln.keyEsc, cn.keyEsc)
	}
	take := func(j int) int32 {
		w.used[ub+j] = true
		return cks[j]
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

func (w *walker) buildIndex(mi *memberIndex, cks []int32) {
	nc := len(cks)
	size := 16
	for size < 2*nc {
		size *= 2
	}
	mi.base, mi.mask, mi.built = len(w.kslots), size-1, true
	for i := 0; i < size; i++ {
		w.kslots = append(w.kslots, 0)
	}
	for j := 0; j < nc; j++ {
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
