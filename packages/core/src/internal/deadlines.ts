/**
 * Per-attempt deadlines without a timer or a fiber per request. `Effect.timeout` races two forked
 * fibers on every call, which costs more than the rest of the client put together (bench
 * scenario 1). Here each attempt gets an entry in one FIFO queue (every attempt has the same
 * timeout, so the queue is in deadline order), and the queue is checked against Effect's `Clock`:
 * - whenever an attempt starts or ends: under a load whose answers arrive only through promise
 *   callbacks (an in-process server) no timer runs until the batch is over, but attempts keep
 *   starting and ending, so deadlines still fire on time and finished entries are dropped at
 *   once (the heap stays flat);
 * - by one watchdog fiber, sleeping on `Clock` until the first deadline (a second at most),
 *   running only while attempts are in flight: it fires the deadline of a request that hangs alone.
 *
 * How a deadline aborts the request depends on the engine (`RequestAbort`): an engine that honors
 * the protocol registers an abort in the attempt's `Handle`, called synchronously; any other
 * engine is aborted by interruption, its attempt running in a fiber of its own. Interrupting an
 * attempt (a caller's timeout, `Stream.take`, a race) is left to the engine: interruption aborts
 * the request on every engine built with `HttpClient.make`, and on `@asgardeo-scim/undici`.
 * Time comes from `Clock`, so `TestClock` drives it.
 *
 * @internal
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as FiberId from "effect/FiberId"
import type * as Scope from "effect/Scope"
import type * as RequestAbort from "../RequestAbort.js"

class Entry implements RequestAbort.Handle {
  done = false
  timedOut = false
  abort: (() => void) | undefined = undefined
  fiber: Fiber.RuntimeFiber<unknown, unknown> | undefined = undefined
  constructor(readonly at: number) {}
  onAbort(abort: () => void) {
    if (this.timedOut) abort()
    else if (!this.done) this.abort = abort
  }
  finish() {
    this.done = true
    this.abort = undefined
    this.fiber = undefined
  }
}

/** @internal How many entries at the head of the queue may be dropped before it is compacted. */
export const compactAfter = 1024

/** @internal */
export interface Deadlines {
  /** Runs `use` under the deadline; a failure after the deadline is replaced by `onTimeout()`. */
  <A, E, R, E2>(use: Effect.Effect<A, E, R>, onTimeout: () => E2): Effect.Effect<A, E | E2, R>
  /** Entries still queued (for tests: the queue must not grow with finished attempts). */
  readonly queued: () => number
}

/**
 * `current`: the engine honors `RequestAbort` and reads the handle there (no fiber per attempt);
 * `undefined` for any other engine. `parent`: where the watchdog fiber runs.
 *
 * @internal
 */
export const make = (
  timeout: Duration.Duration,
  parent: Scope.Scope,
  current: RequestAbort.Current | undefined
): Deadlines => {
  const timeoutMillis = Duration.toMillis(timeout)
  const queue: Array<Entry> = []
  let head = 0
  let watching = false

  // Fires every deadline past `now`, drops finished entries at the head. Synchronous for an
  // honoring engine; the fibers to interrupt otherwise.
  const expire = (now: number): Array<Fiber.RuntimeFiber<unknown, unknown>> | undefined => {
    let interrupt: Array<Fiber.RuntimeFiber<unknown, unknown>> | undefined
    while (head < queue.length) {
      const entry = queue[head]!
      if (!entry.done) {
        if (entry.at > now) break
        entry.timedOut = true
        const { abort, fiber } = entry
        entry.finish()
        if (abort !== undefined) abort()
        if (fiber !== undefined) (interrupt ??= []).push(fiber)
      }
      head++
    }
    if (head === queue.length) {
      queue.length = 0
      head = 0
    } else if (head >= compactAfter && head * 2 >= queue.length) {
      queue.splice(0, head)
      head = 0
    }
    return interrupt
  }

  const check = (now: number): Effect.Effect<void> => {
    const interrupt = expire(now)
    return interrupt === undefined
      ? Effect.void
      : Effect.forEach(interrupt, (fiber) => Fiber.interruptAsFork(fiber, FiberId.none), { discard: true })
  }

  const watchdog: Effect.Effect<void> = Effect.flatMap(Clock.currentTimeMillis, (now) =>
    Effect.zipRight(
      check(now),
      Effect.suspend(() => {
        if (head >= queue.length) {
          watching = false
          return Effect.void
        }
        // At most a second at a time, as in 0.2: a test's auto-advancing `TestClock` (testkit's
        // `layerAutoClock`) then moves in steps of a second at most while requests are in flight.
        return Effect.zipRight(
          Effect.sleep(Duration.millis(Math.min(Math.max(1, queue[head]!.at - now), 1000))),
          watchdog
        )
      })
    ))

  const ended = Effect.flatMap(Clock.currentTimeMillis, check)
  const startWatchdog = Effect.suspend(() => {
    if (watching) return Effect.void
    watching = true
    return Effect.asVoid(Effect.forkIn(watchdog, parent))
  })

  const run = <A, E, R, E2>(use: Effect.Effect<A, E, R>, onTimeout: () => E2): Effect.Effect<A, E | E2, R> =>
    Effect.flatMap(Clock.currentTimeMillis, (now) => {
      const entry = new Entry(now + timeoutMillis)
      queue.push(entry)
      // Expired deadlines are checked when an attempt ends (below) and by the watchdog.
      const guarded: Effect.Effect<A, E | E2, R> = current !== undefined
        // An interrupted attempt is left in the queue: the engine has aborted its request, and
        // the entry goes at its deadline (one combinator less on every call).
        ? Effect.matchCauseEffect(Effect.locally(use, current, entry), {
          onSuccess: (a) => {
            entry.finish()
            return Effect.as(ended, a)
          },
          onFailure: (cause): Effect.Effect<never, E | E2> => {
            const timedOut = entry.timedOut
            entry.finish()
            const result: Effect.Effect<never, E | E2> = timedOut && !Cause.isInterruptedOnly(cause)
              ? Effect.fail(onTimeout())
              : Effect.failCause(cause)
            return Effect.zipRight(ended, result)
          }
        })
        : Effect.uninterruptibleMask((restore) =>
          Effect.flatMap(Effect.fork(restore(use)), (fiber) => {
            if (!entry.done) entry.fiber = fiber
            return Effect.flatMap(
              Effect.onInterrupt(restore(Fiber.await(fiber)), () => {
                entry.finish()
                return Effect.zipRight(Fiber.interrupt(fiber), ended)
              }),
              (exit): Effect.Effect<A, E | E2> => {
                const timedOut = entry.timedOut
                entry.finish()
                const result: Effect.Effect<A, E | E2> = timedOut && Exit.isFailure(exit)
                  ? Effect.fail(onTimeout())
                  : exit
                return Effect.zipRight(ended, result)
              }
            )
          })
        )
      return watching ? guarded : Effect.zipRight(startWatchdog, guarded)
    })

  return Object.assign(run, { queued: () => queue.length - head })
}
