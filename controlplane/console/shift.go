package console

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/strangler-dev/strangler/routes"
)

// shiftRequest is the body of POST /api/routes/{route}/shift. Percent is
// text like the route file's ("25", "2.5"); a JSON number is taken too.
type shiftRequest struct {
	Percent json.RawMessage `json:"percent"`
	Who     string          `json:"who"`
	Why     string          `json:"why"`
}

// ShiftResult is the answer to a shift: the file percent before and after.
// The control plane serves it once its watcher has read the file.
type ShiftResult struct {
	Route   string  `json:"route"`
	From    float64 `json:"from_percent"`
	To      float64 `json:"percent"`
	Changed bool    `json:"changed"` // false: the file already said so, nothing was written
	File    string  `json:"file"`
}

// shift sets one route's percent in the route file, changing only that
// value (routes.SetPercent), and saves it atomically; the control plane's
// watcher serves it and the rollout history records it as a file change.
func (c *console) shift(w http.ResponseWriter, r *http.Request) {
	if !authorize(w, r, c.opts.Token) {
		return
	}
	route := r.PathValue("route")
	var req shiftRequest
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
	if err == nil {
		err = json.Unmarshal(body, &req)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, `body: want {"percent": "25", "who": ..., "why": ...}: `+err.Error())
		return
	}
	pct, err := parsePercent(req.Percent)
	if err != nil {
		writeError(w, http.StatusBadRequest, "percent: "+err.Error())
		return
	}
	if req.Who == "" {
		req.Who = "console (" + r.RemoteAddr + ")"
	}
	if c.opts.OnShift != nil {
		c.opts.OnShift(req.Who, req.Why)
	}
	res, code, err := c.setPercent(route, pct)
	if err != nil {
		writeError(w, code, err.Error())
		return
	}
	if res.Changed {
		c.log.Info("route shifted in the route file", "route", route, "from", res.From, "to", res.To, "who", req.Who, "why", req.Why, "file", res.File)
	}
	writeJSON(w, http.StatusOK, res)
}

func parsePercent(raw json.RawMessage) (routes.Percent, error) {
	var text string
	if err := json.Unmarshal(raw, &text); err != nil {
		var n json.Number
		if json.Unmarshal(raw, &n) != nil {
			return 0, errors.New(`want a percent like "25" or "2.5"`)
		}
		text = n.String()
	}
	return routes.ParsePercent(text)
}

// setPercent is the read-modify-write of the route file, with the status
// code an error answers with.
func (c *console) setPercent(route string, pct routes.Percent) (ShiftResult, int, error) {
	res := ShiftResult{Route: route, To: pct.Float(), File: c.opts.RoutesPath}
	if c.opts.RoutesPath == "" {
		return res, http.StatusNotImplemented, errors.New("shift is not wired: the console was given no route file path")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	data, err := os.ReadFile(c.opts.RoutesPath)
	if err != nil {
		return res, http.StatusInternalServerError, fmt.Errorf("route %q: %w", route, err)
	}
	f, err := routes.Parse(c.opts.RoutesPath, data)
	if err != nil {
		return res, http.StatusConflict, fmt.Errorf("the route file is invalid before the change; fix it first:\n%w", err)
	}
	found := false
	for _, r := range f.Routes {
		if r.Name == route {
			res.From, found = r.Percent.Float(), true
		}
	}
	if !found {
		return res, http.StatusNotFound, fmt.Errorf("no route named %q in %s", route, c.opts.RoutesPath)
	}
	if res.From == res.To {
		return res, 0, nil
	}
	out, err := routes.SetPercent(data, route, pct)
	if err != nil {
		// The file was valid before: the percent itself breaks it (a rollout's
		// steps must rise above the file percent, say).
		return res, http.StatusUnprocessableEntity, fmt.Errorf("route %q: %s", route, strings.TrimPrefix(err.Error(), "route file: "))
	}
	if err := routes.WriteFile(c.opts.RoutesPath, out); err != nil {
		return res, http.StatusInternalServerError, fmt.Errorf("route %q: %w", route, err)
	}
	res.Changed = true
	return res, 0, nil
}
