package diff

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

func fuzzComparer(f *testing.F) *Comparer {
	rules, err := ParseRules([]string{"body:$.updated_at", "body:$..item_id", "header:X-Debug"},
		[]string{"body:$.items", "body:$..children_data"}, map[string]float64{"body:$..price": 0.005},
		[]string{"body:$..email", "body:$.customer.addresses", "header:Authorization"})
	if err != nil {
		f.Fatal(err)
	}
	cmp, err := NewComparer(rules, WithMaxBodyBytes(1<<20), WithSampleBytes(4096), WithMaxDifferences(50))
	if err != nil {
		f.Fatal(err)
	}
	return cmp
}

func addFuzzSeeds(f *testing.F) {
	bodies, _ := filepath.Glob(filepath.Join("testdata", "corpus", "bodies", "*.json"))
	for _, file := range bodies {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, goEncode(f, b), uint8(0))
	}
	for _, s := range [][2]string{
		{`{"a":[1,2],"b":{}}`, `{"b":[],"a":[2,1]}`},
		{`{"s":"\u00e9\/\ud83d\ude00"}`, `{"s":"é/😀"}`},
		{`{"n":1e400,"m":-0.0}`, `{"n":10e399,"m":0}`},
		{`[{"items":[{"price":1.004,"email":"x@y"}]}]`, `[{"items":[{"email":"z@y","price":1}]}]`},
		{"<p>a</p>\r\n\r\n", "<p>b</p>"},
		{`{"a":`, `{"a":"\ud800"}`},
		{"", `[[[[[[[[[]]]]]]]]]`},
	} {
		f.Add([]byte(s[0]), []byte(s[1]), uint8(0))
		f.Add([]byte(s[0]), []byte(s[1]), uint8(5))
	}
}

// FuzzCompare: no input panics; identical responses always match; a JSON
// body always matches itself re-encoded by encoding/json (other escapes,
// other key order).
func FuzzCompare(f *testing.F) {
	cmp := fuzzComparer(f)
	addFuzzSeeds(f)
	types := []string{"application/json", "text/html; charset=UTF-8", "", "application/octet-stream"}
	f.Fuzz(func(t *testing.T, a, b []byte, sel uint8) {
		ha := http.Header{"Content-Type": {types[sel&3]}, "Authorization": {"Bearer a"}}
		hb := http.Header{"Content-Type": {types[sel>>2&3]}, "Authorization": {"Bearer b"}}
		if sel&16 != 0 {
			a = gzipped(t, a)
			ha.Set("Content-Encoding", "gzip")
		}
		if sel&32 != 0 {
			hb.Set("Content-Encoding", "br") // b is almost never valid brotli: a decode error
		}
		la := Response{200, ha, a}
		res := cmp.Compare(la, Response{200 + int(sel>>6), hb, b})
		cmp.Sample(&res)
		checkInvariants(t, res)

		self := cmp.Compare(la, Response{200, ha.Clone(), bytes.Clone(a)})
		cmp.Sample(&self)
		checkInvariants(t, self)
		if !self.Match {
			t.Fatalf("a response differs from itself: %+v", self)
		}

		if sel&16 == 0 && reencodable(a) {
			js := http.Header{"Content-Type": {"application/json"}}
			re := cmp.Compare(Response{200, js, a}, Response{200, js, goEncode(t, a)})
			if !re.Match {
				t.Fatalf("%q differs from its encoding/json form %q: %+v", a, goEncode(t, a), re)
			}
		}
	})
}

func checkInvariants(t *testing.T, res Result) {
	t.Helper()
	if res.Match != (len(res.Differences) == 0 && res.Omitted == 0 && res.NotComparable == "") {
		t.Fatalf("Match=%v inconsistent with %+v", res.Match, res)
	}
	if res.Match && (res.SampleLegacy != nil || res.SampleCandidate != nil) {
		t.Fatal("samples kept for a match")
	}
	for _, d := range res.Differences {
		if d.Path == "" || d.Kind == "" || d.Template == "" {
			t.Fatalf("incomplete difference %+v", d)
		}
		if len(d.Legacy) > renderLimit+8 || len(d.Candidate) > renderLimit+8 {
			t.Fatalf("rendering not truncated: %d/%d bytes", len(d.Legacy), len(d.Candidate))
		}
		if d.Path == "header:authorization" && (!d.Redacted || bytes.Contains([]byte(d.Legacy+d.Candidate), []byte("Bearer"))) {
			t.Fatalf("authorization header in clear: %+v", d)
		}
	}
}

