// The progress bar's times come from Effect's Clock: the ETA is the rows left at the rate so far.
import { Io, Progress } from "@asgardeo-scim/cli"
import { assert, describe, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"

describe("Progress", () => {
  it("etaMillis: the rows left at the rate so far, rounded up to a second; unknown without a rate or a total", () => {
    assert.strictEqual(Progress.etaMillis(1, 10, 2_000), 18_000)
    assert.strictEqual(Progress.etaMillis(3, 10, 4_050), 10_000)
    assert.strictEqual(Progress.etaMillis(10, 10, 4_000), 0)
    assert.isUndefined(Progress.etaMillis(0, 10, 4_000))
    assert.isUndefined(Progress.etaMillis(3, undefined, 4_000))
  })

  it("line shows the ETA as m:ss, or h:mm:ss", () => {
    assert.match(Progress.line("onboarding", 5, 0, 10, 5_000, false), / 1\.0\/s 0:05 ETA 0:05$/)
    assert.match(Progress.line("onboarding", 1, 0, 1_000, 60_000, false), / 1:00 ETA 16:39:00$/)
    assert.match(Progress.line("onboarding", 0, 0, 10, 0, false), / ETA -:--$/)
    assert.notInclude(Progress.line("onboarding", 3, 0, undefined, 1_000, false), "ETA")
  })

  it.effect("the bar draws from the TestClock: elapsed time, ETA, at most ten times a second", () =>
    Effect.gen(function*() {
      const io = Io.makeTest({ interactive: true })
      const bar = yield* Progress.make(io.service, "onboarding", 10)
      yield* bar.update(0, 0)
      yield* TestClock.adjust("2 seconds")
      yield* bar.update(1, 0)
      yield* TestClock.adjust("50 millis")
      yield* bar.update(2, 0) // within 100 ms of the last draw: skipped
      yield* TestClock.adjust("2 seconds")
      yield* bar.update(3, 1)
      yield* TestClock.adjust("10 millis")
      yield* bar.update(10, 1) // the last row is always drawn
      yield* bar.finish
      const statuses = io.statuses()
      assert.strictEqual(statuses.length, 5)
      assert.match(statuses[0]!, /0\/10 0% 0\.0\/s 0:00 ETA -:--$/)
      assert.match(statuses[1]!, /1\/10 10% 0\.5\/s 0:02 ETA 0:18$/)
      assert.match(statuses[2]!, /3\/10 30% 1 failed 0\.7\/s 0:04 ETA 0:10$/)
      assert.match(statuses[3]!, /10\/10 100% 1 failed 2\.5\/s 0:04 ETA 0:00$/)
      assert.strictEqual(statuses[4], "")
    }))

  it.effect("nothing is drawn when stderr is not a terminal", () =>
    Effect.gen(function*() {
      const io = Io.makeTest({ interactive: false })
      const bar = yield* Progress.make(io.service, "onboarding", 2)
      yield* bar.update(1, 0)
      yield* bar.finish
      assert.deepStrictEqual(io.statuses(), [])
    }))
})
