/**
 * What an operation does after a failed attempt, as pure functions of what happened so far:
 * shared by the token fetch and every SCIM request.
 *
 * - Transient failures (transport errors, timeouts, 5xx) are not decided here: they wait on the
 *   policy's backoff `Schedule` (`Retry.ts`), which a program may replace.
 * - 429: not an attempt. Retried after the server's `Retry-After` (longer than `maxRetryAfter`:
 *   fail at once) or the backoff, whichever is longer, until the operation has been throttled
 *   for `maxRateLimitWait`;
 *   the shared limiter slows every fiber down meanwhile.
 * - 401 (SCIM requests with refreshable tokens only): a 401 on the current token drops it and
 *   retries with a new one, `maxAttempts` attempts in all (at least one refresh); a 401 on a token that was already
 *   replaced (another fiber's 401 refreshed it) is retried at once, within a wider bound.
 *
 * @internal
 */

/** @internal */
export interface Policy {
  readonly maxAttempts: number
  readonly baseDelayMillis: number
  readonly maxDelayMillis: number
  readonly maxRetryAfterMillis: number
  readonly maxRateLimitWaitMillis: number
}

/** @internal */
export interface State {
  /** 429s received. */
  readonly throttles: number
  /** When the first 429 arrived. */
  readonly throttledSince: number | undefined
  /** 401s on the current token. */
  readonly unauthorized: number
  /** 401s on tokens already replaced. */
  readonly stale: number
}

/** @internal */
export const initial: State = { throttles: 0, throttledSince: undefined, unauthorized: 0, stale: 0 }

/** @internal */
export type Next =
  | { readonly _tag: "Retry"; readonly delayMillis: number; readonly state: State }
  | { readonly _tag: "Fail" }

const fail: Next = { _tag: "Fail" }

/**
 * Exponential backoff with equal jitter: a delay in `[cap / 2, cap]` for `random` in `[0, 1)`,
 * where `cap = min(maxDelay, baseDelay * 2^(n-1))` for the n-th failure.
 *
 * @internal
 */
export const backoff = (policy: Policy, n: number, random: number): number => {
  const cap = Math.min(policy.maxDelayMillis, policy.baseDelayMillis * 2 ** (Math.max(1, n) - 1))
  return Math.round(cap / 2 + (random * cap) / 2)
}

/** A 429, with the server's `Retry-After` in milliseconds when it sent one. @internal */
export const throttled = (
  state: State,
  policy: Policy,
  now: number,
  retryAfterMillis: number | undefined,
  random: number
): Next => {
  if (retryAfterMillis !== undefined && retryAfterMillis > policy.maxRetryAfterMillis) return fail
  const since = state.throttledSince ?? now
  const throttles = state.throttles + 1
  // `Retry-After: 0` (or a date already past) would retry at once, again and again: a server
  // that says "now" and throttles anyway gets the backoff too.
  const delayMillis = Math.max(retryAfterMillis ?? 0, backoff(policy, throttles, random))
  if (now + delayMillis - since > policy.maxRateLimitWaitMillis) return fail
  return { _tag: "Retry", delayMillis, state: { ...state, throttles, throttledSince: since } }
}

/** A 401. `wasCurrent`: the refused token was still the current one (and is now dropped). @internal */
export const unauthorized = (state: State, policy: Policy, wasCurrent: boolean): Next => {
  if (wasCurrent) {
    const unauthorized = state.unauthorized + 1
    // At least one refresh, whatever maxAttempts says.
    return unauthorized >= Math.max(2, policy.maxAttempts)
      ? fail
      : { _tag: "Retry", delayMillis: 0, state: { ...state, unauthorized } }
  }
  const stale = state.stale + 1
  return stale > 2 * policy.maxAttempts ? fail : { _tag: "Retry", delayMillis: 0, state: { ...state, stale } }
}
