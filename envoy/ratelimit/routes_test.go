package ratelimit

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strangler-dev/strangler/controlplane"
	"github.com/strangler-dev/strangler/routes"
)

// TestConfigFromRoutesMatchesEnvoyDescriptors: every limit id Envoy's route
// actions send is in the service's table, with the file's numbers.
func TestConfigFromRoutesMatchesEnvoyDescriptors(t *testing.T) {
	f, err := routes.Load("../../controlplane/testdata/ratelimit.yaml")
	require.NoError(t, err)
	cfg := ConfigFromRoutes(f)
	assert.Equal(t, OnErrorDeny, cfg.OnRedisError)
	assert.Equal(t, Limit{ID: "product-api#1", Group: "product-api", Per: Per{Kind: PerHeader, Name: "X-Api-Key"},
		Count: 1000, Period: time.Minute, Burst: 50}, cfg.Limits["product-api#1"])
	assert.True(t, cfg.Limits["product-api#3"].Shadow)
	_, err = cfg.withDefaults()
	require.NoError(t, err)

	res, err := controlplane.Translate(f)
	require.NoError(t, err)
	ids := map[string]bool{}
	for _, r := range routeEntries(t, res) {
		for _, rl := range r.GetRoute().GetRateLimits() {
			ids[rl.Actions[0].GetGenericKey().GetDescriptorValue()] = true
		}
	}
	require.NotEmpty(t, ids)
	for id := range ids {
		assert.Contains(t, cfg.Limits, id, "Envoy sends limit %q the service does not know", id)
	}
	assert.Len(t, cfg.Limits, len(ids))
}
