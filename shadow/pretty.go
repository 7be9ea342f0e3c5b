package shadow

import (
	"encoding/json"
	"errors"
	"html"
	"html/template"
	"io"
	"strconv"
	"strings"

	"github.com/strangler-dev/strangler/shadow/diff"
)

// prettyLine is one line of a sample body in the side-by-side view.
type prettyLine struct {
	Indent   int
	HTML     template.HTML // escaped text, with redacted values wrapped
	Diff     bool          // the value on this line sits at or under a differing path
	Redacted bool
}

// prettyBody pretty-prints a sample body: JSON in its own key order with the
// lines under differing paths marked; anything else (HTML, text, a JSON
// sample cut short by the size cap) line by line as it is.
func prettyBody(body string, diffPaths []string) []prettyLine {
	if lines, err := prettyJSON(body, diffPaths); err == nil {
		return lines
	}
	var out []prettyLine
	for _, l := range strings.Split(body, "\n") {
		out = append(out, prettyLine{HTML: template.HTML(markRedacted(html.EscapeString(l)))})
	}
	return out
}

type jsonPrinter struct {
	dec   *json.Decoder
	diffs []string
	lines []prettyLine
}

func prettyJSON(body string, diffPaths []string) ([]prettyLine, error) {
	p := &jsonPrinter{dec: json.NewDecoder(strings.NewReader(body)), diffs: diffPaths}
	p.dec.UseNumber()
	if err := p.value("body:$", "", 0); err != nil {
		return nil, err
	}
	if _, err := p.dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("trailing data after the JSON value")
	}
	return p.lines, nil
}

// value prints the next value, prefixed by its key when inside an object.
func (p *jsonPrinter) value(path, key string, depth int) error {
	tok, err := p.dec.Token()
	if err != nil {
		return err
	}
	hit := p.hit(path)
	d, isDelim := tok.(json.Delim)
	if !isDelim {
		text, redacted := scalarHTML(tok)
		p.emit(depth, key+text, hit, redacted)
		return nil
	}
	closer := "}"
	if d == '[' {
		closer = "]"
	}
	if !p.dec.More() {
		if _, err := p.dec.Token(); err != nil {
			return err
		}
		p.emit(depth, key+string(d)+closer, hit, false)
		return nil
	}
	p.emit(depth, key+string(d), hit, false)
	for i := 0; p.dec.More(); i++ {
		childPath, childKey := path+"["+strconv.Itoa(i)+"]", ""
		if d == '{' {
			kt, err := p.dec.Token()
			if err != nil {
				return err
			}
			k, _ := kt.(string)
			childPath, childKey = path+pathKey(k), `<span class="k">`+html.EscapeString(strconv.Quote(k))+`</span>: `
		}
		if err := p.value(childPath, childKey, depth+1); err != nil {
			return err
		}
		if p.dec.More() {
			p.lines[len(p.lines)-1].HTML += ","
		}
	}
	if _, err := p.dec.Token(); err != nil {
		return err
	}
	p.emit(depth, closer, hit, false)
	return nil
}

func (p *jsonPrinter) emit(depth int, text string, hit, redacted bool) {
	p.lines = append(p.lines, prettyLine{Indent: depth, HTML: template.HTML(text), Diff: hit, Redacted: redacted})
}

// hit reports whether path is a differing path or lies beneath one.
func (p *jsonPrinter) hit(path string) bool {
	for _, d := range p.diffs {
		if path == d || strings.HasPrefix(path, d) && (path[len(d)] == '.' || path[len(d)] == '[') {
			return true
		}
	}
	return false
}

func scalarHTML(tok json.Token) (string, bool) {
	switch v := tok.(type) {
	case string:
		if v == diff.RedactedMarker {
			return `<span class="redacted">` + html.EscapeString(strconv.Quote(v)) + `</span>`, true
		}
		return `<span class="s">` + html.EscapeString(strconv.Quote(v)) + `</span>`, false
	case json.Number:
		return `<span class="n">` + html.EscapeString(v.String()) + `</span>`, false
	case bool:
		return strconv.FormatBool(v), false
	}
	return "null", false
}

// pathKey renders an object key the way the comparer writes paths: .key for
// identifiers, ['key'] otherwise.
func pathKey(k string) string {
	ident := k != "" && !(k[0] >= '0' && k[0] <= '9')
	for i := 0; i < len(k) && ident; i++ {
		c := k[i]
		ident = c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	}
	if ident {
		return "." + k
	}
	return "['" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(k) + "']"
}

func markRedacted(escaped string) string {
	return strings.ReplaceAll(escaped, diff.RedactedMarker, `<span class="redacted">`+diff.RedactedMarker+`</span>`)
}
