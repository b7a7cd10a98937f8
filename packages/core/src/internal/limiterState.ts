/**
 * The state of the client-side rate limiter and its transitions, as pure functions of the state
 * and the clock's time (milliseconds). `RateLimiter` keeps the state in a `Ref`; everything here
 * is tested without I/O.
 *
 * Three things decide when a request may go out, per bucket (`scim`, `token`, `bulk`):
 *
 * - the shared pause: a 429 with `Retry-After` stops every bucket until then;
 * - a budget (optional): at most `limit` requests in any sliding `window` (Asgardeo's published
 *   limits), as reservations so that waiting requests are served in order;
 * - the adaptive rate, after the AWS SDK's adaptive retry mode, for 429s without `Retry-After`
 *   (with one, the server said how long to wait: the pause is enough): off until the server
 *   throttles; then a 429 lowers the send rate (CUBIC: to 70 % of the measured rate), each other answer
 *   raises it again along the CUBIC curve; requests take tokens from a bucket refilled at that
 *   rate. A lone 429 between other answers is only a hint (a server at its limit answers 429 to
 *   everything): the rate drops from the second 429 in a row. A 429 for a request sent before
 *   the last drop does not lower the rate again, so a burst of 429s answering one burst of
 *   requests counts as one signal;
 * - a probe pause: with each drop (Asgardeo sends no `Retry-After`; its limits are counted in
 *   windows of a minute), the bucket also pauses for a time that doubles
 *   with each further 429 (0.5 s up to 30 s) and resets with the first other answer, then lets
 *   one request through at a time, so that fibers wait for the server's window to end instead of
 *   spending 429s on it.
 *
 * @internal
 */

/** @internal */
export type Bucket = "scim" | "token" | "bulk"

/** @internal */
export const buckets: ReadonlyArray<Bucket> = ["scim", "token", "bulk"]

/** Reservations of the last `limit` requests, ascending. @internal */
export interface Budget {
  readonly limit: number
  readonly windowMillis: number
  readonly slots: ReadonlyArray<number>
}

/** @internal */
export interface Adaptive {
  /** On after the first 429. */
  readonly enabled: boolean
  /** Tokens a second. */
  readonly fillRate: number
  readonly capacity: number
  /** Negative while requests are waiting for tokens already reserved. */
  readonly tokens: number
  readonly lastRefill: number
  /** Answers a second, smoothed over half-second buckets. */
  readonly measuredRate: number
  readonly measureBucket: number
  readonly measureCount: number
  /** Answers in the half-second before `measureBucket` (0 when that half-second was idle). */
  readonly previousCount: number
  /** When the first answer of `measureBucket` arrived. */
  readonly firstInBucket: number
  /** The rate at the last decrease, the top of the CUBIC curve. */
  readonly lastMaxRate: number
  readonly lastThrottle: number
}

/** @internal */
export interface BucketState {
  readonly budget: Budget | undefined
  readonly adaptive: Adaptive
  /** The probe pause of this bucket (429s without `Retry-After`). */
  readonly pausedUntil: number
  /** 429s without `Retry-After` since the last other answer. */
  readonly probes: number
}

/** @internal */
export interface State {
  readonly pausedUntil: number
  readonly adaptive: boolean
  readonly buckets: { readonly [B in Bucket]: BucketState }
}

// The AWS SDK's constants (DefaultRateLimiter).
const beta = 0.7
const scaleConstant = 0.4
const smooth = 0.8
/** The lowest send rate (requests a second) the adaptive rate drops to. @internal */
export const minFillRate = 0.5
/** The fewest tokens the adaptive bucket holds. @internal */
export const minCapacity = 1
const measureMillis = 500
const probeBaseMillis = 500
const probeMaxMillis = 30_000

/** @internal */
export const initialAdaptive = (now: number): Adaptive => ({
  enabled: false,
  fillRate: minFillRate,
  capacity: minCapacity,
  tokens: 0,
  lastRefill: now,
  measuredRate: 0,
  measureBucket: Math.floor(now / measureMillis) * measureMillis,
  measureCount: 0,
  previousCount: 0,
  firstInBucket: now,
  lastMaxRate: 0,
  lastThrottle: now
})

