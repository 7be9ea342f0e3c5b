package diff

import "testing"

// TestOrderCountsEqualElementsOnce: when an ordered array holds the same
// elements in another order, the elements that were already equal in
// place (here through a tolerance and an ignore rule) are not compared
// again, yet their tolerated and ignored differences count exactly once.
func TestOrderCountsEqualElementsOnce(t *testing.T) {
	rules, err := ParseRules([]string{"body:$..ts"}, nil, map[string]float64{"body:$..price": 0.01}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cmp, err := NewComparer(rules)
	if err != nil {
		t.Fatal(err)
	}
	res := cmp.Compare(
		jsonResp(`[{"id":1,"price":1.001,"ts":1},{"id":2},{"id":3},{"id":4,"price":4.004}]`),
		jsonResp(`[{"id":1,"price":1,"ts":2},{"id":3},{"id":2},{"id":4,"price":4}]`))
	if len(res.Differences) != 1 || res.Differences[0].Kind != KindOrder || res.Differences[0].Path != "body:$" {
		t.Fatalf("differences %+v, want one order difference at body:$", res.Differences)
	}
	if res.Ignored != 1 || res.Tolerated != 2 {
		t.Fatalf("ignored %d, tolerated %d; want 1 (ts of element 0) and 2 (prices of elements 0 and 3)", res.Ignored, res.Tolerated)
	}

	// Elements that differ in place and match nowhere keep their
	// differences; the in-place counts stand.
	res = cmp.Compare(
		jsonResp(`[{"id":1,"price":1.001,"ts":1},{"id":2},{"id":3}]`),
		jsonResp(`[{"id":1,"price":1,"ts":2},{"id":3},{"id":5}]`))
	if len(res.Differences) != 2 || res.Ignored != 1 || res.Tolerated != 1 {
		t.Fatalf("got %d differences, %d ignored, %d tolerated; want 2, 1, 1: %+v", len(res.Differences), res.Ignored, res.Tolerated, res.Differences)
	}
}
