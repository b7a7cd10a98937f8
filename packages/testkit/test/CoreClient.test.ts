// core's ScimClient against the emulator: token single flight, retries, 429 pauses, token expiry,
// rate budgets and paging, with the emulator's request log as the evidence.
import type { AsgardeoConfig } from "@asgardeo-scim/core"
import { Paging, ScimClient } from "@asgardeo-scim/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Stream, TestClock } from "effect"
import { AsgardeoEmulator } from "../src/index.js"

const layer = (
  options: AsgardeoEmulator.Options = {},
  config: Partial<AsgardeoConfig.Options> = {}
) => ScimClient.layer.pipe(Layer.provideMerge(AsgardeoEmulator.layerTest(options, config)))

const emulator = AsgardeoEmulator.AsgardeoEmulator
const client = ScimClient.ScimClient

const getUser = (id: string) =>
  Effect.flatMap(
    client,
    (c) => c.execute({ operation: "Users.get", scope: "internal_user_mgt_view", method: "GET", path: "/Users", id })
  )

const seed = (n: number) =>
  Effect.flatMap(
    emulator,
    (emu) => emu.seedUsers(Array.from({ length: n }, (_, i) => ({ userName: `user${i}@example.com` })))
  )

const scimLog = Effect.map(
  Effect.flatMap(emulator, (emu) => emu.log),
  (log) => log.filter((e) => !e.path.endsWith("/oauth2/token"))
)

const advance = <A, E, R>(effect: Effect.Effect<A, E, R>, total: string) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(effect)
    yield* TestClock.adjust(total as `${number} seconds`)
    return yield* Fiber.join(fiber)
  })

