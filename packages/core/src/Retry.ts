/**
 * One retry policy for every request of the client (the token fetch, every SCIM request) and for
 * the callers that reconcile after an unknown outcome (`Users.ensure`, the HR role groups).
 *
 * - What is transient: a transport error, a timeout, a 5xx other than 501 (for requests that
 *   may be repeated), and the outcome of a write whose answer was lost ({@link isUnknownOutcome}).
 *   These wait on the backoff `Schedule` of the policy: by default exponential from `baseDelay`,
 *   at most `maxDelay`, with equal jitter (a delay in `[d / 2, d]`), `maxAttempts` attempts in
 *   all. This is the part a program may replace (`retry: { schedule }`).
 * - 429: not an attempt. The server's `Retry-After` (or the backoff, whichever is longer) is
 *   waited, the shared `RateLimiter` is told so that every fiber slows down, and the operation
 *   gives up with `RateLimited` once it has been throttled for `maxRateLimitWait` (a `Retry-After`
 *   above `maxRetryAfter` at once).
 * - 401 on a token that can be refreshed: the token is dropped and the request retried with the
 *   next one, `maxAttempts` attempts in all (at least one refresh); a 401 on a token another fiber
 *   already replaced costs no attempt.
 *
 * The 401 and 429 rules keep the client safe with the server and are not replaceable.
 *
 * @since 0.2.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Predicate from "effect/Predicate"
import * as Schedule from "effect/Schedule"
import type * as RetryState from "./internal/retryState.js"
import type * as ScimError from "./ScimError.js"

/**
 * What a backoff schedule is given at each transient failure: the error of the failed attempt.
 * A schedule of yours may read it (`Schedule.recurWhile((e: Retry.Input) => ...)`).
 *
 * @since 0.2.0
 * @category models
 */
export type Input = ScimError.TransportError | ScimError.ServerError | ScimError.TokenError

/**
 * The resolved retry policy.
 *
 * @since 0.2.0
 * @category models
 */
export interface Policy {
  /**
   * The backoff for transient failures, given the error of each failed attempt: it waits its
   * delay, and when it ends the error is final. Replaceable (`retry: { schedule }`); it is used
   * as given (`Schedule.forever` retries without end).
   */
  readonly schedule: Schedule.Schedule<unknown, Input>
  /** Attempts for a 401 on a refreshable token (at least two), and for the default schedule. */
  readonly maxAttempts: number
  /** The first delay of the backoff for 429s without a usable `Retry-After`. */
  readonly baseDelay: Duration.Duration
  /** The longest delay of that backoff. */
  readonly maxDelay: Duration.Duration
  /** A 429 whose `Retry-After` is longer than this fails with `RateLimited` at once. */
  readonly maxRetryAfter: Duration.Duration
  /** How long one operation keeps retrying 429s before it fails with `RateLimited`. */
  readonly maxRateLimitWait: Duration.Duration
}

/**
 * The shorthand options: numbers for the default schedule, or a `Schedule` of your own for
 * transient failures.
 *
 * @since 0.2.0
 * @category models
 */
export interface Options {
  /** Total attempts for a transient failure, the first included. Default 4. */
  readonly maxAttempts?: number | undefined
  /** First backoff delay; doubles each attempt, with equal jitter. Default 200 ms. */
  readonly baseDelay?: Duration.DurationInput | undefined
  /** Upper bound of one backoff delay. Default 10 s. */
  readonly maxDelay?: Duration.DurationInput | undefined
  /** A 429 whose `Retry-After` is longer than this fails at once. Default 60 s. */
  readonly maxRetryAfter?: Duration.DurationInput | undefined
  /** How long one operation keeps retrying 429s. Default 2 minutes. */
  readonly maxRateLimitWait?: Duration.DurationInput | undefined
  /** Replaces the backoff of transient failures (then `maxAttempts` bounds 401 retries only). */
  readonly schedule?: Schedule.Schedule<unknown, Input> | undefined
}

/**
 * The default backoff: exponential from `baseDelay`, capped at `maxDelay`, equal jitter (a delay
 * in `[d / 2, d]`), `maxAttempts` attempts in all.
 *
 * @since 0.2.0
 * @category schedules
 */
