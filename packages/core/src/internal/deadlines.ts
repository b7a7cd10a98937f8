/**
 * Per-request timeouts without a fiber per request. `Effect.timeout` races two forked fibers on
 * every call, which costs more than the rest of the client put together (bench scenario 1). Here
 * each attempt gets its own `Scope` (the platform client aborts the request when that scope
 * closes: `HttpClient.withScope`) and an entry in a FIFO queue; one watchdog fiber, running only
 * while requests are in flight, closes the scope of any attempt past its deadline. An attempt
 * that is interrupted (a caller's timeout, `Stream.take`, a race) closes its scope too, which
 * aborts the request: with a scoped request the platform client does not abort on interruption
 * by itself. Time comes from Effect's `Clock`, so `TestClock` drives it.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"

interface Deadline {
  readonly at: number
  readonly scope: Scope.CloseableScope
  done: boolean
  timedOut: boolean
}

/** @internal */
export const make = (timeout: Duration.Duration, parent: Scope.Scope) => {
  const timeoutMillis = Duration.toMillis(timeout)
  const queue: Array<Deadline> = []
  let head = 0
  let running = false

  const watchdog: Effect.Effect<void> = Effect.flatMap(Clock.currentTimeMillis, (now) => {
    while (head < queue.length && queue[head]!.done) head++
    if (head >= queue.length) {
      queue.length = 0
      head = 0
      running = false
      return Effect.void
    }
    if (head > 4096) {
      queue.splice(0, head)
      head = 0
    }
    const first = queue[head]!
    if (first.at <= now) {
      first.timedOut = true
      first.done = true
      head++
      return Effect.zipRight(Scope.close(first.scope, Exit.void), watchdog)
    }
    return Effect.zipRight(Effect.sleep(Duration.millis(Math.min(first.at - now, 1000))), watchdog)
  })

  /**
   * Runs `use` with a fresh `Scope` that is closed at its deadline (aborting the request). A
   * failure after the deadline is replaced by `onTimeout()`.
   */
  return <A, E, R, E2>(
    use: Effect.Effect<A, E, R | Scope.Scope>,
    onTimeout: () => E2
  ): Effect.Effect<A, E | E2, Exclude<R, Scope.Scope>> =>
    Effect.flatMap(Scope.make(), (scope) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        const deadline: Deadline = { at: now + timeoutMillis, scope, done: false, timedOut: false }
        queue.push(deadline)
        const run = use.pipe(
          Effect.provideService(Scope.Scope, scope),
          // Done in time: the scope is simply dropped. Closing it would abort the finished
          // request, and an abort builds a DOMException: measurable on every call. Interrupted:
          // closed, which aborts the request. One `onExit` for both (each combinator costs).
          Effect.onExit((exit) => {
            deadline.done = true
            return Exit.isInterrupted(exit) ? Scope.close(scope, Exit.void) : Effect.void
          }),
          Effect.catchAll((error): Effect.Effect<never, E | E2> => Effect.fail(deadline.timedOut ? onTimeout() : error))
        ) as Effect.Effect<A, E | E2, Exclude<R, Scope.Scope>>
        if (running) return run
        running = true
        return Effect.zipRight(Effect.forkIn(watchdog, parent), run)
      }))
}
