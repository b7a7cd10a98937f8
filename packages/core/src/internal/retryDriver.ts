/**
 * The one attempt loop of the client, shared by the token fetch and every SCIM request: it drives
 * the shared limiter (acquire before, `onThrottle` on a 429, `onSuccess` on any other answer),
 * waits the policy's backoff `Schedule` on transient failures, and applies the 429 and 401 rules
 * of `internal/retryState.ts`. The attempt says what happened; the loop decides what follows.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import * as Random from "effect/Random"
import * as ScheduleDecision from "effect/ScheduleDecision"
import * as ScheduleIntervals from "effect/ScheduleIntervals"
import type * as RateLimiter from "../RateLimiter.js"
import * as Retry from "../Retry.js"
import * as RetryState from "./retryState.js"

/**
 * How an attempt failed. `answered`: the server answered (the limiter hears of it).
 *
 * @internal
 */
export type Failure<E> =
  /** Final: a 4xx, a refused scope, a body that does not decode. */
  | { readonly _tag: "Final"; readonly error: E; readonly answered: boolean }
  /** Worth another attempt on the backoff schedule (transport error, timeout, retryable 5xx). */
  | {
    readonly _tag: "Transient"
    readonly error: E
    /** The same failure as the backoff schedule is given it. */
    readonly input: Retry.Input
    readonly answered: boolean
    readonly reason: string
  }
  /**
   * A 429, with the server's `Retry-After` when it sent one, and when the request left (after
   * the token was at hand), when the attempt knows it.
   */
  | {
    readonly _tag: "Throttled"
    readonly error: E
    readonly retryAfterMillis: number | undefined
    readonly sentAt?: number | undefined
  }
  /** A 401 on a refreshable token; `wasCurrent`: the refused token was the cached one. */
  | { readonly _tag: "Unauthorized"; readonly error: E; readonly wasCurrent: boolean }

/** @internal */
export interface Context {
  /** An earlier attempt of this operation ended in a transport error (its outcome is unknown). */
  readonly afterTransportError: boolean
}

/** @internal */
export interface Options<A, E, R> {
  readonly policy: Retry.Policy
  readonly limiter: RateLimiter.Service
  readonly bucket: RateLimiter.Bucket
  /** What the debug log calls the request (`SCIM request`, `token request`). */
  readonly label: string
  /** Counted on each retry. */
  readonly retried?: Metric.Metric.Counter<number> | undefined
  readonly attempt: (context: Context) => Effect.Effect<A, Failure<E>, R>
}

/**
 * Runs the attempt until it succeeds or the policy says stop. The backoff `Schedule` is stepped
 * only at a transient failure (its state travels with the loop): a call that succeeds pays
 * nothing for it.
 *
 * @internal
 */
export const run = <A, E, R>(options: Options<A, E, R>): Effect.Effect<A, E, R> => {
  const { bucket, limiter, policy } = options
  const limits = Retry.limits(policy)
  const schedule = policy.schedule
  const retried = options.retried === undefined ? Effect.void : Metric.increment(options.retried)

  const wait = (delayMillis: number, reason: string) =>
    Effect.zipRight(
      Effect.zipRight(retried, Effect.logDebug(`${options.label} failed (${reason}), retry in ${delayMillis} ms`)),
      // No delay still yields: a schedule without delays does not starve the other fibers.
      delayMillis > 0 ? Effect.sleep(Duration.millis(delayMillis)) : Effect.yieldNow()
    )

  const loop = (state: RetryState.State, context: Context, backoff: unknown): Effect.Effect<A, E, R> =>
    Effect.flatMap(
      limiter.acquire(bucket),
      () =>
        Effect.flatMap(Clock.currentTimeMillis, (sentAt) =>
          Effect.matchEffect(options.attempt(context), {
            onSuccess: (a) => Effect.as(limiter.onSuccess(bucket), a),
            onFailure: (failure) => {
              switch (failure._tag) {
                case "Final":
                  return failure.answered
                    ? Effect.zipRight(limiter.onSuccess(bucket), Effect.fail(failure.error))
                    : Effect.fail(failure.error)
                case "Transient": {
                  const heard = failure.answered ? limiter.onSuccess(bucket) : Effect.void
                  const next = { afterTransportError: context.afterTransportError || !failure.answered }
                  return Effect.zipRight(
                    heard,
                    Effect.flatMap(Clock.currentTimeMillis, (now) =>
                      Effect.flatMap(schedule.step(now, failure.input, backoff), ([after, _, decision]) =>
                        ScheduleDecision.isDone(decision)
                          ? Effect.fail(failure.error)
                          : Effect.zipRight(
                            wait(Math.max(0, ScheduleIntervals.start(decision.intervals) - now), failure.reason),
                            loop(state, next, after)
                          )))
                  )
                }
                case "Throttled":
                  return Effect.zipRight(
                    limiter.onThrottle(bucket, {
                      sentAt,
                      ...(failure.retryAfterMillis !== undefined
                        ? { retryAfter: Duration.millis(failure.retryAfterMillis) }
                        : {})
                    }),
                    Effect.flatMap(Effect.zip(Clock.currentTimeMillis, Random.next), ([now, random]) => {
                      const next = RetryState.throttled(state, limits, now, failure.retryAfterMillis, random)
                      return next._tag === "Fail"
                        ? Effect.fail(failure.error)
                        : Effect.zipRight(wait(next.delayMillis, "429"), loop(next.state, context, backoff))
                    })
                  )
                case "Unauthorized": {
                  const next = RetryState.unauthorized(state, limits, failure.wasCurrent)
                  return next._tag === "Fail" ? Effect.fail(failure.error) : Effect.zipRight(
                    Effect.zipRight(limiter.onSuccess(bucket), wait(0, "401")),
                    loop(next.state, context, backoff)
                  )
                }
              }
            }
          }))
    )

  return loop(RetryState.initial, { afterTransportError: false }, schedule.initial)
}
