import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, TestClock } from "effect"
import { AsgardeoEmulator } from "../src/index.js"
import { call, newUser, SCIM, scim, token, tokenRequest } from "./helpers.js"

const run = <A, E>(effect: Effect.Effect<A, E, any>, options?: AsgardeoEmulator.Options) =>
  Effect.provide(effect, AsgardeoEmulator.layerClient(options)) as Effect.Effect<A, E>

const emulator = AsgardeoEmulator.AsgardeoEmulator

describe("fault injection", () => {
  it.effect("latency (driven by TestClock)", () =>
    run(Effect.gen(function*() {
      const e = yield* emulator
      const t = yield* token()
      yield* e.injectFault(AsgardeoEmulator.latency(5000, { path: "/scim2/Users" }))
      const fiber = yield* Effect.fork(call("GET", `${SCIM}/Users`, { token: t }))
      yield* TestClock.adjust("4 seconds")
      assert.isTrue((yield* Fiber.poll(fiber))._tag === "None")
      yield* TestClock.adjust("1 second")
      const a = yield* Fiber.join(fiber)
      assert.strictEqual(a.status, 200)
      const log = yield* e.log
      assert.deepStrictEqual(log.at(-1)?.faults, ["Latency"])
    })))

  it.effect("the next N matching requests fail with 429 (with and without Retry-After) or 5xx", () =>
    run(Effect.gen(function*() {
      const e = yield* emulator
      const t = yield* token()
      yield* e.injectFault(AsgardeoEmulator.tooManyRequests({ path: "/scim2/Users*", method: "GET", times: 1 }, 7))
      yield* e.injectFault(AsgardeoEmulator.tooManyRequests({ path: "/scim2/Users*", method: "GET", times: 1 }))
      yield* e.injectFault(AsgardeoEmulator.status(503, { path: "/scim2/Users*", method: "GET", times: 1 }))
      const a = yield* call("GET", `${SCIM}/Users`, { token: t })
      assert.strictEqual(a.status, 429)
      assert.strictEqual(a.headers["retry-after"], "7")
      const b = yield* call("GET", `${SCIM}/Users`, { token: t })
      assert.strictEqual(b.status, 429)
      assert.isUndefined(b.headers["retry-after"])
      const c = yield* call("GET", `${SCIM}/Users`, { token: t })
      assert.strictEqual(c.status, 503)
      const d = yield* call("GET", `${SCIM}/Users`, { token: t })
      assert.strictEqual(d.status, 200)
      const counters = yield* e.counters
      assert.strictEqual(counters.rateLimited, 2)
      assert.strictEqual(counters.byStatus["503"], 1)
      assert.strictEqual(counters.byEndpoint["GET /scim2/Users"], 4)
    })))

  it.effect("a seeded percentage is deterministic", () =>
    Effect.gen(function*() {
      const pattern = () =>
        run(Effect.gen(function*() {
          const e = yield* emulator
          const t = yield* token()
          yield* e.injectFault(AsgardeoEmulator.status(500, { path: "/scim2/Users", percentage: 30, seed: 42 }))
          const statuses: Array<number> = []
          for (let i = 0; i < 40; i++) statuses.push((yield* call("GET", `${SCIM}/Users`, { token: t })).status)
          return statuses
        }))
      const first = yield* pattern()
      const second = yield* pattern()
      assert.deepStrictEqual(first, second)
      const failures = first.filter((s) => s === 500).length
      assert.isAbove(failures, 4)
      assert.isBelow(failures, 20)
    }))

  it.effect("dropped connections: before (nothing applied) and after (applied, response lost)", () =>
    run(Effect.gen(function*() {
      const e = yield* emulator
      const t = yield* token()
      yield* e.injectFault(
        AsgardeoEmulator.dropConnection("before", { method: "POST", path: "/scim2/Users", times: 1 })
      )
      const before = yield* Effect.flip(call("POST", `${SCIM}/Users`, { token: t, body: newUser("d1") }))
      assert.strictEqual(before._tag, "RequestError")
      if (before._tag === "RequestError") assert.strictEqual(before.reason, "Transport")
      assert.strictEqual((yield* e.snapshot()).users.length, 0)
      yield* e.injectFault(AsgardeoEmulator.dropConnection("after", { method: "POST", path: "/scim2/Users", times: 1 }))
      const after = yield* Effect.flip(call("POST", `${SCIM}/Users`, { token: t, body: newUser("d1") }))
      assert.strictEqual(after._tag, "RequestError")
      assert.strictEqual((yield* e.snapshot()).users.length, 1)
      const retry = yield* call("POST", `${SCIM}/Users`, { token: t, body: newUser("d1") })
      assert.strictEqual(retry.status, 409)
      const log = yield* e.log
      assert.deepStrictEqual(log.slice(-3).map((l) => l.status), [undefined, undefined, 409])
      assert.strictEqual((yield* e.counters).dropped, 2)
    })))

  it.effect("malformed JSON bodies (the change is applied)", () =>
    run(Effect.gen(function*() {
      const e = yield* emulator
      const t = yield* token()
      yield* e.injectFault(AsgardeoEmulator.malformedBody({ path: "/scim2/Users", times: 1 }))
      const a = yield* call("POST", `${SCIM}/Users`, { token: t, body: newUser("m1") })
      assert.strictEqual(a.status, 201)
      assert.isUndefined(a.json)
      assert.throws(() => JSON.parse(a.text))
      assert.strictEqual((yield* e.snapshot()).users.length, 1)
    })))

  it.effect("token endpoint down, slow, garbage", () =>
    run(Effect.gen(function*() {
      const e = yield* emulator
      const form = { grant_type: "client_credentials" }
      const id = yield* e.injectFault(AsgardeoEmulator.tokenEndpointDown())
      assert.strictEqual((yield* tokenRequest(form)).status, 503)
      assert.strictEqual((yield* tokenRequest(form)).status, 503)
      yield* e.removeFault(id)
      yield* e.injectFault(AsgardeoEmulator.tokenEndpointGarbage({ times: 1 }))
      const g = yield* tokenRequest(form)
      assert.strictEqual(g.status, 200)
      assert.match(g.headers["content-type"] ?? "", /text\/html/)
      yield* e.injectFault(AsgardeoEmulator.tokenEndpointSlow(3000, { times: 1 }))
      const fiber = yield* Effect.fork(tokenRequest(form))
      yield* TestClock.adjust("3 seconds")
      assert.strictEqual((yield* Fiber.join(fiber)).status, 200)
      // SCIM calls are not affected by token faults
      yield* e.injectFault(AsgardeoEmulator.tokenEndpointDown())
      assert.strictEqual((yield* call("GET", `${SCIM}/ServiceProviderConfig`)).status, 200)
      yield* e.clearFaults
      assert.strictEqual((yield* tokenRequest(form)).status, 200)
      const counters = yield* e.counters
      assert.strictEqual(counters.tokenRequests, 5)
      assert.strictEqual(counters.tokensIssued, 1)
    })))

  it.effect("the request log records method, path, query, status, time, client id", () =>
    run(Effect.gen(function*() {
      const e = yield* emulator
      yield* TestClock.setTime(1_000_000)
      yield* scim("GET", "/Users", { query: { count: "5" } })
      const log = yield* e.log
      assert.strictEqual(log.length, 2)
      assert.deepStrictEqual(log[1], {
        method: "GET",
        path: "/t/acme/scim2/Users",
        query: "count=5",
        status: 200,
        time: 1_000_000,
        clientId: "emulator-client",
        faults: []
      })
      yield* e.clearLog
      assert.strictEqual((yield* e.log).length, 0)
      assert.strictEqual((yield* e.counters).requests, 0)
    })))
})

