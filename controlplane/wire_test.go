package controlplane

import (
	"testing"

	"github.com/envoyproxy/go-control-plane/pkg/cache/types"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
)

// wireBytes is the deterministic wire form of every resource, what the xDS
// snapshot hashes for its versions.
func wireBytes(t testing.TB, res *Resources) [][]byte {
	t.Helper()
	var out [][]byte
	for _, list := range [][]types.Resource{res.Listeners, res.Routes, res.Clusters, res.Endpoints} {
		for _, r := range list {
			b, err := proto.MarshalOptions{Deterministic: true}.Marshal(r)
			require.NoError(t, err)
			out = append(out, b)
		}
	}
	return out
}
