// Token lifecycle under repeated revocation, static tokens, and interruption of requests in flight.
import { AsgardeoConfig, Paging, ScimClient } from "@asgardeo-scim/core"
import { HttpClient, HttpClientError, HttpClientResponse } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Clock, Effect, Either, Fiber, Layer, Redacted, Stream, TestClock } from "effect"
import { makeMock, scimCalls, tokenCalls, tokenReply } from "./utils/MockServer.js"

const ID = "0b7e4b1e-2f0c-4f4e-9a55-3c1d2e0f9a10"

const getUser = Effect.flatMap(
  ScimClient.ScimClient,
  (c) => c.execute({ operation: "Users.get", scope: "internal_user_mgt_view", method: "GET", path: "/Users", id: ID })
)

describe("token lifecycle", () => {
  it.effect("tokens revoked at 100, 300 and 600 ms: none of 50 concurrent operations fails", () => {
    // The server revokes every token issued so far at 100, 300 and 600 ms; it answers after 250 ms.
    const revocations = [100, 300, 600]
    const issued = new Map<string, number>()
    let n = 0
    const mock = makeMock((req) =>
      req.url.pathname.endsWith("/oauth2/token")
        ? Effect.flatMap(Clock.currentTimeMillis, (now) => {
          const token = `tok-${++n}`
          issued.set(token, now)
          return Effect.succeed(tokenReply(token, 3600, "internal_user_mgt_view"))
        })
        : Effect.gen(function*() {
          yield* Effect.sleep("250 millis")
          const now = yield* Clock.currentTimeMillis
          const token = req.headers["authorization"]?.slice("Bearer ".length) ?? ""
          const at = issued.get(token) ?? -1
          const revoked = revocations.some((r) => at <= r && r <= now)
          return revoked ? { status: 401, body: { detail: "token revoked" } } : { status: 200, body: { id: ID } }
        })
    )
    const client = ScimClient.layerAsgardeo({
      organization: "acme",
      clientId: "c",
      clientSecret: Redacted.make("s3cr3t-value"),
      rateLimits: false,
      scopes: ["internal_user_mgt_view"]
    }).pipe(Layer.provide(mock.layer))
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(
        Effect.all(Array.from({ length: 50 }, () => Effect.either(getUser)), { concurrency: "unbounded" })
      )
      yield* TestClock.adjust("1100 millis")
      const results = yield* Fiber.join(fiber)
      const failed = results.filter(Either.isLeft)
      assert.strictEqual(failed.length, 0, failed.map((f) => f.left._tag).join(", "))
      // One token per revocation (compare-and-set), plus the first.
      assert.strictEqual(tokenCalls(mock.received).length, 4)
    }).pipe(Effect.provide(client))
  })

  it.effect("a static bearer token's 401 is final: the request is sent once", () => {
    const mock = makeMock(() => Effect.succeed({ status: 401, body: { detail: "bad token" } }))
    const layer = ScimClient.layer.pipe(
      Layer.provideMerge(AsgardeoConfig.layerGeneric({
        scimBaseUrl: "https://scim.example.com/v2",
        auth: { bearerToken: Redacted.make("wrong-static-token") }
      })),
      Layer.provide(mock.layer)
    )
    return Effect.gen(function*() {
      const error = yield* Effect.flip(getUser)
      assert.strictEqual(error._tag, "Unauthorized")
      assert.strictEqual(scimCalls(mock.received).length, 1)
      assert.strictEqual(tokenCalls(mock.received).length, 0)
    }).pipe(Effect.provide(layer))
  })
})

