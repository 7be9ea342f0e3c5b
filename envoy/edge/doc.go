// Package edge is a development stand-in for Envoy: a small Go proxy that
// subscribes to strangler's control plane over ADS like an Envoy node and
// serves HTTP from the subset of Envoy configuration strangler emits.
//
// It is NOT a production proxy. Production always runs Envoy; the stand-in
// exists because Envoy cannot be installed on every development machine, so
// that what the control plane emits is consumed, interpreted and exercised
// end to end in local runs and tests. It follows Envoy's documented
// semantics for the fields it interprets (each interpretation cites the doc
// anchor or proto field) and NACKs, with an error_detail naming the field,
// any configuration outside its subset instead of guessing.
//
// Known simplifications, all deliberate for a development stand-in:
//   - one listener, plain HTTP/1.1 and cleartext HTTP/2 downstream;
//   - circuit breakers, retry budgets and stats prefixes are accepted and not
//     enforced (no overload protection);
//   - outlier detection implements consecutive_5xx only, with ejection
//     expiring at base_ejection_time × ejections (capped), no success-rate;
//   - a whole xDS response is accepted or NACKed (Envoy may apply the valid
//     part of a CDS/LDS response and NACK the rest);
//   - an updated cluster is swapped in at once (no warming swap); hosts that
//     keep their address keep their health, new hosts start as Envoy's do
//     (failing active health checking until the first check passes);
//   - an aggregate cluster sends an attempt to the first of its clusters (not
//     excluded by a previous_priorities retry) with a healthy host, instead of
//     computing Envoy's priority load with its overprovisioning factor;
//   - ext_proc trailers, FULL_DUPLEX_STREAMED and GRPC body modes are outside
//     the subset;
//   - access logs are written to the edge's slog logger, one record per
//     request with the json_format fields, not to stdout;
//   - no runtime layer: runtime keys are ignored and default values apply.
package edge
