package console

import (
	"net/http"

	"github.com/strangler-dev/strangler/internal/httpjson"
)

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, httpjson.Error{Error: msg})
}

func writeJSON(w http.ResponseWriter, code int, v any) { httpjson.Write(w, code, v, false) }