describe("interruption aborts the request in flight", () => {
  /** An engine that never answers and records each request's abort signal. */
  const hanging = () => {
    const signals: Array<AbortSignal> = []
    const client = HttpClient.make((request, _url, signal) => {
      if (request.url.endsWith("/oauth2/token")) {
        return Effect.succeed(
          HttpClientResponse.fromWeb(
            request,
            new Response(JSON.stringify(tokenReply("t", 3600, "internal_user_mgt_view").body), { status: 200 })
          )
        )
      }
      signals.push(signal)
      return Effect.async<never, HttpClientError.RequestError>((resume) => {
        signal.addEventListener(
          "abort",
          () =>
            resume(Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause: "aborted" })))
        )
      })
    })
    const layer = ScimClient.layerAsgardeo({
      organization: "acme",
      clientId: "c",
      clientSecret: Redacted.make("s3cr3t-value"),
      rateLimits: false,
      scopes: ["internal_user_mgt_view"]
    }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, client)))
    return { signals, layer }
  }

  it.effect("a caller's Effect.timeout", () => {
    const { layer, signals } = hanging()
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.timeout(getUser, "1 second"))
      yield* TestClock.adjust("2 seconds")
      const result = yield* Effect.either(Fiber.join(fiber))
      assert.isTrue(Either.isLeft(result))
      assert.strictEqual(signals.length, 1)
      assert.isTrue(signals[0]!.aborted, "the request's abort signal fired")
    }).pipe(Effect.provide(layer))
  })

  it.effect("a race lost, and Fiber.interrupt", () => {
    const { layer, signals } = hanging()
    return Effect.gen(function*() {
      const winner = yield* Effect.race(getUser, Effect.as(Effect.sleep("10 millis"), "other")).pipe(
        Effect.fork
      )
      yield* TestClock.adjust("20 millis")
      assert.strictEqual(yield* Fiber.join(winner), "other")
      const fiber = yield* Effect.fork(getUser)
      yield* TestClock.adjust("1 millis")
      yield* Fiber.interrupt(fiber)
      assert.strictEqual(signals.length, 2)
      assert.isTrue(signals.every((s) => s.aborted))
    }).pipe(Effect.provide(layer))
  })

  it.effect("Stream.take on paging: the prefetched next page's request is aborted", () => {
    // The first page answers at once; the second never does. A buffered consumer prefetches it,
    // then stops after the first page's resources.
    const signals: Array<AbortSignal> = []
    const client = HttpClient.make((request, url, signal) => {
      if (request.url.endsWith("/oauth2/token")) {
        return Effect.succeed(HttpClientResponse.fromWeb(
          request,
          new Response(JSON.stringify(tokenReply("t", 3600, "internal_user_mgt_list").body), { status: 200 })
        ))
      }
      if (url.searchParams.get("startIndex") === "1") {
        return Effect.succeed(HttpClientResponse.fromWeb(
          request,
          new Response(JSON.stringify({ Resources: [{ id: "a" }, { id: "b" }] }), { status: 200 })
        ))
      }
      signals.push(signal)
      return Effect.async<never, HttpClientError.RequestError>((resume) => {
        signal.addEventListener(
          "abort",
          () =>
            resume(Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause: "aborted" })))
        )
      })
    })
    const layer = ScimClient.layerAsgardeo({
      organization: "acme",
      clientId: "c",
      clientSecret: Redacted.make("s3cr3t-value"),
      rateLimits: false,
      scopes: ["internal_user_mgt_list"]
    }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, client)))
    return Effect.gen(function*() {
      const scim = yield* ScimClient.ScimClient
      const pages = Paging.stream({
        path: "/Users",
        pageSize: 2,
        maxRequests: 10,
        idOf: (r: { readonly id: string }) => r.id,
        fetchPage: (startIndex, count) =>
          Effect.map(
            scim.execute({
              operation: "Users.list",
              scope: "internal_user_mgt_list",
              method: "GET",
              path: "/Users",
              urlParams: { startIndex, count }
            }),
            (res) => ({ resources: (res.body as { Resources: ReadonlyArray<{ readonly id: string }> }).Resources })
          )
      })
      const fiber = yield* Effect.fork(
        Stream.runCollect(pages.pipe(Stream.buffer({ capacity: 16 }), Stream.take(2)))
      )
      yield* TestClock.adjust("10 millis")
      const taken = yield* Fiber.join(fiber)
      assert.deepStrictEqual(Array.from(taken, (r) => r.id), ["a", "b"])
      yield* TestClock.adjust("10 millis")
      assert.strictEqual(signals.length, 1, "the second page was requested")
      assert.isTrue(signals[0]!.aborted, "and aborted when the consumer stopped")
    }).pipe(Effect.provide(layer))
  })
})
