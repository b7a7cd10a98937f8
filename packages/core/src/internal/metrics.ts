/**
 * The client's counters, in a module of their own: the SCIM client and the token layer (which
 * runs a root client of its own to look up a sub-organization) count into the same ones.
 *
 * @internal
 */
import * as Metric from "effect/Metric"

/** @internal */
export const requests = Metric.counter("asgardeo_scim_requests_total", {
  description: "SCIM requests sent, retries included",
  incremental: true
})

/** @internal */
export const retries = Metric.counter("asgardeo_scim_retries_total", {
  description: "SCIM request retries",
  incremental: true
})

/** @internal */
export const rateLimited = Metric.counter("asgardeo_scim_rate_limited_total", {
  description: "429 Too Many Requests answers received",
  incremental: true
})

/** @internal */
export const tokenRequests = Metric.counter("asgardeo_scim_token_requests_total", {
  description: "Token requests sent to the token endpoint",
  incremental: true
})