func gzipped(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// reencodable says whether encoding/json keeps a's meaning: valid JSON,
// valid UTF-8 (it replaces bad bytes), no duplicate keys (it keeps the
// last), and within our nesting limit.
func reencodable(a []byte) bool {
	var tr jtree
	if !json.Valid(a) || !utf8.Valid(a) || tr.parse(a) != nil {
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(a))
	var stack []map[string]bool
	expectKey := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return true
		}
		if err != nil {
			return false
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{':
				stack = append(stack, map[string]bool{})
				expectKey = true
				continue
			case '[':
				stack = append(stack, nil)
			default:
				stack = stack[:len(stack)-1]
			}
		case string:
			if expectKey {
				top := stack[len(stack)-1]
				if top[v] {
					return false
				}
				top[v] = true
				expectKey = false
				continue
			}
		}
		expectKey = len(stack) > 0 && stack[len(stack)-1] != nil
	}
}

// FuzzStringsEqual checks both decoders (the parser's, for string values,
// and unescapeJSON, for keys) and the key comparison against refUnescape, a
// byte-at-a-time decoder written apart from the code tested.
func FuzzStringsEqual(f *testing.F) {
	for _, s := range [][2]string{{`\/a\u00e9`, `/aé`}, {`\ud83d\ude00`, `😀`}, {`\u003cp\u003e`, `<p>`}, {`a\\b`, `a\b`}, {`\ud800x`, `\ufffdx`}, {`\ud800\ud800\udC00`, "\ufffd\U00010000"}, {`\u007f\u0080\/`, "\u007f\u0080/"}} {
		f.Add(s[0], s[1])
	}
	var u unescaper
	f.Fuzz(func(t *testing.T, a, b string) {
		var ta, tb jtree
		if ta.parse([]byte(`"`+a+`"`)) != nil || tb.parse([]byte(`"`+b+`"`)) != nil {
			return
		}
		ea, eb := ta.nodes[0].esc, tb.nodes[0].esc
		ra, rb := refUnescape([]byte(a)), refUnescape([]byte(b))
		if got := unescapeJSON(nil, []byte(a)); !bytes.Equal(got, ra) {
			t.Fatalf("unescapeJSON(%q) = %q, byte-wise decode says %q", a, got, ra)
		}
		for _, tr := range []struct {
			t   *jtree
			raw string
			ref []byte
		}{{&ta, a, ra}, {&tb, b, rb}} {
			if got := tr.t.str(&tr.t.nodes[0]); !bytes.Equal(got, tr.ref) {
				t.Fatalf("parsed %q decodes to %q, byte-wise decode says %q", tr.raw, got, tr.ref)
			}
		}
		want := bytes.Equal(ra, rb)
		if got := u.equal([]byte(a), []byte(b), ea, eb); got != want {
			t.Fatalf("equal(%q, %q) = %v, full decode says %v", a, b, got, want)
		}
	})
}

// refUnescape decodes a JSON string body one byte at a time: a lone
// surrogate or a \u without four hex digits is U+FFFD, and a backslash
// before any other byte stands for that byte.
func refUnescape(s []byte) []byte {
	var dst []byte
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			dst = append(dst, s[i])
			continue
		}
		i++
		if c := simpleEscape[s[i]]; c != 0 {
			dst = append(dst, c)
			continue
		}
		if s[i] != 'u' {
			dst = append(dst, s[i])
			continue
		}
		r, n := refHex4(s[i+1:])
		if utf16.IsSurrogate(r) && i+1+n+6 <= len(s) && s[i+1+n] == '\\' && s[i+2+n] == 'u' {
			if r2, n2 := refHex4(s[i+3+n:]); utf16.DecodeRune(r, r2) != utf8.RuneError {
				r, n = utf16.DecodeRune(r, r2), n+2+n2
			}
		}
		if utf16.IsSurrogate(r) {
			r = utf8.RuneError
		}
		dst = utf8.AppendRune(dst, r)
		i += n
	}
	return dst
}

// refHex4 reads four hex digits with strconv: U+FFFD when there are
// fewer than four or one is not hex; it consumes min(4, len(s)) bytes.
func refHex4(s []byte) (rune, int) {
	if len(s) < 4 {
		return utf8.RuneError, len(s)
	}
	v, err := strconv.ParseUint(string(s[:4]), 16, 32)
	if err != nil {
		return utf8.RuneError, 4
	}
	return rune(v), 4
}
