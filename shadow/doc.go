// Package shadow is strangler's shadow receiver and its reports. For a
// sampled share of a shadowed route's requests Envoy mirrors the request to
// the receiver (HTTP/1.1) and streams the response the user got over an
// ext_proc stream in observability mode (gRPC), both on one port and both
// carrying the request's x-request-id. The receiver joins the two halves,
// calls the side that did not serve the user (and, for a share of anonymous
// GETs, legacy a second time to learn legacy's own noise, Diffy's model),
// compares with the route's diff.Comparer and adds the outcome to Redis,
// where every receiver's counts add up (see Store for the key layout).
// Reports classify each field as a real difference or noise and render as
// text, Markdown, JSON or HTML; Replay feeds recorded traffic (an Envoy
// access log or a HAR file) through the same comparison.
package shadow
