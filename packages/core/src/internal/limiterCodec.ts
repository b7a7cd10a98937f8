/**
 * The limiter's state as JSON text, for a store shared by several processes (a database row).
 * What a store hands back is treated as hostile: another version of the library, a bug or a
 * person may have written it. Anything that is not a state this version wrote, within bounds, is
 * refused (`undefined`), and the caller starts afresh: a state that decodes can never hold the
 * limiter back longer than `horizonMillis` nor make it loop.
 *
 * A decoded state takes this runner's settings (budgets, adaptive or not) and keeps what was
 * measured and reserved: runners that share a budget should be configured alike, and each
 * enforces its own limits over the shared reservations.
 *
 * @internal
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Tolerant from "../Tolerant.js"
import * as LimiterState from "./limiterState.js"

/** The version of the encoding: a row written by another version decodes to nothing. @internal */
export const version = 1

/** The furthest ahead of the reader's clock a stored time may be (an hour). @internal */
export const horizonMillis = 60 * 60 * 1000

// Far above any real rate (requests a second) or count, far below what overflows arithmetic.
const maxRate = 1e7
const maxCount = 1e9
const maxProbes = 64

/** The longest text accepted under `fresh`'s budgets: what their slots take, plus the rest; at most 8 MiB. @internal */
export const maxChars = (fresh: LimiterState.State): number => {
  let slots = 0
  for (const b of LimiterState.buckets) slots += fresh.buckets[b].budget?.limit ?? 0
  return Math.min(8 * 1024 * 1024, 4096 + 24 * slots)
}

const Finite = Schema.Number.pipe(Schema.finite())
const Count = Schema.Number.pipe(Schema.int(), Schema.between(0, maxCount))
const Rate = Schema.Number.pipe(Schema.finite(), Schema.between(0, maxRate))

const Adaptive = Schema.Struct({
  enabled: Schema.Boolean,
  fillRate: Rate,
  capacity: Rate,
  tokens: Schema.Number.pipe(Schema.finite(), Schema.between(-maxCount, maxRate)),
  lastRefill: Finite,
  measuredRate: Rate,
  measureBucket: Finite,
  measureCount: Count,
  previousCount: Count,
  firstInBucket: Finite,
  lastMaxRate: Rate,
  lastThrottle: Finite
})

const Bucket = Schema.Struct({
  slots: Schema.optional(Schema.Array(Finite)),
  adaptive: Adaptive,
  pausedUntil: Finite,
  probes: Schema.Number.pipe(Schema.int(), Schema.between(0, maxProbes))
})

const Encoded = Schema.Struct({
  v: Schema.Literal(version),
  pausedUntil: Finite,
  buckets: Schema.Struct({ scim: Bucket, token: Bucket, bulk: Bucket })
})

const decodeEncoded = Schema.decodeUnknownEither(Encoded)

const bucketJson = (b: LimiterState.BucketState): typeof Bucket.Encoded => ({
  ...(b.budget === undefined ? {} : { slots: b.budget.slots }),
  adaptive: b.adaptive,
  pausedUntil: b.pausedUntil,
  probes: b.probes
})

/** The state as JSON text (the settings are not written: each reader brings its own). @internal */
export const encode = (state: LimiterState.State): string =>
  JSON.stringify(
    {
      v: version,
      pausedUntil: state.pausedUntil,
      buckets: {
        scim: bucketJson(state.buckets.scim),
        token: bucketJson(state.buckets.token),
        bulk: bucketJson(state.buckets.bulk)
      }
    } satisfies typeof Encoded.Encoded
  )

const ascending = (slots: ReadonlyArray<number>): boolean => {
  for (let i = 1; i < slots.length; i++) if (slots[i]! < slots[i - 1]!) return false
  return true
}

/**
 * The stored bucket under this runner's settings, or `undefined` when it could hold requests
 * back past the horizon: a pause, a reservation or a slowdown later than `now + horizonMillis`,
 * or a token debt the adaptive rate would take longer than that to pay.
 */
const bucketState = (
  stored: typeof Bucket.Type,
  fresh: LimiterState.BucketState,
  latest: number
): LimiterState.BucketState | undefined => {
  const a = stored.adaptive
  if (stored.pausedUntil > latest || a.lastThrottle > latest || a.lastRefill > latest) return undefined
  if (a.measureBucket > latest || a.firstInBucket > latest) return undefined
  if (a.fillRate < LimiterState.minFillRate || a.capacity < LimiterState.minCapacity || a.tokens > a.capacity) {
    return undefined
  }
  if (((1 - a.tokens) / a.fillRate) * 1000 > horizonMillis) return undefined
  let budget: LimiterState.Budget | undefined = undefined
  if (fresh.budget !== undefined) {
    const slots = stored.slots ?? []
    if (!ascending(slots) || (slots.length > 0 && slots[slots.length - 1]! > latest)) return undefined
    // The newest `limit` reservations: the ones a budget of this runner's limit looks at.
    budget = {
      ...fresh.budget,
      slots: slots.length > fresh.budget.limit ? slots.slice(slots.length - fresh.budget.limit) : slots
    }
  }
  return { budget, adaptive: a, pausedUntil: stored.pausedUntil, probes: stored.probes }
}

/**
 * The state in `text` under the settings of `fresh` (this runner's initial state), read at
 * `now`; `undefined` when the text is not a state this version wrote within bounds.
 *
 * @internal
 */
export const decode = (
  text: unknown,
  fresh: LimiterState.State,
  now: number
): LimiterState.State | undefined => {
  if (typeof text !== "string" || text.length > maxChars(fresh)) return undefined
  let json: unknown
  try {
    json = Tolerant.parseJson(text)
  } catch {
    return undefined
  }
  const decoded = decodeEncoded(json)
  if (Either.isLeft(decoded)) return undefined
  const stored = decoded.right
  const latest = now + horizonMillis
  if (stored.pausedUntil > latest) return undefined
  const scim = bucketState(stored.buckets.scim, fresh.buckets.scim, latest)
  const token = bucketState(stored.buckets.token, fresh.buckets.token, latest)
  const bulk = bucketState(stored.buckets.bulk, fresh.buckets.bulk, latest)
  if (scim === undefined || token === undefined || bulk === undefined) return undefined
  return { pausedUntil: stored.pausedUntil, adaptive: fresh.adaptive, buckets: { scim, token, bulk } }
}
