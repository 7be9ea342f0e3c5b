package controlplane

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/strangler-dev/strangler/routes"
)

func TestRenderShape(t *testing.T) {
	out, err := Render(translate(t, exampleFile()))
	require.NoError(t, err)
	var doc map[string][]map[string]any
	require.NoError(t, json.Unmarshal(out, &doc))
	assert.Len(t, doc, 4)
	for key, wantType := range map[string]string{
		"listeners": "type.googleapis.com/envoy.config.listener.v3.Listener",
		"routes":    "type.googleapis.com/envoy.config.route.v3.RouteConfiguration",
		"clusters":  "type.googleapis.com/envoy.config.cluster.v3.Cluster",
		"endpoints": "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment",
	} {
		require.NotEmpty(t, doc[key], key)
		for _, r := range doc[key] {
			assert.Equal(t, wantType, r["@type"])
		}
	}
	assert.Contains(t, string(out), `"route_config_name": "strangler"`, "proto field names, as in Envoy's docs")
}

// TestTranslateIsDeterministic: the same file gives byte-identical output
// and proto bytes, though Backends is a map and protojson varies whitespace.
func TestTranslateIsDeterministic(t *testing.T) {
	first, err := Render(translate(t, exampleFile()))
	require.NoError(t, err)
	firstWire := wireBytes(t, translate(t, exampleFile()))
	for range 20 {
		again, err := Render(translate(t, exampleFile()))
		require.NoError(t, err)
		require.Equal(t, string(first), string(again))
		require.Equal(t, firstWire, wireBytes(t, translate(t, exampleFile())))
	}
}

// TestRenderYAMLMatchesJSON over every golden case: same data, including
// strings that look like numbers ("2" header values) staying strings.
func TestRenderYAMLMatchesJSON(t *testing.T) {
	for name, path := range goldenCases {
		f, err := routes.Load(path)
		require.NoError(t, err, name)
		res := translate(t, f)
		js, err := Render(res)
		require.NoError(t, err)
		ym, err := RenderYAML(res)
		require.NoError(t, err)
		var fromJSON, fromYAML any
		require.NoError(t, json.Unmarshal(js, &fromJSON))
		require.NoError(t, yaml.Unmarshal(ym, &fromYAML))
		assert.Equal(t, fromJSON, normalizeYAML(fromYAML), name)
		assert.NotContains(t, string(ym), "{\"", "block style, not JSON flow style")
	}
}

// normalizeYAML maps yaml.v3's ints to float64 as encoding/json decodes them.
func normalizeYAML(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeYAML(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normalizeYAML(e)
		}
	case int:
		return float64(x)
	}
	return v
}
