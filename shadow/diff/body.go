package diff

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"
)

// side is one response's body as the comparison sees it, decoded and parsed
// lazily.
type side struct {
	resp      Response
	decoded   []byte
	decodeErr error
	didDecode bool
	tree      jtree
	parseErr  error
	didParse  bool
}

func (s *side) reset(r Response) {
	t := s.tree
	*s = side{resp: r}
	s.tree = jtree{nodes: t.nodes[:0], stack: t.stack[:0], index: t.index, dec: t.dec[:0], spans: t.spans[:0]}
}

// release drops references to caller memory before the scratch is pooled.
func (s *side) release() {
	s.resp, s.decoded, s.tree.src = Response{}, nil, nil
}

func (s *side) decode(limit int64) error {
	if !s.didDecode {
		s.didDecode = true
		s.decoded, s.decodeErr = decodeBody(s.resp.Header, s.resp.Body, limit)
	}
	return s.decodeErr
}

func (s *side) contentType() string {
	ct := headerValue(s.resp.Header, "Content-Type")
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	return strings.ToLower(strings.TrimSpace(ct))
}

func (s *side) declaredJSON() bool {
	ct := s.contentType()
	return ct == "application/json" || strings.HasSuffix(ct, "+json")
}

func (s *side) sniffedJSON() bool {
	b := bytes.TrimLeft(s.decoded, " \t\r\n")
	return len(b) > 0 && (b[0] == '{' || b[0] == '[')
}

// json parses the decoded body when it claims or looks like JSON and reports
// whether a tree is available.
func (s *side) json() bool {
	if !s.didParse {
		s.didParse = true
		if s.decodeErr == nil && (s.declaredJSON() || s.sniffedJSON()) {
			s.parseErr = s.tree.parse(s.decoded)
		} else {
			s.parseErr = errNotJSON
		}
	}
	return s.parseErr == nil
}

var errNotJSON = errors.New("not JSON")

func (s *side) textual() bool {
	ct := s.contentType()
	switch {
	case ct == "":
		return utf8.Valid(s.decoded)
	case strings.HasPrefix(ct, "text/"):
		return true
	}
	for _, t := range []string{"json", "xml", "html", "javascript"} {
		if strings.Contains(ct, t) {
			return true
		}
	}
	return false
}

func sameEncoding(a, b http.Header) bool {
	return strings.EqualFold(headerValue(a, "Content-Encoding"), headerValue(b, "Content-Encoding"))
}

func (c *Comparer) compareBodies(res *Result, s *scratch) {
	l, r := &s.sides[0], &s.sides[1]
	if bytes.Equal(l.resp.Body, r.resp.Body) && sameEncoding(l.resp.Header, r.resp.Header) {
		return
	}
	lerr, rerr := l.decode(c.opt.maxBody), r.decode(c.opt.maxBody)
	if candidateBroken(lerr, rerr) {
		c.bodyDifference(res, s, KindDecode)
		return
	}
	if lerr != nil || rerr != nil {
		res.NotComparable = notComparable(lerr, rerr)
		return
	}
	if bytes.Equal(l.decoded, r.decoded) {
		return
	}
	if len(l.decoded) == 0 || len(r.decoded) == 0 {
		kind := KindMissing
		if len(l.decoded) == 0 {
			kind = KindExtra
		}
		c.bodyDifference(res, s, kind)
		return
	}
	lj, rj := l.json(), r.json()
	if lperr, rperr := declaredParseErr(l), declaredParseErr(r); lperr != nil || rperr != nil {
		if candidateBroken(lperr, rperr) {
			c.bodyDifference(res, s, KindDecode)
		} else {
			res.NotComparable = notComparable(lperr, rperr)
		}
		return
	}
	switch {
	case lj && rj:
		s.w.reset(&c.rules, res, c.opt.maxDiffs, &l.tree, &r.tree)
		s.w.value(0, 0)
	case lj != rj:
		c.bodyDifference(res, s, KindType)
	case l.textual() && r.textual():
		c.compareText(res, l.decoded, r.decoded)
	default:
		c.bodyDifference(res, s, KindBytes)
	}
}

func declaredParseErr(s *side) error {
	if s.declaredJSON() && s.parseErr != nil {
		return s.parseErr
	}
	return nil
}

// candidateBroken: legacy's body is fine and the candidate's cannot be
// decoded or parsed. That is the new service answering wrongly, a real
// difference; only a legacy failure (or a size overrun) leaves nothing to
// judge against.
func candidateBroken(lerr, rerr error) bool {
	return lerr == nil && rerr != nil && !errors.Is(rerr, errTooLarge)
}

// notComparable names the side that failed, preferring a size overrun.
func notComparable(lerr, rerr error) string {
	if errors.Is(lerr, errTooLarge) || errors.Is(rerr, errTooLarge) {
		return NotComparableTooLarge
	}
	if lerr != nil {
		return NotComparableDecodeError + ": legacy: " + lerr.Error()
	}
	return NotComparableDecodeError + ": candidate: " + rerr.Error()
}

// bodyDifference reports a whole-body difference (path "body"), used when the
// bodies cannot be compared piece by piece.
func (c *Comparer) bodyDifference(res *Result, s *scratch, kind Kind) {
	if c.rules.wholeBodyIgnored() {
		res.Ignored++
		return
	}
	d := Difference{Path: "body", Template: "body", Kind: kind}
	var rl, rc bool
	d.Legacy, rl = c.renderBody(s, 0, kind)
	d.Candidate, rc = c.renderBody(s, 1, kind)
	d.Redacted = rl || rc
	c.add(res, d)
}

func (c *Comparer) renderBody(s *scratch, i int, kind Kind) (string, bool) {
	sd := &s.sides[i]
	switch {
	case len(sd.decoded) == 0:
		return "", false
	case kind == KindBytes:
		return describeBytes(sd.decoded), false
	case sd.json():
		s.w.reset(&c.rules, nil, 0, &s.sides[0].tree, &s.sides[1].tree)
		return s.w.render(&sd.tree, 0)
	case len(c.rules.redactBody) > 0:
		return jsonQuote(RedactedMarker), true
	}
	return jsonQuote(truncateText(sd.decoded, renderLimit)), false
}
