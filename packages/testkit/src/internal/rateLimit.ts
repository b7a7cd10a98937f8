/**
 * Asgardeo's per-minute rate limits (asgardeo-api.md §8): `/scim2/*` 200, `/oauth2/*` 200,
 * `/scim2/Bulk` 5, in fixed or sliding windows, with a time scale for fast tests.
 *
 * @internal
 */
import type * as Public from "./types.js"

/** @internal */
export type Bucket = "scim" | "oauth" | "bulk"

/** @internal */
export type RateLimitConfig = Public.RateLimits

/** @internal */
export const defaultRateLimits: RateLimitConfig = {
  enabled: false,
  window: "fixed",
  timeScale: 1,
  retryAfter: true,
  limits: { scim: 200, oauth: 200, bulk: 5 }
}

/** @internal */
export interface RateLimiter {
  config: RateLimitConfig
  readonly fixed: Map<Bucket, { start: number; count: number }>
  readonly sliding: Map<Bucket, Array<number>>
}

/** @internal */
export const makeRateLimiter = (config: RateLimitConfig): RateLimiter => ({
  config,
  fixed: new Map(),
  sliding: new Map()
})

/** @internal */
export const bucketOf = (path: string): Bucket | undefined => {
  // A sub-organization's SCIM (`/o/scim2/...`) shares its root organization's budgets.
  const orgPath = path.replace(/^\/o(?=\/scim2(\/|$))/i, "")
  if (/^\/scim2\/Bulk\/?$/i.test(orgPath)) return "bulk"
  if (/^\/scim2(\/|$)/.test(orgPath)) return "scim"
  if (/^\/oauth2(\/|$)/.test(orgPath)) return "oauth"
  return undefined
}

/** Counts one request; answers the wait in milliseconds when it is over the limit. @internal */
export const take = (limiter: RateLimiter, bucket: Bucket, now: number): number | undefined => {
  const { config } = limiter
  if (!config.enabled) return undefined
  const windowMs = 60_000 / config.timeScale
  const limit = config.limits[bucket]
  if (config.window === "fixed") {
    let state = limiter.fixed.get(bucket)
    if (state === undefined || now - state.start >= windowMs) {
      state = { start: now, count: 0 }
      limiter.fixed.set(bucket, state)
    }
    if (state.count >= limit) return state.start + windowMs - now
    state.count++
    return undefined
  }
  let hits = limiter.sliding.get(bucket)
  if (hits === undefined) {
    hits = []
    limiter.sliding.set(bucket, hits)
  }
  while (hits.length > 0 && now - hits[0]! >= windowMs) hits.shift()
  if (hits.length >= limit) return hits[0]! + windowMs - now
  hits.push(now)
  return undefined
}
