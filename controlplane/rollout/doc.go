// Package rollout moves a route's effective percent through the steps of
// its rollout plan, gated on the shadow match rate and on the new service's
// error rate and p99 latency, and rolls back or pauses when the gates fail.
//
// Shared state lives in Redis, one hash and one history list per route
// (hash-tagged by route name), so every control plane replica serves the
// same effective percents and a restarted replica resumes exactly where the
// rollout stood. Only the replica holding the lease evaluates gates and
// moves rollouts on; operator actions (promote, pause, resume, abort) may
// come through any replica. Every write is a compare-and-set on the route's
// version, so an action and the driver never overwrite each other.
//
// Where a rollout starts: the route's file percent. That start is held and
// gated like a step (before any live traffic, the shadow receiver's figures
// are the evidence), then each step in turn. The file percent is a floor:
// editing it above the effective percent moves the rollout forward to it;
// editing it lower changes nothing (abort is how traffic goes back).
package rollout
