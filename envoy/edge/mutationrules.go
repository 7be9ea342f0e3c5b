package edge

import (
	"fmt"
	"regexp"
	"strings"

	mutation "github.com/envoyproxy/go-control-plane/envoy/config/common/mutation_rules/v3"
)

type checkResult int

const (
	checkOK checkResult = iota
	checkIgnore
	checkFail
)

// mutationChecker is HeaderMutationRules as Envoy's MutationRules::Checker
// applies them, in its order: disallow_expression, allow_expression,
// disallow_all, the routing headers (host, :authority, :method, :scheme)
// unless allow_all_routing, pseudo-headers with disallow_system, x-envoy-*
// unless allow_envoy. A refused mutation is ignored, or an error with
// disallow_is_error. Without mutation_rules everything else may change.
type mutationChecker struct {
	allowAllRouting, allowEnvoy, disallowSystem, disallowAll, disallowIsError bool
	allowExpr, disallowExpr                                                   *regexp.Regexp
}

func compileMutationRules(r *mutation.HeaderMutationRules) (*mutationChecker, error) {
	c := &mutationChecker{
		allowAllRouting: r.GetAllowAllRouting().GetValue(), allowEnvoy: r.GetAllowEnvoy().GetValue(),
		disallowSystem: r.GetDisallowSystem().GetValue(), disallowAll: r.GetDisallowAll().GetValue(),
		disallowIsError: r.GetDisallowIsError().GetValue(),
	}
	var err error
	if e := r.GetAllowExpression(); e != nil {
		if c.allowExpr, err = fullMatchRegexp(e.GetRegex()); err != nil {
			return nil, fmt.Errorf("allow_expression: %w", err)
		}
	}
	if e := r.GetDisallowExpression(); e != nil {
		if c.disallowExpr, err = fullMatchRegexp(e.GetRegex()); err != nil {
			return nil, fmt.Errorf("disallow_expression: %w", err)
		}
	}
	return c, nil
}

func (c *mutationChecker) check(name string) checkResult {
	if c.allowed(strings.ToLower(name)) {
		return checkOK
	}
	if c.disallowIsError {
		return checkFail
	}
	return checkIgnore
}

func (c *mutationChecker) allowed(name string) bool {
	switch {
	case c.disallowExpr != nil && c.disallowExpr.MatchString(name):
		return false
	case c.allowExpr != nil && c.allowExpr.MatchString(name):
		return true
	case c.disallowAll:
		return false
	case !c.allowAllRouting && (name == "host" || name == ":authority" || name == ":method" || name == ":scheme"):
		return false
	case c.disallowSystem && strings.HasPrefix(name, ":"):
		return false
	case !c.allowEnvoy && strings.HasPrefix(name, "x-envoy"):
		return false
	}
	return true
}
