package diff

import (
	"bytes"
	"math"
	"math/big"
	"strconv"
)

// Numbers are compared by decimal value on their exact text: 10, 10.0, 1e1
// and 10.000 are equal, and 9007199254740993 stays distinct from
// 9007199254740992 (float64 would merge them).

// decimal is value = ±0.digits × 10^point, with digits free of leading and
// trailing zeros; zero has no digits.
type decimal struct {
	neg    bool
	digits []byte
	point  int64
}

// maxExp saturates exponents so that hostile input cannot overflow; numbers
// beyond it compare by their saturated value.
const maxExp = 1 << 40

func parseDecimal(lit, buf []byte) decimal {
	var d decimal
	i := 0
	if i < len(lit) && lit[i] == '-' {
		d.neg = true
		i++
	}
	digits := buf[:0]
	for ; i < len(lit) && lit[i] >= '0' && lit[i] <= '9'; i++ {
		digits = append(digits, lit[i])
	}
	d.point = int64(len(digits))
	if i < len(lit) && lit[i] == '.' {
		for i++; i < len(lit) && lit[i] >= '0' && lit[i] <= '9'; i++ {
			digits = append(digits, lit[i])
		}
	}
	if i < len(lit) && (lit[i] == 'e' || lit[i] == 'E') {
		i++
		expNeg := false
		if i < len(lit) && (lit[i] == '+' || lit[i] == '-') {
			expNeg = lit[i] == '-'
			i++
		}
		var exp int64
		for ; i < len(lit) && lit[i] >= '0' && lit[i] <= '9'; i++ {
			if exp < maxExp {
				exp = exp*10 + int64(lit[i]-'0')
			}
		}
		if expNeg {
			exp = -exp
		}
		d.point += exp
	}
	for len(digits) > 0 && digits[0] == '0' {
		digits = digits[1:]
		d.point--
	}
	for len(digits) > 0 && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
	}
	if len(digits) == 0 {
		return decimal{}
	}
	d.digits = digits
	return d
}

func numbersEqual(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	var ba, bb [64]byte
	da, db := parseDecimal(a, ba[:]), parseDecimal(b, bb[:])
	return da.neg == db.neg && da.point == db.point && bytes.Equal(da.digits, db.digits)
}

// withinTolerance reports |a-b| <= tol: exactly (big.Rat) for sane
// exponents, with 512-bit floats for absurd ones, whose exact expansion
// would cost memory an attacker could choose.
func withinTolerance(a, b []byte, tol float64) bool {
	var ba, bb [64]byte
	da, db := parseDecimal(a, ba[:]), parseDecimal(b, bb[:])
	if abs64(da.point) > 400 || abs64(db.point) > 400 {
		fa, _, err1 := big.ParseFloat(string(a), 10, 512, big.ToNearestEven)
		fb, _, err2 := big.ParseFloat(string(b), 10, 512, big.ToNearestEven)
		if err1 != nil || err2 != nil {
			return false
		}
		delta := new(big.Float).SetPrec(512).Sub(fa, fb)
		return delta.Abs(delta).Cmp(big.NewFloat(tol)) <= 0
	}
	if tol >= 0 && !math.IsInf(tol, 0) {
		var tb, tdb [32]byte
		dt := parseDecimal(strconv.AppendFloat(tb[:0], tol, 'g', -1, 64), tdb[:])
		if within, ok := withinInt64(da, db, dt); ok {
			return within
		}
	}
	return withinRat(a, b, tol)
}

// withinRat is withinTolerance in exact rationals, for numbers too long for
// withinInt64.
func withinRat(a, b []byte, tol float64) bool {
	ra, ok1 := new(big.Rat).SetString(string(a))
	rb, ok2 := new(big.Rat).SetString(string(b))
	rt, ok3 := new(big.Rat).SetString(strconv.FormatFloat(tol, 'g', -1, 64))
	if !ok1 || !ok2 || !ok3 {
		return false
	}
	delta := ra.Sub(ra, rb)
	return delta.Abs(delta).Cmp(rt) <= 0
}

func abs64(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// maxScaled bounds the integers withinInt64 works with, so that the
// difference of two of them cannot overflow.
const maxScaled = 1e17

// withinInt64 decides |a-b| <= tol exactly in int64 when the three decimals
// fit at a common scale, as prices and quantities do; ok is false otherwise.
func withinInt64(a, b, tol decimal) (within, ok bool) {
	s := max(a.scale(), b.scale(), tol.scale())
	ma, ok1 := a.scaledTo(s)
	mb, ok2 := b.scaledTo(s)
	mt, ok3 := tol.scaledTo(s)
	if !ok1 || !ok2 || !ok3 {
		return false, false
	}
	d := ma - mb
	if d < 0 {
		d = -d
	}
	return d <= mt, true
}

// scale is the number of decimal places of d's digits: d = digits × 10^-scale.
func (d decimal) scale() int64 { return int64(len(d.digits)) - d.point }

// scaledTo returns d × 10^s as an integer when it fits under maxScaled; s is
// at least d.scale().
func (d decimal) scaledTo(s int64) (int64, bool) {
	if len(d.digits) == 0 {
		return 0, true
	}
	var m int64
	for _, c := range d.digits {
		if m > maxScaled/10 {
			return 0, false
		}
		m = m*10 + int64(c-'0')
	}
	for k := s - d.scale(); k > 0; k-- {
		if m > maxScaled/10 {
			return 0, false
		}
		m *= 10
	}
	if d.neg {
		m = -m
	}
	return m, true
}
