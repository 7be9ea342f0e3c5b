package diff

// Sample renders res's redacted sample bodies, capped at the comparer's
// sample size, and keeps them in res.SampleLegacy and res.SampleCandidate.
// Compare does not render them: most differing pairs are never stored as a
// sample, and rendering is a fifth of a comparison's cost. Call it only for
// a pair whose sample will be kept, with the comparer that produced res, and
// while the bodies passed to Compare are still unchanged. A matching pair, a
// comparer without samples, and a body that should be redacted but cannot be
// parsed give nil. Once rendered, res no longer refers to the bodies.
func (c *Comparer) Sample(res *Result) (legacy, candidate []byte) {
	if !res.toSample {
		return res.SampleLegacy, res.SampleCandidate
	}
	s := c.pool.Get().(*scratch)
	s.sides[0].reset(res.pair[0])
	s.sides[1].reset(res.pair[1])
	if s.w.red.set == nil && len(c.rules.redactBody) > 0 {
		s.w.red = newRedactor(c.rules.redactBody)
	}
	res.SampleLegacy = c.sample(&s.sides[0], &s.w.red)
	res.SampleCandidate = c.sample(&s.sides[1], &s.w.red)
	s.sides[0].release()
	s.sides[1].release()
	c.pool.Put(s)
	res.pair, res.toSample = [2]Response{}, false
	return res.SampleLegacy, res.SampleCandidate
}

// sample returns a redacted copy of the decoded body, capped, or nil when it
// cannot be produced safely.
func (c *Comparer) sample(sd *side, red *redactor) []byte {
	if sd.decode(c.opt.maxBody) != nil || len(sd.decoded) == 0 {
		return nil
	}
	limit := c.opt.sampleBytes
	var spans []span
	switch {
	case sd.json():
		if len(c.rules.redactBody) > 0 {
			spans = red.collect(&sd.tree, 0, nil)
		}
	case len(c.rules.redactBody) > 0:
		return nil
	}
	if len(spans) == 0 { // one exact-size copy, no zeroing first
		return append([]byte(nil), sd.decoded[:min(len(sd.decoded), limit)]...)
	}
	out, _ := writeRedacted(make([]byte, 0, min(len(sd.decoded), limit)+len(redactedJSON)),
		sd.decoded, 0, int32(len(sd.decoded)), spans, false, limit)
	return out
}
