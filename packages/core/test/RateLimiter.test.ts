// The limiter over a store of its own (makeWith), and its state as JSON text read back as hostile.
import { RateLimiter } from "@asgardeo-scim/core"
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Fiber, Option, Ref, TestClock } from "effect"

const budgets = {
  scim: { limit: 2, window: Duration.seconds(1) },
  token: { limit: 3, window: Duration.minutes(1) },
  bulk: { limit: 1, window: Duration.minutes(1) }
}

type Call =
  | { readonly _tag: "get" }
  | { readonly _tag: "modify"; readonly now: number; readonly before: string; readonly after: string }

/** A store over a Ref that records every call and every transition it runs. */
const recordingStore = (initial: RateLimiter.State) =>
  Effect.gen(function*() {
    const ref = yield* Ref.make(initial)
    const calls: Array<Call> = []
    const inner = RateLimiter.storeFromRef(ref)
    const store: RateLimiter.Store = {
      get: Effect.suspend(() => {
        calls.push({ _tag: "get" })
        return inner.get
      }),
      modify: (f) =>
        inner.modify((s, now) => {
          const [a, next] = f(s, now)
          calls.push({ _tag: "modify", now, before: RateLimiter.encodeState(s), after: RateLimiter.encodeState(next) })
          return [a, next]
        })
    }
    return { store, calls, ref }
  })

const slots = (state: RateLimiter.State, bucket: RateLimiter.Bucket) => {
  const json = JSON.parse(RateLimiter.encodeState(state))
  return json.buckets[bucket].slots as ReadonlyArray<number>
}

describe("RateLimiter.makeWith", () => {
  it.effect("every transition goes through the store: one modify a request, two when it waited", () =>
    Effect.gen(function*() {
      const { calls, ref, store } = yield* recordingStore(RateLimiter.initialState(budgets, 0))
      const limiter = yield* RateLimiter.makeWith(store)
      calls.length = 0

      yield* limiter.acquire("scim")
      yield* limiter.acquire("scim")
      assert.deepStrictEqual(calls.map((c) => c._tag), ["modify", "modify"])
      assert.deepStrictEqual(slots(yield* Ref.get(ref), "scim"), [0, 0])

      // The third waits for the window (1,000 ms plus its 20 ms margin): a reservation, then a commit.
      const third = yield* Effect.fork(limiter.acquire("scim"))
      yield* TestClock.adjust("1019 millis")
      assert.isNull(third.unsafePoll())
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(third)
      assert.deepStrictEqual(calls.map((c) => c._tag), ["modify", "modify", "modify", "modify"])
      assert.deepStrictEqual(calls.map((c) => c._tag === "modify" ? c.now : -1), [0, 0, 0, 1020])
      assert.deepStrictEqual(slots(yield* Ref.get(ref), "scim"), [0, 0, 1020].slice(-2))

      calls.length = 0
      yield* limiter.onSuccess("scim")
      yield* limiter.onThrottle("scim", { retryAfter: "5 seconds" })
      yield* limiter.pause("10 seconds")
      assert.deepStrictEqual(calls.map((c) => c._tag), ["modify", "modify", "modify"])
      // Each transition changed the stored state: the answer measured, the 429's pause, the longer pause.
      for (const call of calls) if (call._tag === "modify") assert.notStrictEqual(call.after, call.before)
      assert.strictEqual(yield* limiter.pausedUntil, 1020 + 10_000)
      assert.strictEqual(yield* limiter.nextSlot("bulk"), 1020 + 10_000)
    }))

  it.effect("two limiters over one store share the budget and the pause", () =>
    Effect.gen(function*() {
      const { store } = yield* recordingStore(RateLimiter.initialState(budgets, 0))
      const a = yield* RateLimiter.makeWith(store)
      const b = yield* RateLimiter.makeWith(store)
      yield* a.acquire("bulk")
      // The budget of one Bulk request a minute is spent by `a`: `b` waits for the next window.
      const waiting = yield* Effect.fork(b.acquire("bulk"))
      yield* TestClock.adjust("59 seconds")
      assert.isNull(waiting.unsafePoll())
      yield* TestClock.adjust("2 seconds")
      yield* Fiber.join(waiting)

      // A 429 seen by `a` pauses `b`.
      yield* a.onThrottle("scim", { retryAfter: "3 seconds" })
      assert.strictEqual(yield* b.pausedUntil, 61_000 + 3000)
      const paused = yield* Effect.fork(b.acquire("scim"))
      yield* TestClock.adjust("2999 millis")
      assert.isNull(paused.unsafePoll())
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(paused)
    }))

  it.effect("a bucket without a budget, never throttled, costs one read and no transition", () =>
    Effect.gen(function*() {
      const { calls, store } = yield* recordingStore(RateLimiter.initialState(undefined, 0))
      const limiter = yield* RateLimiter.makeWith(store)
      calls.length = 0
      yield* limiter.acquire("scim")
      assert.deepStrictEqual(calls.map((c) => c._tag), ["get"])
      // Once paused, the bucket goes through the store's transitions.
      yield* limiter.pause("10 millis")
      calls.length = 0
      const fiber = yield* Effect.fork(limiter.acquire("scim"))
      yield* TestClock.adjust("10 millis")
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(calls.map((c) => c._tag), ["get", "modify", "modify"])
    }))
})

