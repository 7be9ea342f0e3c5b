package controlplane

import (
	"errors"
	"fmt"

	"github.com/strangler-dev/strangler/routes"
)

// checkInvariants re-checks what routes.Load guarantees and the translation
// relies on, so a File built by hand (tests, future callers) with a dangling
// backend name fails here rather than as a NACK from every Envoy.
func checkInvariants(f *routes.File) error {
	for name, b := range f.Backends {
		if b == nil || b.Name != name || len(b.Endpoints) == 0 {
			return fmt.Errorf("backend %q: missing, misnamed or without endpoints", name)
		}
	}
	if f.Backends[f.Legacy] == nil {
		return fmt.Errorf("legacy backend %q is not declared", f.Legacy)
	}
	for _, r := range f.Routes {
		if err := checkRoute(f, r); err != nil {
			return fmt.Errorf("route %q: %w", r.Name, err)
		}
	}
	return nil
}

func checkRoute(f *routes.File, r *routes.Route) error {
	for _, b := range []string{r.To, r.Legacy} {
		if f.Backends[b] == nil {
			return fmt.Errorf("backend %q is not declared", b)
		}
	}
	if r.Percent > routes.Full {
		return fmt.Errorf("percent %s is over 100%%", r.Percent)
	}
	set := 0
	for _, s := range []string{r.Match.Prefix, r.Match.Path, r.Match.Regex} {
		if s != "" {
			set++
		}
	}
	if set != 1 {
		return errors.New("match needs exactly one of prefix, path and regex")
	}
	if r.Sticky != nil && (r.Sticky.Cookie == "") == (r.Sticky.Header == "") {
		return errors.New("sticky needs exactly one of cookie and header")
	}
	if r.Preview != nil && r.Preview.Header == "" {
		return errors.New("preview has no header")
	}
	return nil
}
