// Package httpjson writes the JSON answers of strangler's HTTP APIs. What
// they answer is live state, so no answer may be cached.
package httpjson

import (
	"encoding/json"
	"net/http"
)

// Write answers v with code, indented when indent is set (for people reading
// with curl), compact otherwise. A value that cannot be encoded answers 500.
func Write(w http.ResponseWriter, code int, v any, indent bool) {
	var body []byte
	var err error
	if indent {
		body, err = json.MarshalIndent(v, "", "  ")
	} else {
		body, err = json.Marshal(v)
	}
	if err != nil {
		code, body = http.StatusInternalServerError, []byte(`{"error":"encode response"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = w.Write(append(body, '\n')) // the client went away: nothing to do
}

// Error is the body of a failed request: {"error": "..."}.
type Error struct {
	Error string `json:"error"`
}
