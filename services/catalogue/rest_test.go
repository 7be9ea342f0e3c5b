package catalogue

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUnscoped(t *testing.T) {
	cases := map[string]string{
		"/rest/default/V1/products/24-MB01": "/rest/V1/products/24-MB01",
		"/rest/all/V1/categories":           "/rest/V1/categories",
		"/rest/de_de/V1/products/a%2Fb?x=1": "/rest/V1/products/a%2Fb?x=1",
		"/rest/V1/products/24-MB01":         "",
		"/rest/default/V2/products":         "",
		"/catalog/product/view/id/1":        "",
		"/rest//V1/products":                "",
	}
	for in, want := range cases {
		u, err := url.Parse(in)
		require.NoError(t, err)
		out, ok := Unscoped(u)
		if want == "" {
			assert.False(t, ok, in)
			assert.Same(t, u, out)
			continue
		}
		assert.True(t, ok, in)
		assert.Equal(t, want, out.RequestURI(), in)
		assert.Equal(t, in, u.RequestURI(), "the input is left alone")
	}
}
