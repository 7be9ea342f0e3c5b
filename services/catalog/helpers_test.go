package catalog

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/strangler-dev/strangler/services/catalogue"
	"github.com/strangler-dev/strangler/services/catalogue/cataloguetest"
)

type rig struct {
	*cataloguetest.Client
	t   *testing.T
	svc *Service
}

func newRig(t *testing.T, opts Options) *rig {
	t.Helper()
	if opts.Catalogue == nil {
		opts.Catalogue = shared()
	}
	svc := New(opts)
	return &rig{Client: cataloguetest.Serve(t, svc), t: t, svc: svc}
}

func (g *rig) setFaults(body string) {
	g.t.Helper()
	r := g.Do(http.MethodPut, faultsPath, body)
	require.Equal(g.t, http.StatusOK, r.Status, "%s", r.Body)
}

func shared() *catalogue.Catalogue { return cataloguetest.Catalogue() }

func find(t *testing.T, pred func(p *catalogue.Product) bool) catalogue.Product {
	t.Helper()
	return cataloguetest.Find(t, shared(), pred)
}

func decode(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(raw, &m), "body: %s", raw)
	return m
}

func goJSON(t *testing.T, v any) []byte { return cataloguetest.GoJSON(t, v) }
