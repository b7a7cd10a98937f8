// One rate budget for every runner, held in the database: runners are separate SQLite clients on
// one file (what two processes on a shared database do), time is the TestClock.
import { RateLimiter, ScimClient, ScimConfig } from "@asgardeo-scim/core"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { SharedBudget, Storage } from "@asgardeo-scim/workflow"
import { Reactivity } from "@effect/experimental"
import { SqlClient, Statement } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import {
  Cause,
  Clock,
  ConfigError,
  ConfigProvider,
  Context,
  Deferred,
  Effect,
  Exit,
  Fiber,
  Layer,
  Option,
  Redacted,
  TestClock
} from "effect"
import {
  acquireAt,
  captureLogs,
  config,
  countedAnswers,
  drive,
  eightRequests,
  rows,
  runner,
  settle,
  tempDb,
  twoRunners
} from "./utils/Budget.js"

const key = "https://api.asgardeo.io/t/acme"

const failure = <A, E>(exit: Exit.Exit<A, E>): E | undefined =>
  Exit.isFailure(exit) ? Option.getOrUndefined(Cause.failureOption(exit.cause)) : undefined

describe("SharedBudget", () => {
  it.scoped("two runners on one database spend one budget", () =>
    Effect.gen(function*() {
      const [a, b] = yield* twoRunners(Storage.layerSqlite({ filename: yield* tempDb }))
      // Three a window (1,000 ms and its 20 ms margin) between both runners, not three each.
      assert.deepStrictEqual(yield* eightRequests(a, b), [0, 0, 0, 1020, 1020, 1020, 2040, 2040])
      assert.deepStrictEqual([...(yield* rows(a.sql)).keys()], [key])
    }))

  it.scoped("many fibers of two runners changing the budget at once: no change is lost", () =>
    Effect.gen(function*() {
      const [a, b] = yield* twoRunners(Storage.layerSqlite({ filename: yield* tempDb }))
      assert.strictEqual(yield* countedAnswers(a, b, key), 200)
    }))

  it.scoped("runners behind different egress addresses each have their own budget", () =>
    Effect.gen(function*() {
      const file = yield* tempDb
      const a = yield* runner(file, { egress: "eu-nat-1" })
      const b = yield* runner(file, { egress: "eu-nat-2" })
      const fibers = yield* Effect.forEach([a, a, a, b, b, b], (r) => Effect.fork(acquireAt(r.limiter)))
      assert.deepStrictEqual(yield* drive(fibers), [0, 0, 0, 0, 0, 0])
      assert.deepStrictEqual(
        [...(yield* rows(a.sql)).keys()].sort(),
        [`${key} egress=eu-nat-1`, `${key} egress=eu-nat-2`]
      )
    }))

  it.scoped("a 429 with Retry-After seen by one runner pauses the other", () =>
    Effect.gen(function*() {
      const file = yield* tempDb
      const a = yield* runner(file)
      const b = yield* runner(file)
      yield* a.limiter.onThrottle("scim", { retryAfter: "5 seconds" })
      assert.strictEqual(yield* b.limiter.pausedUntil, 5000)
      // Every bucket pauses: B's token and Bulk requests wait too.
      const fibers = yield* Effect.forEach(
        ["scim", "token", "bulk"] as const,
        (bucket) => Effect.fork(acquireAt(b.limiter, bucket))
      )
      assert.deepStrictEqual(yield* drive(fibers), [5000, 5000, 5000])
    }))

  it.scoped("429s without Retry-After on one runner slow the other down", () =>
    Effect.gen(function*() {
      const file = yield* tempDb
      const a = yield* runner(file)
      const b = yield* runner(file)
      assert.strictEqual(yield* b.limiter.nextSlot("scim"), 0)
      // The second 429 in a row drops the rate and pauses the bucket for a probe (0.5 s), after
      // which requests go out at the lowered rate.
      yield* a.limiter.onThrottle("scim")
      yield* a.limiter.onThrottle("scim")
      const next = yield* b.limiter.nextSlot("scim")
      assert.isAtLeast(next, 500)
      const fiber = yield* Effect.fork(acquireAt(b.limiter))
      assert.deepStrictEqual(yield* drive([fiber]), [next])
      // The other buckets are not slowed.
      assert.strictEqual(yield* b.limiter.nextSlot("token"), next)
    }))

  it.scoped("two clients of the emulator, each on its own connection: one budget between them, no 429", () =>
    Effect.gen(function*() {
      const file = yield* tempDb
      // Asgardeo's way, scaled down: 4 SCIM requests a minute per address, in a sliding window.
      const emulator = yield* Layer.build(AsgardeoEmulator.layerClient({
        rateLimits: {
          enabled: true,
          window: "sliding",
          timeScale: 1,
          retryAfter: false,
          limits: { scim: 4, oauth: 200, bulk: 5 }
        }
      }))
      // A runner: the directory with the shared budget in place of `RateLimiter.layer`.
      const runner = Effect.map(
        Layer.build(
          SharedBudget.layerDirectory().pipe(
            Layer.provide(Storage.layerSqlite({ filename: file })),
            Layer.provideMerge(
              AsgardeoEmulator.layerConfig({ rateLimits: { scim: { limit: 4, window: "1 minute" } } })
            ),
            Layer.provide(Layer.succeedContext(emulator))
          )
        ),
        (context) => Context.get(context, ScimClient.ScimClient)
      )
      const clients = [yield* runner, yield* runner]
      const get = (client: ScimClient.Service) =>
        Effect.zipRight(
          client.execute({ operation: "ServiceProviderConfig.get", method: "GET", path: "/ServiceProviderConfig" }),
          Clock.currentTimeMillis
        )
      const fibers = yield* Effect.forEach([0, 1, 0, 1, 0, 1, 0, 1], (i) => Effect.fork(get(clients[i]!)))
      // Four go out at once; the other four wait for the window (a minute and its second of margin).
      yield* settle(fibers, 4, 61_000)
      const service = Context.get(emulator, AsgardeoEmulator.AsgardeoEmulator)
      assert.strictEqual((yield* service.counters).byEndpoint["GET /scim2/ServiceProviderConfig"], 4)
      yield* TestClock.adjust("61 seconds")
      assert.deepStrictEqual([...(yield* Fiber.joinAll(fibers))].sort(), [0, 0, 0, 0, 61_000, 61_000, 61_000, 61_000])
      assert.strictEqual((yield* service.counters).rateLimited, 0)
    }))

  it.scoped("a corrupted or hostile row is replaced by a fresh state, with a warning", () => {
    const logs = captureLogs()
    return Effect.gen(function*() {
      const file = yield* tempDb
      const a = yield* runner(file)
      const good = (yield* rows(a.sql)).get(key) as string
      const json = JSON.parse(good)
      const hostile: Record<string, unknown> = {
        "garbage": "\u0000not json{",
        "a number (SQLite keeps any type)": 42,
        "a blob": new Uint8Array([1, 2, 3]),
        "another version": JSON.stringify({ ...json, v: 99 }),
        "wrong types": JSON.stringify({ ...json, pausedUntil: "soon" }),
        "a huge array": JSON.stringify({
          ...json,
          buckets: { ...json.buckets, scim: { ...json.buckets.scim, slots: Array.from({ length: 100_000 }, () => 0) } }
        }),
        "a pause for a year": JSON.stringify({ ...json, pausedUntil: 365 * 86_400_000 }),
        "10 MB of text": "x".repeat(10_000_000)
      }
      for (const [name, value] of Object.entries(hostile)) {
        yield* a.sql`UPDATE ${a.sql(SharedBudget.table)} SET state = ${value} WHERE key = ${key}`
        // A fresh state: no pause, the whole budget free.
        assert.strictEqual(yield* a.limiter.pausedUntil, 0, name)
        const fibers = yield* Effect.forEach([1, 2, 3], () => Effect.fork(acquireAt(a.limiter)))
        assert.deepStrictEqual(yield* drive(fibers), [0, 0, 0], name)
        const stored = (yield* rows(a.sql)).get(key)
        assert.isTrue(
          Option.isSome(RateLimiter.decodeState(stored, ScimConfig.asgardeoRateLimits, 0)),
          `${name}: rewritten`
        )
        // The next runner starts afresh: the three reservations of this round expire.
        yield* a.sql`UPDATE ${a.sql(SharedBudget.table)} SET state = ${good} WHERE key = ${key}`
      }
      assert.isTrue(logs.warnings.length >= Object.keys(hostile).length)
      assert.isTrue(logs.warnings.every((w) => w.includes("unreadable or out of bounds")))

      // A row deleted is made again.
      yield* a.sql`DELETE FROM ${a.sql(SharedBudget.table)}`
      yield* a.limiter.acquire("scim")
      assert.isTrue((yield* rows(a.sql)).has(key))
    }).pipe(Effect.provide(logs.layer))
  })

  it.scoped("the database failing: the runner goes on alone, warns once, and shares again when it is back", () =>
    Effect.gen(function*() {
      const file = yield* tempDb
      const logs = captureLogs()
      const a = yield* runner(file)
      const b = yield* runner(file)
      yield* b.sql`DROP TABLE ${b.sql(SharedBudget.table)}`

      const failing = yield* Effect.forEach([1, 2, 3, 4], () => Effect.fork(acquireAt(a.limiter))).pipe(
        Effect.provide(logs.layer)
      )
      // Its own copy still holds the budget: the fourth request waits for the window.
      assert.deepStrictEqual(yield* drive(failing), [0, 0, 0, 1020])
      assert.strictEqual(logs.warnings.length, 1)
      assert.include(logs.warnings[0]!, "goes on with its own copy")

      // The table is back; within `fallbackFor` (5 s) the runner does not try the database.
      yield* b.sql`CREATE TABLE ${
        b.sql(SharedBudget.table)
      } (key TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at BIGINT NOT NULL)`
      yield* a.limiter.pause("1 millis").pipe(Effect.provide(logs.layer))
      assert.strictEqual((yield* rows(b.sql)).size, 0)
      const later = yield* Effect.fork(
        Effect.sleep("5 seconds").pipe(Effect.zipRight(a.limiter.pause("1 millis")), Effect.provide(logs.layer))
      )
      yield* drive([later])
      // After it, the next call writes the row again, and says so.
      assert.isTrue((yield* rows(b.sql)).has(key))
      assert.isTrue(logs.infos.some((m) => m.includes("shared again")))
      assert.strictEqual(logs.warnings.length, 1)
    }))

  it.scoped("a database that does not answer within the timeout: the request goes on", () =>
    Effect.gen(function*() {
      const file = yield* tempDb
      const logs = captureLogs()
      const a = yield* runner(file, { timeout: "50 millis" })
      // Another connection holds the write lock of the file.
      const other = Context.get(yield* Layer.build(Storage.layerSqlite({ filename: file })), SqlClient.SqlClient)
      const locked = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      const holder = yield* Effect.fork(other.withTransaction(Effect.gen(function*() {
        yield* other`UPDATE ${other(SharedBudget.table)} SET updated_at = 1`
        yield* Deferred.succeed(locked, undefined)
        yield* Deferred.await(release)
      })))
      yield* Deferred.await(locked)
      const fiber = yield* Effect.fork(acquireAt(a.limiter).pipe(Effect.provide(logs.layer)))
      assert.deepStrictEqual(yield* drive([fiber]), [0])
      assert.strictEqual(logs.warnings.length, 1)
      assert.include(logs.warnings.join(" "), "StoreTimeout")
      yield* Deferred.succeed(release, undefined)
      yield* Fiber.join(holder)
    }))

  it.scoped("layerConfig reads ASGARDEO_EGRESS; a sub-organization shares its root's budget", () =>
    Effect.gen(function*() {
      const file = yield* tempDb
      const layer = SharedBudget.layerConfig().pipe(
        Layer.provideMerge(Storage.layerSqlite({ filename: file })),
        Layer.provide(config),
        Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["ASGARDEO_EGRESS", " dc-2 "]]))))
      )
      const sql = Context.get(yield* Layer.build(layer), SqlClient.SqlClient)
      assert.deepStrictEqual([...(yield* rows(sql)).keys()], [`${key} egress=dc-2`])

      const root = yield* ScimConfig.make({
        organization: "acme",
        clientId: "client",
        clientSecret: Redacted.make("secret")
      })
      const sub = yield* ScimConfig.make({
        organization: "acme",
        clientId: "client",
        clientSecret: Redacted.make("secret"),
        subOrganization: { name: "ABC Builders" }
      })
      const generic = yield* ScimConfig.makeGeneric({
        scimBaseUrl: "https://scim.example.com/v2",
        auth: { bearerToken: Redacted.make("t") }
      })
      assert.strictEqual(SharedBudget.budgetKey(root), key)
      assert.strictEqual(SharedBudget.budgetKey(sub), key)
      assert.strictEqual(SharedBudget.budgetKey(generic), "https://scim.example.com/v2")
      assert.strictEqual(SharedBudget.budgetKey(root, { key: "office", egress: "nat-1" }), "office egress=nat-1")
    }))

  it.scoped("bad options fail with ConfigError before the database is touched", () =>
    Effect.gen(function*() {
      const file = yield* tempDb
      const bad: ReadonlyArray<readonly [unknown, string]> = [
        [{ egress: "" }, "egress"],
        [{ egress: "nat\n1" }, "egress"],
        [{ key: 42 }, "key"],
        [{ timeout: "forever" }, "timeout"],
        [{ timeout: -1 }, "timeout"],
        [{ fallbackFor: "0 seconds" }, "fallbackFor"],
        [{ adaptive: "yes" }, "adaptive"],
        ["options", "options"]
      ]
      for (const [options, name] of bad) {
        const exit = yield* Effect.exit(runner(file, options as SharedBudget.Options))
        assert.isTrue(Exit.isFailure(exit), name)
        const error = failure(exit)
        assert.isTrue(ConfigError.isConfigError(error) && ConfigError.isInvalidData(error), name)
        assert.include(String(error), name)
      }
      const sql = Context.get(yield* Layer.build(Storage.layerSqlite({ filename: file })), SqlClient.SqlClient)
      const tables = yield* sql`SELECT name FROM sqlite_master WHERE name = ${SharedBudget.table}`
      assert.strictEqual(tables.length, 0)
    }))

  it.scoped("a table that is not the budget's fails with SqlError; a database other than SQLite or PostgreSQL with ConfigError", () =>
    Effect.gen(function*() {
      const file = yield* tempDb
      const sql = Context.get(yield* Layer.build(Storage.layerSqlite({ filename: file })), SqlClient.SqlClient)
      yield* sql`CREATE TABLE ${sql(SharedBudget.table)} (x INTEGER)`
      const exit = yield* Effect.exit(runner(file))
      assert.strictEqual((failure(exit) as { readonly _tag?: unknown } | undefined)?._tag, "SqlError")

      const mysql = yield* SqlClient.make({
        acquirer: Effect.dieMessage("no connection"),
        compiler: Statement.makeCompiler({
          dialect: "mysql",
          placeholder: () => "?",
          onIdentifier: (value) => value,
          onRecordUpdate: () => ["", []],
          onCustom: () => ["", []]
        }),
        spanAttributes: []
      }).pipe(Effect.provide(Reactivity.layer))
      const unsupported = yield* Effect.exit(
        SharedBudget.make().pipe(Effect.provideService(SqlClient.SqlClient, mysql), Effect.provide(config))
      )
      const error = failure(unsupported)
      assert.isTrue(ConfigError.isConfigError(error) && ConfigError.isUnsupported(error))
    }))
})
