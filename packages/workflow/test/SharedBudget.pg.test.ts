// The shared budget on a real PostgreSQL (test/utils/Postgres.ts): runners are separate pools,
// `modify` a transaction holding the row with SELECT ... FOR UPDATE. A server suite.
import { Storage } from "@asgardeo-scim/workflow"
import { assert, layer } from "@effect/vitest"
import { Effect, TestContext } from "effect"
import {
  acquireAt,
  countedAnswers,
  drive,
  eightRequests,
  rows,
  runnerOn,
  sleepsNow,
  twoRunners
} from "./utils/Budget.js"
import * as Postgres from "./utils/Postgres.js"

const pool = (server: Postgres.Server) => Storage.layerPg({ url: server.url, maxConnections: 4 })

// The suite's layer is built without test services (the server runs on real time); each test
// runs on a TestClock of its own.
const onTestClock = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.provide(effect, TestContext.TestContext)

layer(Postgres.layer(), { excludeTestServices: true, timeout: "60 seconds" })(
  "the shared budget on PostgreSQL",
  (it) => {
    // Tests share the server: each has a budget key of its own.
    it.scoped("two runners, each with its own pool, spend one budget", () =>
      Effect.gen(function*() {
        const [a, b] = yield* twoRunners(pool(yield* Postgres.PostgresServer), { key: "two-pools" })
        assert.deepStrictEqual(yield* eightRequests(a, b), [0, 0, 0, 1020, 1020, 1020, 2040, 2040])
      }).pipe(onTestClock))

    it.scoped("many fibers of two pools at once: FOR UPDATE serializes them, no change is lost", () =>
      Effect.gen(function*() {
        const [a, b] = yield* twoRunners(pool(yield* Postgres.PostgresServer), { key: "serialized" })
        assert.strictEqual(yield* countedAnswers(a, b, "serialized"), 200)
      }).pipe(onTestClock))

    it.scoped("a 429 with Retry-After seen by one runner pauses the other", () =>
      Effect.gen(function*() {
        const [a, b] = yield* twoRunners(pool(yield* Postgres.PostgresServer), { key: "paused" })
        yield* a.limiter.onThrottle("scim", { retryAfter: "5 seconds" })
        assert.strictEqual(yield* b.limiter.pausedUntil, 5000)
        const foreign = yield* sleepsNow
        const fibers = yield* Effect.forEach([b, a], (r) => Effect.fork(acquireAt(r.limiter, "token")))
        assert.deepStrictEqual(yield* drive(fibers, foreign), [5000, 5000])
      }).pipe(onTestClock))

    it.scoped("a hostile row is replaced by a fresh state", () =>
      Effect.gen(function*() {
        const server = yield* Postgres.PostgresServer
        const a = yield* runnerOn(pool(server), { key: "hostile" })
        yield* a.sql`UPDATE asgardeo_scim_budget SET state = ${"{\"v\":1,\"pausedUntil\":1e400}"} WHERE key = 'hostile'`
        assert.strictEqual(yield* a.limiter.pausedUntil, 0)
        yield* a.limiter.pause("1 second")
        assert.strictEqual(JSON.parse((yield* rows(a.sql)).get("hostile") as string).pausedUntil, 1000)
      }).pipe(onTestClock))
  }
)
