package edge

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const splitRoute = `  - name: product-api
    match: {prefix: /rest/V1/products, methods: [GET]}
    to: catalog
    percent: 25
`

// TestSplitShare: 10,000 requests at 25 % land within ±2 % of 25 % on the
// new backend (weighted_clusters with a random selection value).
func TestSplitShare(t *testing.T) {
	legacy, newer := newBackend(t, "legacy"), newBackend(t, "new")
	r := startRig(t, twoBackendFile(legacy, newer, splitRoute))
	const total = 10000
	var onNew atomic.Int64
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	var wg sync.WaitGroup
	work := make(chan int)
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range work {
				resp, err := client.Get(r.url + "/rest/V1/products/1")
				if !assert.NoError(t, err) {
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.Header.Get("X-Backend") == "new" {
					onNew.Add(1)
				}
			}
		}()
	}
	for i := 0; i < total; i++ {
		work <- i
	}
	close(work)
	wg.Wait()
	share := float64(onNew.Load()) / total
	t.Logf("new backend share: %.4f", share)
	assert.InDelta(t, 0.25, share, 0.02)
}

// TestStickyNeverMovesBack: with a sticky cookie, a user on the new side
// stays there while the percent only rises (the new side holds hashes
// [0, p) of a constant total), and the share of users follows the percent.
func TestStickyNeverMovesBack(t *testing.T) {
	legacy, newer := newBackend(t, "legacy"), newBackend(t, "new")
	r := startRig(t, twoBackendFile(legacy, newer, `  - name: product-api
    match: {prefix: /rest/V1/products, methods: [GET]}
    to: catalog
    percent: 10
    sticky: {cookie: PHPSESSID}
`))
	const users = 400
	side := func(user int) string {
		_, body, _ := get(t, r.url+"/rest/V1/products/1", http.Header{"Cookie": {fmt.Sprintf("PHPSESSID=user-%d; other=x", user)}})
		return body
	}
	onNew := map[int]bool{}
	for _, step := range []struct {
		from, to string
		percent  float64
	}{{"", "", 0.10}, {"percent: 10", "percent: 30", 0.30}, {"percent: 30", "percent: 60", 0.60}} {
		if step.from != "" {
			r.edit(step.from, step.to)
			waitFor(t, func() bool { return countNew(side, users) > len(onNew)+users/20 })
		}
		now := map[int]bool{}
		for u := 0; u < users; u++ {
			s1, s2 := side(u), side(u)
			require.Equal(t, s1, s2, "user %d switched sides between two requests", u)
			if s1 == "new" {
				now[u] = true
			}
		}
		for u := range onNew {
			assert.True(t, now[u], "user %d moved back from new to legacy at %.0f%%", u, 100*step.percent)
		}
		share := float64(len(now)) / users
		t.Logf("at %.0f%%: %.3f of users on new", 100*step.percent, share)
		assert.InDelta(t, step.percent, share, 0.08)
		onNew = now
	}
}

func countNew(side func(int) string, users int) int {
	n := 0
	for u := 0; u < users; u++ {
		if side(u) == "new" {
			n++
		}
	}
	return n
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestPercentEditReachesTraffic: a percent edit in the route file changes
// live traffic within a second (watch, translate, RDS push, apply).
func TestPercentEditReachesTraffic(t *testing.T) {
	legacy, newer := newBackend(t, "legacy"), newBackend(t, "new")
	r := startRig(t, twoBackendFile(legacy, newer, `  - name: product-api
    match: {prefix: /rest/V1/products, methods: [GET]}
    to: catalog
    percent: 0
`))
	_, body, _ := get(t, r.url+"/rest/V1/products/1", nil)
	require.Equal(t, "legacy", body)
	start := time.Now()
	r.edit("percent: 0", "percent: 100")
	for {
		_, body, _ = get(t, r.url+"/rest/V1/products/1", nil)
		if body == "new" {
			break
		}
		require.Less(t, time.Since(start), time.Second, "the edit did not reach traffic within a second")
		time.Sleep(5 * time.Millisecond)
	}
	t.Logf("edit reached traffic after %v", time.Since(start))
}

// TestPreviewHeaderForcesSide: the preview header sends a request to the
// side it names whatever the percent.
func TestPreviewHeaderForcesSide(t *testing.T) {
	legacy, newer := newBackend(t, "legacy"), newBackend(t, "new")
	r := startRig(t, twoBackendFile(legacy, newer, `  - name: product-api
    match: {prefix: /rest/V1/products, methods: [GET]}
    to: catalog
    percent: 0
    preview: {header: X-Strangler-Preview}
`))
	for i := 0; i < 20; i++ {
		_, body, _ := get(t, r.url+"/rest/V1/products/1", http.Header{"X-Strangler-Preview": {"new"}})
		require.Equal(t, "new", body)
		_, body, _ = get(t, r.url+"/rest/V1/products/1", nil)
		require.Equal(t, "legacy", body)
	}
	r.edit("percent: 0", "percent: 100")
	waitFor(t, func() bool { _, b, _ := get(t, r.url+"/rest/V1/products/1", nil); return b == "new" })
	_, body, _ := get(t, r.url+"/rest/V1/products/1", http.Header{"X-Strangler-Preview": {"legacy"}})
	assert.Equal(t, "legacy", body)
}
