package shadow

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progress draws `\r[#####.....] 512/1000 matched 97.3%` on a terminal,
// at most every progressEvery, and the final state with a newline.
type progress struct {
	w     io.Writer
	total int
	last  time.Time
}

const (
	progressEvery = 100 * time.Millisecond
	progressWidth = 30
)

func newProgress(w io.Writer, total int) *progress { return &progress{w: w, total: total} }

func (p *progress) update(s *Summary) {
	if p.w == nil || time.Since(p.last) < progressEvery {
		return
	}
	p.last = time.Now()
	p.draw(s, "")
}

func (p *progress) done(s *Summary) {
	if p.w != nil {
		p.draw(s, "\n")
	}
}

func (p *progress) draw(s *Summary, end string) {
	matched := "matched -"
	if s.Compared > 0 {
		matched = fmt.Sprintf("matched %.1f%%", s.MatchRate())
	}
	done := s.Replayed // requests finished, not merely read
	for _, n := range s.Skipped {
		done += n
	}
	if p.total <= 0 {
		fmt.Fprintf(p.w, "\r%d done %s%s", done, matched, end)
		return
	}
	filled := min(progressWidth, done*progressWidth/p.total)
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d %s%s", strings.Repeat("#", filled), strings.Repeat(".", progressWidth-filled),
		done, p.total, matched, end)
}
