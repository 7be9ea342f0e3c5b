package diff

// Arrays are ordered by default. When positions differ but the elements are
// the same multiset, one `order` difference replaces the per-index ones, since
// a reviewer needs "sorted differently", not N value changes. Arrays under an
// `unordered` rule are matched as multisets; leftover elements are paired in
// order and diffed at the legacy index.

func (w *walker) array(li, ci int32) bool {
	ln, cn := &w.l.nodes[li], &w.c.nodes[ci]
	if ln.count != cn.count {
		return w.report(KindArraySize, li, ci)
	}
	n := int(ln.count)
	if len(w.rules.unordered) > 0 && w.mayEndHere(w.rules.unordered) && w.rules.unorderedAt(w.segs()) {
		return w.unorderedArray(li, ci, n)
	}
	return w.orderedArray(li, ci, n)
}

// elementsOf lists the elements of arrays li and ci on the kids stack, for
// the matching that needs them by index; the caller truncates the stack to
// the base returned. Arrays compared element by element in order are walked
// through the sibling links instead.
func (w *walker) elementsOf(li, ci int32, n int) (elements, int) {
	kb := len(w.kids)
	w.kids = w.l.appendChildren(w.kids, li)
	w.kids = w.c.appendChildren(w.kids, ci)
	return elements{w.kids[kb : kb+n], w.kids[kb+n:]}, kb // stay valid: later pushes only append
}

// inStep compares the n elements of arrays li and ci pairwise in order,
// through the sibling links, until one pair differs.
func (w *walker) inStep(li, ci int32, n int) bool {
	equal := true
	for k, le, ce := 0, li+1, ci+1; k < n && equal; k++ {
		equal = w.elementAt(k, le, ce)
		le, ce = le+w.l.nodes[le].size, ce+w.c.nodes[ce].size
	}
	return equal
}

// elementAt compares legacy element k (node le) with candidate node ce.
func (w *walker) elementAt(k int, le, ce int32) bool {
	w.pushIndex(k)
	eq := w.value(le, ce)
	w.pop()
	return eq
}

// mayEndHere reports whether a pattern of ps could match the current path
// exactly, judged by its last step and the path's last segment alone: most
// arrays are ruled out without materialising the path.
func (w *walker) mayEndHere(ps patternSet) bool {
	if len(w.path) == 0 {
		return true
	}
	seg := &w.path[len(w.path)-1]
	for i := range ps {
		steps := ps[i].steps
		if len(steps) == 0 {
			continue // "$" matches the empty path only
		}
		switch last := &steps[len(steps)-1]; {
		case last.kind == stepAny:
			return true
		case last.kind == stepIndex:
			if seg.isIndex && int(seg.index) == last.index {
				return true
			}
		case seg.isIndex:
		case seg.esc: // the full match decodes the key
			return true
		default:
			src := w.l.src
			if seg.cand {
				src = w.c.src
			}
			if string(src[seg.start:seg.end]) == last.key {
				return true
			}
		}
	}
	return false
}

// elements are the node indexes of two arrays' elements.
type elements struct{ l, c []int32 }

func (w *walker) element(e elements, lk, ck int) bool {
	return w.elementAt(lk, e.l[lk], e.c[ck])
}

type mark struct{ diffs, omitted, ignored, tolerated int }

func (w *walker) mark() mark {
	r := w.res
	return mark{len(r.Differences), r.Omitted, r.Ignored, r.Tolerated}
}

func (w *walker) rollback(m mark) {
	r := w.res
	r.Differences, r.Omitted, r.Ignored, r.Tolerated = r.Differences[:m.diffs], m.omitted, m.ignored, m.tolerated
}

func (w *walker) orderedArray(li, ci int32, n int) bool {
	if w.quiet > 0 {
		return w.inStep(li, ci, n)
	}
	le, ce := li+1, ci+1
	m := w.mark()
	mb := len(w.memo)
	equal := true
	for k := 0; k < n; k++ {
		v0, m0, i0, t0 := w.visits, w.matches, w.res.Ignored, w.res.Tolerated
		eq := w.elementAt(k, le, ce)
		w.memo = append(w.memo, elemMemo{visits: w.visits - v0, ignored: w.res.Ignored - i0,
			tolerated: w.res.Tolerated - t0, replay: eq && w.matches == m0})
		equal = eq && equal
		le, ce = le+w.l.nodes[le].size, ce+w.c.nodes[ce].size
	}
	if equal {
		w.memo = w.memo[:mb]
		return true
	}
	e, kb := w.elementsOf(li, ci, n)
	pb, matched, ign, tol := w.matchElements(e, n, mb)
	w.pairs, w.memo, w.kids = w.pairs[:pb], w.memo[:mb], w.kids[:kb]
	if matched < n {
		return false
	}
	w.rollback(m)
	w.suppressed(ign, tol)
	return w.report(KindOrder, li, ci)
}

