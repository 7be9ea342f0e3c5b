package admin

import (
	"encoding/json"
	"maps"
	"net/http"
	"time"

	"github.com/strangler-dev/strangler/controlplane/xds"
)

func (a *api) routes(w http.ResponseWriter, r *http.Request) {
	if a.opts.Routes == nil {
		a.missing("route view")(w, r)
		return
	}
	a.writeJSON(w, http.StatusOK, a.opts.Routes())
}

// config passes the rendered configuration through unchanged, after checking
// it is JSON, so the endpoint never serves a half-written document.
func (a *api) config(w http.ResponseWriter, r *http.Request) {
	if a.opts.Config == nil {
		a.missing("Envoy config renderer")(w, r)
		return
	}
	body, err := a.opts.Config()
	if err != nil {
		a.fail(w, http.StatusInternalServerError, "render Envoy config: "+err.Error())
		return
	}
	if !json.Valid(body) {
		a.fail(w, http.StatusInternalServerError, "rendered Envoy config is not valid JSON")
		return
	}
	a.writeBody(w, http.StatusOK, body)
}

type nodesBody struct {
	Nodes []xds.Node `json:"nodes"`
}

func (a *api) nodes(w http.ResponseWriter, r *http.Request) {
	if a.opts.Server == nil {
		a.missing("xDS server")(w, r)
		return
	}
	nodes := a.opts.Server.Nodes()
	if nodes == nil {
		nodes = []xds.Node{}
	}
	a.writeJSON(w, http.StatusOK, nodesBody{Nodes: nodes})
}

type statusBody struct {
	Ready     bool              `json:"ready"`
	Versions  map[string]string `json:"versions"` // type URL -> version served
	LastError *configError      `json:"last_error"`
	Nodes     nodeCounts        `json:"nodes"`
}

// configError stays in the status until a good configuration replaces the
// rejected one.
type configError struct {
	Message string    `json:"message"`
	At      time.Time `json:"at"`
}

type nodeCounts struct {
	Total     int `json:"total"`
	Connected int `json:"connected"`
	// Current counts connected nodes that ACKed every version served.
	Current int `json:"current"`
}

func (a *api) status(w http.ResponseWriter, r *http.Request) {
	srv := a.opts.Server
	if srv == nil {
		a.missing("xDS server")(w, r)
		return
	}
	body := statusBody{Ready: srv.Ready(), Versions: srv.Versions()}
	if body.Versions == nil {
		body.Versions = map[string]string{}
	}
	if e := srv.LastError(); e != nil {
		body.LastError = &configError{Message: e.Err.Error(), At: e.At}
	}
	for _, n := range srv.Nodes() {
		body.Nodes.Total++
		if n.Connected {
			body.Nodes.Connected++
			if body.Ready && maps.Equal(n.Acked, body.Versions) {
				body.Nodes.Current++
			}
		}
	}
	a.writeJSON(w, http.StatusOK, body)
}

type healthBody struct {
	Status string `json:"status"`
}

// healthz answers 200 whenever the process serves HTTP: a bad route file
// must not get the control plane restarted, since it keeps serving the last
// good snapshot.
func (a *api) healthz(w http.ResponseWriter, _ *http.Request) {
	a.writeJSON(w, http.StatusOK, healthBody{Status: "ok"})
}

// readyz answers 200 once a good snapshot is served: before that an Envoy
// connecting here would get no configuration.
func (a *api) readyz(w http.ResponseWriter, r *http.Request) {
	srv := a.opts.Server
	if srv == nil {
		a.missing("xDS server")(w, r)
		return
	}
	if srv.Ready() {
		a.writeJSON(w, http.StatusOK, healthBody{Status: "ready"})
		return
	}
	msg := "no configuration served yet"
	if e := srv.LastError(); e != nil {
		msg += ": " + e.Err.Error()
	}
	a.fail(w, http.StatusServiceUnavailable, msg)
}
