// Runners sharing a budget in a SQLite file, and a TestClock driven from one wake-up to the next.
import { RateLimiter, ScimConfig } from "@asgardeo-scim/core"
import { SharedBudget, Storage } from "@asgardeo-scim/workflow"
import { SqlClient } from "@effect/sql"
import { Cause, Chunk, Clock, Context, Effect, Fiber, Layer, Logger, Redacted, TestClock } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

/** Three SCIM requests a second (a window of 1,020 ms with the limiter's margin), one Bulk request a minute. */
export const config = ScimConfig.layer({
  organization: "acme",
  clientId: "client",
  clientSecret: Redacted.make("secret"),
  rateLimits: { scim: { limit: 3, window: "1 second" }, bulk: { limit: 1, window: "1 minute" } }
})

/** A SQLite file in a directory removed with the scope. */
export const tempDb = Effect.map(
  Effect.acquireRelease(
    Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "asgardeo-budget-"))),
    (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
  ),
  (dir) => path.join(dir, "budget.db")
)

/** A runner: its own database client (`storage`: a connection or pool of its own) and its own limiter, for the scope. */
export const runnerOn = <E>(
  storage: Layer.Layer<SqlClient.SqlClient, E>,
  options: SharedBudget.Options = {},
  configLayer: Layer.Layer<ScimConfig.ScimConfig, unknown> = config
) =>
  Effect.map(
    Layer.build(
      SharedBudget.layer(options).pipe(Layer.provideMerge(storage), Layer.provide(configLayer))
    ),
    (context) => ({
      limiter: Context.get(context, RateLimiter.RateLimiter),
      sql: Context.get(context, SqlClient.SqlClient)
    })
  )

/** A runner on the SQLite file `file`, with a client of its own. */
export const runner = (
  file: string,
  options: SharedBudget.Options = {},
  configLayer: Layer.Layer<ScimConfig.ScimConfig, unknown> = config
) => runnerOn(Storage.layerSqlite({ filename: file }), options, configLayer)

/** The stored state text of every budget row, by key. */
export const rows = (sql: SqlClient.SqlClient) =>
  Effect.map(
    sql<{ key: string; state: unknown }>`SELECT key, state FROM ${sql(SharedBudget.table)}`,
    (rs) => new Map(rs.map((r) => [r.key, r.state]))
  )

const wallSleep = (millis: number) => Effect.withClock(Effect.sleep(millis), Clock.make())

/**
 * Runs forked effects to their end: once each is done or asleep on the TestClock (the database
 * calls in between take real time), the clock moves to the next wake-up. So every fiber sees the
 * time it was woken at, and the times they end at are exact. `foreign`: sleeps registered before
 * the fibers were forked (a TestClock keeps the sleep of an interrupted fiber, such as a
 * connection timeout that did not fire, until its time comes), left out of the count.
 */
export const drive = <A, E>(
  fibers: ReadonlyArray<Fiber.RuntimeFiber<A, E>>,
  foreign: ReadonlyArray<number> = []
) =>
  Effect.gen(function*() {
    for (;;) {
      const pending = fibers.filter((f) => f.unsafePoll() === null).length
      if (pending === 0) return yield* Fiber.joinAll(fibers)
      const now = yield* Clock.currentTimeMillis
      const others = foreign.filter((t) => t > now)
      const ours = [...Chunk.toReadonlyArray(yield* TestClock.sleeps())]
      for (const t of others) {
        const i = ours.indexOf(t)
        if (i !== -1) ours.splice(i, 1)
      }
      if (ours.length < pending) {
        yield* wallSleep(1)
        continue
      }
      yield* TestClock.setTime(Math.min(...ours))
    }
  })

/** The sleeps on the TestClock now: what {@link drive} leaves out. */
export const sleepsNow = Effect.map(TestClock.sleeps(), Chunk.toReadonlyArray)

/** Acquires on `limiter` and answers the time it got its slot. */
export const acquireAt = (limiter: RateLimiter.Service, bucket: RateLimiter.Bucket = "scim") =>
  Effect.zipRight(limiter.acquire(bucket), Clock.currentTimeMillis)

/** The messages (with their causes) logged at warning level or above, and at info level, where `layer` is provided. */
export const captureLogs = () => {
  const warnings: Array<string> = []
  const infos: Array<string> = []
  const logger = Logger.make(({ cause, logLevel, message }) => {
    const text = [...(Array.isArray(message) ? message : [message]).map(String), Cause.pretty(cause)].join(" ")
    if (logLevel._tag === "Warning" || logLevel._tag === "Error") warnings.push(text)
    else if (logLevel._tag === "Info") infos.push(text)
  })
  return { warnings, infos, layer: Logger.replace(Logger.defaultLogger, logger) }
}

/**
 * Waits, on the wall clock (3 s at most), until `done` of the fibers have ended and every other
 * one sleeps on the TestClock until `at`; dies at once if more have ended.
 */
export const settle = <A, E>(fibers: ReadonlyArray<Fiber.RuntimeFiber<A, E>>, done: number, at: number) =>
  Effect.gen(function*() {
    for (let polls = 0;; polls++) {
      const ended = fibers.filter((f) => f.unsafePoll() !== null).length
      const asleep = Chunk.toReadonlyArray(yield* TestClock.sleeps()).filter((t) => t === at).length
      if (ended === done && asleep === fibers.length - done) return
      if (ended > done || polls >= 3000) {
        return yield* Effect.dieMessage(`${ended} fibers ended (not ${done}), ${asleep} asleep until ${at}`)
      }
      yield* wallSleep(1)
    }
  })

type Runner = Effect.Effect.Success<ReturnType<typeof runnerOn>>

/** Two runners on one database, each with a client of its own (`storage` is built twice). */
export const twoRunners = <E>(storage: Layer.Layer<SqlClient.SqlClient, E>, options: SharedBudget.Options = {}) =>
  Effect.all([runnerOn(storage, options), runnerOn(storage, options)])

/** Eight requests at once, alternately on `a` and `b`: the times they got their slots, in order. */
export const eightRequests = (a: Runner, b: Runner) =>
  Effect.gen(function*() {
    const foreign = yield* sleepsNow
    const fibers = yield* Effect.forEach(
      Array.from({ length: 8 }, (_, i) => i % 2 === 0 ? a : b),
      (r) => Effect.fork(acquireAt(r.limiter))
    )
    return [...(yield* drive(fibers, foreign))].sort((x, y) => x - y)
  })

/**
 * 40 fibers at once, alternately on `a` and `b`, each telling its runner of five answers (the
 * clock stands still): how many answers the state stored under `key` counts (200 when none was
 * lost).
 */
export const countedAnswers = (a: Runner, b: Runner, key: string) =>
  Effect.gen(function*() {
    yield* Effect.forEach(
      Array.from({ length: 40 }, (_, i) => i % 2 === 0 ? a : b),
      (r) => Effect.repeatN(r.limiter.onSuccess("scim"), 4),
      { concurrency: "unbounded", discard: true }
    )
    const stored = JSON.parse((yield* rows(a.sql)).get(key) as string)
    return stored.buckets.scim.adaptive.measureCount as number
  })
