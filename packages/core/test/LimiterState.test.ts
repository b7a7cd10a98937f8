// The rate limiter's transitions, without I/O.
import { assert, describe, it } from "@effect/vitest"
import * as LimiterState from "../src/internal/limiterState.js"

const budgets = {
  scim: { limit: 3, windowMillis: 1000 },
  token: { limit: 100, windowMillis: 60_000 },
  bulk: { limit: 5, windowMillis: 60_000 }
}

const reserveN = (state: LimiterState.State, n: number, now: number) => {
  const times: Array<number> = []
  let s = state
  for (let i = 0; i < n; i++) {
    const [at, next] = LimiterState.reserve(s, "scim", now)
    times.push(at)
    s = next
  }
  return { times, state: s }
}

describe("limiter state", () => {
  it("no budget, no 429 yet: every request goes at once and nothing is recorded", () => {
    const state = LimiterState.make(undefined, true, 0)
    assert.isTrue(LimiterState.isFree(state, "scim", 0))
    const [at, next] = LimiterState.reserve(state, "scim", 5)
    assert.strictEqual(at, 5)
    assert.strictEqual(next, state)
  })

  it("a budget: at most `limit` in any window (plus its margin), served in order", () => {
    const { times } = reserveN(LimiterState.make(budgets, false, 0), 7, 0)
    // window 1,000 ms + 20 ms margin
    assert.deepStrictEqual(times, [0, 0, 0, 1020, 1020, 1020, 2040])
  })

  it("a late wake-up moves the slot to when the request really went out", () => {
    const { state } = reserveN(LimiterState.make(budgets, false, 0), 4, 0)
    const moved = LimiterState.commit(state, "scim", 1020, 1500)
    // The slots at 0 ended their window (1,020 ms) before the reservation at 1,020: dropped.
    assert.deepStrictEqual(moved.buckets.scim.budget!.slots, [1500])
    // The window holds 1,500: two more at 1,100, the third a window after the first of them.
    const { times } = reserveN(moved, 3, 1100)
    assert.deepStrictEqual(times, [1100, 1100, 1100 + 1020])
  })

  it("slots whose window has ended are dropped: the state holds one window of requests, not `limit`", () => {
    const big = { ...budgets, scim: { limit: 5000, windowMillis: 1000 } }
    let state = LimiterState.make(big, false, 0)
    // 2 requests a millisecond for 3 seconds, none held back.
    for (let t = 0; t < 3000; t++) {
      for (let k = 0; k < 2; k++) {
        const [at, next] = LimiterState.reserve(state, "scim", t)
        assert.strictEqual(at, t)
        state = next
      }
    }
    // Only the last window (1,000 ms plus its 20 ms margin) is kept: 1,980 to 2,999.
    assert.strictEqual(state.buckets.scim.budget!.slots.length, 2 * 1020)
    // The limit still holds: at 3,000 the window keeps 1,981 to 2,999 (2,038 slots), so 2,962
    // more go at once and the next waits for the first of them to leave the window.
    const { times } = reserveN(state, 2963, 3000)
    assert.strictEqual(times[2961], 3000)
    assert.strictEqual(times[2962], 1981 + 1020)
  })

  it("a fiber that wakes more than a window late still counts where it really went out", () => {
    const two = { ...budgets, scim: { limit: 2, windowMillis: 1000 } }
    // Two at 0, the third reserved for 1,020 (the window plus its margin).
    const { state, times } = reserveN(LimiterState.make(two, false, 0), 3, 0)
    assert.deepStrictEqual(times, [0, 0, 1020])
    // Another at 2,040 drops the slots at 0 and 1,020; then the third fiber wakes at 2,100.
    const [at, later] = LimiterState.reserve(state, "scim", 2040)
    assert.strictEqual(at, 2040)
    const committed = LimiterState.commit(later, "scim", 1020, 2100)
    // 2,040 and 2,100 are in the window: the next waits until 2,040 leaves it.
    assert.strictEqual(LimiterState.reserve(committed, "scim", 2100)[0], 2040 + 1020)
  })

  it("Retry-After pauses every bucket", () => {
    const state = LimiterState.throttled(LimiterState.make(undefined, true, 0), "scim", 100, { retryAfterMillis: 2000 })
    assert.strictEqual(state.pausedUntil, 2100)
    assert.strictEqual(LimiterState.reserve(state, "bulk", 200)[0], 2100)
    assert.strictEqual(LimiterState.reserve(state, "token", 200)[0], 2100)
  })

  it("a lone 429 is a hint; from the second in a row the rate drops for every fiber, answers raise it again", () => {
    let state = LimiterState.make(undefined, true, 0)
    // 20 answers a second for two seconds, measured.
    for (let t = 0; t < 2000; t += 50) state = LimiterState.succeeded(state, "scim", t)
    // A lone 429 between other answers: no slowdown.
    const lone = LimiterState.succeeded(LimiterState.throttled(state, "scim", 2000, { sentAt: 1990 }), "scim", 2010)
    assert.isFalse(lone.buckets.scim.adaptive.enabled)
    assert.isTrue(LimiterState.isFree(lone, "scim", 2020))
    // Two in a row: the rate drops to 70 % of the measured rate, and the bucket pauses 0.5 s.
    state = LimiterState.throttled(state, "scim", 2000, { sentAt: 1990 })
    state = LimiterState.throttled(state, "scim", 2001, { sentAt: 1991 })
    const a = state.buckets.scim.adaptive
    assert.isTrue(a.enabled)
    assert.approximately(a.fillRate, 20 * 0.7, 3)
    assert.strictEqual(state.buckets.scim.pausedUntil, 2001 + 500)
    // The other buckets are untouched.
    assert.isFalse(state.buckets.bulk.adaptive.enabled)
    assert.isTrue(LimiterState.isFree(state, "bulk", 2100))
    // After the pause, one request at a time, spaced at the new rate (what the bucket refilled
    // during the pause shortens the first gap only).
    const { times } = reserveN(state, 6, 2100)
    assert.isAtLeast(times[0]!, 2501)
    for (let i = 1; i < times.length; i++) assert.isAbove(times[i]!, times[i - 1]!)
    for (let i = 2; i < times.length; i++) assert.isAtLeast(times[i]! - times[i - 1]!, 1000 / a.fillRate - 1)
    // A further 429 for a request sent after the drop: a lower rate and a longer pause.
    const third = LimiterState.throttled(state, "scim", 2600, { sentAt: 2550 })
    assert.isTrue(third.buckets.scim.adaptive.fillRate < a.fillRate)
    assert.strictEqual(third.buckets.scim.pausedUntil, 2600 + 1000)
    // Answers without 429 climb back (CUBIC) over a few seconds.
    let later = state
    for (let t = 2600; t < 12_000; t += 100) later = LimiterState.succeeded(later, "scim", t)
    assert.isAbove(later.buckets.scim.adaptive.fillRate, a.fillRate)
  })

  it("429s for requests sent before the last slowdown do not slow down again", () => {
    let state = LimiterState.make(undefined, true, 0)
    for (let t = 0; t < 2000; t += 50) state = LimiterState.succeeded(state, "scim", t)
    state = LimiterState.throttled(state, "scim", 2000, { sentAt: 1990 })
    state = LimiterState.throttled(state, "scim", 2000, { sentAt: 1990 })
    const rate = state.buckets.scim.adaptive.fillRate
    const pause = state.buckets.scim.pausedUntil
    // The rest of the burst, sent before 2,000, answered 429 after it.
    for (let t = 2001; t < 2040; t++) state = LimiterState.throttled(state, "scim", t, { sentAt: 1995 })
    assert.strictEqual(state.buckets.scim.adaptive.fillRate, rate)
    assert.strictEqual(state.buckets.scim.pausedUntil, pause)
  })

  it("the adaptive rate can be off: 429s only count for Retry-After", () => {
    const state = LimiterState.throttled(LimiterState.make(undefined, false, 0), "scim", 100, {})
    assert.isFalse(state.buckets.scim.adaptive.enabled)
    assert.isTrue(LimiterState.isFree(state, "scim", 200))
  })
})