describe("RateLimiter state as JSON", () => {
  const now = 1_000_000
  const written = Effect.gen(function*() {
    const { ref, store } = yield* recordingStore(RateLimiter.initialState(budgets, now))
    const limiter = yield* RateLimiter.makeWith(store)
    yield* TestClock.setTime(now)
    yield* limiter.acquire("scim")
    yield* limiter.acquire("scim")
    yield* limiter.onThrottle("token")
    yield* limiter.onThrottle("token")
    yield* limiter.onThrottle("scim", { retryAfter: "2 seconds" })
    return yield* Ref.get(ref)
  })

  it.effect("round trip: what was reserved, measured and paused comes back", () =>
    Effect.gen(function*() {
      const state = yield* written
      const text = RateLimiter.encodeState(state)
      const back = RateLimiter.decodeState(text, budgets, now)
      assert.isTrue(Option.isSome(back))
      assert.strictEqual(RateLimiter.encodeState(Option.getOrThrow(back)), text)
      // A limiter over the decoded state is paused as the writer was.
      const limiter = yield* RateLimiter.makeWith(RateLimiter.storeFromRef(yield* Ref.make(Option.getOrThrow(back))))
      assert.strictEqual(yield* limiter.pausedUntil, now + 2000)
    }))

  it.effect("the reader's budgets apply: reservations beyond its limit are dropped, the oldest first", () =>
    Effect.gen(function*() {
      const wide = { ...budgets, scim: { limit: 5, window: Duration.seconds(1) } }
      const { ref, store } = yield* recordingStore(RateLimiter.initialState(wide, 0))
      const limiter = yield* RateLimiter.makeWith(store)
      for (let i = 0; i < 4; i++) {
        yield* limiter.acquire("scim")
        yield* TestClock.adjust("10 millis")
      }
      const text = RateLimiter.encodeState(yield* Ref.get(ref))
      const narrow = Option.getOrThrow(RateLimiter.decodeState(text, budgets, 40))
      assert.deepStrictEqual(slots(narrow, "scim"), [20, 30])
      // Without budgets the reader keeps no reservations.
      assert.isUndefined(slots(Option.getOrThrow(RateLimiter.decodeState(text, undefined, 40)), "scim"))
    }))

  it.effect("hostile text is refused (a fresh state instead), never a crash", () =>
    Effect.gen(function*() {
      const state = yield* written
      const good = JSON.parse(RateLimiter.encodeState(state))
      const withBucket = (patch: Record<string, unknown>) =>
        JSON.stringify({ ...good, buckets: { ...good.buckets, scim: { ...good.buckets.scim, ...patch } } })
      const withAdaptive = (patch: Record<string, unknown>) =>
        withBucket({ adaptive: { ...good.buckets.scim.adaptive, ...patch } })
      const refused: Record<string, unknown> = {
        "not text": 42,
        "null": null,
        "empty": "",
        "not JSON": "{\"v\":1,",
        "garbage": "\u0000\u0001 ;DROP TABLE",
        "an array": "[1,2,3]",
        "another version": JSON.stringify({ ...good, v: 2 }),
        "no version": JSON.stringify({ ...good, v: undefined }),
        "a string for a number": JSON.stringify({ ...good, pausedUntil: "0" }),
        "an overflowing number": RateLimiter.encodeState(state).replace(/"pausedUntil":\d+/, "\"pausedUntil\":1e400"),
        "a missing bucket": JSON.stringify({
          ...good,
          buckets: { scim: good.buckets.scim, token: good.buckets.token }
        }),
        "slots of strings": withBucket({ slots: ["0"] }),
        "slots out of order": withBucket({ slots: [5, 1] }),
        "a huge array": withBucket({ slots: Array.from({ length: 200_000 }, (_, i) => i) }),
        "a reservation days ahead": withBucket({ slots: [now + 3 * 86_400_000] }),
        "a pause days ahead": JSON.stringify({ ...good, pausedUntil: now + 3 * 86_400_000 }),
        "a probe pause days ahead": withBucket({ pausedUntil: now + 3 * 86_400_000 }),
        "a slowdown from the future": withAdaptive({ lastThrottle: now + 3 * 86_400_000 }),
        "a rate of zero": withAdaptive({ fillRate: 0 }),
        "a negative rate": withAdaptive({ fillRate: -1 }),
        "a debt of tokens for days": withAdaptive({ enabled: true, tokens: -1e8 }),
        "more tokens than the capacity": withAdaptive({ tokens: 1e6 }),
        "fractional probes": withBucket({ probes: 1.5 }),
        "nested far too deep": "[".repeat(100_000) + "]".repeat(100_000)
      }
      for (const [name, text] of Object.entries(refused)) {
        assert.isTrue(Option.isNone(RateLimiter.decodeState(text, budgets, now)), name)
      }
      // A `__proto__` key is dropped, not assigned: the state decodes without it.
      const proto = RateLimiter.encodeState(state).replace("{", "{\"__proto__\":{\"x\":1},")
      const decoded = Option.getOrThrow(RateLimiter.decodeState(proto, budgets, now))
      assert.strictEqual(RateLimiter.encodeState(decoded), RateLimiter.encodeState(state))
    }))
})
