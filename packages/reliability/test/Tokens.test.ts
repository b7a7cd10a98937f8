// Tokens and throttling on the emulator: no 401 or 429 reaches a caller while the server can
// still serve. Timed cases run on the TestClock (the in-process emulator reads the same clock);
// repeated revocation runs on the real loopback server with real time.
import type { AsgardeoConfig } from "@asgardeo-scim/core"
import { Scopes } from "@asgardeo-scim/core"
import { Directory, Users } from "@asgardeo-scim/directory"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import * as EmulatorServer from "@asgardeo-scim/testkit/EmulatorServer"
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { Clock, Duration, Effect, Either, Fiber, Layer, Redacted, TestClock } from "effect"
import { recorder } from "./support/results.js"

const results = recorder("tokens")
afterAll((file) => results.finish(file))

const app = { clientId: "tokens-client", clientSecret: "tokens-s3cret-value" }

const directory = (emulator: AsgardeoEmulator.Options, config: Partial<AsgardeoConfig.Options> = {}) =>
  Directory.layer.pipe(
    Layer.provideMerge(AsgardeoEmulator.layerConfig({
      clientId: app.clientId,
      clientSecret: Redacted.make(app.clientSecret),
      ...config
    })),
    Layer.provideMerge(AsgardeoEmulator.layerClient({ apps: [app], ...emulator }))
  )

const list = Effect.flatMap(Users.Users, (users) => users.list({ count: 1 }))

/** Runs `effect` while moving the TestClock forward in steps until it is done. */
const drive = <A, E, R>(effect: Effect.Effect<A, E, R>, step: Duration.DurationInput, max: number) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(effect)
    for (let i = 0; i < max; i++) {
      if ((yield* Fiber.poll(fiber))._tag === "Some") break
      yield* TestClock.adjust(step)
    }
    return yield* Fiber.join(fiber)
  })

