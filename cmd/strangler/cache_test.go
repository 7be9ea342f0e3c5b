package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strangler-dev/strangler/controlplane/serve"
	"github.com/strangler-dev/strangler/controlplane/serve/servetest"
	"github.com/strangler-dev/strangler/internal/redistest"
)

// TestCachePurge: serve runs the cache service the route file configures,
// and `strangler cache purge` reaches it with Magento's PURGE protocol,
// token included.
func TestCachePurge(t *testing.T) {
	t.Setenv("TEST_PURGE_TOKEN", "t0ken")
	redis := redistest.Start(t)
	cacheAddr := servetest.FreeAddr(t)
	path := servetest.WriteRouteFile(t, fmt.Sprintf(`version: 1
listen: 0.0.0.0:10000
legacy: magento
redis: {address: redis://%s/0}
cache_service: {listen: %s, address: %s, purge_allow: [127.0.0.1], purge_token: '${TEST_PURGE_TOKEN}'}
backends:
  magento: {endpoints: [127.0.0.1:8080]}
  catalog: {endpoints: [127.0.0.1:8090]}
routes:
  - name: pages
    match: {prefix: /women}
    to: catalog
    cache: {ttl: 10m}
`, redis.Addr(), cacheAddr, cacheAddr))
	r := servetest.Start(t, serve.Options{RoutesPath: path})
	require.Eventually(t, func() bool { _, ok := r.EdgeAddr("cache"); return ok }, 5*time.Second, 10*time.Millisecond)

	out, errOut, code := run(t, "cache", "purge", "--tag", "cat_p_42", "--routes", path)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "Purged")
	assert.Contains(t, out, "((^|,)cat_p_42(,|$))")

	t.Setenv("TEST_PURGE_TOKEN", "wrong")
	_, errOut, code = run(t, "cache", "purge", "--pattern", ".*", "--routes", path)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "401")
}