describe("core ScimClient against the emulator", () => {
  it.effect("single flight: 200 concurrent first calls cause one token request", () =>
    Effect.gen(function*() {
      const [user] = yield* seed(1)
      const emu = yield* emulator
      yield* Effect.all(Array.from({ length: 200 }, () => getUser(user!.id)), { concurrency: "unbounded" })
      const counters = yield* emu.counters
      assert.strictEqual(counters.tokenRequests, 1)
      assert.strictEqual((yield* scimLog).length, 200)
    }).pipe(Effect.provide(layer())))

  it.effect("a 5xx on a GET is retried; the log shows 503, 503, 200", () =>
    Effect.gen(function*() {
      const [user] = yield* seed(1)
      const emu = yield* emulator
      yield* emu.injectFault(AsgardeoEmulator.status(503, { method: "GET", times: 2 }))
      yield* advance(getUser(user!.id), "10 seconds")
      assert.deepStrictEqual((yield* scimLog).map((e) => e.status), [503, 503, 200])
    }).pipe(Effect.provide(layer())))

  it.effect("a POST answered 503 is not retried: one request in the log", () =>
    Effect.gen(function*() {
      const emu = yield* emulator
      yield* emu.injectFault(AsgardeoEmulator.status(503, { method: "POST", path: "*/Users", times: 1 }))
      const c = yield* client
      const error = yield* Effect.flip(c.execute({
        operation: "Users.create",
        scope: "internal_user_mgt_create",
        method: "POST",
        path: "/Users",
        body: { userName: "kim@example.com", password: "Passw0rd!x", emails: ["kim@example.com"] }
      }))
      assert.strictEqual(error._tag, "ServerError")
      assert.deepStrictEqual((yield* scimLog).map((e) => [e.method, e.status]), [["POST", 503]])
    }).pipe(Effect.provide(layer())))

  it.effect("a 429 with Retry-After pauses every fiber: no request in the log until it has passed", () =>
    Effect.gen(function*() {
      const [user] = yield* seed(1)
      const emu = yield* emulator
      yield* getUser(user!.id)
      yield* emu.clearLog
      yield* emu.injectFault(AsgardeoEmulator.tooManyRequests({ method: "GET", times: 1 }, 5))
      const first = yield* Effect.fork(getUser(user!.id))
      yield* TestClock.adjust("1 second")
      // Fibers that start while the pause is on wait for it, instead of hammering the server.
      const others = yield* Effect.fork(
        Effect.all(Array.from({ length: 4 }, () => getUser(user!.id)), { concurrency: "unbounded" })
      )
      yield* TestClock.adjust("3 seconds")
      assert.deepStrictEqual((yield* scimLog).map((e) => e.status), [429])
      yield* TestClock.adjust("2 seconds")
      yield* Fiber.join(first)
      yield* Fiber.join(others)
      const log = yield* scimLog
      assert.deepStrictEqual(log.map((e) => e.status), [429, 200, 200, 200, 200, 200])
      assert.isTrue(log.slice(1).every((e) => e.time >= log[0]!.time + 5000), JSON.stringify(log.map((e) => e.time)))
    }).pipe(Effect.provide(layer())))

  it.effect("expired tokens: one new token, the request retried once", () =>
    Effect.gen(function*() {
      const [user] = yield* seed(1)
      const emu = yield* emulator
      yield* getUser(user!.id)
      yield* emu.expireAllTokens
      yield* Effect.all(Array.from({ length: 20 }, () => getUser(user!.id)), { concurrency: "unbounded" })
      const counters = yield* emu.counters
      assert.strictEqual(counters.tokenRequests, 2)
      const statuses = (yield* scimLog).map((e) => e.status)
      assert.strictEqual(statuses.filter((s) => s === 401).length, 20)
      assert.strictEqual(statuses.filter((s) => s === 200).length, 21)
    }).pipe(Effect.provide(layer())))

  it.effect("the client's budget matches the emulator's Asgardeo limits: zero 429s", () =>
    Effect.gen(function*() {
      const [user] = yield* seed(1)
      const emu = yield* emulator
      const fiber = yield* Effect.fork(
        Effect.all(Array.from({ length: 450 }, () => getUser(user!.id)), { concurrency: 32 })
      )
      yield* TestClock.adjust("3 minutes")
      yield* Fiber.join(fiber)
      const counters = yield* emu.counters
      assert.strictEqual(counters.rateLimited, 0)
      assert.strictEqual((yield* scimLog).length, 450)
    }).pipe(Effect.provide(layer(
      { rateLimits: { enabled: true, window: "sliding", timeScale: 1 } },
      { rateLimits: { scim: { limit: 200, window: "1 minute" }, token: { limit: 200, window: "1 minute" } } }
    ))))

  it.effect("without a client budget, the emulator's limits answer 429 and the client rides them out", () =>
    Effect.gen(function*() {
      const [user] = yield* seed(1)
      const emu = yield* emulator
      const fiber = yield* Effect.fork(
        Effect.all(Array.from({ length: 260 }, () => getUser(user!.id)), { concurrency: 16 })
      )
      yield* TestClock.adjust("5 minutes")
      yield* Fiber.join(fiber)
      const counters = yield* emu.counters
      assert.isAbove(counters.rateLimited, 0)
      assert.strictEqual((yield* scimLog).filter((e) => e.status === 200).length, 260)
    }).pipe(Effect.provide(layer(
      { rateLimits: { enabled: true, window: "fixed", timeScale: 1, retryAfter: true } },
      { retry: { maxAttempts: 10 } }
    ))))

  it.effect("paging with a lying totalResults: every user exactly once, count=100 always sent", () =>
    Effect.gen(function*() {
      yield* seed(250)
      const c = yield* client
      const users = yield* Stream.runCollect(Paging.stream({
        path: "/Users",
        pageSize: 100,
        maxRequests: 20,
        idOf: (u: { readonly id?: string }) => u.id,
        fetchPage: (startIndex, count) =>
          Effect.flatMap(
            Effect.orDie(c.execute({
              operation: "Users.list",
              scope: "internal_user_mgt_list",
              method: "GET",
              path: "/Users",
              urlParams: { startIndex, count }
            })),
            (res) => {
              const page = Paging.decodeListResponse(res.body)
              return page._tag === "Right"
                ? Effect.succeed(page.right as Paging.Page<{ readonly id?: string }>)
                : Effect.die(page.left)
            }
          )
      }))
      const ids = new Set([...users].map((u) => u.id))
      assert.strictEqual(users.length, 250)
      assert.strictEqual(ids.size, 250)
      const log = yield* scimLog
      assert.deepStrictEqual(log.map((e) => new URLSearchParams(e.query).get("count")), ["100", "100", "100", "100"])
      assert.deepStrictEqual(log.map((e) => new URLSearchParams(e.query).get("startIndex")), ["1", "101", "201", "251"])
    }).pipe(Effect.provide(layer({ quirks: { totalResultsIsPageSize: true } }))))
})
