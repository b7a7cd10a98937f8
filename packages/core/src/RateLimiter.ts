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
 * on 429s instead (`retry.maxRateLimitWait`). The state lives in a `Ref` (`make`) or in any
 * {@link Store} (`makeWith`): `SharedBudget` of `@asgardeo-scim/workflow` keeps it in a database
 * row, so that runners behind one egress address share one budget and one pause. Another
 * implementation (`layerDisabled` for tests) can be provided as the `RateLimiter` service. Time
 * comes from Effect's `Clock`, so `TestClock` drives it.
 *
 * @since 0.1.0
 */
import * as Brand from "effect/Brand"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as LimiterCodec from "./internal/limiterCodec.js"
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
 * Options of {@link make} and of the state's constructors.
 *
 * @since 0.2.0
 * @category models
 */
export interface Options {
  /** Whether 429s adapt the send rate. Default true. */
  readonly adaptive?: boolean | undefined
}

/**
 * The limiter's state: budgets' reservations, the pauses, the adaptive rate. Opaque: a
 * {@link Store} keeps it, and writes it elsewhere with {@link encodeState} / {@link decodeState};
 * only {@link initialState} and {@link decodeState} make one.
 *
 * @since 0.5.0
 * @category models
 */
export type State = LimiterState.State & Brand.Brand<"@asgardeo-scim/core/RateLimiter/State">

const asState = Brand.nominal<State>()

/**
 * Where a limiter keeps its {@link State}: a `Ref` in the process ({@link make}), or somewhere
 * several processes share (`SharedBudget` of `@asgardeo-scim/workflow`, a database row). The
 * limiter's decisions are pure transitions of the state; a store only runs them atomically.
 *
 * - `get`: the current state (a read: nothing is reserved with it).
 * - `modify(f)`: runs `f` on the current state and the store's clock time (epoch ms, read once
 *   the store holds the state, from Effect's `Clock`), keeps the state it returns and succeeds
 *   with its value, as one atomic step: no other `modify`, of this process or another, sees
 *   the state in between. `f` is pure and may run more than once (a store may retry).
 *
 * Neither can fail: a store whose storage fails decides what to do (`SharedBudget` goes on with
 * a copy in memory and logs a warning), and must not hang. A store keeps the budgets of the state
 * it was made with.
 *
 * @since 0.5.0
 * @category models
 */
export interface Store {
  readonly get: Effect.Effect<State>
  readonly modify: <A>(f: (state: State, now: number) => readonly [A, State]) => Effect.Effect<A>
}

/**
 * The initial state for `budgets` (`undefined`: no budgets, only the pause and the adaptive
 * rate) at `now` (epoch ms).
 *
 * @since 0.5.0
 * @category constructors
 */
export const initialState = (
  budgets: ScimConfig.RateLimits | undefined,
  now: number,
  options: Options = {}
): State =>
  asState(LimiterState.make(
    budgets === undefined ? undefined : {
      scim: { limit: budgets.scim.limit, windowMillis: Duration.toMillis(budgets.scim.window) },
      token: { limit: budgets.token.limit, windowMillis: Duration.toMillis(budgets.token.window) },
      bulk: { limit: budgets.bulk.limit, windowMillis: Duration.toMillis(budgets.bulk.window) }
    },
    options.adaptive ?? true,
    now
  ))

/**
 * The state as JSON text, for a store outside the process. Settings (budgets, `adaptive`) are
 * not written: {@link decodeState} takes the reader's.
 *
 * @since 0.5.0
 * @category encoding
 */
export const encodeState = (state: State): string => LimiterCodec.encode(state)

/**
 * A state read back from JSON text written by {@link encodeState}, under the reader's settings
 * (`budgets`, `options`: those of {@link initialState}), at `now` (epoch ms). The text is treated
 * as hostile: `None` when it is not text, not JSON, longer than the budgets' reservations can
 * take, written by another version, or holds anything that would hold requests back more than an
 * hour from `now` (a pause, a reservation, a slowdown) or make the limiter loop. The caller then
 * starts from {@link initialState}. Reservations beyond the reader's limit are dropped (the
 * oldest): runners that share a state should be configured alike.
 *
 * @since 0.5.0
 * @category encoding
 */
