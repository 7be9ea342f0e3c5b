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
	unordered := len(w.rules.unordered) > 0 && w.rules.unorderedAt(w.segs())
	base := len(w.idx)
	w.idx = w.l.children(w.idx, int(li))
	w.idx = w.c.children(w.idx, int(ci))
	var eq bool
	if unordered {
		eq = w.unorderedArray(base, n)
	} else {
		eq = w.orderedArray(li, ci, base, n)
	}
	w.idx = w.idx[:base]
	return eq
}

func (w *walker) element(base, n, lk, ck int) bool {
	w.pushIndex(lk)
	eq := w.value(w.idx[base+lk], w.idx[base+n+ck])
	w.pop()
	return eq
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

func (w *walker) orderedArray(li, ci int32, base, n int) bool {
	m := w.mark()
	equal := true
	for k := 0; k < n && (equal || w.quiet == 0); k++ {
		equal = w.element(base, n, k, k) && equal
	}
	if equal || w.quiet > 0 {
		return equal
	}
	pb, matched, ign, tol := w.matchElements(base, n)
	w.pairs = w.pairs[:pb]
	if matched < n {
		return false
	}
	w.rollback(m)
	w.suppressed(ign, tol)
	return w.report(KindOrder, li, ci)
}

func (w *walker) unorderedArray(base, n int) bool {
	pb, matched, ign, tol := w.matchElements(base, n)
	w.suppressed(ign, tol)
	if w.quiet > 0 || matched == n {
		w.pairs = w.pairs[:pb]
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
		equal = w.element(base, n, k, next) && equal
		next++
	}
	w.pairs = w.pairs[:pb]
	return equal
}

// matchElements pairs every legacy element with an equal, unused candidate
// element. It pushes 2n entries on w.pairs at the returned base: [k] is the
// candidate paired with legacy k, [n+j] the legacy paired with candidate j,
// -1 when unpaired. ign and tol are the differences ignored or tolerated
// inside the pairs it kept.
func (w *walker) matchElements(base, n int) (pb, matched, ign, tol int) {
	pb = len(w.pairs)
	for k := 0; k < 2*n; k++ {
		w.pairs = append(w.pairs, -1)
	}
	outerIgn, outerTol := w.qIgnored, w.qTolerated
	w.quiet++
	try := func(k, j int) bool {
		i0, t0 := w.qIgnored, w.qTolerated
		if !w.element(base, n, k, j) {
			w.qIgnored, w.qTolerated = i0, t0
			return false
		}
		w.pairs[pb+k], w.pairs[pb+n+j] = int32(j), int32(k)
		matched++
		return true
	}
	for k := 0; k < n; k++ {
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
