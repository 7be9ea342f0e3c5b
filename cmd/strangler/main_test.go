package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	"github.com/envoyproxy/go-control-plane/pkg/resource/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/strangler-dev/strangler/controlplane/serve"
	"github.com/strangler-dev/strangler/controlplane/serve/servetest"
	"github.com/strangler-dev/strangler/controlplane/xds/xdstest"
)

// run executes the CLI in-process and returns stdout, stderr and the exit code main would use.
func run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	cmd := newRootCommand()
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	err := cmd.Execute()
	code := 0
	if err != nil {
		code = 1
		var ee *exitError
		if errors.As(err, &ee) {
			code = ee.code
		}
		errOut.WriteString(err.Error())
	}
	return out.String(), errOut.String(), code
}

const example = "../../routes/examples/magento.yaml"

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "routes.yaml")
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

func editedExample(t *testing.T, from, to string) string {
	t.Helper()
	data, err := os.ReadFile(example)
	require.NoError(t, err)
	require.Contains(t, string(data), from)
	return writeFile(t, strings.Replace(string(data), from, to, 1))
}

func TestValidate(t *testing.T) {
	out, _, code := run(t, "validate", example)
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "magento.yaml: ok (4 routes, 2 backends)")

	bad := editedExample(t, "percent: 25", "percent: 25.125")
	_, errOut, code := run(t, "validate", example, bad)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, bad+`:34:14: routes[0] "product-api": percent: 25.125 has more than 2 decimals`)
	assert.Contains(t, errOut, "1 of 2 files invalid")
}

func TestRender(t *testing.T) {
	out, _, code := run(t, "render", example)
	require.Equal(t, 0, code)
	var doc map[string][]map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	for _, key := range []string{"listeners", "routes", "clusters", "endpoints"} {
		require.NotEmpty(t, doc[key], key)
		assert.Contains(t, doc[key][0]["@type"], "type.googleapis.com/envoy.config.", key)
	}
	yml, _, code := run(t, "render", example, "--format", "yaml")
	require.Equal(t, 0, code)
	assert.Contains(t, yml, "name: fallback_catalog_magento")

	boot, _, code := run(t, "render", example, "--bootstrap")
	require.Equal(t, 0, code)
	var b map[string]any
	require.NoError(t, json.Unmarshal([]byte(boot), &b))
	assert.Contains(t, b, "static_resources")
	assert.NotContains(t, boot, `"ads"`, "a static bootstrap must not need the control plane")

	_, errOut, code := run(t, "render", editedExample(t, "to: catalog", "to: nowhere"))
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, `to: unknown backend "nowhere"`)
}

func TestDiff(t *testing.T) {
	out, _, code := run(t, "diff", example, editedExample(t, "percent: 25", "percent: 50"))
	require.Equal(t, 0, code)
	assert.Contains(t, out, "route product-api: catalog 25% -> 50%")
	assert.Contains(t, out, "RDS")
	out, _, code = run(t, "diff", example, example)
	require.Equal(t, 0, code)
	assert.Empty(t, strings.TrimSpace(out))
}

func TestBootstrapFileIsCurrent(t *testing.T) {
	out, _, code := run(t, "bootstrap", "--xds", "strangler:18000", "--node", "envoy-1", "--cluster", "edge")
	require.Equal(t, 0, code)
	committed, err := os.ReadFile("../../envoy/bootstrap.yaml")
	require.NoError(t, err)
	var body []string
	for _, line := range strings.SplitAfter(string(committed), "\n") {
		if !strings.HasPrefix(line, "#") {
			body = append(body, line)
		}
	}
	assert.Equal(t, out, strings.Join(body, ""), "regenerate envoy/bootstrap.yaml with the command in its header")
}

func TestStatusShowsNodes(t *testing.T) {
	r := servetest.Start(t, serve.Options{RoutesPath: example, Edges: []string{}})
	a := [2]string{r.XDSAddr.String(), r.AdminAddr.String()}
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	client, err := xdstest.StartADS(wctx, xdstest.Dial(t, a[0]), xdstest.Options{Node: &core.Node{Id: "envoy-7", Cluster: "edge"}})
	require.NoError(t, err)
	require.NoError(t, client.Wait(wctx, func() bool { return client.Version(resource.RouteType) != "" }))
	require.Eventually(t, func() bool {
		out, _, code := run(t, "status", "--admin", "http://"+a[1])
		return code == 0 && strings.Contains(out, "envoy-7") && strings.Contains(out, client.Version(resource.RouteType))
	}, 5*time.Second, 50*time.Millisecond)
	client.Close()
}

func TestShift(t *testing.T) {
	data, err := os.ReadFile(example)
	require.NoError(t, err)
	path := writeFile(t, string(data))

	out, _, code := run(t, "shift", "product-api", "50", "--file", path, "--dry-run")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "route product-api: catalog 25% -> 50%")
	unchanged, _ := os.ReadFile(path)
	assert.Equal(t, string(data), string(unchanged), "dry run writes nothing")

	out, _, code = run(t, "shift", "product-api", "50%", "--file", path)
	require.Equal(t, 0, code)
	assert.Contains(t, out, "route product-api -> 50%")
	changed, _ := os.ReadFile(path)
	assert.Equal(t, strings.Replace(string(data), "percent: 25", "percent: 50", 1), string(changed))

	_, errOut, code := run(t, "shift", "product-api", "101", "--file", path)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "101 is out of range 0..100")
	_, errOut, code = run(t, "shift", "ghost", "5", "--file", path)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, `no route named "ghost"`)
}
