package diff

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

func TestNumbersEqual(t *testing.T) {
	cases := []struct {
		a, b string
		eq   bool
	}{
		{"10", "10.0", true},
		{"10", "1e1", true},
		{"10", "1.0E+1", true},
		{"100", "1e2", true},
		{"0.1", "0.10", true},
		{"0.001", "1e-3", true},
		{"0", "-0", true},
		{"0", "0.000e5", true},
		{"-1.5", "-1.50", true},
		{"9007199254740993", "9007199254740992", false},
		{"12345678901234567890123", "12345678901234567890124", false},
		{"12345678901234567890123", "1.2345678901234567890123e22", true},
		{"1", "-1", false},
		{"10", "100", false},
		{"0.1", "0.01", false},
		{"1e400", "10e399", true},
		{"1e400", "1e401", false},
	}
	for _, tc := range cases {
		if got := numbersEqual([]byte(tc.a), []byte(tc.b)); got != tc.eq {
			t.Errorf("numbersEqual(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.eq)
		}
	}
}

func TestWithinTolerance(t *testing.T) {
	cases := []struct {
		a, b string
		tol  float64
		ok   bool
	}{
		{"34", "34.005", 0.005, true}, // exact decimal: float64 would put it at 0.00500000000000256
		{"34", "34.0051", 0.005, false},
		{"34.005", "34", 0.005, true},
		{"-1", "1", 2, true},
		{"-1", "1", 1.999, false},
		{"9007199254740993", "9007199254740992", 0.5, false},
		{"9007199254740993", "9007199254740992", 1, true},
		{"1e500", "1.0000001e500", 0.5, false}, // float64 would see +Inf twice
		{"1e-500", "3e-500", 0.5, true},
		{"1e999999999999", "2e999999999999", 1, false}, // beyond big.Float: reported, not hidden
	}
	for _, tc := range cases {
		if got := withinTolerance([]byte(tc.a), []byte(tc.b), tc.tol); got != tc.ok {
			t.Errorf("withinTolerance(%s, %s, %v) = %v, want %v", tc.a, tc.b, tc.tol, got, tc.ok)
		}
	}
}

// TestWithinToleranceInt64AgreesWithRat: the int64 fast path gives the exact
// rational answer on prices, quantities and numbers near its limits.
func TestWithinToleranceInt64AgreesWithRat(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	lits := []string{"0", "-0", "34", "34.004", "34.005", "34.0050", "-12.5", "1e3", "1E-3", "99999999999999999",
		"100000000000000000", "0.00000000000000001", "123456789.123456789", "5e17", "-5e-18"}
	tols := []float64{0, 0.005, 0.01, 0.5, 1, 1e-7, 1e-18, 1e17, 3.3}
	for range 2000 {
		lits = append(lits, strconv.FormatFloat((rng.Float64()-0.5)*math.Pow(10, float64(rng.IntN(12)-4)), 'f', rng.IntN(6), 64))
	}
	fast := 0
	for i := range 20000 {
		a, b := lits[rng.IntN(len(lits))], lits[rng.IntN(len(lits))]
		if i%3 == 0 { // near neighbours, where the answer turns
			b = a + strconv.Itoa(rng.IntN(10))
			if !strings.Contains(a, ".") && !strings.ContainsAny(a, "eE") {
				b = a + ".00" + strconv.Itoa(rng.IntN(100))
			}
		}
		tol := tols[rng.IntN(len(tols))]
		var ba, bb, bt, bdt [64]byte
		if _, ok := withinInt64(parseDecimal([]byte(a), ba[:]), parseDecimal([]byte(b), bb[:]),
			parseDecimal(strconv.AppendFloat(bt[:0], tol, 'g', -1, 64), bdt[:])); ok {
			fast++
		}
		if got, want := withinTolerance([]byte(a), []byte(b), tol), withinRat([]byte(a), []byte(b), tol); got != want {
			t.Fatalf("withinTolerance(%s, %s, %v) = %v, exact answer %v", a, b, tol, got, want)
		}
	}
	if fast < 10000 {
		t.Fatalf("the int64 path took only %d of 20000 cases", fast)
	}
}
