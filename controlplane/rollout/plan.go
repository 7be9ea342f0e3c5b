package rollout

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/strangler-dev/strangler/routes"
)

// plan is a route's rollout as the current route file has it.
type plan struct {
	route       string
	backend     string // the new service: its Envoy cluster carries the same name
	start       routes.Percent
	r           *routes.Rollout
	fingerprint string
}

func planOf(r *routes.Route) plan {
	return plan{route: r.Name, backend: r.To, start: r.Percent, r: r.Rollout, fingerprint: fingerprint(r.Rollout)}
}

// fingerprint names a plan's content, so a state knows whether it follows
// the plan this replica has. The start (file percent) is not part of it:
// it moves separately, see reconcile.
func fingerprint(ro *routes.Rollout) string {
	g := ro.Gates
	var b strings.Builder
	fmt.Fprintf(&b, "steps=%s hold=%s on_failure=%s interval=%s min=%d failures=%d p99=%s",
		strings.Join(stepLabels(ro.Steps), ","), ro.Hold, ro.OnFailure, g.Interval, g.MinRequests, g.Failures, g.P99Latency)
	for _, p := range []struct {
		name string
		v    *routes.Percent
	}{{"shadow", g.ShadowMatch}, {"errors", g.ErrorRate}} {
		if p.v != nil {
			fmt.Fprintf(&b, " %s=%d", p.name, *p.v)
		}
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:8])
}

func stepLabels(steps []routes.RolloutStep) []string {
	out := make([]string, len(steps))
	for i, s := range steps {
		out[i] = stepLabel(s)
	}
	return out
}

func stepLabel(s routes.RolloutStep) string {
	if s.Pause {
		return "pause"
	}
	return s.Percent.String()
}

// nextAfter is the index of the step a rollout at percent p takes next:
// the one after the last percent step not above p. A pause right after it
// is therefore still honoured.
func (p plan) nextAfter(pct routes.Percent) int {
	next := 0
	for i, s := range p.r.Steps {
		if !s.Pause && s.Percent <= pct {
			next = i + 1
		}
	}
	return next
}

// atPauseStep reports whether the step last taken was a `pause`.
func (p plan) atPauseStep(next int) bool {
	return next > 0 && next <= len(p.r.Steps) && p.r.Steps[next-1].Pause
}
