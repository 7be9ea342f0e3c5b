package diff

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"strconv"
)

// maxLineDiffs is how many differing lines a text comparison lists; the
// rest of the differing region is counted in Result.Omitted.
const maxLineDiffs = 5

type textLine struct {
	text []byte
	no   int // 1-based line number in the original body
}

// normaliseLines splits on LF after dropping CRs of CRLF, trims trailing
// blanks, collapses runs of blank lines and drops blank lines at the end, so
// that formatting noise between PHP templates and Go templates vanishes.
func normaliseLines(b []byte) []textLine {
	var out []textLine
	no := 0
	for len(b) > 0 {
		no++
		var ln []byte
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			ln, b = b[:i], b[i+1:]
		} else {
			ln, b = b, nil
		}
		ln = bytes.TrimRight(ln, " \t\r")
		if len(ln) == 0 && len(out) > 0 && len(out[len(out)-1].text) == 0 {
			continue
		}
		out = append(out, textLine{ln, no})
	}
	for len(out) > 0 && len(out[len(out)-1].text) == 0 {
		out = out[:len(out)-1]
	}
	return out
}

// compareText reports the first differing lines between the common head and
// the common tail of the two bodies.
func (c *Comparer) compareText(res *Result, lb, cb []byte) {
	l, r := normaliseLines(lb), normaliseLines(cb)
	p := 0
	for p < len(l) && p < len(r) && bytes.Equal(l[p].text, r[p].text) {
		p++
	}
	s := 0
	for s < len(l)-p && s < len(r)-p && bytes.Equal(l[len(l)-1-s].text, r[len(r)-1-s].text) {
		s++
	}
	lm, rm := l[p:len(l)-s], r[p:len(r)-s]
	n := max(len(lm), len(rm))
	if n == 0 {
		return
	}
	if c.rules.wholeBodyIgnored() {
		res.Ignored++
		return
	}
	redact := len(c.rules.redactBody) > 0
	reported := 0
	for k := 0; k < n; k++ {
		if k < len(lm) && k < len(rm) && bytes.Equal(lm[k].text, rm[k].text) {
			continue // the middle is aligned naively; equal pairs inside it are fine
		}
		if reported == maxLineDiffs {
			res.Omitted++
			continue
		}
		reported++
		d := Difference{Kind: KindLine, Template: "body:line[*]", Redacted: redact}
		var no int
		switch {
		case k >= len(rm):
			d.Kind, no = KindMissing, lm[k].no
		case k >= len(lm):
			d.Kind, no = KindExtra, rm[k].no
		default:
			no = lm[k].no
		}
		if k < len(lm) {
			d.Legacy = renderLine(lm[k].text, redact)
		}
		if k < len(rm) {
			d.Candidate = renderLine(rm[k].text, redact)
		}
		d.Path = "body:line[" + strconv.Itoa(no) + "]"
		c.add(res, d)
	}
}

func renderLine(b []byte, redact bool) string {
	if redact {
		return jsonQuote(RedactedMarker)
	}
	return jsonQuote(truncateText(b, renderLimit))
}

// describeBytes stands for an opaque body without showing its content.
func describeBytes(b []byte) string {
	sum := sha256.Sum256(b)
	return jsonQuote(fmt.Sprintf("%d bytes, sha256 %x", len(b), sum[:8]))
}