export const backoff = (options: {
  readonly maxAttempts: number
  readonly baseDelay: Duration.DurationInput
  readonly maxDelay: Duration.DurationInput
}): Schedule.Schedule<unknown, Input> => {
  const max = Duration.decode(options.maxDelay)
  return Schedule.exponential(options.baseDelay).pipe(
    Schedule.modifyDelay((delay) => Duration.min(delay, max)),
    Schedule.jitteredWith({ min: 0.5, max: 1 }),
    Schedule.intersect(Schedule.recurs(Math.max(0, options.maxAttempts - 1))),
    Schedule.asVoid,
    Schedule.mapInput((_: Input) => _)
  )
}

/**
 * The defaults: 4 attempts, 200 ms doubling up to 10 s, `Retry-After` up to 60 s, 429s for up to
 * 2 minutes.
 *
 * @since 0.2.0
 * @category constructors
 */
export const defaults: Policy = {
  schedule: backoff({ maxAttempts: 4, baseDelay: Duration.millis(200), maxDelay: Duration.seconds(10) }),
  maxAttempts: 4,
  baseDelay: Duration.millis(200),
  maxDelay: Duration.seconds(10),
  maxRetryAfter: Duration.seconds(60),
  maxRateLimitWait: Duration.minutes(2)
}

/**
 * No retry of transient failures (a test that wants every failure at once). The 401 refresh (one
 * refresh at least) and the 429 rules are kept, waits included: a 429 without `Retry-After` still
 * backs off from `baseDelay`, so a throttled call never spins.
 *
 * @since 0.2.0
 * @category constructors
 */
export const none: Policy = {
  ...defaults,
  schedule: Schedule.stop,
  maxAttempts: 1
}

/**
 * A policy from resolved numbers and an optional schedule.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (
  options: Omit<Policy, "schedule"> & { readonly schedule?: Policy["schedule"] | undefined }
): Policy => ({
  ...options,
  schedule: options.schedule ?? backoff(options)
})

/**
 * Whether a write's outcome is unknown: the answer was lost (transport error, timeout) or the
 * server failed (5xx) after maybe applying it. A caller that can tell by reading (`Users.ensure`,
 * role groups) looks before trying again.
 *
 * @since 0.2.0
 * @category predicates
 */
export const isUnknownOutcome = (error: unknown): error is ScimError.TransportError | ScimError.ServerError =>
  Predicate.isTagged(error, "TransportError") || Predicate.isTagged(error, "ServerError")

/**
 * The error itself when its outcome is unknown ({@link isUnknownOutcome}), else `undefined`: a
 * classifier for {@link transient}.
 *
 * @since 0.2.0
 * @category predicates
 */
export const unknownOutcome = (error: unknown): ScimError.TransportError | ScimError.ServerError | undefined =>
  isUnknownOutcome(error) ? error : undefined

/**
 * Runs `attempt` again on the policy's backoff while it fails with an error `transientError`
 * maps to the failure the schedule is given (`undefined`: final). The loop of the callers that
 * reconcile: `Users.ensure` creates, and on an unknown outcome looks for the user before
 * creating again; a failure of the look itself is final.
 *
 * @since 0.2.0
 * @category combinators
 */
export const transient = <A, E, R>(
  policy: Policy,
  attempt: Effect.Effect<A, E, R>,
  transientError: (error: E) => Input | undefined
): Effect.Effect<A, E, R> =>
  Effect.retry(attempt, {
    schedule: Schedule.mapInput(policy.schedule, (error: E) => transientError(error)!),
    while: (error) => transientError(error) !== undefined
  })

/** @internal */
export const limits = (policy: Policy): RetryState.Policy => ({
  maxAttempts: policy.maxAttempts,
  baseDelayMillis: Duration.toMillis(policy.baseDelay),
  maxDelayMillis: Duration.toMillis(policy.maxDelay),
  maxRetryAfterMillis: Duration.toMillis(policy.maxRetryAfter),
  maxRateLimitWaitMillis: Duration.toMillis(policy.maxRateLimitWait)
})
