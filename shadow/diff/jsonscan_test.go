package diff

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestParseAgreesWithEncodingJSON: over the corpus bodies, their Go
// re-encodings and thousands of random edits of them and of short random
// inputs, the tokenizer accepts exactly what encoding/json accepts (the
// inputs hold no control characters, which the tokenizer tolerates inside
// strings), and every string value it decodes is the one encoding/json
// decodes.
func TestParseAgreesWithEncodingJSON(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "corpus", "bodies", "*.json"))
	var seeds [][]byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		seeds = append(seeds, b, goEncode(t, b))
	}
	seeds = append(seeds, []byte(`{"s":"\u00e9\/\ud83d\ude00","t":"a\"b\\","u":"\\\"","k\"":1, "n" : [ -0.5e+3 , 0 , true , null ] }`),
		[]byte(`{"a":[[1,2],[[]],{"b":[[{}],{"c":{"d":[]}}]}],"e":{}}`), []byte(` [ {} , [ "x" ] ] `))
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []byte(`"\u{}[]:,0a 1e.-tnfé/` + "\xc3\xa9")
	var tr jtree // reused, as the comparer reuses it
	check := func(b []byte) { agreesWithEncodingJSON(t, &tr, b) }
	edit := func(b []byte) []byte {
		b = append([]byte(nil), b...)
		for e := rng.IntN(4); e >= 0; e-- {
			i := rng.IntN(len(b) + 1)
			switch rng.IntN(3) {
			case 0:
				if i < len(b) {
					b[i] = alphabet[rng.IntN(len(alphabet))]
				}
			case 1:
				b = append(b[:i], append([]byte{alphabet[rng.IntN(len(alphabet))]}, b[i:]...)...)
			case 2:
				b = b[:i]
			}
		}
		return b
	}
	for _, s := range seeds {
		check(s)
		for range 1000 {
			check(edit(s))
		}
	}
	for range 50000 {
		b := make([]byte, rng.IntN(40))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		check(b)
		w := make([]byte, rng.IntN(150))
		for i := range w {
			w[i] = `ab\"u0/Dd8`[rng.IntN(10)]
		}
		check(append(append([]byte(`{"k":["`), w...), `"]}`...))
	}
}

// FuzzParseAgreesWithEncodingJSON is the test above with the fuzzer's
// inputs. The tokenizer tolerates control characters inside strings, where
// encoding/json rejects them: an input it accepts and encoding/json does
// not is let pass when it holds one.
func FuzzParseAgreesWithEncodingJSON(f *testing.F) {
	for _, s := range []string{`{"a":"b\u00e9\/","c":[1,-2.5e3,true,null,{}]}`, `["\ud83d\ude00", "x\"y"]`, " {\"k\" :\t\"v\" }\r\n"} {
		f.Add([]byte(s))
	}
	var tr jtree
	f.Fuzz(func(t *testing.T, b []byte) {
		if tr.parse(b) == nil && !json.Valid(b) && bytes.ContainsFunc(b, func(r rune) bool { return r < ' ' }) {
			return
		}
		agreesWithEncodingJSON(t, &tr, b)
	})
}

// agreesWithEncodingJSON fails t unless tr.parse accepts b exactly when
// encoding/json does and decodes every string value as it does (values it
// turns into U+FFFD, from invalid UTF-8, excepted: the tokenizer keeps such
// bytes).
func agreesWithEncodingJSON(t *testing.T, tr *jtree, b []byte) {
	t.Helper()
	err := tr.parse(b)
	if valid := json.Valid(b); (err == nil) != valid {
		t.Fatalf("%q: parse error %v, encoding/json says valid=%v", b, err, valid)
	}
	if err != nil {
		return
	}
	for i := range tr.nodes {
		n := &tr.nodes[i]
		if n.kind != jString {
			continue
		}
		var want string
		if err := json.Unmarshal(tr.raw(i), &want); err != nil {
			t.Fatalf("%q node %d: %v", b, i, err)
		}
		if got := string(tr.str(n)); got != want && !strings.ContainsRune(want, '\uFFFD') {
			t.Fatalf("%q node %d: decoded %q, encoding/json %q", b, i, got, want)
		}
	}
}