/**
 * The initial state. `budgets`: per bucket, a limit and a window (a small margin is added to the
 * window: the server counts a request when it arrives, a moment after it was sent, and may count
 * in fixed windows). `adaptive`: whether 429s adapt the send rate.
 *
 * @internal
 */
export const make = (
  budgets: { readonly [B in Bucket]: { readonly limit: number; readonly windowMillis: number } } | undefined,
  adaptive: boolean,
  now: number
): State => {
  const bucket = (b: Bucket): BucketState => ({
    budget: budgets === undefined ? undefined : {
      limit: budgets[b].limit,
      windowMillis: budgets[b].windowMillis + Math.min(1000, budgets[b].windowMillis / 50),
      slots: []
    },
    adaptive: initialAdaptive(now),
    pausedUntil: 0,
    probes: 0
  })
  return { pausedUntil: 0, adaptive, buckets: { scim: bucket("scim"), token: bucket("token"), bulk: bucket("bulk") } }
}

const withBucket = (state: State, bucket: Bucket, next: BucketState): State => ({
  ...state,
  buckets: { ...state.buckets, [bucket]: next }
})

// -------------------------------------------------------------------------------------------------
// the budget window
// -------------------------------------------------------------------------------------------------

/** The earliest time at or after `earliest` the budget allows a request. @internal */
export const budgetSlot = (budget: Budget | undefined, earliest: number): number => {
  if (budget === undefined || budget.slots.length < budget.limit) return earliest
  return Math.max(earliest, budget.slots[budget.slots.length - budget.limit]! + budget.windowMillis)
}

/**
 * `slots` with `at` inserted in order, keeping the last `limit`. Slots at or before `expired`
 * (`now - windowMillis`) can no longer hold a request back, so they are dropped: the array stays
 * as long as the requests of one window, not `limit` (one copy per reservation, and a budget of
 * 100,000 a second made that copy the client's largest cost).
 */
const insertSorted = (slots: ReadonlyArray<number>, at: number, limit: number, expired: number): Array<number> => {
  let start = 0
  while (start < slots.length && slots[start]! <= expired) start++
  let i = slots.length
  while (i > start && slots[i - 1]! > at) i--
  const next = slots.slice(start, i)
  next.push(at)
  for (let j = i; j < slots.length; j++) next.push(slots[j]!)
  return next.length > limit ? next.slice(next.length - limit) : next
}

const refill = (a: Adaptive, now: number): Adaptive => {
  if (!a.enabled || now <= a.lastRefill) return a
  return {
    ...a,
    tokens: Math.min(a.capacity, a.tokens + ((now - a.lastRefill) / 1000) * a.fillRate),
    lastRefill: now
  }
}

const measure = (a: Adaptive, now: number): Adaptive => {
  const bucket = Math.floor(now / measureMillis) * measureMillis
  if (bucket <= a.measureBucket) {
    return { ...a, measureCount: a.measureCount + 1, firstInBucket: a.measureCount === 0 ? now : a.firstInBucket }
  }
  const rate = a.measureCount / ((bucket - a.measureBucket) / 1000)
  return {
    ...a,
    measuredRate: rate * smooth + a.measuredRate * (1 - smooth),
    measureBucket: bucket,
    measureCount: 1,
    previousCount: bucket - a.measureBucket === measureMillis ? a.measureCount : 0,
    firstInBucket: now
  }
}

// The rate of the last moment (the smoothed measure lags behind a burst and is diluted by idle
// time before it): the answers of the current half-second and of the one before it, or, after an
// idle half-second, those since the first answer of the current one (at least 100 ms).
const recentRate = (a: Adaptive, now: number): number =>
  a.previousCount > 0
    ? (a.previousCount + a.measureCount) / ((Math.max(0, now - a.measureBucket) + measureMillis) / 1000)
    : a.measureCount / (Math.max(100, now - a.firstInBucket) / 1000)

const measuredOrCurrent = (a: Adaptive, now: number): number => Math.max(a.measuredRate, recentRate(a, now))

const timeWindow = (lastMaxRate: number): number => Math.cbrt((lastMaxRate * (1 - beta)) / scaleConstant)

const cubicSuccess = (a: Adaptive, now: number): number =>
  scaleConstant * Math.pow((now - a.lastThrottle) / 1000 - timeWindow(a.lastMaxRate), 3) + a.lastMaxRate