describe("tokens", () => {
  for (const rounding of ["up", "down"] as const) {
    it.effect(
      `tokens.reuse-near-expiry: short tokens handed back with expires_in rounded ${rounding}`,
      () =>
        Effect.gen(function*() {
          const emu = yield* AsgardeoEmulator.AsgardeoEmulator
          yield* emu.seedUsers([{ userName: "kim@example.com" }])
          // The token endpoint takes 300 ms: a token is issued well after its request was sent.
          yield* emu.injectFault(AsgardeoEmulator.tokenEndpointSlow(300))
          const seconds = 20
          const lifetime = 5
          // Three callers, one request every 500 ms each, for 20 s of 5 s tokens: near each token's
          // end the server hands it back with 1 or 0 s left.
          const caller = Effect.forEach(
            Array.from({ length: (seconds * 1000) / 500 }),
            () => Effect.zipLeft(Effect.either(list), Effect.sleep("500 millis")),
            { concurrency: 1 }
          )
          const outcomes = (yield* drive(
            Effect.all(Array.from({ length: 3 }, () => caller), { concurrency: "unbounded" }),
            "250 millis",
            1000
          )).flat()
          const failures = outcomes.filter(Either.isLeft).map((e) => e.left._tag)
          const counters = yield* emu.counters
          assert.deepStrictEqual(failures, [], "no caller fails")
          assert.strictEqual(counters.byStatus["401"] ?? 0, 0, "no expired token is ever sent")
          const lifetimes = Math.ceil((yield* Clock.currentTimeMillis) / (lifetime * 1000))
          assert.isAtMost(counters.tokenRequests, lifetimes + 1, "at most one token request per real lifetime plus one")
          results.observe(
            "tokens.reuse-near-expiry",
            outcomes.length,
            `0 failures, 0 401s; ${counters.tokenRequests} token requests over ${lifetimes} token lifetimes`
          )
        }).pipe(Effect.provide(directory({ tokenExpiresIn: 5, quirks: { expiresInRounding: rounding } }))),
      30_000
    )
  }

  for (const [rounding, age] of [["up", 4500], ["down", 1100], ["down", 4500]] as const) {
    it.effect(
      `tokens.leftover: a token another process took ${age} ms ago, expires_in rounded ${rounding}: callers never fail`,
      () =>
        Effect.gen(function*() {
          const emu = yield* AsgardeoEmulator.AsgardeoEmulator
          yield* emu.seedUsers([{ userName: "kim@example.com" }])
          // Another process took a token for the same app and scopes a moment ago: the server
          // hands it back with its remaining lifetime in whole seconds (3 of 3.9, or 0 of 0.5).
          const request = HttpClientRequest.post(emu.tokenUrl).pipe(
            HttpClientRequest.basicAuth(app.clientId, app.clientSecret),
            HttpClientRequest.bodyUrlParams({ grant_type: "client_credentials", scope: Scopes.all.join(" ") })
          )
          const first = yield* Effect.flatMap(emu.client.execute(request), (r) => r.json)
          assert.strictEqual((first as { expires_in: number }).expires_in, 5)
          yield* TestClock.adjust(age)
          yield* emu.injectFault(AsgardeoEmulator.tokenEndpointSlow(10))
          yield* emu.clearLog
          // Six callers, each three times a second for 8 s.
          const caller = Effect.forEach(
            Array.from({ length: 24 }),
            () => Effect.zipLeft(Effect.either(list), Effect.sleep("333 millis")),
            { concurrency: 1 }
          )
          const outcomes = (yield* drive(
            Effect.all(Array.from({ length: 6 }, () => caller), { concurrency: "unbounded" }),
            "111 millis",
            200
          )).flat()
          const counters = yield* emu.counters
          assert.deepStrictEqual(outcomes.filter(Either.isLeft).map((e) => e.left._tag), [])
          assert.strictEqual(counters.byStatus["401"] ?? 0, 0)
          // The leftover's remaining life plus two 5 s lifetimes: at most one request each, plus one.
          assert.isAtMost(counters.tokenRequests, 4)
          results.observe(
            "tokens.leftover",
            outcomes.length,
            `0 failures, 0 401s, ${counters.tokenRequests} token requests (leftover ${age} ms old, rounded ${rounding})`
          )
        }).pipe(Effect.provide(directory({ tokenExpiresIn: 5, quirks: { expiresInRounding: rounding } }))),
      30_000
    )
  }

  it.effect("tokens.static-401: a wrong static bearer token is sent once", () =>
    Effect.gen(function*() {
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      const layer = Directory.layerGeneric({
        scimBaseUrl: emu.scimUrl,
        auth: { bearerToken: Redacted.make("not-a-token-of-this-server") }
      })
      const error = yield* Effect.flip(list).pipe(Effect.provide(layer))
      const log = yield* emu.log
      assert.strictEqual(error._tag, "Unauthorized")
      assert.deepStrictEqual(log.map((l) => l.status), [401])
      results.observe("tokens.static-401", 1, "Unauthorized after 1 request (a static token cannot be refreshed)")
    }).pipe(Effect.provide(AsgardeoEmulator.layerClient({ apps: [app] }))))

  it.live(
    "tokens.revoked-repeatedly: tokens revoked at 100, 300 and 600 ms; 200 concurrent operations",
    () =>
      Effect.gen(function*() {
        const emu = yield* AsgardeoEmulator.AsgardeoEmulator
        yield* emu.seedUsers([{ userName: "kim@example.com" }])
        yield* list // a token in the cache
        yield* emu.injectFault(AsgardeoEmulator.latency(250, { path: "/scim2/Users*" }))
        yield* emu.clearLog
        const revoke = Effect.forEach([100, 200, 300], (gap) => Effect.zipRight(Effect.sleep(gap), emu.expireAllTokens))
        const [outcomes] = yield* Effect.all([
          Effect.all(Array.from({ length: 200 }, () => Effect.either(list)), { concurrency: "unbounded" }),
          revoke
        ], { concurrency: "unbounded" })
        const failures = outcomes.filter(Either.isLeft).map((e) => e.left._tag)
        const counters = yield* emu.counters
        assert.deepStrictEqual(failures, [])
        assert.isAbove(counters.byStatus["401"] ?? 0, 0, "the revocations hit requests in flight")
        results.observe(
          "tokens.revoked-repeatedly",
          200,
          `0 of 200 failed; ${
            counters.byStatus["401"] ?? 0
          } 401s absorbed with ${counters.tokenRequests} token requests`
        )
      }).pipe(
        Effect.provide(
          Directory.layer.pipe(
            Layer.provideMerge(AsgardeoEmulator.layerConfig({
              clientId: app.clientId,
              clientSecret: Redacted.make(app.clientSecret)
            })),
            Layer.provideMerge(Layer.merge(EmulatorServer.layerServer({ apps: [app] }), NodeHttpClient.layerUndici))
          )
        )
      ),
    30_000
  )
})

