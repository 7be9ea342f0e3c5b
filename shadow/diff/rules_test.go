package diff

import (
	"math"
	"strings"
	"testing"
)

func TestParseRulesErrors(t *testing.T) {
	cases := []struct {
		name      string
		ignore    []string
		unordered []string
		tolerance map[string]float64
		redact    []string
		want      string
	}{
		{name: "unclosed bracket", ignore: []string{"body:$.items["}, want: "ignore: body:$.items[: unclosed '['"},
		{name: "unclosed index", ignore: []string{"body:$.items[3"}, want: "ignore: body:$.items[3: unclosed '['"},
		{name: "unclosed quote", redact: []string{"body:$['email"}, want: "redact: body:$['email: unclosed quote"},
		{name: "no dollar", ignore: []string{"body:items"}, want: "ignore: body:items: JSONPath must start with '$'"},
		{name: "empty path", ignore: []string{"body:"}, want: "ignore: body:: empty JSONPath (want $...)"},
		{name: "empty key", ignore: []string{"body:$.items."}, want: "ignore: body:$.items.: empty key after '.'"},
		{name: "double dot at end", ignore: []string{"body:$.."}, want: "ignore: body:$..: '..' must be followed by a key, '*' or '['"},
		{name: "slice", unordered: []string{"body:$.items[1:3]"}, want: "unordered: body:$.items[1:3]: slices are not supported"},
		{name: "filter", ignore: []string{"body:$.items[?(@.x)]"}, want: "ignore: body:$.items[?(@.x)]: filters and expressions are not supported"},
		{name: "negative", ignore: []string{"body:$.items[-1]"}, want: "ignore: body:$.items[-1]: negative indexes are not supported"},
		{name: "union", ignore: []string{"body:$.items[1,2]"}, want: "ignore: body:$.items[1,2]: unions are not supported"},
		{name: "unknown kind", ignore: []string{"query:page"}, want: `ignore: query:page: unknown kind "query" (want header: or body:)`},
		{name: "no kind", ignore: []string{"Date"}, want: "ignore: Date: want header:NAME or body:$..."},
		{name: "empty header", ignore: []string{"header:"}, want: "ignore: header:: empty header name"},
		{name: "bad header", redact: []string{"header:X Token"}, want: `redact: header:X Token: invalid character ' ' in header name`},
		{name: "header tolerance", tolerance: map[string]float64{"header:Age": 1}, want: "tolerance: header:Age: applies to body paths only"},
		{name: "header unordered", unordered: []string{"header:Vary"}, want: "unordered: header:Vary: applies to body paths only"},
		{name: "negative tolerance", tolerance: map[string]float64{"body:$..price": -0.1}, want: "tolerance: body:$..price: tolerance -0.1 must be a finite number >= 0"},
		{name: "NaN tolerance", tolerance: map[string]float64{"body:$..price": math.NaN()}, want: "tolerance: body:$..price: tolerance NaN must be a finite number >= 0"},
		{name: "space in key", ignore: []string{"body:$.a b"}, want: `ignore: body:$.a b: unexpected ' ' at offset 3 (quote such keys: ['...'])`},
		{name: "junk after bracket", ignore: []string{"body:$[0]x"}, want: `ignore: body:$[0]x: unexpected 'x' at offset 4`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseRules(tc.ignore, tc.unordered, tc.tolerance, tc.redact)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("error = %v, want %q", err, tc.want)
			}
			if _, err := NewComparer(Rules{Ignore: tc.ignore, Unordered: tc.unordered, Tolerance: tc.tolerance, Redact: tc.redact}); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("NewComparer error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestParseRulesListsEveryBadEntry(t *testing.T) {
	_, err := ParseRules([]string{"body:$.ok", "body:$.a["}, nil, map[string]float64{"header:X": 1}, []string{"nope"})
	if err == nil {
		t.Fatal("no error")
	}
	lines := strings.Split(err.Error(), "\n")
	want := []string{"ignore: body:$.a[: unclosed '['", "tolerance: header:X: applies to body paths only", "redact: nope: want header:NAME or body:$..."}
	if strings.Join(lines, "|") != strings.Join(want, "|") {
		t.Fatalf("errors:\n%s\nwant:\n%s", err, strings.Join(want, "\n"))
	}
}

func TestParseRulesAccepts(t *testing.T) {
	ok := []string{
		"header:Date", "header:x-magento-tags", "body:$", "body:$.updated_at", "body:$.items[*].extension_attributes.stock_item.item_id",
		"body:$..price", "body:$['weird key'].x", `body:$["it's"]`, "body:$.items[3]", "body:$.*", "body:$..[*]", "body:$..['e-mail']",
		"body:$.custom-attr",
	}
	if _, err := ParseRules(ok, []string{"body:$.items"}, map[string]float64{"body:$..price": 0.005}, []string{"body:$..email", "header:Authorization"}); err != nil {
		t.Fatal(err)
	}
}

// TestSelectorMatching checks the JSONPath subset against concrete paths,
// written the way formatPath prints them.
func TestSelectorMatching(t *testing.T) {
	path := func(segs ...any) []pathSeg {
		var out []pathSeg
		for _, s := range segs {
			switch v := s.(type) {
			case int:
				out = append(out, pathSeg{index: v, isIndex: true})
			case string:
				out = append(out, pathSeg{key: []byte(v)})
			}
		}
		return out
	}
	cases := []struct {
		sel          string
		path         []pathSeg
		exact, under bool
	}{
		{"body:$", path(), true, true},
		{"body:$", path("a"), false, true},
		{"body:$.items", path("items"), true, true},
		{"body:$.items", path("items", 0, "price"), false, true},
		{"body:$.items[*].price", path("items", 7, "price"), true, true},
		{"body:$.items[*].price", path("items", "x", "price"), true, true}, // [*] selects object members too
		{"body:$.items[2].price", path("items", 7, "price"), false, false},
		{"body:$.items[7].price", path("items", 7, "price"), true, true},
		{"body:$..price", path("price"), true, true},
		{"body:$..price", path("items", 3, "extension_attributes", "price"), true, true},
		{"body:$..price", path("items", 3, "base_price"), false, false},
		{"body:$..price.amount", path("a", "price", "amount"), true, true},
		{"body:$..price.amount", path("a", "price", "b", "price", "amount"), true, true},
		{"body:$..[0]", path("a", "b", 0), true, true},
		{"body:$['weird key']", path("weird key"), true, true},
		{"body:$.a.*", path("a", "b"), true, true},
		{"body:$.a.*", path("a"), false, false},
		{"body:$.a", path("b"), false, false},
	}
	for _, tc := range cases {
		sel, err := parseSelector(tc.sel)
		if err != nil {
			t.Fatalf("%s: %v", tc.sel, err)
		}
		p := pattern{steps: sel.steps}
		if got := p.matchesExact(tc.path); got != tc.exact {
			t.Errorf("%s exact %s = %v, want %v", tc.sel, formatPath(tc.path, false), got, tc.exact)
		}
		if got := p.matchesPrefix(tc.path); got != tc.under {
			t.Errorf("%s covers %s = %v, want %v", tc.sel, formatPath(tc.path, false), got, tc.under)
		}
	}
}

// TestFormattedPathsParseBack: every path Compare prints is itself a rule
// that selects that node, so reviewers can paste it into ignore lists.
func TestFormattedPathsParseBack(t *testing.T) {
	path := []pathSeg{{key: []byte("items")}, {index: 3, isIndex: true}, {key: []byte("it's odd")}, {key: []byte("0")}, {key: []byte(`caf\u00e9`), esc: true}}
	printed := formatPath(path, false)
	if printed != `body:$.items[3]['it\'s odd']['0']['café']` {
		t.Fatalf("printed %s", printed)
	}
	sel, err := parseSelector(printed)
	if err != nil {
		t.Fatal(err)
	}
	if p := (pattern{steps: sel.steps}); !p.matchesExact(path) {
		t.Fatalf("%s does not select its own path", printed)
	}
}
