package shopper

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/strangler-dev/strangler/services/catalogue"
	"github.com/strangler-dev/strangler/services/legacy"
)

// Against the real Magento stand-in: the traffic is answered, carts included.
func TestShopperAgainstLegacy(t *testing.T) {
	cat := catalogue.Generate(catalogue.Options{Seed: 1, Products: 200})
	srv := httptest.NewServer(legacy.New(legacy.Options{Catalogue: cat, Seed: 1}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	st := Run(ctx, Options{BaseURL: srv.URL, Rate: 200, Visitors: 4, Catalogue: cat, Seed: 1})
	assert.Greater(t, st.Requests, int64(100), st.String())
	assert.Zero(t, st.Status["5xx"]+st.Status["error"], st.String())
	assert.Greater(t, st.ServedBy["magento"], int64(0), st.String())
}
