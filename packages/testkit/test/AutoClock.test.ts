// layerTest under it.effect: every wait of the client and of the emulator runs on the TestClock,
// which layerTest moves forward by itself. No test here calls TestClock.adjust.
import type { ScimConfig } from "@asgardeo-scim/core"
import { Retry, ScimClient } from "@asgardeo-scim/core"
import { assert, describe, it } from "@effect/vitest"
import { Clock, Effect, Layer } from "effect"
import { AsgardeoEmulator } from "../src/index.js"

const layer = (options: AsgardeoEmulator.Options = {}, config: Partial<ScimConfig.Options> = {}) =>
  ScimClient.layer.pipe(Layer.provideMerge(AsgardeoEmulator.layerTest(options, config)))

const listUsers = Effect.flatMap(
  ScimClient.ScimClient,
  (client) =>
    client.execute({ operation: "Users.list", scope: "internal_user_mgt_list", method: "GET", path: "/Users" })
)

const emulator = AsgardeoEmulator.AsgardeoEmulator

const statuses = (suffix: string) =>
  Effect.map(
    Effect.flatMap(emulator, (e) => e.log),
    (log) => log.filter((entry) => entry.path.endsWith(suffix)).map((entry) => entry.status)
  )

/** Runs `effect` and returns how far the (test) clock moved meanwhile. */
const elapsed = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const start = yield* Clock.currentTimeMillis
    const a = yield* effect
    return [a, (yield* Clock.currentTimeMillis) - start] as const
  })

describe("layerTest under it.effect (TestClock), no TestClock.adjust", () => {
  it.effect("a 503 fault is retried after the backoff", () =>
    Effect.gen(function*() {
      const e = yield* emulator
      yield* e.injectFault(AsgardeoEmulator.status(503, { path: "/scim2/Users", times: 2 }))
      const [response, millis] = yield* elapsed(listUsers)
      assert.strictEqual(response.status, 200)
      assert.deepStrictEqual(yield* statuses("/scim2/Users"), [503, 503, 200])
      assert.isAbove(millis, 0) // the backoff was waited, on the TestClock
    }).pipe(Effect.provide(layer())))

  it.effect("a 429 with Retry-After waits that long", () =>
    Effect.gen(function*() {
      const e = yield* emulator
      yield* e.injectFault(AsgardeoEmulator.tooManyRequests({ path: "/scim2/Users", times: 1 }, 7))
      const [response, millis] = yield* elapsed(listUsers)
      assert.strictEqual(response.status, 200)
      assert.deepStrictEqual(yield* statuses("/scim2/Users"), [429, 200])
      assert.isAtLeast(millis, 7000)
    }).pipe(Effect.provide(layer())))

  it.effect("a 429 without Retry-After waits the backoff and slows down", () =>
    Effect.gen(function*() {
      const e = yield* emulator
      yield* e.injectFault(AsgardeoEmulator.tooManyRequests({ path: "/scim2/Users", times: 3 }))
      const response = yield* listUsers
      assert.strictEqual(response.status, 200)
      assert.deepStrictEqual(yield* statuses("/scim2/Users"), [429, 429, 429, 200])
      // the adaptive slowdown holds back the next requests too: they still complete
      for (let i = 0; i < 5; i++) assert.strictEqual((yield* listUsers).status, 200)
    }).pipe(Effect.provide(layer())))

  it.effect("client-side rate limits: requests past the budget wait for the next window", () =>
    Effect.gen(function*() {
      const [, millis] = yield* elapsed(Effect.forEach(Array.from({ length: 6 }), () => listUsers))
      assert.deepStrictEqual(yield* statuses("/scim2/Users"), [200, 200, 200, 200, 200, 200])
      assert.isAtLeast(millis, 1000) // 2 per second: 6 requests span at least two more windows
    }).pipe(Effect.provide(layer({}, { rateLimits: { scim: { limit: 2, window: "1 second" } } }))))

  it.effect("a latency fault within the deadline answers after the latency", () =>
    Effect.gen(function*() {
      const e = yield* emulator
      yield* e.injectFault(AsgardeoEmulator.latency(5000, { path: "/scim2/Users" }))
      const [response, millis] = yield* elapsed(listUsers)
      assert.strictEqual(response.status, 200)
      assert.isAtLeast(millis, 5000)
    }).pipe(Effect.provide(layer())))

  it.effect("a latency fault past the per-attempt deadline is a timeout, retried, then TransportError", () =>
    Effect.gen(function*() {
      const e = yield* emulator
      yield* e.injectFault(AsgardeoEmulator.latency(60_000, { path: "/scim2/Users" }))
      const [error, millis] = yield* elapsed(Effect.flip(listUsers))
      assert.strictEqual(error._tag, "TransportError")
      assert.strictEqual(error._tag === "TransportError" ? error.reason : undefined, "Timeout")
      assert.isAtLeast(millis, 6000) // two attempts of 3 s each
      assert.isBelow(millis, 60_000)
    }).pipe(Effect.provide(layer({}, { timeout: "3 seconds", retry: { maxAttempts: 2 } }))))

  it.effect("a slow token endpoint and Retry.none: one attempt, the deadline fires", () =>
    Effect.gen(function*() {
      const e = yield* emulator
      yield* e.injectFault(AsgardeoEmulator.tokenEndpointSlow(10_000))
      const error = yield* Effect.flip(listUsers)
      assert.include(["TransportError", "TokenError"], error._tag)
    }).pipe(Effect.provide(layer({}, { timeout: "2 seconds", retry: Retry.none }))))

  it.effect("expired tokens (expireAllTokens): the 401 gets a new token", () =>
    Effect.gen(function*() {
      const e = yield* emulator
      assert.strictEqual((yield* listUsers).status, 200)
      yield* e.expireAllTokens
      assert.strictEqual((yield* listUsers).status, 200)
      assert.strictEqual((yield* e.counters).tokensIssued, 2)
    }).pipe(Effect.provide(layer())))

  it.effect("a token past its send-by time: the client waits for its real expiry", () =>
    Effect.gen(function*() {
      const e = yield* emulator
      assert.strictEqual((yield* listUsers).status, 200)
      // A sleep of the test's own is advanced too. 29.5 s later the token is past its send-by
      // time; the emulator (as Asgardeo) hands it back while it is valid, so the client waits
      // until the server surely let it expire before it asks again.
      yield* Effect.sleep("29500 millis")
      const [response, millis] = yield* elapsed(listUsers)
      assert.strictEqual(response.status, 200)
      const counters = yield* e.counters
      assert.strictEqual(counters.tokensIssued, 2)
      assert.strictEqual(counters.tokenRequests, 2) // it waited instead of asking for the old one again
      assert.isAtLeast(millis, 500)
    }).pipe(Effect.provide(layer({ tokenExpiresIn: 30 }))))
})
