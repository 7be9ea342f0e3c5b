package diff

import "testing"

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
