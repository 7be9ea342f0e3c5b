package diff

import (
	"bytes"
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
