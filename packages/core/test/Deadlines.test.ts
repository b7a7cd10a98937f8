// The per-attempt deadlines, without I/O: on an engine that honors `RequestAbort` and on any other
// (interruption), driven by TestClock; and under a load where no timer runs (a clock whose sleep
// never ends): deadlines fire when other attempts start or end, and the queue stays flat.
import { RequestAbort } from "@asgardeo-scim/core"
import { assert, describe, it } from "@effect/vitest"
import { Clock, Duration, Effect, Either, Exit, Fiber, FiberRef, Scope, TestClock } from "effect"
import * as Deadlines from "../src/internal/deadlines.js"

class Timeout {
  readonly _tag = "Timeout"
}

/** An engine request that honors the protocol: it ends only when aborted, failing. */
const honoringRequest = (current: RequestAbort.Current, aborts: Array<string>, name: string) =>
  Effect.flatMap(FiberRef.get(current), (handle) =>
    Effect.async<never, string>((resume) => {
      handle?.onAbort(() => {
        aborts.push(name)
        resume(Effect.fail(`${name} aborted`))
      })
    }))

/** Deadlines for an honoring engine (with its `Current`) or any other. */
const makeDeadlines = (timeout: Duration.Duration, scope: Scope.Scope, honored: boolean) =>
  Effect.map(Scope.extend(RequestAbort.makeCurrent, scope), (current) => ({
    current,
    deadlines: Deadlines.make(timeout, scope, honored ? current : undefined)
  }))

/** A clock whose time is set by the test and whose sleep never ends: no timer runs. */
const frozenTimers = () => {
  let now = 0
  const clock: Clock.Clock = {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: () => now,
    unsafeCurrentTimeNanos: () => BigInt(now) * 1_000_000n,
    currentTimeMillis: Effect.sync(() => now),
    currentTimeNanos: Effect.sync(() => BigInt(now) * 1_000_000n),
    sleep: () => Effect.never
  }
  return { clock, advance: (millis: number) => void (now += millis) }
}

const withScope = <A, E, R>(f: (scope: Scope.Scope) => Effect.Effect<A, E, R>) =>
  Effect.flatMap(Scope.make(), (scope) => Effect.ensuring(f(scope), Scope.close(scope, Exit.void)))

