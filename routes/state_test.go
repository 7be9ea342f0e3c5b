package routes

import (
	"errors"
	"testing"
	"time"

	"github.com/hashicorp/go-memdb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStoreReplaceAndWatch(t *testing.T) {
	s, err := NewStore()
	require.NoError(t, err)
	assert.Nil(t, s.File(nil))

	f, err := Load("examples/magento.yaml")
	require.NoError(t, err)
	ws := memdb.NewWatchSet()
	assert.Nil(t, s.File(ws))
	require.NoError(t, s.Replace(f, time.Unix(100, 0)))
	assert.False(t, ws.Watch(time.After(time.Second)), "watch fires on replace")

	assert.Same(t, f, s.File(nil))
	r, ok := s.Route("category-api")
	require.True(t, ok)
	assert.Equal(t, 1, r.Index)
	names := func(rs []*Route) (out []string) {
		for _, r := range rs {
			out = append(out, r.Name)
		}
		return out
	}
	assert.Equal(t, []string{"product-api", "category-api", "search-default-store", "category-pages"}, names(s.RoutesOf("catalog")))
	assert.Equal(t, []string{"product-api", "category-api", "search-default-store", "category-pages"}, names(s.RoutesOf("magento")))
	assert.Equal(t, uint64(1), s.Status().Generation)

	s.Reject(errors.New("routes.yaml:3:1: bad"), time.Unix(200, 0))
	st := s.Status()
	assert.Equal(t, "routes.yaml:3:1: bad", st.LastError)
	assert.Same(t, f, s.File(nil), "a rejected file keeps the accepted one serving")

	f2, err := Parse("routes.yaml", []byte(base+"  - {name: only, match: {prefix: /x}, to: catalog}\n"))
	require.NoError(t, err)
	require.NoError(t, s.Replace(f2, time.Unix(300, 0)))
	st = s.Status()
	assert.Empty(t, st.LastError, "a good file clears the error")
	assert.Equal(t, uint64(2), st.Generation)
	_, ok = s.Route("product-api")
	assert.False(t, ok, "routes of the old file are gone")
}
