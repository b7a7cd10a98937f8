// Scenario 7b: the CPU cost of the per-attempt deadline alone, in process, paired in one run.
// Each variant runs `n` requests at concurrency 16; a request is an already-answered promise, so
// what differs between variants is the deadline mechanism:
// - `none`: no deadline;
// - `before`: the mechanism of 0.2 (a `Scope` per attempt, closed by a watchdog, and
//   `HttpClient.withScope`'s `AbortController` and finalizer), restated here as it was;
// - `honored`: today's deadlines on an engine that honors `RequestAbort` (the lean engine);
// - `interrupt`: today's deadlines on any other engine (a fiber per attempt, interrupted).
// Reports client CPU µs per request for each, median of `rounds` alternating rounds.
import * as RequestAbort from "@asgardeo-scim/core/RequestAbort"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberRef from "effect/FiberRef"
import * as Scope from "effect/Scope"
import { report } from "./util.mjs"

// The compiled module of core (internal: not exported by the package).
const Deadlines = await import(new URL("../../packages/core/dist/internal/deadlines.js", import.meta.url).href)

const [nArg, roundsArg] = process.argv.slice(2)
const n = Number(nArg)
const rounds = Number(roundsArg)
const timeout = Duration.seconds(10)

// 0.2's deadlines (packages/core/src/internal/deadlines.ts before issue 14) with withScope's part.
const before = (parent) => {
  const queue = []
  let head = 0
  let running = false
  const controllers = new WeakMap()
  const watchdog = Effect.flatMap(Clock.currentTimeMillis, (now) => {
    while (head < queue.length && queue[head].done) head++
    if (head >= queue.length) {
      queue.length = 0
      head = 0
      running = false
      return Effect.void
    }
    const first = queue[head]
    if (first.at <= now) {
      first.timedOut = first.done = true
      head++
      return Effect.zipRight(Scope.close(first.scope, Exit.void), watchdog)
    }
    return Effect.zipRight(Effect.sleep(Duration.millis(Math.min(first.at - now, 1000))), watchdog)
  })
  return (use, onTimeout) =>
    Effect.flatMap(Scope.make(), (scope) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        const deadline = { at: now + 10_000, scope, done: false, timedOut: false }
        queue.push(deadline)
        const key = {}
        const withScope = Effect.zipRight(
          Effect.flatMap(
            Effect.sync(() => {
              const controller = new AbortController()
              controllers.set(key, controller)
              return controller
            }),
            (controller) => Scope.addFinalizer(scope, Effect.sync(() => controller.abort()))
          ),
          use
        )
        const run = withScope.pipe(
          Effect.provideService(Scope.Scope, scope),
          Effect.onExit((exit) => {
            deadline.done = true
            return Exit.isInterrupted(exit) ? Scope.close(scope, Exit.void) : Effect.void
          }),
          Effect.catchAll((error) => Effect.fail(deadline.timedOut ? onTimeout() : error))
        )
        if (running) return run
        running = true
        return Effect.zipRight(Effect.forkIn(watchdog, parent), run)
      }))
}

const answer = Effect.promise(() => Promise.resolve(1))
// What the lean engine does with the handle: registers an abort.
const honoringAnswer = (current) =>
  Effect.flatMap(FiberRef.get(current), (handle) => {
    if (handle !== undefined) handle.onAbort(() => {})
    return answer
  })

const variants = {
  none: () => (use) => use,
  before: (scope) => before(scope),
  honored: (scope, current) => Deadlines.make(timeout, scope, current),
  interrupt: (scope) => Deadlines.make(timeout, scope, undefined)
}

const runVariant = (name) =>
  Effect.scoped(Effect.flatMap(Effect.zip(Effect.scope, RequestAbort.makeCurrent), ([scope, current]) => {
    const deadline = variants[name](scope, current)
    const request = name === "honored" ? honoringAnswer(current) : answer
    const one = deadline(request, () => "timeout")
    const batch = (count) =>
      Effect.forEach(Array.from({ length: count }), () => one, { concurrency: 16, discard: true })
    return Effect.flatMap(batch(2000), () =>
      Effect.suspend(() => {
        const cpu0 = process.cpuUsage()
        return Effect.map(batch(n), () => {
          const cpu = process.cpuUsage(cpu0)
          return (cpu.user + cpu.system) / n
        })
      }))
  }))

const results = Object.fromEntries(Object.keys(variants).map((k) => [k, []]))
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? Object.keys(variants) : Object.keys(variants).reverse()
  for (const name of order) results[name].push(await Effect.runPromise(runVariant(name)))
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1]
const paired = (name) => median(results[name].map((x, i) => x - results.none[i]))
report({
  n,
  rounds,
  cpuMicros: Object.fromEntries(Object.keys(variants).map((k) => [k, median(results[k])])),
  deadlineMicros: Object.fromEntries(["before", "honored", "interrupt"].map((k) => [k, paired(k)]))
})