const setRate = (a: Adaptive, rate: number, now: number): Adaptive => {
  const refilled = refill(a, now)
  const fillRate = Math.max(rate, minFillRate)
  const capacity = Math.max(rate, minCapacity)
  return { ...refilled, fillRate, capacity, tokens: Math.min(refilled.tokens, capacity) }
}

/** The wait (ms) for a token and the state with it taken; no wait while the rate is not adapted. */
const takeToken = (a: Adaptive, now: number): readonly [number, Adaptive] => {
  if (!a.enabled) return [0, a]
  const r = refill(a, now)
  const wait = r.tokens >= 1 ? 0 : Math.ceil(((1 - r.tokens) / r.fillRate) * 1000)
  return [wait, { ...r, tokens: r.tokens - 1 }]
}

// -------------------------------------------------------------------------------------------------
// transitions
// -------------------------------------------------------------------------------------------------

/**
 * Reserves the earliest time a request in `bucket` may go out: after the pause, within the
 * budget, with a token of the adaptive rate. Returns that time and the state with the
 * reservation made.
 *
 * @internal
 */
export const reserve = (state: State, bucket: Bucket, now: number): readonly [number, State] => {
  const b = state.buckets[bucket]
  const earliest = Math.max(now, state.pausedUntil, b.pausedUntil)
  const [tokenWait, adaptive] = takeToken(b.adaptive, now)
  // Tokens are spaced from the end of a pause: after it, one request at a time.
  const at = budgetSlot(b.budget, earliest + tokenWait)
  if (b.budget === undefined && adaptive === b.adaptive) return [at, state]
  return [
    at,
    withBucket(state, bucket, {
      ...b,
      adaptive,
      budget: b.budget === undefined ? undefined : {
        ...b.budget,
        slots: insertSorted(b.budget.slots, at, b.budget.limit, now - b.budget.windowMillis)
      }
    })
  ]
}

/**
 * Records that a request reserved for `reserved` really went out at `sent` (a fiber can wake
 * late on a busy event loop): its budget slot moves to `sent`.
 *
 * @internal
 */
export const commit = (state: State, bucket: Bucket, reserved: number, sent: number): State => {
  const budget = state.buckets[bucket].budget
  if (budget === undefined || sent <= reserved) return state
  // The reservation may be gone (its window ended before a later reservation, or newer ones
  // pushed it out): the request still went out at `sent` and counts there.
  const i = budget.slots.indexOf(reserved)
  const rest = i === -1 ? budget.slots : [...budget.slots.slice(0, i), ...budget.slots.slice(i + 1)]
  return withBucket(state, bucket, {
    ...state.buckets[bucket],
    budget: { ...budget, slots: insertSorted(rest, sent, budget.limit, reserved - budget.windowMillis) }
  })
}

/**
 * Gives back a reservation that was not used (its fiber woke after a pause or a slowdown began,
 * and queues again): its budget slot is freed and its token returned, without building up a
 * burst (the bucket is not refilled above empty by it).
 *
 * @internal
 */
export const cancel = (state: State, bucket: Bucket, reserved: number): State => {
  const b = state.buckets[bucket]
  const budget = b.budget
  const i = budget === undefined ? -1 : budget.slots.indexOf(reserved)
  return withBucket(state, bucket, {
    ...b,
    budget: budget === undefined || i === -1
      ? budget
      : { ...budget, slots: [...budget.slots.slice(0, i), ...budget.slots.slice(i + 1)] },
    adaptive: b.adaptive.enabled && b.adaptive.tokens < 0
      ? { ...b.adaptive, tokens: Math.min(0, b.adaptive.tokens + 1) }
      : b.adaptive
  })
}

/**
 * Whether a fiber that reserved at `reservedAt` must queue again when it wakes at `now`: a pause
 * holds the bucket, or the rate dropped after it reserved.
 *
 * @internal
 */
export const mustRequeue = (state: State, bucket: Bucket, reservedAt: number, now: number): boolean =>
  pauseEnd(state, bucket) > now || state.buckets[bucket].adaptive.lastThrottle > reservedAt

/** The earliest time a request in `bucket` could go out, without reserving it. @internal */
export const nextSlot = (state: State, bucket: Bucket, now: number): number => {
  const b = state.buckets[bucket]
  const [tokenWait] = takeToken(b.adaptive, now)
  return budgetSlot(b.budget, Math.max(now, state.pausedUntil, b.pausedUntil) + tokenWait)
}