export const decodeState = (
  text: unknown,
  budgets: ScimConfig.RateLimits | undefined,
  now: number,
  options: Options = {}
): Option.Option<State> => {
  const decoded = LimiterCodec.decode(text, initialState(budgets, now, options), now)
  return decoded === undefined ? Option.none() : Option.some(asState(decoded))
}

/**
 * A store over a `Ref` in this process: what {@link make} uses.
 *
 * @since 0.5.0
 * @category constructors
 */
export const storeFromRef = (ref: Ref.Ref<State>): Store => ({
  get: Ref.get(ref),
  modify: (f) => Effect.flatMap(Clock.currentTimeMillis, (now) => Ref.modify(ref, (s) => f(s, now)))
})

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
  Effect.flatMap(Clock.currentTimeMillis, (now) =>
    Effect.flatMap(
      Ref.make(initialState(budgets, now, options)),
      (ref) => makeWith(storeFromRef(ref))
    ))

/**
 * A limiter whose state lives in `store`: every decision is the same as {@link make}'s, each a
 * transition run by `store.modify`. A request costs one `modify` (two when it had to wait for
 * its slot) and `onSuccess` or `onThrottle` one more; a bucket without a budget that was never
 * paused nor throttled costs one `get` and nothing else.
 *
 * @since 0.5.0
 * @category constructors
 */
export const makeWith = (store: Store): Effect.Effect<Service> =>
  Effect.map(store.get, (initial) => {
    // Budgets never change in a store: a bucket with one is never idle, and skips the read.
    const budgeted = {
      scim: initial.buckets.scim.budget !== undefined,
      token: initial.buckets.token.budget !== undefined,
      bulk: initial.buckets.bulk.budget !== undefined
    }
    const update = (f: (s: LimiterState.State, now: number) => LimiterState.State): Effect.Effect<void> =>
      store.modify((s, now) => [undefined, asState(f(s, now))])

    // Reserves a slot and sleeps until it. A fiber that wakes while a pause holds the bucket, or
    // after the rate dropped, gives its slot back and queues again: after a 429, waiting fibers
    // go out spaced at the new rate instead of all at once when the pause ends.
    const reserve = (bucket: Bucket): Effect.Effect<void> =>
      Effect.flatMap(
        store.modify((s, now): readonly [readonly [number, number], State] => {
          if (LimiterState.isFree(s, bucket, now)) return [[now, now], s]
          const [at, next] = LimiterState.reserve(s, bucket, now)
          return [[at, now], asState(next)]
        }),
        ([at, now]) =>
          at <= now ? Effect.void : Effect.zipRight(
            Effect.sleep(Duration.millis(at - now)),
            Effect.flatMap(
              store.modify((s, woke): readonly [boolean, State] =>
                LimiterState.mustRequeue(s, bucket, now, woke)
                  ? [true, asState(LimiterState.cancel(s, bucket, at))]
                  : [false, asState(LimiterState.commit(s, bucket, at, woke))]
              ),
              (requeue) => requeue ? reserve(bucket) : Effect.void
            )
          )
      )

    const acquire = (bucket: Bucket): Effect.Effect<void> =>
      budgeted[bucket]
        ? reserve(bucket)
        // The common case (no budget, never throttled) reads no clock.
        : Effect.flatMap(store.get, (first) => LimiterState.isIdle(first, bucket) ? Effect.void : reserve(bucket))

    const onThrottle = (bucket: Bucket, throttle: Throttle = {}): Effect.Effect<void> =>
      update((s, now) =>
        LimiterState.throttled(s, bucket, now, {
          retryAfterMillis: throttle.retryAfter === undefined
            ? undefined
            : Duration.toMillis(Duration.decode(throttle.retryAfter)),
          sentAt: throttle.sentAt
        })
      )

    return RateLimiter.of({
      acquire,
      onThrottle,
      onSuccess: (bucket) => update((s, now) => LimiterState.succeeded(s, bucket, now)),
      nextSlot: (bucket) =>
        Effect.flatMap(
          Clock.currentTimeMillis,
          (now) => Effect.map(store.get, (s) => LimiterState.nextSlot(s, bucket, now))
        ),
      pause: (duration) => update((s, now) => LimiterState.pause(s, now, Duration.toMillis(Duration.decode(duration)))),
      pausedUntil: Effect.map(store.get, (s) => s.pausedUntil)
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
