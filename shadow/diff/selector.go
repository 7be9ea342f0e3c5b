package diff

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// selector is one parsed rule path: either a header name or a JSONPath over
// the body.
type selector struct {
	header string // canonical header name; empty for body selectors
	steps  []step // body selectors only; empty means "$", the whole body
	isBody bool
}

type stepKind uint8

const (
	stepKey   stepKind = iota // .key or ['key']
	stepIndex                 // [N]
	stepAny                   // [*] or .*
)

// step is one JSONPath segment. descend marks a ".." before it: any number of
// segments may be skipped before this one matches.
type step struct {
	kind    stepKind
	descend bool
	key     string
	index   int
}

// maxSteps keeps a pattern's NFA state in one uint64 (positions 0..len).
const maxSteps = 63

func parseSelector(s string) (selector, error) {
	kind, rest, ok := strings.Cut(s, ":")
	if !ok {
		return selector{}, errors.New("want header:NAME or body:$...")
	}
	switch kind {
	case "header":
		if rest == "" {
			return selector{}, errors.New("empty header name")
		}
		for i := 0; i < len(rest); i++ {
			if !isTokenChar(rest[i]) {
				return selector{}, fmt.Errorf("invalid character %q in header name", rest[i])
			}
		}
		return selector{header: http.CanonicalHeaderKey(rest)}, nil
	case "body":
		steps, err := parseJSONPath(rest)
		if err != nil {
			return selector{}, err
		}
		return selector{steps: steps, isBody: true}, nil
	default:
		return selector{}, fmt.Errorf("unknown kind %q (want header: or body:)", kind)
	}
}

// isTokenChar reports whether c may appear in an HTTP header name (RFC 9110 tchar).
func isTokenChar(c byte) bool {
	if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// parseJSONPath parses the subset $, .key, ['key'], [N], [*], .*, ..key.
func parseJSONPath(p string) ([]step, error) {
	if p == "" {
		return nil, errors.New("empty JSONPath (want $...)")
	}
	if p[0] != '$' {
		return nil, errors.New("JSONPath must start with '$'")
	}
	var steps []step
	i := 1
	for i < len(p) {
		var st step
		switch p[i] {
		case '.':
			i++
			if i < len(p) && p[i] == '.' {
				st.descend = true
				i++
			}
			if i == len(p) {
				if st.descend {
					return nil, errors.New("'..' must be followed by a key, '*' or '['")
				}
				return nil, errors.New("empty key after '.'")
			}
			switch {
			case p[i] == '[' && st.descend:
				n, err := parseBracket(p, i, &st)
				if err != nil {
					return nil, err
				}
				i = n
			case p[i] == '*':
				st.kind = stepAny
				i++
			default:
				j := i
				for j < len(p) && p[j] != '.' && p[j] != '[' {
					if strings.IndexByte("]'\" *()?,", p[j]) >= 0 {
						return nil, fmt.Errorf("unexpected %q at offset %d (quote such keys: ['...'])", p[j], j)
					}
					j++
				}
				if j == i {
					return nil, errors.New("empty key after '.'")
				}
				st.kind, st.key = stepKey, p[i:j]
				i = j
			}
		case '[':
			n, err := parseBracket(p, i, &st)
			if err != nil {
				return nil, err
			}
			i = n
		default:
			return nil, fmt.Errorf("unexpected %q at offset %d", p[i], i)
		}
		steps = append(steps, st)
		if len(steps) > maxSteps {
			return nil, fmt.Errorf("more than %d segments", maxSteps)
		}
	}
	return steps, nil
}

// parseBracket parses the bracket starting at p[i] == '[' into st and returns
// the offset just past its ']'.
func parseBracket(p string, i int, st *step) (int, error) {
	const unclosed = "unclosed '['"
	i++
	if i == len(p) {
		return 0, errors.New(unclosed)
	}
	switch c := p[i]; {
	case c == '\'' || c == '"':
		key, n, err := parseQuotedKey(p, i)
		if err != nil {
			return 0, err
		}
		st.kind, st.key, i = stepKey, key, n
	case c == '*':
		st.kind = stepAny
		i++
	case c >= '0' && c <= '9':
		j, n := i, 0
		for j < len(p) && p[j] >= '0' && p[j] <= '9' {
			if n > 1<<30 {
				return 0, errors.New("index too large")
			}
			n = n*10 + int(p[j]-'0')
			j++
		}
		st.kind, st.index, i = stepIndex, n, j
	case c == '-':
		return 0, errors.New("negative indexes are not supported")
	case c == '?' || c == '(':
		return 0, errors.New("filters and expressions are not supported")
	case c == ':':
		return 0, errors.New("slices are not supported")
	default:
		return 0, fmt.Errorf("unexpected %q at offset %d", c, i)
	}
	if i == len(p) {
		return 0, errors.New(unclosed)
	}
	switch p[i] {
	case ']':
		return i + 1, nil
	case ':':
		return 0, errors.New("slices are not supported")
	case ',':
		return 0, errors.New("unions are not supported")
	default:
		return 0, fmt.Errorf("unexpected %q at offset %d (want ']')", p[i], i)
	}
}

// parseQuotedKey reads 'key' or "key" starting at the quote p[i]; a backslash
// escapes the next character.
func parseQuotedKey(p string, i int) (string, int, error) {
	q := p[i]
	var b strings.Builder
	for j := i + 1; j < len(p); j++ {
		switch p[j] {
		case q:
			return b.String(), j + 1, nil
		case '\\':
			j++
			if j == len(p) {
				return "", 0, errors.New("unclosed quote")
			}
		}
		b.WriteByte(p[j])
	}
	return "", 0, errors.New("unclosed quote")
}
