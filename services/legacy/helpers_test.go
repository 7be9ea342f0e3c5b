package legacy

import (
	"testing"

	"github.com/strangler-dev/strangler/services/catalogue"
	"github.com/strangler-dev/strangler/services/catalogue/cataloguetest"
)

type reply = cataloguetest.Reply

type rig struct {
	*cataloguetest.Client
	app *Server
}

func newRig(t *testing.T, opts Options) *rig {
	t.Helper()
	if opts.Catalogue == nil {
		opts.Catalogue = shared()
	}
	app := New(opts)
	return &rig{Client: cataloguetest.Serve(t, app), app: app}
}

func shared() *catalogue.Catalogue { return cataloguetest.Catalogue() }

func find(t *testing.T, pred func(p *catalogue.Product) bool) catalogue.Product {
	t.Helper()
	return cataloguetest.Find(t, shared(), pred)
}

func semantic(t *testing.T, raw []byte) any { return cataloguetest.Semantic(t, raw) }

func goJSON(t *testing.T, v any) []byte { return cataloguetest.GoJSON(t, v) }

func nonASCII(s string) bool {
	for _, r := range s {
		if r > 127 {
			return true
		}
	}
	return false
}
