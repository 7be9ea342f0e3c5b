//go:build goexperiment.jsonv2

package diff

import (
	"bytes"
	"encoding/json/jsontext"
	jsonv2 "encoding/json/v2"
	"testing"
)

// Only built with GOEXPERIMENT=jsonv2: the experimental encoding/json/v2
// decoders, measured against BenchmarkDecodeProductPair's.
func BenchmarkDecodeProductPairJSONv2(b *testing.B) {
	benchDecoders(b, map[string]func([]byte) error{
		"jsontext_token_stream": func(body []byte) error {
			dec := jsontext.NewDecoder(bytes.NewReader(body))
			return drainTokens(func() error { _, err := dec.ReadToken(); return err })
		},
		"jsonv2_any": func(body []byte) error {
			var v any
			return jsonv2.Unmarshal(body, &v)
		},
	})
}