describe("interruption", () => {
  it.effect("interrupt.timeout-aborts: a caller's timeout aborts the request the server holds", () => {
    const signals: Array<AbortSignal> = []
    // The emulator's in-process client, wrapped to see the abort signal of each request.
    const watching = Layer.effect(
      HttpClient.HttpClient,
      Effect.map(AsgardeoEmulator.AsgardeoEmulator, (emu) =>
        HttpClient.make((request, url, signal) => {
          if (url.pathname.includes("/scim2/")) signals.push(signal)
          return emu.client.execute(request)
        }))
    )
    return Effect.gen(function*() {
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      yield* list
      yield* emu.injectFault(AsgardeoEmulator.latency(5000, { path: "/scim2/Users*" }))
      const fiber = yield* Effect.fork(Effect.timeout(list, "1 second"))
      yield* TestClock.adjust("2 seconds")
      const result = yield* Effect.either(Fiber.join(fiber))
      assert.isTrue(Either.isLeft(result))
      assert.isTrue(signals.at(-1)!.aborted, "the request's abort signal fired")
      results.observe("interrupt.timeout-aborts", 1, "TimeoutException for the caller; the request was aborted")
    }).pipe(
      Effect.provide(
        Directory.layer.pipe(
          Layer.provideMerge(AsgardeoEmulator.layerConfig({
            clientId: app.clientId,
            clientSecret: Redacted.make(app.clientSecret)
          })),
          Layer.provideMerge(watching),
          Layer.provideMerge(AsgardeoEmulator.layer({ apps: [app] }))
        )
      )
    )
  })
})

describe("throttling", () => {
  it.effect(
    "throttle.burst: 60 requests at once, the server allows 20 per 2 s and sends no Retry-After",
    () =>
      Effect.gen(function*() {
        const emu = yield* AsgardeoEmulator.AsgardeoEmulator
        yield* emu.seedUsers([{ userName: "kim@example.com" }])
        yield* list
        // 20 a minute, a minute lasting 2 s.
        yield* emu.setRateLimits({
          enabled: true,
          window: "fixed",
          timeScale: 30,
          retryAfter: false,
          limits: { scim: 20, oauth: 200, bulk: 5 }
        })
        yield* emu.clearLog
        const outcomes = yield* drive(
          Effect.all(Array.from({ length: 60 }, () => Effect.either(list)), { concurrency: "unbounded" }),
          "500 millis",
          600
        )
        const counters = yield* emu.counters
        const failed = outcomes.filter(Either.isLeft).map((e) => e.left._tag)
        assert.deepStrictEqual(failed, [], "no request lost to RateLimited")
        const elapsed = yield* Clock.currentTimeMillis
        results.observe(
          "throttle.burst",
          60,
          `0 of 60 failed; ${counters.byStatus["429"] ?? 0} 429s absorbed; done at ${(elapsed / 1000).toFixed(0)} s`
        )
      }).pipe(Effect.provide(directory({}))),
    30_000
  )

  it.effect("throttle.forever: a server that answers 429 forever fails the call after maxRateLimitWait", () =>
    Effect.gen(function*() {
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      yield* emu.seedUsers([{ userName: "kim@example.com" }])
      yield* list
      yield* emu.injectFault(AsgardeoEmulator.tooManyRequests({ path: "/scim2/Users*" }))
      const start = yield* Clock.currentTimeMillis
      const error = yield* drive(Effect.flip(list), "1 second", 600)
      const waited = (yield* Clock.currentTimeMillis) - start
      assert.strictEqual(error._tag, "RateLimited")
      assert.isAtMost(waited, Duration.toMillis("40 seconds"))
      results.observe("throttle.forever", 1, `RateLimited after ${Math.round(waited / 1000)} s (maxRateLimitWait 30 s)`)
    }).pipe(Effect.provide(directory({}, { retry: { maxRateLimitWait: "30 seconds" } }))))
})
