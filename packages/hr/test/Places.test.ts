// The batch's bound (internal): places handed out in order of arrival, those asked with
// `withPlaceFirst` (employees in flight, the Bulk lane) before the others, and none lost when a
// wait is interrupted.
import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Fiber } from "effect"
import * as Places from "../src/internal/places.js"

describe("places", () => {
  it.effect("a freed place goes to the first waiting with withPlaceFirst, then to the others in order", () =>
    Effect.gen(function*() {
      const places = yield* Places.make(1)
      const order: Array<string> = []
      const gate = yield* Deferred.make<void>()
      const holder = yield* Effect.fork(places.withPlace(Deferred.await(gate)))
      yield* Effect.yieldNow()
      const waiters = []
      for (const [name, first] of [["a", false], ["b", false], ["p", true], ["c", false], ["q", true]] as const) {
        const use = Effect.sync(() => void order.push(name))
        waiters.push(yield* Effect.fork(first ? places.withPlaceFirst(use) : places.withPlace(use)))
        yield* Effect.yieldNow()
      }
      assert.strictEqual(yield* places.inUse, 1)
      yield* Deferred.succeed(gate, undefined)
      yield* Fiber.join(holder)
      for (const w of waiters) yield* Fiber.join(w)
      assert.deepStrictEqual(order, ["p", "q", "a", "b", "c"])
      assert.strictEqual(yield* places.inUse, 0)
    }))

  it.effect("never more than n at once; an interrupted wait takes no place and loses none", () =>
    Effect.gen(function*() {
      const places = yield* Places.make(2)
      let now = 0
      let max = 0
      const work = places.withPlace(
        Effect.acquireUseRelease(
          Effect.sync(() => void (max = Math.max(max, ++now))),
          () => Effect.yieldNow(),
          () => Effect.sync(() => void now--)
        )
      )
      const gate = yield* Deferred.make<void>()
      const holders = yield* Effect.forEach([1, 2], () => Effect.fork(places.withPlace(Deferred.await(gate))))
      yield* Effect.yieldNow()
      const stuck = yield* Effect.fork(places.withPlaceFirst(Effect.void))
      yield* Effect.yieldNow()
      yield* Fiber.interrupt(stuck)
      yield* Deferred.succeed(gate, undefined)
      yield* Effect.forEach(holders, Fiber.join)
      yield* Effect.all(Array.from({ length: 50 }, () => work), { concurrency: "unbounded" })
      assert.strictEqual(max, 2)
      assert.strictEqual(yield* places.inUse, 0)
    }))
})
