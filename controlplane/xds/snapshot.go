package xds

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/envoyproxy/go-control-plane/pkg/cache/types"
	"github.com/envoyproxy/go-control-plane/pkg/cache/v3"
	"github.com/envoyproxy/go-control-plane/pkg/resource/v3"
	"google.golang.org/protobuf/proto"

	"github.com/strangler-dev/strangler/controlplane"
)

// NewSnapshot checks res the way Envoy would and packs it into a snapshot
// whose version is, per type, a hash of that type's content. A change to one
// route's percentage therefore changes only the RDS version, so Envoy is sent
// only RDS; and a restarted control plane serves the same versions, so
// connected Envoys are sent nothing new.
func NewSnapshot(res *controlplane.Resources) (*cache.Snapshot, error) {
	if res == nil {
		return nil, errors.New("snapshot: no resources")
	}
	snap := &cache.Snapshot{}
	for _, k := range served {
		items := k.of(res)
		if err := checkItems(k, items); err != nil {
			return nil, err
		}
		version, err := contentVersion(items)
		if err != nil {
			return nil, fmt.Errorf("%s version: %w", k.noun, err)
		}
		snap.Resources[cache.GetResponseType(k.url)] = cache.NewResources(version, items)
	}
	// Consistent catches a listener naming a route configuration we do not
	// serve (or a CLA no cluster uses); in ADS mode the cache would otherwise
	// hold the RDS/EDS answer forever and Envoy would never finish warming.
	if err := snap.Consistent(); err != nil {
		return nil, fmt.Errorf("snapshot is not self-consistent: %w", err)
	}
	return snap, nil
}

// checkItems rejects what the cache would silently mangle (wrong types,
// nameless or duplicate resources, which collapse in its name index) and what
// Envoy would NACK (ValidateAll failures).
func checkItems(k kind, items []types.Resource) error {
	want := strings.TrimPrefix(k.url, resource.APITypePrefix)
	seen := make(map[string]bool, len(items))
	for i, item := range items {
		if item == nil {
			return fmt.Errorf("%s #%d is nil", k.noun, i)
		}
		if got := string(item.ProtoReflect().Descriptor().FullName()); got != want {
			return fmt.Errorf("%s #%d is a %s", k.noun, i, got)
		}
		name := cache.GetResourceName(item)
		if name == "" {
			return fmt.Errorf("%s #%d has no name", k.noun, i)
		}
		if seen[name] {
			return fmt.Errorf("%s %q is defined twice", k.noun, name)
		}
		seen[name] = true
		if err := validateDeep(item); err != nil {
			return fmt.Errorf("%s %q: %w", k.noun, name, err)
		}
	}
	return nil
}

// contentVersion hashes the deterministic encoding of items in name order, so
// the version depends on content only, not on slice order or on the process.
func contentVersion(items []types.Resource) (string, error) {
	sorted := slices.Clone(items)
	slices.SortFunc(sorted, func(a, b types.Resource) int {
		return cmp.Compare(cache.GetResourceName(a), cache.GetResourceName(b))
	})
	h := sha256.New()
	marshal := proto.MarshalOptions{Deterministic: true}
	var buf []byte
	for _, item := range sorted {
		var err error
		buf, err = marshal.MarshalAppend(buf[:0], item)
		if err != nil {
			return "", fmt.Errorf("%q: %w", cache.GetResourceName(item), err)
		}
		// Length prefixes keep (name, bytes) boundaries unambiguous.
		name := cache.GetResourceName(item)
		h.Write(binary.AppendUvarint(nil, uint64(len(name))))
		h.Write([]byte(name))
		h.Write(binary.AppendUvarint(nil, uint64(len(buf))))
		h.Write(buf)
	}
	return hex.EncodeToString(h.Sum(nil)[:8]), nil
}
