package diff

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/andybalholm/brotli"
)

// errTooLarge marks a body whose decoded size exceeds the configured cap.
var errTooLarge = errors.New("decoded body exceeds the size limit")

// decodeBody undoes Content-Encoding (applied in order, so undone in
// reverse) and enforces the decoded-size cap.
func decodeBody(h http.Header, body []byte, limit int64) ([]byte, error) {
	if len(body) == 0 {
		// A HEAD, 204 or 304 answer keeps GET's Content-Encoding with no
		// body: there is nothing to decode.
		return body, nil
	}
	codings := contentCodings(h)
	for i := len(codings) - 1; i >= 0; i-- {
		var err error
		if body, err = decodeOnce(codings[i], body, limit); err != nil {
			return nil, err
		}
	}
	if int64(len(body)) > limit {
		return nil, errTooLarge
	}
	return body, nil
}

func contentCodings(h http.Header) []string {
	var out []string
	for _, v := range h["Content-Encoding"] {
		for _, c := range strings.Split(v, ",") {
			if c = strings.ToLower(strings.TrimSpace(c)); c != "" && c != "identity" {
				out = append(out, c)
			}
		}
	}
	return out
}

func decodeOnce(coding string, body []byte, limit int64) ([]byte, error) {
	var r io.Reader
	switch coding {
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		r = zr
	case "br":
		r = brotli.NewReader(bytes.NewReader(body))
	case "deflate":
		// RFC 9110 deflate is zlib-wrapped, but some servers send raw
		// deflate; accept both.
		if zr, err := zlib.NewReader(bytes.NewReader(body)); err == nil {
			r = zr
		} else {
			r = flate.NewReader(bytes.NewReader(body))
		}
	default:
		return nil, fmt.Errorf("unsupported content-encoding %q", coding)
	}
	out, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", coding, err)
	}
	if int64(len(out)) > limit {
		return nil, errTooLarge
	}
	return out, nil
}
