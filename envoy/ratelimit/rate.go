package ratelimit

import (
	"strconv"
	"time"
)

// rate is a limit in the script's integer terms: the emission interval is
// num/den microseconds (Period/Count reduced), the tolerance num*burst.
type rate struct {
	num, den, burst int64
}

func newRate(l Limit) rate {
	p := int64(l.Period / time.Microsecond)
	g := gcd(p, l.Count)
	burst := l.Burst
	if burst == 0 {
		burst = l.Count
	}
	return rate{num: p / g, den: l.Count / g, burst: burst}
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// args are the script arguments for this rate, less cost and shadow.
func (r rate) args() [3]string {
	return [3]string{strconv.FormatInt(r.num, 10), strconv.FormatInt(r.den, 10), strconv.FormatInt(r.burst, 10)}
}
