package legacy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// encodePHP encodes v the way PHP's json_encode does with the flags Magento
// passes (none): '/' escaped as \/, everything outside ASCII as \uXXXX,
// '<', '>' and '&' left alone, floats with serialize_precision -1 (34.0 as
// 34, 0.00001 as 1.0e-5), and an empty object written as [] because PHP
// cannot tell an empty associative array from an empty list.
//
// It encodes with encoding/json first and rewrites the tokens, so struct tags
// decide key order and omission for both services alike.
func encodePHP(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode %T: %w", v, err)
	}
	dec := json.NewDecoder(&buf)
	dec.UseNumber()
	var out bytes.Buffer
	out.Grow(buf.Len() + buf.Len()/8)
	if err := transcode(dec, &out); err != nil {
		return nil, fmt.Errorf("encode %T as PHP does: %w", v, err)
	}
	return out.Bytes(), nil
}

func transcode(dec *json.Decoder, out *bytes.Buffer) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		return transcodeContainer(dec, out, t)
	case string:
		writePHPString(out, t)
	case json.Number:
		out.WriteString(phpNumber(t))
	case bool:
		out.WriteString(strconv.FormatBool(t))
	case nil:
		out.WriteString("null")
	}
	return nil
}

func transcodeContainer(dec *json.Decoder, out *bytes.Buffer, open json.Delim) error {
	if open == '{' && !dec.More() {
		out.WriteString("[]")
		_, err := dec.Token()
		return err
	}
	out.WriteByte(byte(open))
	for first := true; dec.More(); first = false {
		if !first {
			out.WriteByte(',')
		}
		if open == '{' {
			key, err := dec.Token()
			if err != nil {
				return err
			}
			writePHPString(out, key.(string)) // object keys are always strings
			out.WriteByte(':')
		}
		if err := transcode(dec, out); err != nil {
			return err
		}
	}
	closing, err := dec.Token()
	if err != nil {
		return err
	}
	out.WriteByte(byte(closing.(json.Delim)))
	return nil
}

// phpNumber keeps integers as they are and reformats floats.
func phpNumber(n json.Number) string {
	s := n.String()
	if !strings.ContainsAny(s, ".eE") {
		return s
	}
	f, err := n.Float64()
	if err != nil {
		return s
	}
	return phpFloat(f)
}

// phpFloat formats like PHP's php_gcvt with serialize_precision -1: the
// shortest digits that read back to f, fixed notation while the decimal
// point falls between 4 places left of the first digit and 17 right of it,
// otherwise d.ddde+N with at least one fraction digit.
func phpFloat(f float64) string {
	sci := strconv.FormatFloat(f, 'e', -1, 64) // -4.599e+01
	sign := ""
	if sci[0] == '-' {
		sign, sci = "-", sci[1:]
	}
	mantissa, expText, _ := strings.Cut(sci, "e")
	exp, _ := strconv.Atoi(expText) // FormatFloat always writes a valid exponent
	digits := strings.Replace(mantissa, ".", "", 1)
	decpt := exp + 1 // digits read as 0.ddd × 10^decpt
	switch {
	case decpt < -3 || decpt > 17:
		frac := digits[1:]
		if frac == "" {
			frac = "0"
		}
		expSign := "+"
		if exp < 0 {
			expSign, exp = "-", -exp
		}
		return sign + digits[:1] + "." + frac + "e" + expSign + strconv.Itoa(exp)
	case decpt <= 0:
		return sign + "0." + strings.Repeat("0", -decpt) + digits
	case len(digits) <= decpt:
		return sign + digits + strings.Repeat("0", decpt-len(digits))
	default:
		return sign + digits[:decpt] + "." + digits[decpt:]
	}
}

// writePHPString escapes as json_encode does without JSON_UNESCAPED_SLASHES
// or JSON_UNESCAPED_UNICODE, with lower-case hex as PHP writes it.
func writePHPString(out *bytes.Buffer, s string) {
	const hex = "0123456789abcdef"
	out.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			out.WriteString(`\"`)
		case r == '\\':
			out.WriteString(`\\`)
		case r == '/':
			out.WriteString(`\/`)
		case r == '\b':
			out.WriteString(`\b`)
		case r == '\f':
			out.WriteString(`\f`)
		case r == '\n':
			out.WriteString(`\n`)
		case r == '\r':
			out.WriteString(`\r`)
		case r == '\t':
			out.WriteString(`\t`)
		case r < 0x20 || r >= utf8.RuneSelf:
			var units []rune
			if r > 0xFFFF {
				r -= 0x10000
				units = []rune{0xD800 + (r >> 10), 0xDC00 + (r & 0x3FF)}
			} else {
				units = []rune{r}
			}
			for _, u := range units {
				out.WriteString(`\u`)
				out.WriteByte(hex[u>>12&0xF])
				out.WriteByte(hex[u>>8&0xF])
				out.WriteByte(hex[u>>4&0xF])
				out.WriteByte(hex[u&0xF])
			}
		default:
			out.WriteRune(r)
		}
	}
	out.WriteByte('"')
}
