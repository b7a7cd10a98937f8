/**
 * The client-side rate limiter shared by every fiber of a client: one sliding-window budget per
 * bucket (`scim`, `token`, `bulk`) and a shared pause. A 429 pauses the whole limiter for its
 * `Retry-After`, so every fiber waits instead of each hammering the server.
 *
 * A request takes the earliest slot at which the bucket had fewer than `limit` requests in the
 * preceding `window`, and sleeps until then: no request over the budget is ever sent, and waiting
 * fibers are served in order. Time comes from Effect's `Clock`, so `TestClock` drives it.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as AsgardeoConfig from "./AsgardeoConfig.js"

/**
 * @since 0.1.0
 * @category models
 */
export type Bucket = keyof AsgardeoConfig.RateLimits

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Waits for a slot in the bucket (and for any pause to end). */
  readonly acquire: (bucket: Bucket) => Effect.Effect<void>
  /** The earliest time (epoch ms) a request in the bucket could go out, without reserving it. */
  readonly nextSlot: (bucket: Bucket) => Effect.Effect<number>
  /** Pauses every bucket for `duration` from now (a 429's `Retry-After`). */
  readonly pause: (duration: Duration.DurationInput) => Effect.Effect<void>
  /** The end of the current pause, in epoch milliseconds (0 when none). */
  readonly pausedUntil: Effect.Effect<number>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class RateLimiter extends Context.Tag("@asgardeo-scim/core/RateLimiter")<RateLimiter, Service>() {}

class Window {
  private readonly slots: Array<number>
  private next = 0
  constructor(readonly limit: number, readonly windowMillis: number) {
    this.slots = new Array<number>(limit).fill(Number.NEGATIVE_INFINITY)
  }
  /** The earliest slot at or after `earliest`, without reserving it. */
  peek(earliest: number): number {
    return Math.max(earliest, this.slots[this.next]! + this.windowMillis)
  }
  /** Reserves the earliest slot at or after `earliest`; returns its index and time. */
  reserve(earliest: number): readonly [number, number] {
    const index = this.next
    const at = Math.max(earliest, this.slots[index]! + this.windowMillis)
    this.slots[index] = at
    this.next = (index + 1) % this.limit
    return [index, at]
  }
  /** Records when the request really went out (a fiber can wake late on a busy event loop). */
  commit(index: number, at: number): void {
    if (at > this.slots[index]!) this.slots[index] = at
  }
}

/**
 * Builds a limiter. `budgets` undefined: no budgets, only the shared pause.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (budgets: AsgardeoConfig.RateLimits | undefined): Service => {
  let pausedUntil = 0
  const windows: Partial<Record<Bucket, Window>> = {}
  if (budgets !== undefined) {
    for (const key of ["scim", "token", "bulk"] as const) {
      // A small margin on the window (1/50, at most 1 s): the server counts a request when it
      // arrives, a moment after we sent it, and may count in fixed windows.
      const window = Duration.toMillis(budgets[key].window)
      windows[key] = new Window(budgets[key].limit, window + Math.min(1000, window / 50))
    }
  }
  // Sleeps until the pause (which may be extended meanwhile) is over.
  const waitPause: Effect.Effect<void> = Effect.flatMap(Clock.currentTimeMillis, (now) =>
    pausedUntil > now
      ? Effect.zipRight(Effect.sleep(Duration.millis(pausedUntil - now)), Effect.suspend(() => waitPause))
      : Effect.void)
  const acquire = (bucket: Bucket): Effect.Effect<void> => {
    const window = windows[bucket]
    if (window === undefined) return Effect.suspend(() => pausedUntil === 0 ? Effect.void : waitPause)
    return Effect.flatMap(Clock.currentTimeMillis, (now) => {
      // Synchronous: atomic with respect to other fibers.
      const [index, at] = window.reserve(Math.max(now, pausedUntil))
      if (at <= now) return Effect.void
      return Effect.zipRight(
        Effect.sleep(Duration.millis(at - now)),
        Effect.zipRight(waitPause, Effect.map(Clock.currentTimeMillis, (woke) => window.commit(index, woke)))
      )
    })
  }
  const pause = (duration: Duration.DurationInput): Effect.Effect<void> =>
    Effect.map(Clock.currentTimeMillis, (now) => {
      pausedUntil = Math.max(pausedUntil, now + Duration.toMillis(Duration.decode(duration)))
    })
  const nextSlot = (bucket: Bucket): Effect.Effect<number> =>
    Effect.map(Clock.currentTimeMillis, (now) => {
      const earliest = Math.max(now, pausedUntil)
      return windows[bucket]?.peek(earliest) ?? earliest
    })
  return { acquire, nextSlot, pause, pausedUntil: Effect.sync(() => pausedUntil) }
}

/**
 * The limiter for the configured budgets.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<RateLimiter, never, AsgardeoConfig.AsgardeoConfig> = Layer.effect(
  RateLimiter,
  Effect.map(AsgardeoConfig.AsgardeoConfig, (config) => make(config.rateLimits))
)
