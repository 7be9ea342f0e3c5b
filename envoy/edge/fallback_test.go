package edge

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const fallbackRoute = `  - name: product-api
    match: {prefix: /rest/V1/products, methods: [GET, HEAD]}
    to: catalog
    percent: 100
    fallback: true
`

// TestFallbackOnError: the new backend answering 500 → the one retry goes
// to the aggregate's next priority, legacy, and the GET is still answered.
func TestFallbackOnError(t *testing.T) {
	legacy, newer := newBackend(t, "legacy"), newBackend(t, "new")
	r := startRig(t, twoBackendFile(legacy, newer, fallbackRoute))
	_, body, _ := get(t, r.url+"/rest/V1/products/1", nil)
	require.Equal(t, "new", body)

	newer.setFail(http.StatusInternalServerError)
	assertLegacyAnswers(t, r.url+"/rest/V1/products/1")
}

func assertLegacyAnswers(t *testing.T, url string) {
	t.Helper()
	for i := 0; i < 10; i++ {
		status, body, _ := get(t, url, nil)
		assert.Equal(t, http.StatusOK, status)
		assert.Equal(t, "legacy", body)
	}
}

// TestFallbackWhenStopped: the new backend gone (connection refused) → the
// connect failure is retried on legacy.
func TestFallbackWhenStopped(t *testing.T) {
	legacy, newer := newBackend(t, "legacy"), newBackend(t, "new")
	r := startRig(t, twoBackendFile(legacy, newer, fallbackRoute))
	newer.Close()
	assertLegacyAnswers(t, r.url+"/rest/V1/products/1")
}

// TestNoFallbackWithoutIt: without fallback the new backend's 500 reaches
// the client, so the test above does not pass by accident.
func TestNoFallbackWithoutIt(t *testing.T) {
	legacy, newer := newBackend(t, "legacy"), newBackend(t, "new")
	newer.setFail(http.StatusInternalServerError)
	r := startRig(t, twoBackendFile(legacy, newer, `  - name: product-api
    match: {prefix: /rest/V1/products, methods: [GET]}
    to: catalog
    percent: 100
`))
	status, body, _ := get(t, r.url+"/rest/V1/products/1", nil)
	assert.Equal(t, http.StatusInternalServerError, status)
	assert.Equal(t, "new", body)
}
