package admin

import (
	"encoding/json"
	"net/http"
)

// get refuses every method but GET and HEAD with a JSON 405.
func (a *api) get(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			a.fail(w, http.StatusMethodNotAllowed, "method "+r.Method+" not allowed; use GET")
			return
		}
		h(w, r)
	})
}

// missing answers for an endpoint whose source was not given to NewHandler.
func (a *api) missing(what string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		a.fail(w, http.StatusNotImplemented, what+" is not wired into this admin server")
	}
}

func (a *api) writeJSON(w http.ResponseWriter, code int, v any) {
	body, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		a.fail(w, http.StatusInternalServerError, "encode response: "+err.Error())
		return
	}
	a.writeBody(w, code, append(body, '\n'))
}

func (a *api) writeBody(w http.ResponseWriter, code int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	// Everything here is live state; a cached answer would mislead.
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	if _, err := w.Write(body); err != nil {
		a.opts.Logger.Debug("admin response not delivered", "error", err)
	}
}

type errorBody struct {
	Error string `json:"error"`
}

func (a *api) fail(w http.ResponseWriter, code int, msg string) {
	if code >= http.StatusInternalServerError && code != http.StatusNotImplemented && code != http.StatusServiceUnavailable {
		a.opts.Logger.Error("admin request failed", "status", code, "error", msg)
	}
	body, _ := json.Marshal(errorBody{Error: msg}) // a struct of one string always encodes
	a.writeBody(w, code, append(body, '\n'))
}
