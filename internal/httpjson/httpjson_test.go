package httpjson

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestWrite(t *testing.T) {
	for _, c := range []struct {
		v          any
		indent     bool
		code, want int
		body       string
	}{
		{Error{"no such route"}, false, http.StatusNotFound, http.StatusNotFound, "{\"error\":\"no such route\"}\n"},
		{map[string]int{"a": 1}, true, http.StatusOK, http.StatusOK, "{\n  \"a\": 1\n}\n"},
		{func() {}, false, http.StatusOK, http.StatusInternalServerError, "{\"error\":\"encode response\"}\n"}, // cannot be encoded
	} {
		rec := httptest.NewRecorder()
		Write(rec, c.code, c.v, c.indent)
		assert.Equal(t, c.want, rec.Code)
		assert.Equal(t, c.body, rec.Body.String())
		assert.Equal(t, "application/json", rec.Header().Get("Content-Type"))
		assert.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
	}
}
