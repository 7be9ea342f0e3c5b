package console

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// authorize checks the admin bearer token the way the rollout API does, so
// the console's token works for both: 403 when the server has none (actions
// are off), 401 without one, 403 for a wrong one. It answers and returns
// false when the request may not act.
func authorize(w http.ResponseWriter, r *http.Request, token string) bool {
	code, msg := 0, ""
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	switch {
	case token == "":
		code, msg = http.StatusForbidden, "actions are disabled: the admin server has no token configured"
	case !ok || got == "":
		code, msg = http.StatusUnauthorized, "actions need Authorization: Bearer <token>"
	case subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1:
		code, msg = http.StatusForbidden, "wrong token"
	default:
		return true
	}
	if code == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="strangler"`)
	}
	writeError(w, code, msg)
	return false
}
