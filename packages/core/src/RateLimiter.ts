/**
 * The client-side rate limiter shared by every fiber of a client. One interface, three calls:
 * `acquire` before a request goes out, `onThrottle` when the server answered 429, `onSuccess`
 * for any other answer. The built-in limiter (`make`, `layer`) combines, per bucket (`scim`,
 * `token`, `bulk`):
 *
 * - a shared pause: a 429 with `Retry-After` stops every bucket until then, so every fiber waits
 *   instead of each hammering the server;
 * - optional budgets (Asgardeo's published limits: 200 a minute, 5 Bulk a minute), as sliding
 *   windows of reservations, so no request over the budget is sent and waiting fibers are served
 *   in order;
 * - an adaptive send rate, as the AWS SDK's adaptive retry mode: off until the first 429; a 429
 *   lowers the rate for every fiber (to 70 % of the measured rate), each other answer raises it
 *   again (CUBIC). Servers that answer 429 without `Retry-After` (Asgardeo often does) are slowed
 *   down to what they accept.
 *
 * Waiting in the limiter is not a retry attempt: the client bounds the time an operation spends
 * on 429s instead (`retry.maxRateLimitWait`). Another implementation (one shared across processes,
 * or `layerDisabled` for tests) can be provided as the `RateLimiter` service. Time comes from
 * Effect's `Clock`, so `TestClock` drives it.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"
import * as LimiterState from "./internal/limiterState.js"
import * as ScimConfig from "./ScimConfig.js"

/**
 * @since 0.1.0
 * @category models
 */
export type Bucket = keyof ScimConfig.RateLimits

/**
 * What the client knows about a 429.
 *
 * @since 0.2.0
 * @category models
 */
export interface Throttle {
  /** The server's `Retry-After`: every bucket pauses that long. */
  readonly retryAfter?: Duration.DurationInput | undefined
  /** When the throttled request was sent (epoch ms): a 429 for a request sent before the last slowdown does not slow down again. */
  readonly sentAt?: number | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Waits until a request in the bucket may go out (pause, budget, adaptive rate). */
  readonly acquire: (bucket: Bucket) => Effect.Effect<void>
  /** The server answered 429: pause on `Retry-After`, and lower the send rate for every fiber. */
  readonly onThrottle: (bucket: Bucket, throttle?: Throttle) => Effect.Effect<void>
  /** The server answered anything but 429: the send rate may rise again. */
  readonly onSuccess: (bucket: Bucket) => Effect.Effect<void>
  /** The earliest time (epoch ms) a request in the bucket could go out, without reserving it. */
  readonly nextSlot: (bucket: Bucket) => Effect.Effect<number>
  /** Pauses every bucket for `duration` from now. */
  readonly pause: (duration: Duration.DurationInput) => Effect.Effect<void>
  /** The end of the current pause, in epoch milliseconds (0 when none). */
  readonly pausedUntil: Effect.Effect<number>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class RateLimiter extends Context.Tag("@asgardeo-scim/core/RateLimiter")<RateLimiter, Service>() {}

/**
 * Options of {@link make}.
 *
 * @since 0.2.0
 * @category models
 */
export interface Options {
  /** Whether 429s adapt the send rate. Default true. */
  readonly adaptive?: boolean | undefined
}

/**
 * Builds a limiter. `budgets` undefined: no budgets, only the pause and the adaptive rate.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  budgets: ScimConfig.RateLimits | undefined,
  options: Options = {}
): Effect.Effect<Service> =>
  Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    const windows = budgets === undefined ? undefined : {
      scim: { limit: budgets.scim.limit, windowMillis: Duration.toMillis(budgets.scim.window) },
      token: { limit: budgets.token.limit, windowMillis: Duration.toMillis(budgets.token.window) },
      bulk: { limit: budgets.bulk.limit, windowMillis: Duration.toMillis(budgets.bulk.window) }
    }
    const state = yield* Ref.make(LimiterState.make(windows, options.adaptive ?? true, now))

    // Reserves a slot and sleeps until it. A fiber that wakes while a pause holds the bucket, or
    // after the rate dropped, gives its slot back and queues again: after a 429, waiting fibers
    // go out spaced at the new rate instead of all at once when the pause ends.
    const acquire = (bucket: Bucket): Effect.Effect<void> =>
      // The common case (no budget, never throttled) reads no clock.
      Effect.flatMap(Ref.get(state), (first) =>
        LimiterState.isIdle(first, bucket) ?
          Effect.void :
          Effect.flatMap(Clock.currentTimeMillis, (now) =>
            Effect.flatMap(Ref.get(state), (current) => {
              if (LimiterState.isFree(current, bucket, now)) return Effect.void
              return Effect.flatMap(
                Ref.modify(state, (s) => LimiterState.reserve(s, bucket, now)),
                (at) =>
                  at <= now ? Effect.void : Effect.zipRight(
                    Effect.sleep(Duration.millis(at - now)),
                    Effect.flatMap(Effect.zip(Ref.get(state), Clock.currentTimeMillis), ([s, woke]) =>
                      LimiterState.mustRequeue(s, bucket, now, woke)
                        ? Effect.zipRight(
                          Ref.update(state, (s) => LimiterState.cancel(s, bucket, at)),
                          Effect.suspend(() => acquire(bucket))
                        )
                        : Ref.update(state, (s) => LimiterState.commit(s, bucket, at, woke)))
                  )
              )
            })))

    const onThrottle = (bucket: Bucket, throttle: Throttle = {}): Effect.Effect<void> =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Ref.update(state, (s) =>
          LimiterState.throttled(s, bucket, now, {
            retryAfterMillis: throttle.retryAfter === undefined
              ? undefined
              : Duration.toMillis(Duration.decode(throttle.retryAfter)),
            sentAt: throttle.sentAt
          })))

    const onSuccess = (bucket: Bucket): Effect.Effect<void> =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => Ref.update(state, (s) => LimiterState.succeeded(s, bucket, now)))

    return RateLimiter.of({
      acquire,
      onThrottle,
      onSuccess,
      nextSlot: (bucket) =>
        Effect.flatMap(
          Clock.currentTimeMillis,
          (now) => Effect.map(Ref.get(state), (s) => LimiterState.nextSlot(s, bucket, now))
        ),
      pause: (duration) =>
        Effect.flatMap(
          Clock.currentTimeMillis,
          (now) => Ref.update(state, (s) => LimiterState.pause(s, now, Duration.toMillis(Duration.decode(duration))))
        ),
      pausedUntil: Effect.map(Ref.get(state), (s) => s.pausedUntil)
    })
  })

/**
 * The limiter for the configured budgets, with the adaptive rate on.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<RateLimiter, never, ScimConfig.ScimConfig> = Layer.effect(
  RateLimiter,
  Effect.flatMap(ScimConfig.ScimConfig, (config) => make(config.rateLimits))
)

/**
 * A limiter that never waits and ignores 429s: for tests that want no client-side pacing (429s
 * are then retried after the client's own backoff only).
 *
 * @since 0.2.0
 * @category layers
 */
export const layerDisabled: Layer.Layer<RateLimiter> = Layer.succeed(
  RateLimiter,
  RateLimiter.of({
    acquire: () => Effect.void,
    onThrottle: () => Effect.void,
    onSuccess: () => Effect.void,
    nextSlot: () => Clock.currentTimeMillis,
    pause: () => Effect.void,
    pausedUntil: Effect.succeed(0)
  })
)
