package diff

import "bytes"

// pathSeg is one segment of a concrete body path while walking a JSON tree.
// Keys point into the body; esc says they still hold JSON escapes.
type pathSeg struct {
	key     []byte
	index   int
	isIndex bool
	esc     bool
}

// pattern is a compiled body selector, run as an NFA whose active positions
// (0..len(steps)) are bits of a uint64: position i means steps[:i] matched.
type pattern struct {
	steps []step
}

const startState uint64 = 1

func (p *pattern) accepting(state uint64) bool {
	return state&(1<<uint(len(p.steps))) != 0
}

// advance consumes one path segment.
func (p *pattern) advance(state uint64, seg *pathSeg) uint64 {
	var next uint64
	for i := range p.steps {
		if state&(1<<uint(i)) == 0 {
			continue
		}
		st := &p.steps[i]
		if st.descend {
			next |= 1 << uint(i)
		}
		if st.matches(seg) {
			next |= 1 << uint(i+1)
		}
	}
	return next
}

func (s *step) matches(seg *pathSeg) bool {
	switch s.kind {
	case stepAny:
		return true
	case stepIndex:
		return seg.isIndex && seg.index == s.index
	default:
		if seg.isIndex {
			return false
		}
		if !seg.esc {
			return string(seg.key) == s.key
		}
		return bytes.Equal(unescapeJSON(nil, seg.key), []byte(s.key))
	}
}

// matchesPrefix reports whether the pattern matches path or one of its
// ancestors: rules on a node cover everything beneath it.
func (p *pattern) matchesPrefix(path []pathSeg) bool {
	state := startState
	if p.accepting(state) {
		return true
	}
	for i := range path {
		state = p.advance(state, &path[i])
		if state == 0 {
			return false
		}
		if p.accepting(state) {
			return true
		}
	}
	return false
}

// matchesExact reports whether the pattern matches path itself.
func (p *pattern) matchesExact(path []pathSeg) bool {
	state := startState
	for i := range path {
		state = p.advance(state, &path[i])
		if state == 0 {
			return false
		}
	}
	return p.accepting(state)
}

// patternSet runs several patterns side by side, one state word each.
type patternSet []pattern

// start returns the states after path and whether any pattern already
// matched path or an ancestor.
func (ps patternSet) start(path []pathSeg, states []uint64) bool {
	hit := false
	for k := range ps {
		states[k] = startState
		hit = hit || ps[k].accepting(startState)
	}
	for i := range path {
		if ps.step(states, states, &path[i]) {
			hit = true
		}
	}
	return hit
}

// step advances every state by seg into out and reports whether any pattern
// accepts.
func (ps patternSet) step(in, out []uint64, seg *pathSeg) bool {
	hit := false
	for k := range ps {
		if in[k] == 0 {
			out[k] = 0
			continue
		}
		out[k] = ps[k].advance(in[k], seg)
		hit = hit || ps[k].accepting(out[k])
	}
	return hit
}

func (ps patternSet) anyPrefix(path []pathSeg) bool {
	for k := range ps {
		if ps[k].matchesPrefix(path) {
			return true
		}
	}
	return false
}
