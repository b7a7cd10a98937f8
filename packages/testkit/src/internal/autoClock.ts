/**
 * Moves a `TestClock` forward on its own, for tests that run on it (`it.effect`): when every
 * fiber of the test is waiting and the set of pending sleeps has stayed the same for two turns of
 * the event loop, the clock jumps to the earliest sleep. Waits then take no real time and keep
 * their order (a 5 s latency past a 3 s deadline still times out). A fiber that computes is
 * waited for (its status is answered once it blocks); a fiber blocked on real I/O for longer than
 * those turns is not, so tests that do real I/O (the server face) belong in `it.live`. Does
 * nothing on any other clock.
 *
 * @internal
 */
import * as Chunk from "effect/Chunk"
import type * as Clock from "effect/Clock"
import type * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import * as Supervisor from "effect/Supervisor"
import type * as TestClock from "effect/TestClock"

const isTestClock = (clock: Clock.Clock): clock is TestClock.TestClock =>
  "adjust" in clock && typeof clock.adjust === "function" && "sleeps" in clock

/** The fibers of the test: the one that built the layer and every fiber started under it. */
class Fibers extends Supervisor.AbstractSupervisor<void> {
  readonly live = new Set<Fiber.RuntimeFiber<unknown, unknown>>()
  get value(): Effect.Effect<void> {
    return Effect.void
  }
  override onStart<A, E, R>(
    _context: Context.Context<R>,
    _effect: Effect.Effect<A, E, R>,
    _parent: Option.Option<Fiber.RuntimeFiber<unknown, unknown>>,
    fiber: Fiber.RuntimeFiber<A, E>
  ): void {
    this.live.add(fiber)
  }
  override onEnd<A, E>(_value: Exit.Exit<A, E>, fiber: Fiber.RuntimeFiber<A, E>): void {
    this.live.delete(fiber)
  }
}

/** One turn of the event loop (a real macrotask: promises and I/O callbacks get to run). */
const tick = Effect.async<void>((resume) => {
  const timer = setTimeout(() => resume(Effect.void), 0)
  return Effect.sync(() => clearTimeout(timer))
})

const sorted = (sleeps: Chunk.Chunk<number>): string => [...Chunk.toReadonlyArray(sleeps)].sort((a, b) => a - b).join()

/**
 * Waits until every fiber is blocked (asking a fiber its status is answered once it stops
 * computing) and says whether all of them were.
 */
const allBlocked = (fibers: Fibers): Effect.Effect<boolean> =>
  Effect.map(
    Effect.forEach(Array.from(fibers.live), (fiber) => fiber.status),
    (statuses) => statuses.every((status) => status._tag !== "Running")
  )

const step = (clock: TestClock.TestClock, fibers: Fibers): Effect.Effect<void> =>
  Effect.gen(function*() {
    yield* tick
    const before = yield* clock.sleeps
    if (Chunk.isEmpty(before) || !(yield* allBlocked(fibers))) return
    yield* tick
    yield* tick
    const after = yield* clock.sleeps
    if (sorted(before) !== sorted(after) || !(yield* allBlocked(fibers))) return
    const now = yield* clock.currentTimeMillis
    const next = Math.min(...Chunk.toReadonlyArray(after))
    yield* clock.adjust(Duration.millis(Math.max(0, next - now)))
  })

/**
 * On a `TestClock`: a daemon (ended with the layer's scope) that advances it whenever the
 * supervised fibers all wait; elsewhere nothing.
 *
 * @internal
 */
export const layer: Layer.Layer<never> = Layer.unwrapScoped(Effect.gen(function*() {
  const clock = yield* Effect.clock
  if (!isTestClock(clock)) return Layer.empty
  const fibers = new Fibers()
  // The fiber that builds the layer runs the test body (`Effect.provide`).
  yield* Effect.withFiberRuntime<void>((self) => Effect.sync(() => fibers.live.add(self)))
  // Forked before the supervisor is installed: the daemon is not one of the fibers it waits for.
  yield* Effect.forkScoped(Effect.forever(step(clock, fibers)))
  return Supervisor.addSupervisor(fibers)
}))
