package rollout

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strangler-dev/strangler/routes"
)

func TestAdminAPIAndClient(t *testing.T) {
	r, c := started(t, fileBase)
	r.minutesUntil(c, "orders-api", 30, atPercent(100))
	srv := httptest.NewServer(AdminHandler(c, "s3cret"))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	cli := &Client{BaseURL: srv.URL, Token: "s3cret"}

	all, err := cli.StatusAll(ctx)
	require.NoError(t, err)
	require.Len(t, all, 1)
	assert.Equal(t, "orders-api", all[0].Route)
	assert.Equal(t, []string{"1%", "5%", "25%", "pause", "50%", "100%"}, all[0].Steps)
	assert.Equal(t, 0, all[0].Step)
	assert.Equal(t, "a", all[0].Leader)
	assert.Equal(t, Duration(10*time.Minute), all[0].Hold)
	assert.NotEmpty(t, all[0].Verdicts)

	st, err := cli.Promote(ctx, "orders-api", false, By{Who: "alice", Why: "looks fine"})
	require.NoError(t, err)
	assert.Equal(t, routes.Percent(500), st.Percent)
	st, err = cli.Pause(ctx, "orders-api", By{Who: "alice"})
	require.NoError(t, err)
	assert.Equal(t, PhasePaused, st.Phase)
	_, err = cli.Pause(ctx, "orders-api", By{Who: "alice"})
	assert.ErrorIs(t, err, ErrNotAllowed)
	var apiErr *APIError
	require.True(t, errors.As(err, &apiErr))
	assert.Equal(t, http.StatusConflict, apiErr.StatusCode)
	st, err = cli.Resume(ctx, "orders-api", By{Who: "alice"})
	require.NoError(t, err)
	assert.Equal(t, PhaseProgressing, st.Phase)
	st, err = cli.Status(ctx, "orders-api")
	require.NoError(t, err)
	assert.Equal(t, routes.Percent(500), st.Percent)
	_, err = cli.Status(ctx, "catalog-read")
	assert.ErrorIs(t, err, ErrUnknownRoute)
	st, err = cli.Abort(ctx, "orders-api", By{Who: "bob", Why: "pager"})
	require.NoError(t, err)
	assert.Equal(t, routes.Percent(0), st.Percent)
	st, err = cli.Resume(ctx, "orders-api", By{})
	require.NoError(t, err)
	st, err = cli.Promote(ctx, "orders-api", true, By{Who: "bob"})
	require.NoError(t, err)
	assert.Equal(t, PhaseCompleted, st.Phase)

	hist, err := cli.History(ctx, "orders-api", 3)
	require.NoError(t, err)
	assert.Equal(t, []string{"abort 5%→0%", "resume 0%→0%", "promote_full 0%→100%"}, actions(hist))
	assert.Equal(t, "pager", hist[2].Why)
	assert.True(t, strings.HasPrefix(hist[1].Who, "admin api (127.0.0.1:"), "no who given: the caller's address: %q", hist[1].Who)
	plain, err := cli.History(ctx, "catalog-read", 0)
	require.NoError(t, err)
	assert.Len(t, plain, 1)
}

func TestAdminAPIAuth(t *testing.T) {
	r := newRig(t)
	c, _ := r.controller("a")
	r.update(c, fileBase)
	ctx := context.Background()
	open := httptest.NewServer(AdminHandler(c, ""))
	t.Cleanup(open.Close)
	guarded := httptest.NewServer(AdminHandler(c, "s3cret"))
	t.Cleanup(guarded.Close)

	_, err := (&Client{BaseURL: open.URL, Token: "anything"}).Abort(ctx, "orders-api", By{Who: "x"})
	assert.ErrorIs(t, err, ErrUnauthorized)
	assert.ErrorContains(t, err, "no token configured")

	_, err = (&Client{BaseURL: guarded.URL}).Abort(ctx, "orders-api", By{Who: "x"})
	var apiErr *APIError
	require.True(t, errors.As(err, &apiErr))
	assert.Equal(t, http.StatusUnauthorized, apiErr.StatusCode)

	_, err = (&Client{BaseURL: guarded.URL, Token: "guess"}).Abort(ctx, "orders-api", By{Who: "x"})
	require.True(t, errors.As(err, &apiErr))
	assert.Equal(t, http.StatusForbidden, apiErr.StatusCode)

	// Reads need no token; nothing was changed by the refused calls.
	st, err := (&Client{BaseURL: guarded.URL}).Status(ctx, "orders-api")
	require.NoError(t, err)
	assert.Equal(t, PhaseProgressing, st.Phase)

	for _, tc := range []struct {
		method, path, body string
		code               int
	}{
		{http.MethodPost, "/api/rollouts/orders-api/explode", "", http.StatusNotFound},
		{http.MethodPost, "/api/rollouts/orders-api/pause", "{not json", http.StatusBadRequest},
		{http.MethodGet, "/api/history/orders-api?limit=-1", "", http.StatusBadRequest},
		{http.MethodDelete, "/api/rollouts/orders-api", "", http.StatusMethodNotAllowed},
	} {
		req, err := http.NewRequest(tc.method, guarded.URL+tc.path, strings.NewReader(tc.body))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer s3cret")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, tc.code, resp.StatusCode, "%s %s", tc.method, tc.path)
	}
}