// elemMemo is what the loud pass over an ordered array learnt about one
// element pair (k, k). An equal pair whose comparison matched no array
// elements inside it is visited node for node the same way by a quiet
// comparison, so matchElements replays its outcome (budget spent, ignored
// and tolerated counts) instead of comparing the pair again.
type elemMemo struct {
	visits, ignored, tolerated int
	replay                     bool
}

func (w *walker) unorderedArray(li, ci int32, n int) bool {
	if ok, ign, tol := w.sameInStep(li, ci, n); ok {
		w.suppressed(ign, tol)
		return true
	}
	e, kb := w.elementsOf(li, ci, n)
	pb, matched, ign, tol := w.matchElements(e, n, -1)
	w.suppressed(ign, tol)
	if w.quiet > 0 || matched == n {
		w.pairs, w.kids = w.pairs[:pb], w.kids[:kb]
		return matched == n
	}
	// Leftovers are diffed against each other in order, out loud.
	equal, next := true, 0
	for k := 0; k < n; k++ {
		if w.pairs[pb+k] >= 0 {
			continue
		}
		for w.pairs[pb+n+next] >= 0 {
			next++
		}
		equal = w.element(e, k, next) && equal
		next++
	}
	w.pairs, w.kids = w.pairs[:pb], w.kids[:kb]
	return equal
}

// sameInStep compares an unordered pair of arrays quietly, element k with
// element k: most unordered arrays arrive in the same order, and then no
// pairing (nor element list) is needed. ign and tol are what the elements
// hid. On a difference it leaves the walker as it found it, budget and
// visit count included, so that matchElements then spends exactly what it
// would have alone; like matchElements, it counts as a match for the memo
// of enclosing ordered arrays.
func (w *walker) sameInStep(li, ci int32, n int) (ok bool, ign, tol int) {
	w.matches++
	budget, visits := w.budget, w.visits
	outerIgn, outerTol := w.qIgnored, w.qTolerated
	w.quiet++
	ok = w.inStep(li, ci, n)
	w.quiet--
	ign, tol = w.qIgnored-outerIgn, w.qTolerated-outerTol
	w.qIgnored, w.qTolerated = outerIgn, outerTol
	if !ok {
		w.budget, w.visits = budget, visits
	}
	return ok, ign, tol
}

// matchElements pairs every legacy element with an equal, unused candidate
// element. It pushes 2n entries on w.pairs at the returned base: [k] is the
// candidate paired with legacy k, [n+j] the legacy paired with candidate j,
// -1 when unpaired. ign and tol are the differences ignored or tolerated
// inside the pairs it kept. memo >= 0 is the base of the loud outcomes of
// the pairs (k, k) on w.memo.
func (w *walker) matchElements(e elements, n, memo int) (pb, matched, ign, tol int) {
	w.matches++
	pb = len(w.pairs)
	for k := 0; k < 2*n; k++ {
		w.pairs = append(w.pairs, -1)
	}
	outerIgn, outerTol := w.qIgnored, w.qTolerated
	w.quiet++
	try := func(k, j int) bool {
		i0, t0 := w.qIgnored, w.qTolerated
		if !w.element(e, k, j) {
			w.qIgnored, w.qTolerated = i0, t0
			return false
		}
		w.pairs[pb+k], w.pairs[pb+n+j] = int32(j), int32(k)
		matched++
		return true
	}
	for k := 0; k < n; k++ {
		if memo >= 0 {
			if m := w.memo[memo+k]; m.replay && w.budget >= m.visits {
				w.budget -= m.visits
				w.qIgnored += m.ignored
				w.qTolerated += m.tolerated
				w.pairs[pb+k], w.pairs[pb+n+k] = int32(k), int32(k)
				matched++
				continue
			}
		}
		try(k, k)
	}
	for k := 0; k < n && w.budget >= 0; k++ {
		if w.pairs[pb+k] >= 0 {
			continue
		}
		for j := 0; j < n; j++ {
			if w.pairs[pb+n+j] < 0 && try(k, j) {
				break
			}
		}
	}
	w.quiet--
	ign, tol = w.qIgnored-outerIgn, w.qTolerated-outerTol
	w.qIgnored, w.qTolerated = outerIgn, outerTol
	return pb, matched, ign, tol
}
