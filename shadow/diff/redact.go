package diff

import (
	"sort"
	"unicode/utf8"
)

// span is a value's byte range in a tree's source that must not leave the
// comparer in clear.
type span struct{ start, end int32 }

var redactedJSON = []byte(`"` + RedactedMarker + `"`)

// redactor finds the values under redact rules in a subtree. Rules of the
// form $..key (the usual one: $..email) are found by one pass over the flat
// node array; other rules carry one NFA state word each down the tree.
type redactor struct {
	set     patternSet // all body redact rules
	keys    []string   // keys of the $..key rules
	complex patternSet // the other rules
	bufs    [][]uint64 // per depth, reused
	spans   []span
	strs    unescaper
}

func newRedactor(set patternSet) redactor {
	r := redactor{set: set}
	for _, p := range set {
		if len(p.steps) == 1 && p.steps[0].descend && p.steps[0].kind == stepKey {
			r.keys = append(r.keys, p.steps[0].key)
		} else {
			r.complex = append(r.complex, p)
		}
	}
	return r
}

// collect returns the spans to redact inside node idx of t, whose path is
// path. A node matched by a rule is one span; its children are not visited.
func (r *redactor) collect(t *jtree, idx int, path []pathSeg) []span {
	r.spans = r.spans[:0]
	if len(r.set) == 0 {
		return nil
	}
	n := &t.nodes[idx]
	if r.set.start(path, r.buf(0, len(r.set))) {
		return append(r.spans, span{n.start, n.end})
	}
	if len(r.keys) > 0 {
		end := idx + int(n.size)
		for i := idx + 1; i < end; {
			ch := &t.nodes[i]
			if ch.keyStart > 0 && r.keyMatches(t, ch) {
				r.spans = append(r.spans, span{ch.start, ch.end})
				i += int(ch.size)
				continue
			}
			i++
		}
	}
	if len(r.complex) > 0 {
		r.complex.start(path, r.buf(0, len(r.complex)))
		r.walk(t, idx, 0)
	}
	return r.spans
}

// keyMatches reports whether a member's key is one of the $..key rules.
func (r *redactor) keyMatches(t *jtree, n *jnode) bool {
	key := t.src[n.keyStart:n.keyEnd]
	for _, k := range r.keys {
		if n.keyEsc {
			if r.strs.equal(key, []byte(k), true, false) {
				return true
			}
		} else if string(key) == k {
			return true
		}
	}
	return false
}

func (r *redactor) buf(depth, width int) []uint64 {
	for len(r.bufs) <= depth {
		r.bufs = append(r.bufs, make([]uint64, len(r.set)))
	}
	return r.bufs[depth][:width]
}

// walk runs the complex rules below idx; r.bufs[depth] holds idx's states.
func (r *redactor) walk(t *jtree, idx, depth int) {
	n := &t.nodes[idx]
	if n.kind != jObject && n.kind != jArray {
		return
	}
	w := len(r.complex)
	in, out := r.buf(depth, w), r.buf(depth+1, w)
	alive := false
	for _, s := range in {
		alive = alive || s != 0
	}
	if !alive {
		return
	}
	c := idx + 1
	for k := int32(0); k < n.count; k++ {
		ch := &t.nodes[c]
		seg := pathSeg{index: int(k), isIndex: n.kind == jArray}
		if !seg.isIndex {
			seg.key, seg.esc = t.src[ch.keyStart:ch.keyEnd], ch.keyEsc
		}
		if r.complex.step(in, out, &seg) {
			r.spans = append(r.spans, span{ch.start, ch.end})
		} else {
			r.walk(t, c, depth+1)
		}
		c += int(ch.size)
	}
}

// writeRedacted copies src[start:end] to dst with each span replaced by the
// marker. compact drops insignificant whitespace (for short renderings);
// limit > 0 stops the copy once dst holds that many bytes past its start.
func writeRedacted(dst, src []byte, start, end int32, spans []span, compact bool, limit int) (out []byte, truncated bool) {
	base := len(dst)
	if len(spans) > 1 {
		sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	}
	copyFn := appendPlain
	if compact {
		copyFn = appendCompact
	}
	pos := start
	for _, s := range spans {
		if s.start < pos || s.end > end {
			continue
		}
		if dst, truncated = copyFn(dst, src[pos:s.start], base, limit); truncated {
			return trimRune(dst, base), true
		}
		if dst, truncated = appendPlain(dst, redactedJSON, base, limit); truncated {
			return trimRune(dst, base), true
		}
		pos = s.end
	}
	if dst, truncated = copyFn(dst, src[pos:end], base, limit); truncated {
		return trimRune(dst, base), true
	}
	return dst, false
}

// appendPlain appends seg, stopping at limit bytes past base (limit 0: none).
func appendPlain(dst, seg []byte, base, limit int) ([]byte, bool) {
	if limit > 0 && len(dst)-base+len(seg) > limit {
		return append(dst, seg[:max(0, limit-(len(dst)-base))]...), true
	}
	return append(dst, seg...), false
}

// appendCompact appends seg without the whitespace between JSON tokens. Spans
// start and end on value boundaries, so seg never begins inside a string.
func appendCompact(dst, seg []byte, base, limit int) ([]byte, bool) {
	inStr := false
	for i := 0; i < len(seg); i++ {
		if limit > 0 && len(dst)-base >= limit {
			return dst, true
		}
		c := seg[i]
		switch {
		case inStr && c == '\\' && i+1 < len(seg):
			dst = append(dst, c)
			i++
			c = seg[i]
		case c == '"':
			inStr = !inStr
		case !inStr && (c == ' ' || c == '\t' || c == '\n' || c == '\r'):
			continue
		}
		dst = append(dst, c)
	}
	return dst, false
}

// trimRune drops a UTF-8 sequence cut in half at the end of dst.
func trimRune(dst []byte, base int) []byte {
	for i := len(dst) - 1; i >= base && i >= len(dst)-utf8.UTFMax; i-- {
		if utf8.RuneStart(dst[i]) {
			if !utf8.FullRune(dst[i:]) {
				return dst[:i]
			}
			break
		}
	}
	return dst
}
