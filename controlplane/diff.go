package controlplane

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/strangler-dev/strangler/routes"
)

// ChangeKind sorts the lines of a Diff.
type ChangeKind string

const (
	ChangeAdded   ChangeKind = "added"
	ChangeRemoved ChangeKind = "removed"
	ChangeChanged ChangeKind = "changed"
	ChangeOrder   ChangeKind = "order"  // routes kept but matched in another order
	ChangeEnvoy   ChangeKind = "envoy"  // which xDS types Envoy would be re-sent
	ChangeFailed  ChangeKind = "failed" // a side could not be translated
)

// Change is one line of a route-file diff, worded for a pull request review:
// Text is the whole line ("route product-api: catalog 25% -> 50%"), Resource
// what it is about ("route product-api", "backend catalog", "file",
// "routes", "Envoy").
type Change struct {
	Kind     ChangeKind
	Resource string
	Text     string
}

func (c Change) String() string { return c.Text }

// Diff says what moving from old to new changes: file settings, backends,
// routes (in new file order), route order, and last which Envoy resource
// types would be re-sent. Nil when nothing changes. Positions and the file
// path are not compared: moving a route's text around is not a change, but
// changing its place in the match order is. A nil side stands for no file.
// The error is a side that does not translate (see Translate).
func Diff(old, new *routes.File) ([]Change, error) {
	envoy, err := envoyChange(old, new)
	if err != nil {
		return nil, err
	}
	var out []Change
	if old != nil && new != nil {
		out = append(out, fileChanges(old, new)...)
	}
	old, new = orEmpty(old), orEmpty(new)
	out = append(out, backendChanges(old, new)...)
	out = append(out, routeChanges(old, new)...)
	out = append(out, orderChange(old.Routes, new.Routes)...)
	if len(out) == 0 && envoy.Text == envoyNothing {
		return nil, nil
	}
	return append(out, envoy), nil
}

// orEmpty makes a missing side an empty file: everything is added or removed.
func orEmpty(f *routes.File) *routes.File {
	if f == nil {
		return &routes.File{}
	}
	return f
}

func changef(kind ChangeKind, resource, format string, args ...any) Change {
	return Change{Kind: kind, Resource: resource, Text: resource + ": " + fmt.Sprintf(format, args...)}
}

func fileChanges(old, new *routes.File) []Change {
	var out []Change
	field := func(name, a, b string) {
		if a != b {
			out = append(out, changef(ChangeChanged, "file", "%s %s -> %s", name, a, b))
		}
	}
	field("listen", old.Listen.String(), new.Listen.String())
	field("legacy", old.Legacy, new.Legacy)
	field("xff_trusted_hops", fmt.Sprint(old.XFFTrustedHops), fmt.Sprint(new.XFFTrustedHops))
	return out
}

func backendChanges(old, new *routes.File) []Change {
	var out []Change
	for _, name := range unionKeys(old.Backends, new.Backends) {
		a, b := old.Backends[name], new.Backends[name]
		res := "backend " + name
		switch {
		case a == nil:
			out = append(out, changef(ChangeAdded, res, "added (endpoints %s)", endpointList(b.Endpoints)))
		case b == nil:
			out = append(out, changef(ChangeRemoved, res, "removed"))
		default:
			out = append(out, backendFieldChanges(res, a, b)...)
		}
	}
	return out
}

func backendFieldChanges(res string, a, b *routes.Backend) []Change {
	var out []Change
	field := func(name, x, y string) {
		if x != y {
			out = append(out, changef(ChangeChanged, res, "%s %s -> %s", name, x, y))
		}
	}
	field("endpoints", endpointList(a.Endpoints), endpointList(b.Endpoints))
	field("timeout", timeoutText(a), timeoutText(b))
	field("health check", healthCheckText(a.HealthCheck), healthCheckText(b.HealthCheck))
	field("tls", onOff(a.TLS), onOff(b.TLS))
	return out
}

func endpointList(addrs []routes.Address) string {
	s := make([]string, len(addrs))
	for i, a := range addrs {
		s[i] = a.String()
	}
	return "[" + strings.Join(s, " ") + "]"
}

func timeoutText(b *routes.Backend) string {
	if b.Timeout == 0 {
		return routes.DefaultTimeout.String() + " (default)"
	}
	return b.Timeout.String()
}

func healthCheckText(hc *routes.HealthCheck) string {
	if hc == nil {
		return "none"
	}
	return fmt.Sprintf("%s every %s", hc.Path, hc.Interval)
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func unionKeys[V any](a, b map[string]V) []string {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// orderChange reports when routes present in both files match in another
// relative order; added and removed routes are reported on their own.
func orderChange(old, new []*routes.Route) []Change {
	inNew, inOld := names(new), names(old)
	keptOld := slices.DeleteFunc(slices.Clone(inOld), func(n string) bool { return !slices.Contains(inNew, n) })
	keptNew := slices.DeleteFunc(slices.Clone(inNew), func(n string) bool { return !slices.Contains(inOld, n) })
	if slices.Equal(keptOld, keptNew) {
		return nil
	}
	return []Change{{Kind: ChangeOrder, Resource: "route order",
		Text: "route order changed: " + strings.Join(keptOld, ", ") + " -> " + strings.Join(keptNew, ", ")}}
}

func names(rs []*routes.Route) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Name
	}
	return out
}