/**
 * A 429. With `retryAfterMillis`, every bucket pauses until then, and nothing else changes.
 * Without, from the second 429 in a row, the adaptive rate of `bucket` drops to 70 % of the
 * measured rate and the bucket pauses (a probe), unless the throttled request was sent before
 * the last drop (`sentAt`), which already accounted for it.
 *
 * @internal
 */
export const throttled = (
  state: State,
  bucket: Bucket,
  now: number,
  info: { readonly retryAfterMillis?: number | undefined; readonly sentAt?: number | undefined } = {}
): State => {
  const pausedUntil = info.retryAfterMillis === undefined
    ? state.pausedUntil
    : Math.max(state.pausedUntil, now + Math.max(0, info.retryAfterMillis))
  const b = state.buckets[bucket]
  let a = measure(b.adaptive, now)
  const stale = a.enabled && info.sentAt !== undefined && info.sentAt <= a.lastThrottle
  // A Retry-After says exactly how long to wait: it is honoured (the shared pause), and the rate
  // is left alone. Without one, the client has to find the rate the server accepts.
  if (!state.adaptive || stale || info.retryAfterMillis !== undefined) {
    return withBucket({ ...state, pausedUntil }, bucket, { ...b, adaptive: a })
  }
  // A lone 429 between other answers is a hint, not a signal: a server at its limit answers 429
  // to everything. From the second in a row, the rate drops for every fiber and, without a
  // Retry-After, the bucket pauses for a time that doubles with each further 429, then sends one
  // request at a time.
  if (b.probes === 0) return withBucket({ ...state, pausedUntil }, bucket, { ...b, adaptive: a, probes: 1 })
  const measured = measuredOrCurrent(a, now)
  const rateToUse = a.enabled ? Math.min(measured, a.fillRate) : measured
  a = { ...a, enabled: true, lastMaxRate: rateToUse, lastThrottle: now, lastRefill: a.enabled ? a.lastRefill : now }
  a = setRate(a, rateToUse * beta, now)
  const probe = Math.min(probeMaxMillis, probeBaseMillis * 2 ** (b.probes - 1))
  return withBucket({ ...state, pausedUntil }, bucket, {
    ...b,
    adaptive: { ...a, tokens: Math.min(a.tokens, 0) },
    pausedUntil: Math.max(b.pausedUntil, now + probe),
    probes: b.probes + 1
  })
}

/**
 * An answer that was not a 429: the adaptive rate of `bucket` climbs back along the CUBIC curve
 * (at most twice the measured rate).
 *
 * @internal
 */
export const succeeded = (state: State, bucket: Bucket, now: number): State => {
  const b = state.buckets[bucket]
  let a = measure(b.adaptive, now)
  if (a.enabled) {
    a = setRate(a, Math.min(cubicSuccess(a, now), 2 * Math.max(measuredOrCurrent(a, now), minFillRate)), now)
  }
  return withBucket(state, bucket, { ...b, adaptive: a, probes: 0 })
}

/** When the pauses that hold `bucket` end (the shared one and its probe pause). @internal */
export const pauseEnd = (state: State, bucket: Bucket): number =>
  Math.max(state.pausedUntil, state.buckets[bucket].pausedUntil)

/** Pauses every bucket until `now + millis` (or later, if already paused longer). @internal */
export const pause = (state: State, now: number, millis: number): State => ({
  ...state,
  pausedUntil: Math.max(state.pausedUntil, now + Math.max(0, millis))
})

/** Whether `bucket` has nothing to do whatever the time: no budget, never paused or throttled. @internal */
export const isIdle = (state: State, bucket: Bucket): boolean => {
  const b = state.buckets[bucket]
  return b.budget === undefined && !b.adaptive.enabled && state.pausedUntil === 0 && b.pausedUntil === 0
}

/** Whether a request in `bucket` may go out at `now` without any wait or bookkeeping. @internal */
export const isFree = (state: State, bucket: Bucket, now: number): boolean => {
  const b = state.buckets[bucket]
  return b.budget === undefined && !b.adaptive.enabled && state.pausedUntil <= now && b.pausedUntil <= now
}