describe("rate limits", () => {
  it.effect("fixed windows per bucket with a time scale, Retry-After, under TestClock", () =>
    run(
      Effect.gen(function*() {
        const e = yield* emulator
        const t = yield* token()
        const statuses: Array<number> = []
        for (let i = 0; i < 6; i++) statuses.push((yield* call("GET", `${SCIM}/Users`, { token: t })).status)
        assert.deepStrictEqual(statuses, [200, 200, 200, 200, 200, 429])
        const limited = yield* call("GET", `${SCIM}/Users`, { token: t })
        assert.strictEqual(limited.headers["retry-after"], "1")
        // another bucket is independent
        assert.strictEqual((yield* call("POST", `${SCIM}/Bulk`, { token: t, body: { Operations: [] } })).status, 200)
        yield* TestClock.adjust("1 second") // a minute at timeScale 60
        assert.strictEqual((yield* call("GET", `${SCIM}/Users`, { token: t })).status, 200)
        assert.strictEqual((yield* e.counters).rateLimited, 2)
        yield* e.setRateLimits({ enabled: false })
        for (let i = 0; i < 10; i++) assert.strictEqual((yield* call("GET", `${SCIM}/Users`, { token: t })).status, 200)
      }),
      { rateLimits: { enabled: true, timeScale: 60, limits: { scim: 5, oauth: 200, bulk: 5 } } }
    ))

  it.effect("Asgardeo's defaults: 5/min on /scim2/Bulk; sliding windows; no Retry-After when switched off", () =>
    run(Effect.gen(function*() {
      const e = yield* emulator
      const t = yield* token()
      yield* e.setRateLimits({ enabled: true, window: "sliding", retryAfter: false })
      const bulk = () => call("POST", `${SCIM}/Bulk`, { token: t, body: { Operations: [] } })
      for (let i = 0; i < 3; i++) assert.strictEqual((yield* bulk()).status, 200)
      yield* TestClock.adjust("30 seconds")
      for (let i = 0; i < 2; i++) assert.strictEqual((yield* bulk()).status, 200)
      const limited = yield* bulk()
      assert.strictEqual(limited.status, 429)
      assert.isUndefined(limited.headers["retry-after"])
      yield* TestClock.adjust("30 seconds") // the first three leave the window
      for (let i = 0; i < 3; i++) assert.strictEqual((yield* bulk()).status, 200)
      assert.strictEqual((yield* bulk()).status, 429)
    })))

  it.effect("the token endpoint has its own bucket", () =>
    run(
      Effect.gen(function*() {
        const form = { grant_type: "client_credentials" }
        assert.strictEqual((yield* tokenRequest(form)).status, 200)
        assert.strictEqual((yield* tokenRequest(form)).status, 200)
        assert.strictEqual((yield* tokenRequest(form)).status, 429)
      }),
      { rateLimits: { enabled: true, limits: { scim: 200, oauth: 2, bulk: 5 } } }
    ))
})