describe("Deadlines", () => {
  it.effect("an honoring engine is aborted at the deadline through its handle; the failure is a timeout", () =>
    withScope((scope) =>
      Effect.gen(function*() {
        const { current, deadlines } = yield* makeDeadlines(Duration.seconds(10), scope, true)
        const aborts: Array<string> = []
        const fiber = yield* Effect.fork(deadlines(honoringRequest(current, aborts, "a"), () => new Timeout()))
        yield* TestClock.adjust("9 seconds")
        assert.deepStrictEqual(aborts, [])
        yield* TestClock.adjust("1 second")
        const error = yield* Effect.flip(Fiber.join(fiber))
        assert.instanceOf(error, Timeout)
        assert.deepStrictEqual(aborts, ["a"])
        assert.strictEqual(deadlines.queued(), 0)
      })
    ))

  it.effect("an attempt done in time keeps its own result and is never aborted", () =>
    withScope((scope) =>
      Effect.gen(function*() {
        const { current, deadlines } = yield* makeDeadlines(Duration.seconds(10), scope, true)
        let aborted = false
        let registered = false
        const request = Effect.flatMap(FiberRef.get(current), (handle) => {
          registered = handle !== undefined
          handle?.onAbort(() => aborted = true)
          return Effect.as(Effect.sleep("1 second"), "answer")
        })
        const fiber = yield* Effect.fork(deadlines(request, () => new Timeout()))
        yield* TestClock.adjust("1 second")
        assert.strictEqual(yield* Fiber.join(fiber), "answer")
        assert.isTrue(registered, "the engine found the attempt's handle")
        assert.isUndefined(yield* FiberRef.get(current), "outside an attempt: no handle")
        const failed = yield* Effect.flip(deadlines(Effect.fail("refused"), () => new Timeout()))
        assert.strictEqual(failed, "refused")
        yield* TestClock.adjust("1 minute")
        assert.isFalse(aborted)
        assert.strictEqual(deadlines.queued(), 0)
      })
    ))

  it.effect("any other engine is interrupted at the deadline", () =>
    withScope((scope) =>
      Effect.gen(function*() {
        const { deadlines } = yield* makeDeadlines(Duration.seconds(10), scope, false)
        let interrupted = false
        const request = Effect.onInterrupt(Effect.never, () => Effect.sync(() => interrupted = true))
        const fiber = yield* Effect.fork(deadlines(request, () => new Timeout()))
        yield* TestClock.adjust("10 seconds")
        const error = yield* Effect.flip(Fiber.join(fiber))
        assert.instanceOf(error, Timeout)
        assert.isTrue(interrupted)
        // Done in time: the engine's result.
        const done = yield* Effect.either(deadlines(Effect.fail("refused"), () => new Timeout()))
        assert.deepStrictEqual(done, Either.left("refused"))
      })
    ))

  it.effect("interrupting the caller interrupts the attempt (the engine aborts its request)", () =>
    withScope((scope) =>
      Effect.gen(function*() {
        for (const honored of [true, false]) {
          const { deadlines } = yield* makeDeadlines(Duration.seconds(10), scope, honored)
          let interrupted = false
          const request = Effect.onInterrupt(Effect.never, () => Effect.sync(() => interrupted = true))
          const fiber = yield* Effect.fork(deadlines(request, () => new Timeout()))
          yield* TestClock.adjust("1 second")
          yield* Fiber.interrupt(fiber)
          assert.isTrue(interrupted, `honored: ${honored}`)
          // An honoring engine's interrupted attempt leaves at its deadline (its request is aborted).
          yield* TestClock.adjust("10 seconds")
          assert.strictEqual(deadlines.queued(), 0)
        }
      })
    ))

  it.effect("no timer runs: a deadline fires when another attempt starts or ends", () => {
    const { advance, clock } = frozenTimers()
    return withScope((scope) =>
      Effect.gen(function*() {
        for (const honored of [true, false]) {
          const { current, deadlines } = yield* makeDeadlines(Duration.seconds(1), scope, honored)
          const aborts: Array<string> = []
          let started = false
          const request = (name: string) =>
            Effect.zipRight(
              Effect.sync(() => started = true),
              honored
                ? honoringRequest(current, aborts, name)
                : Effect.onInterrupt(Effect.never, () => Effect.sync(() => aborts.push(name)))
            )
          const hung = yield* Effect.fork(deadlines(request("hung"), () => new Timeout()))
          while (!started) yield* Effect.yieldNow()
          advance(1_001)
          assert.deepStrictEqual(aborts, [], "nothing wakes the watchdog")
          // Another attempt ends: the hung one is past its deadline.
          assert.strictEqual(yield* deadlines(Effect.succeed("quick"), () => new Timeout()), "quick")
          assert.instanceOf(yield* Effect.flip(Fiber.join(hung)), Timeout)
          assert.deepStrictEqual(aborts, ["hung"], `honored: ${honored}`)
        }
      })
    ).pipe(Effect.withClock(clock))
  })

  it.effect("no timer runs: 20,000 attempts leave nothing queued, the queue stays short meanwhile", () => {
    const { advance, clock } = frozenTimers()
    return withScope((scope) =>
      Effect.gen(function*() {
        const { deadlines } = yield* makeDeadlines(Duration.seconds(1), scope, true)
        let longest = 0
        const one = deadlines(
          Effect.sync(() => {
            advance(1)
            longest = Math.max(longest, deadlines.queued())
          }),
          () => new Timeout()
        )
        yield* Effect.forEach(Array.from({ length: 20_000 }), () => one, { concurrency: 16, discard: true })
        assert.isAtMost(longest, 16)
        assert.strictEqual(deadlines.queued(), 0)
      })
    ).pipe(Effect.withClock(clock))
  })
})
