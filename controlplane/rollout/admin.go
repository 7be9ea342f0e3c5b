package rollout

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/strangler-dev/strangler/internal/httpjson"
)

// ErrUnauthorized is an action refused for its token (or for want of one).
var ErrUnauthorized = errors.New("unauthorized")

// AdminHandler serves the rollout API on the admin server:
//
//	GET  /api/rollouts                 every rollout's Status
//	GET  /api/rollouts/{route}         one Status
//	GET  /api/history/{route}?limit=N  Events, newest first
//	POST /api/rollouts/{route}/{promote|pause|resume|abort}[?full=1]
//
// POSTs need "Authorization: Bearer <token>" and take an optional JSON body
// {"who": "...", "why": "..."}; with an empty token they are all refused.
// Mount it for the paths /api/rollouts, /api/rollouts/ and /api/history/.
func AdminHandler(c *Controller, token string) http.Handler {
	h := &adminAPI{c: c, token: token}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/rollouts", h.all)
	mux.HandleFunc("GET /api/rollouts/{route}", h.one)
	mux.HandleFunc("GET /api/history/{route}", h.history)
	mux.HandleFunc("POST /api/rollouts/{route}/{action}", h.action)
	return mux
}

type adminAPI struct {
	c     *Controller
	token string
}

func (h *adminAPI) all(w http.ResponseWriter, r *http.Request) {
	st, err := h.c.StatusAll(r.Context())
	h.reply(w, st, err)
}

func (h *adminAPI) one(w http.ResponseWriter, r *http.Request) {
	st, err := h.c.Status(r.Context(), r.PathValue("route"))
	h.reply(w, st, err)
}

func (h *adminAPI) history(w http.ResponseWriter, r *http.Request) {
	limit := 0
	if s := r.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			writeError(w, http.StatusBadRequest, "limit "+strconv.Quote(s)+" is not a positive number")
			return
		}
		limit = n
	}
	ev, err := h.c.History(r.Context(), r.PathValue("route"), limit)
	h.reply(w, ev, err)
}

func (h *adminAPI) action(w http.ResponseWriter, r *http.Request) {
	if code, msg := h.authorize(r); code != 0 {
		if code == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Bearer realm="strangler"`)
		}
		writeError(w, code, msg)
		return
	}
	var by By
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
	if err == nil && len(strings.TrimSpace(string(body))) > 0 {
		err = json.Unmarshal(body, &by)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "body: want {\"who\": ..., \"why\": ...}: "+err.Error())
		return
	}
	if by.Who == "" {
		by.Who = "admin api (" + r.RemoteAddr + ")"
	}
	route, ctx := r.PathValue("route"), r.Context()
	var st Status
	switch action := r.PathValue("action"); action {
	case "promote":
		full := r.URL.Query().Get("full")
		st, err = h.c.Promote(ctx, route, full == "1" || full == "true", by)
	case "pause":
		st, err = h.c.Pause(ctx, route, by)
	case "resume":
		st, err = h.c.Resume(ctx, route, by)
	case "abort":
		st, err = h.c.Abort(ctx, route, by)
	default:
		writeError(w, http.StatusNotFound, "no rollout action "+strconv.Quote(action)+"; want promote, pause, resume or abort")
		return
	}
	h.reply(w, st, err)
}

func (h *adminAPI) authorize(r *http.Request) (int, string) {
	if h.token == "" {
		return http.StatusForbidden, "rollout actions are disabled: the admin server has no token configured"
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || got == "" {
		return http.StatusUnauthorized, "rollout actions need Authorization: Bearer <token>"
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(h.token)) != 1 {
		return http.StatusForbidden, "wrong token"
	}
	return 0, ""
}

func (h *adminAPI) reply(w http.ResponseWriter, v any, err error) {
	switch {
	case errors.Is(err, ErrUnknownRoute):
		writeError(w, http.StatusNotFound, err.Error())
	case errors.Is(err, ErrNotAllowed):
		writeError(w, http.StatusConflict, err.Error())
	case err != nil:
		writeError(w, http.StatusInternalServerError, err.Error())
	default:
		writeJSON(w, http.StatusOK, v)
	}
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, httpjson.Error{Error: msg})
}

func writeJSON(w http.ResponseWriter, code int, v any) { httpjson.Write(w, code, v, true) }
