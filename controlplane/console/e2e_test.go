package console_test

import (
	"context"
	"fmt"
	"github.com/strangler-dev/strangler/controlplane/console"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strangler-dev/strangler/controlplane/rollout"
	"github.com/strangler-dev/strangler/controlplane/serve"
)

// jsPct1 formats a percent with one decimal at most.
func jsPct1(v float64) string {
	s := strconv.FormatFloat(v, 'f', 1, 64)
	return strings.TrimSuffix(s, ".0") + "%"
}

// jsPct formats a percent as the console does (two decimals at most).
func jsPct(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s + "%"
}

func (s *stack) route(name string) serve.RouteView {
	s.t.Helper()
	var views []serve.RouteView
	require.Equal(s.t, http.StatusOK, getJSON(s.t, s.admin+"/api/routes", &views))
	for _, v := range views {
		if v.Name == name {
			return v
		}
	}
	s.t.Fatalf("route %s not served", name)
	return serve.RouteView{}
}

// TestConsoleInBrowser drives the console in Chromium against a running
// control plane: Envoys on ADS, Redis, shadow results, the rate limit
// service. Every page loads with data; an action without the token is
// refused and says so; promote and shift change routes, seen through the
// API and on the page; and the pages follow changes without reloading.
func TestConsoleInBrowser(t *testing.T) {
	requireBrowser(t) // before starting anything
	s := startStack(t)
	s.envoys()
	tr := s.shadowTraffic()
	s.rateLimitTraffic(7)
	s.cacheTraffic()
	b := newBrowser(t, s.console)
	rate := 100 * float64(tr.matched) / float64(tr.compared)
	require.Less(t, rate, 99.5, "the traffic should hold a visible share of differences")

	t.Run("routes page", func(t *testing.T) {
		b.t = t
		b.open("/console/")
		b.wait(`document.querySelectorAll('tr[data-route]').length === 3 &&
			!!document.querySelector('tr[data-route="product-api"] .match .chip:not(.none)')`, "routes with their match rates")
		assert.Equal(t, []string{"product-api", "category-api", "search"},
			eval[[]string](b, `[...document.querySelectorAll('tr[data-route]')].map(r => r.dataset.route)`), "match order")
		chip := b.text(`tr[data-route="product-api"] .match .chip`)
		assert.Contains(t, chip, jsPct(rate))
		assert.Equal(t, "chip fair", eval[string](b, `document.querySelector('tr[data-route="product-api"] .match .chip').className`))
		assert.Contains(t, b.text(`tr[data-route="category-api"] .match .chip.good`), "100%")
		assert.Contains(t, b.text(`tr[data-route="search"] .match`), "not shadowed")
		product := b.text(`tr[data-route="product-api"]`)
		for _, want := range []string{"new 5%", "progressing", "sticky", "fallback", "preview", "2 limits", "start"} {
			assert.Contains(t, product, want)
		}
		assert.Contains(t, b.text(`tr[data-route="category-api"]`), "cache")
		b.shot("routes")
	})

	t.Run("route page", func(t *testing.T) {
		b.t = t
		b.open("/console/routes/product-api")
		b.wait(fmt.Sprintf(`document.querySelectorAll('svg.chart circle.pt').length === %d && !!document.querySelector('svg.chart line.gate')`, tr.minutes),
			"the match-rate chart with its gate")
		assert.Equal(t, tr.minutesBelow, eval[int](b, `document.querySelectorAll('svg.chart circle.pt.below').length`),
			"the minutes under the 99.5% gate are marked")
		b.wait(`document.querySelectorAll('table.fields').length === 2 && !!document.querySelector('.pane .ln.d')`, "fields and a sample")
		real, noise := b.text(`table.fields`), b.text(`table.fields:nth-of-type(2)`)
		assert.Contains(t, real, "body:$.price")
		assert.Contains(t, noise, "body:$.updated_at")
		assert.NotContains(t, real, "updated_at", "noise is shown apart")
		assert.Positive(t, eval[int](b, `document.querySelectorAll('.pane .redacted').length`), "redacted values are marked")
		assert.Equal(t, 2, eval[int](b, `[...document.querySelectorAll('.pane')].filter(p => p.querySelector('.ln.d')).length`),
			"both sides highlight the differing lines")
		// The page shows what the rate limit service counted: 7 decisions,
		// the first of which may have met a Redis still warming up.
		var figs console.Figures
		require.Equal(t, http.StatusOK, getJSON(t, s.console+"/console/api/figures/product-api", &figs))
		require.NotNil(t, figs.RateLimit)
		counted := figs.RateLimit.Limits["product-api#0"]
		assert.Equal(t, 7.0, counted["ok"]+counted["error_allow"]+counted["error_deny"]+counted["over_limit"])
		b.wait(fmt.Sprintf(`(document.querySelector('tr[data-limit="product-api#0"] td.ok') || {}).innerText === '%v'`, counted["ok"]), "the rate limit decisions")
		assert.Equal(t, fmt.Sprint(counted["error_allow"]+counted["error_deny"]), b.text(`tr[data-limit="product-api#0"] td.errors`))
		assert.Contains(t, b.text(`#h-rollout + div`), "shadow match ≥ 99.5%")
		assert.Contains(t, b.text(`#h-history + div`), "start")
		b.shot("route")
	})

	t.Run("an action without the token is refused", func(t *testing.T) {
		b.t = t
		b.typeInto("#shift-percent", "10")
		b.click("#shift")
		b.confirm("mallory", "")
		b.wait(`!!document.querySelector('.action-error[data-status="401"]')`, "the refusal")
		assert.Contains(t, b.text(".action-error"), "401 Unauthorized")
		assert.Equal(t, 5.0, s.route("product-api").File, "the refused shift changed the file")
		b.shot("action-refused")
	})

	t.Run("promote with the token", func(t *testing.T) {
		b.t = t
		b.typeInto("#token", testToken)
		b.click("#token-form button")
		b.wait(`!document.getElementById('token-set').hidden`, "the token to be kept")
		b.wait(`!document.getElementById('act-promote').disabled`, "promote to be allowed")
		b.click("#act-promote")
		b.wait(`document.getElementById('confirm').open`, "the confirmation dialog")
		assert.Contains(t, b.text("#confirm-text"), "from 5% to the next step of 25% → 50% → pause → 100%")
		b.shot("confirm-promote")
		b.confirm("ana", "shadow diffs reviewed: price rounding is tracked in CAT-12")
		b.wait(`!!document.querySelector('.action-ok')`, "the promotion")
		var st rollout.Status
		require.Equal(t, http.StatusOK, getJSON(t, s.admin+"/api/rollouts/product-api", &st))
		assert.EqualValues(t, 2500, st.Percent)
		assert.Equal(t, 25.0, s.route("product-api").Percent)
		b.wait(`document.querySelector('.split-labels .n').innerText === 'new 25%'`, "the new split on the page")
		b.wait(`document.querySelector('.timeline li').innerText.includes('promote') && document.querySelector('.timeline li').innerText.includes('ana')`,
			"the promotion in the history")
		assert.Equal(t, "true", eval[string](b, `String(sessionStorage.getItem('strangler.token') === '`+testToken+`')`))
		b.shot("route-promoted")
	})

	t.Run("nodes page", func(t *testing.T) {
		b.t = t
		b.open("/console/nodes")
		b.wait(`document.querySelectorAll('tr[data-node]').length === 3 && !!document.querySelector('tr[data-node="envoy-eu-2"] .nack')`,
			"three nodes, one rejecting the new routes")
		nack := b.text(`tr[data-node="envoy-eu-2"]`)
		assert.Contains(t, nack, "NACK")
		assert.Contains(t, nack, "RDS")
		assert.Contains(t, nack, "total weight must be 100")
		assert.Contains(t, nack, "behind")
		assert.Contains(t, b.text(`tr[data-node="envoy-us-1"]`), "disconnected")
		good := b.text(`tr[data-node="envoy-eu-1"]`)
		assert.Equal(t, 4, strings.Count(good, "current"), good)
		b.shot("nodes")
	})

	t.Run("shift from the page", func(t *testing.T) {
		b.t = t
		b.open("/console/routes/search")
		b.wait(`getComputedStyle(document.querySelector('#act-promote').closest('.row')).display === 'none'`, "a route without rollout buttons")
		b.typeInto("#shift-percent", "10")
		b.click("#shift")
		b.confirm("ana", "first tenth of search")
		b.wait(`!!document.querySelector('.action-ok')`, "the shift")
		assert.Contains(t, b.text(".action-ok"), "0% → 10%")
		require.Eventually(t, func() bool { return s.route("search").Percent == 10 }, 10*time.Second, 20*time.Millisecond,
			"the control plane never served the shifted file")
		data, err := os.ReadFile(s.path)
		require.NoError(t, err)
		assert.Contains(t, string(data), "    percent: 10\n")
		b.wait(`document.querySelector('.split-labels .n').innerText === 'new 10%'`, "the new split without a reload")
		b.wait(`[...document.querySelectorAll('.timeline li')].some(li => li.innerText.includes('file change') && li.innerText.includes('0% → 10%'))`,
			"the shift in the history")
		b.shot("route-shifted")
	})

	t.Run("live updates without reload", func(t *testing.T) {
		b.t = t
		b.open("/console/")
		b.wait(`!!document.querySelector('tr[data-route="category-api"]')`, "the routes")
		eval[bool](b, `(window.__stillHere = true)`)
		// Changes made elsewhere: another operator's shift and promote.
		code, body, _ := postJSON(t, s.console+"/api/routes/category-api/shift", testToken, `{"percent":"50","who":"bob"}`)
		require.Equal(t, http.StatusOK, code, body)
		client := rollout.Client{BaseURL: s.admin, Token: testToken}
		_, err := client.Promote(context.Background(), "product-api", false, rollout.By{Who: "bob", Why: "next step"})
		require.NoError(t, err)
		b.wait(`window.__stillHere === true &&
			document.querySelector('tr[data-route="category-api"] .split-labels .n').innerText === 'new 50%' &&
			document.querySelector('tr[data-route="product-api"] .split-labels .n').innerText === 'new 50%'`,
			"both changes on the page without a reload")
		b.wait(`document.querySelector('tr[data-route="product-api"]').innerText.includes('bob')`, "the last change by bob")
		b.shot("routes-live")
	})

	t.Run("cache figures", func(t *testing.T) {
		b.t = t
		var figs console.Figures
		require.Equal(t, http.StatusOK, getJSON(t, s.console+"/console/api/figures/category-api", &figs))
		require.NotNil(t, figs.Cache, figs.Missing)
		require.GreaterOrEqual(t, figs.Cache.Requests["hit"], 1.0)
		require.NotNil(t, figs.Cache.HitRatio)
		b.open("/console/routes/category-api")
		b.wait(fmt.Sprintf(`(document.querySelector('.cache-stats [data-stat="hit"] b') || {}).innerText === '%v' &&
			document.querySelector('.cache-stats [data-stat="ratio"] b').innerText === '%s'`,
			figs.Cache.Requests["hit"], jsPct1(*figs.Cache.HitRatio)), "the cache counters")
		b.shot("route-cached")
	})
	fmt.Fprintf(os.Stderr, "screenshots in %s\n", b.shots)
}
