import { AsgardeoConfig, ScimClient, ScimError } from "@asgardeo-scim/core"
import { assert, describe, it } from "@effect/vitest"
import type { Duration } from "effect"
import { Effect, Either, Fiber, Layer, Option, Redacted, TestClock } from "effect"
import { clientLayer, makeMock, scimCalls, SECRET, tokenCalls, tokenReply } from "./utils/MockServer.js"
import type { Handler, Reply } from "./utils/MockServer.js"

const ID = "0b7e4b1e-2f0c-4f4e-9a55-3c1d2e0f9a10"

const exec = (request: ScimClient.Request) => Effect.flatMap(ScimClient.ScimClient, (c) => c.execute(request))
const getUser = (id = ID) =>
  exec({ operation: "Users.get", scope: "internal_user_mgt_view", method: "GET", path: "/Users", id })

const run = <A, E>(
  handler: Handler,
  body: (received: ReturnType<typeof clientLayer>["received"]) => Effect.Effect<A, E, ScimClient.ScimClient>,
  options: Partial<AsgardeoConfig.Options> = {}
) => {
  const { layer, received } = clientLayer(handler, options)
  return Effect.provide(body(received), layer)
}

/** Runs `effect` to completion while moving the TestClock forward. */
const withTime = <A, E, R>(effect: Effect.Effect<A, E, R>, total: Duration.DurationInput = "10 minutes") =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(effect)
    yield* TestClock.adjust(total)
    return yield* Fiber.join(fiber)
  })

const reply = (r: Reply) => () => Effect.succeed(r)

describe("ScimClient", () => {
  it.effect("sends SCIM media types, the bearer token and the path under /t/{org}/scim2", () =>
    run(reply({ status: 200, body: { id: ID, userName: "kim" } }), (received) =>
      Effect.gen(function*() {
        const res = yield* getUser()
        assert.deepStrictEqual(res.body, { id: ID, userName: "kim" })
        const req = scimCalls(received)[0]!
        assert.strictEqual(req.url.toString(), `https://api.asgardeo.io/t/acme/scim2/Users/${ID}`)
        assert.strictEqual(req.headers["authorization"], "Bearer tok-1")
        assert.include(req.headers["accept"]!, "application/scim+json")
      })))

  it.effect("a JSON body is sent as application/scim+json; query parameters are encoded once", () =>
    run(
      reply({ status: 201, body: { id: ID }, headers: { location: `https://x/Users/${ID}` } }),
      (received) =>
        Effect.gen(function*() {
          const res = yield* exec({
            operation: "Users.create",
            scope: "internal_user_mgt_create",
            method: "POST",
            path: "/Users",
            body: { userName: "a&b" },
            urlParams: { attributes: "id,userName", filter: "userName eq \"a b&c\"", skip: undefined }
          })
          assert.strictEqual(res.status, 201)
          assert.strictEqual(res.location, `https://x/Users/${ID}`)
          const req = scimCalls(received)[0]!
          assert.strictEqual(req.headers["content-type"], "application/scim+json")
          assert.deepStrictEqual(JSON.parse(req.body), { userName: "a&b" })
          assert.strictEqual(req.url.searchParams.get("filter"), "userName eq \"a b&c\"")
          assert.isFalse(req.url.searchParams.has("skip"))
        })
    ))

  it.effect("204 gives an undefined body", () =>
    run(reply({ status: 204 }), () =>
      Effect.gen(function*() {
        const res = yield* exec({ operation: "Users.delete", method: "DELETE", path: "/Users", id: ID })
        assert.strictEqual(res.status, 204)
        assert.isUndefined(res.body)
      })))

  const statuses: Array<[number, ScimError.HttpError["_tag"]]> = [
    [400, "BadRequest"],
    [403, "Forbidden"],
    [404, "NotFound"],
    [409, "Conflict"],
    [413, "PayloadTooLarge"],
    [418, "BadRequest"],
    [501, "NotImplemented"],
    [302, "InvalidResponse"]
  ]
  for (const [status, tag] of statuses) {
    it.effect(`status ${status} is ${tag}`, () =>
      run(
        reply({
          status,
          body: { schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], detail: "nope", status: String(status) }
        }),
        (received) =>
          Effect.gen(function*() {
            const error = yield* Effect.flip(getUser())
            assert.strictEqual(error._tag, tag)
            assert.isTrue(ScimError.isScimError(error))
            assert.strictEqual(scimCalls(received).length, 1)
            if ("detail" in error && tag !== "InvalidResponse") assert.strictEqual(error.detail, "nope")
          })
      ))
  }

  it.effect("5xx is retried for GET up to maxAttempts, then ServerError", () =>
    run(reply({ status: 503, text: "Service Unavailable" }), (received) =>
      Effect.gen(function*() {
        const error = yield* withTime(Effect.flip(getUser()))
        assert.strictEqual(error._tag, "ServerError")
        assert.strictEqual(scimCalls(received).length, 3)
      }), { retry: { maxAttempts: 3 } }))

  it.effect("a 5xx then success recovers", () => {
    let n = 0
    return run(
      () => Effect.succeed(++n < 3 ? { status: 500, text: "boom" } : { status: 200, body: { id: ID } }),
      (received) =>
        Effect.gen(function*() {
          const res = yield* withTime(getUser())
          assert.deepStrictEqual(res.body, { id: ID })
          assert.strictEqual(scimCalls(received).length, 3)
        })
    )
  })

  it.effect("POST is never retried on 5xx or transport errors", () =>
    Effect.gen(function*() {
      for (const r of [{ status: 500, text: "boom" } as Reply, "drop" as const]) {
        yield* run(() => Effect.succeed(r), (received) =>
          Effect.gen(function*() {
            const error = yield* withTime(
              Effect.flip(exec({ operation: "Users.create", method: "POST", path: "/Users", body: {} }))
            )
            assert.oneOf(error._tag, ["ServerError", "TransportError"])
            assert.strictEqual(scimCalls(received).length, 1)
          }))
      }
    }))

  it.effect("PATCH is not retried on 5xx unless declared idempotent", () => {
    let n = 0
    return run(
      () => Effect.succeed(++n === 1 ? { status: 502, text: "bad gateway" } : { status: 200, body: {} }),
      (received) =>
        Effect.gen(function*() {
          const error = yield* withTime(
            Effect.flip(exec({ operation: "Groups.patch", method: "PATCH", path: "/Groups", id: ID, body: {} }))
          )
          assert.strictEqual(error._tag, "ServerError")
          const ok = yield* withTime(
            exec({ operation: "Groups.patch", method: "PATCH", path: "/Groups", id: ID, body: {}, idempotent: true })
          )
          assert.strictEqual(ok.status, 200)
          assert.strictEqual(scimCalls(received).length, 2)
        })
    )
  })

  it.effect("transport errors are retried for GET and become TransportError at the bound", () =>
    run(() => Effect.succeed("drop" as const), (received) =>
      Effect.gen(function*() {
        const error = yield* withTime(Effect.flip(getUser()))
        assert.strictEqual(error._tag, "TransportError")
        assert.strictEqual(scimCalls(received).length, 4)
      })))

  it.effect("a DELETE retried after a lost answer treats 404 as already deleted", () => {
    let n = 0
    return run(
      () => Effect.succeed(++n === 1 ? ("drop" as const) : { status: 404, body: { detail: "gone" } }),
      () =>
        Effect.gen(function*() {
          const res = yield* withTime(exec({ operation: "Users.delete", method: "DELETE", path: "/Users", id: ID }))
          // The status the server sent (not an invented 204); the call succeeds.
          assert.strictEqual(res.status, 404)
        })
    )
  })

  it.effect("a DELETE answered 404 at once is NotFound", () =>
    run(reply({ status: 404, body: { detail: "no such user" } }), () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(exec({ operation: "Users.delete", method: "DELETE", path: "/Users", id: ID }))
        assert.strictEqual(error._tag, "NotFound")
      })))

  it.effect("each attempt has a timeout", () =>
    run(() => Effect.as(Effect.sleep("1 hour"), { status: 200, body: {} }), (received) =>
      Effect.gen(function*() {
        const error = yield* withTime(Effect.flip(getUser()), "2 hours")
        assert.strictEqual(error._tag, "TransportError")
        if (error._tag === "TransportError") assert.strictEqual(error.reason, "Timeout")
        assert.strictEqual(scimCalls(received).length, 2)
      }), { timeout: "5 seconds", retry: { maxAttempts: 2 } }))

  it.effect("429 with Retry-After in seconds waits that long, then succeeds", () => {
    let n = 0
    return run(
      () =>
        Effect.succeed(
          ++n === 1 ? { status: 429, text: "slow down", headers: { "retry-after": "7" } } : { status: 200, body: {} }
        ),
      (received) =>
        Effect.gen(function*() {
          const fiber = yield* Effect.fork(getUser())
          yield* TestClock.adjust("6999 millis")
          assert.strictEqual(scimCalls(received).length, 1)
          yield* TestClock.adjust("2 millis")
          yield* Fiber.join(fiber)
          assert.strictEqual(scimCalls(received).length, 2)
        })
    )
  })

  it.effect("429 with Retry-After as an HTTP date", () => {
    let n = 0
    return run(() =>
      Effect.gen(function*() {
        const now = yield* Effect.clockWith((c) => c.currentTimeMillis)
        return ++n === 1
          ? { status: 429, text: "", headers: { "retry-after": new Date(now + 20_000).toUTCString() } }
          : { status: 200, body: {} }
      }), (received) =>
      Effect.gen(function*() {
        const fiber = yield* Effect.fork(getUser())
        yield* TestClock.adjust("15 seconds")
        assert.strictEqual(scimCalls(received).length, 1)
        yield* TestClock.adjust("6 seconds")
        yield* Fiber.join(fiber)
        assert.strictEqual(scimCalls(received).length, 2)
      }))
  })

  it.effect("a Retry-After beyond maxRetryAfter fails at once with RateLimited", () =>
    run(reply({ status: 429, text: "", headers: { "retry-after": "3600" } }), (received) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(getUser())
        assert.strictEqual(error._tag, "RateLimited")
        if (error._tag === "RateLimited") assert.strictEqual(error.retryAfterMillis, 3_600_000)
        assert.strictEqual(scimCalls(received).length, 1)
      })))

  it.effect("429 without Retry-After is retried (not an attempt) until maxRateLimitWait, then RateLimited", () =>
    run(reply({ status: 429, text: "Too Many Requests" }), (received) =>
      Effect.gen(function*() {
        const fiber = yield* Effect.fork(Effect.flip(getUser()))
        yield* TestClock.adjust("29 seconds")
        assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)), "still retrying within maxRateLimitWait")
        const calls = scimCalls(received).length
        assert.isAbove(calls, 4, "429s are not counted against maxAttempts")
        yield* TestClock.adjust("10 minutes")
        const error = yield* Fiber.join(fiber)
        assert.strictEqual(error._tag, "RateLimited")
        // A server answering 429 forever cannot hang the caller: bounded by maxRateLimitWait.
        assert.isAtMost(scimCalls(received).length, calls + 3)
      }), { retry: { maxRateLimitWait: "30 seconds" } }))

  it.effect("429 with Retry-After 0 (or a date already past) is not retried at once, again and again", () =>
    Effect.gen(function*() {
      for (const retryAfter of ["0", "Thu, 01 Jan 1970 00:00:00 GMT"]) {
        const { layer, received } = clientLayer(
          reply({ status: 429, text: "", headers: { "retry-after": retryAfter } }),
          {
            retry: { maxRateLimitWait: "30 seconds" }
          }
        )
        const error = yield* withTime(Effect.flip(getUser()), "5 minutes").pipe(Effect.provide(layer))
        assert.strictEqual(error._tag, "RateLimited")
        // Backoff (200 ms doubling up to 10 s) within 30 s: a handful of requests, not hundreds.
        assert.isAtMost(scimCalls(received).length, 12, retryAfter)
      }
    }))

  it.effect("a 429 pauses every fiber, not only the one that got it", () => {
    let first = true
    return run(() =>
      Effect.succeed(
        first
          ? ((first = false), { status: 429, text: "", headers: { "retry-after": "30" } })
          : { status: 200, body: {} }
      ), (received) =>
      Effect.gen(function*() {
        const a = yield* Effect.fork(getUser())
        yield* TestClock.adjust("1 second")
        const b = yield* Effect.fork(getUser()) // would go out now without the shared pause
        yield* TestClock.adjust("1 second")
        assert.strictEqual(scimCalls(received).length, 1)
        yield* TestClock.adjust("29 seconds")
        yield* Fiber.join(a)
        yield* Fiber.join(b)
        assert.strictEqual(scimCalls(received).length, 3)
      }))
  })

  it.effect("401 invalidates the token and retries once with a new one", () => {
    const { layer, received } = clientLayer((req) =>
      Effect.succeed(
        req.headers["authorization"] === "Bearer tok-1" ? { status: 401, text: "" } : { status: 200, body: {} }
      )
    )
    return Effect.gen(function*() {
      yield* getUser()
      assert.strictEqual(tokenCalls(received).length, 2)
      assert.deepStrictEqual(scimCalls(received).map((r) => r.headers["authorization"]), [
        "Bearer tok-1",
        "Bearer tok-2"
      ])
    }).pipe(Effect.provide(layer))
  })

  it.effect("50 concurrent 401s on one token cause one token request", () => {
    let revoked = false
    const { layer, received } = clientLayer((req) =>
      Effect.as(
        Effect.sleep("5 millis"),
        revoked && req.headers["authorization"] === "Bearer tok-1"
          ? { status: 401, text: "" }
          : { status: 200, body: {} }
      )
    )
    return Effect.gen(function*() {
      yield* withTime(getUser(), "1 second") // tok-1 cached
      revoked = true // e.g. the server expired every token
      yield* withTime(Effect.all(Array.from({ length: 50 }, () => getUser()), { concurrency: "unbounded" }), "1 second")
      assert.strictEqual(tokenCalls(received).length, 2)
      assert.strictEqual(scimCalls(received).length, 101)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a 401 on every new token is Unauthorized after maxAttempts, one token request each", () =>
    run(
      reply({ status: 401, body: { detail: "Authorization failure", status: 401 } }),
      (received) =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(getUser())
          assert.strictEqual(error._tag, "Unauthorized")
          assert.strictEqual(scimCalls(received).length, 4)
          assert.strictEqual(tokenCalls(received).length, 4)
        })
    ))

  it.effect("a token without the operation's scope fails with MissingScope before any request", () =>
    run(reply({ status: 200, body: {} }), (received) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(
          exec({
            operation: "Users.delete",
            scope: "internal_user_mgt_delete",
            method: "DELETE",
            path: "/Users",
            id: ID
          })
        )
        assert.strictEqual(error._tag, "MissingScope")
        if (error._tag === "MissingScope") {
          assert.strictEqual(error.scope, "internal_user_mgt_delete")
          assert.include(error.message, "API Authorization")
        }
        assert.strictEqual(scimCalls(received).length, 0)
      }), { scopes: ["internal_user_mgt_view"] }))

  describe("error bodies", () => {
    const shapes: Array<[string, Reply, { scimType?: string; detail?: string }]> = [
      ["SCIM with a string status", {
        status: 400,
        body: {
          schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
          scimType: "invalidValue",
          detail: "Password must have at least 8 characters",
          status: "400"
        }
      }, { scimType: "invalidValue", detail: "Password must have at least 8 characters" }],
      ["SCIM with a numeric status and schemas as a string", {
        status: 403,
        body: {
          schemas: "urn:ietf:params:scim:api:messages:2.0:Error",
          detail: "Operation is not permitted.",
          status: 403
        }
      }, { detail: "Operation is not permitted." }],
      ["OAuth-style JSON", { status: 401, body: { error: "invalid_token", error_description: "Token expired" } }, {
        detail: "Token expired"
      }],
      ["wrapped", { status: 409, body: { Errors: [{ description: "exists", code: 409 }] } }, { detail: "exists" }],
      ["plain text", { status: 400, text: "The Patch request is invalid.\nmore" }, {
        detail: "The Patch request is invalid."
      }],
      ["HTML", {
        status: 502,
        text: "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>x</body></html>"
      }, { detail: "502 Bad Gateway" }],
      ["empty", { status: 404, text: "" }, {}],
      ["broken JSON", { status: 400, text: "{\"detail\": " }, { detail: "{\"detail\":" }]
    ]
    for (const [name, r, expected] of shapes) {
      it.effect(name, () =>
        run(reply(r), () =>
          Effect.gen(function*() {
            const error = yield* withTime(
              Effect.flip(exec({ operation: "Users.create", method: "POST", path: "/Users", body: {} }))
            )
            assert.isTrue(
              "scimType" in error || "detail" in error || error._tag === "NotFound" || error._tag === "Unauthorized"
            )
            const e = error as { scimType?: string; detail?: string; body?: string }
            assert.strictEqual(e.scimType, expected.scimType)
            assert.strictEqual(e.detail, expected.detail)
            if (r.text !== undefined && r.text !== "") assert.strictEqual(e.body, r.text)
          })))
    }
  })

  it.effect("a 2xx with a body that is not JSON is InvalidResponse", () =>
    run(reply({ status: 200, text: "<html>maintenance</html>" }), () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(getUser())
        assert.strictEqual(error._tag, "InvalidResponse")
      })))

  describe("ids", () => {
    const hostile = ["", ".", "..", "../Groups", "a/b", "a?b=c", "a#b", "%2F", "a\r\nb", "not-a-uuid", `${ID}/..`]
    for (const id of hostile) {
      it.effect(`Asgardeo rejects ${JSON.stringify(id)} before sending`, () =>
        run(reply({ status: 200, body: {} }), (received) =>
          Effect.gen(function*() {
            const error = yield* Effect.flip(getUser(id))
            assert.strictEqual(error._tag, "InvalidId")
            assert.strictEqual(received.length, 0)
          })))
    }

    it("generic targets reject empty, dot segments, slashes and control characters, and encode the rest", () => {
      for (const id of ["", " ", ".", "..", "a/b", "a\\b", "a\nb", "a\u0000b"]) {
        assert.isTrue(Either.isLeft(ScimClient.encodeId("generic", id)), id)
      }
      assert.deepStrictEqual(ScimClient.encodeId("generic", "a?b#c"), Either.right("a%3Fb%23c"))
      assert.deepStrictEqual(ScimClient.encodeId("generic", "%2F"), Either.right("%252F"))
      assert.deepStrictEqual(ScimClient.encodeId("generic", "ünï"), Either.right("%C3%BCn%C3%AF"))
      assert.isTrue(Either.isLeft(ScimClient.encodeId("generic", 42)))
    })

    it.effect("a generic target keeps an encoded id inside its path segment", () =>
      Effect.gen(function*() {
        const mock = makeMock(() => Effect.succeed({ status: 200, body: {} }))
        const layer = ScimClient.layer.pipe(
          Layer.provide(
            AsgardeoConfig.layerGeneric({
              scimBaseUrl: "https://scim.example.com/v2/",
              auth: { bearerToken: Redacted.make("static") }
            })
          ),
          Layer.provide(mock.layer)
        )
        yield* exec({ operation: "Users.get", method: "GET", path: "/Users", id: "a?b#c d" }).pipe(
          Effect.provide(layer)
        )
        assert.strictEqual(mock.received[0]!.url.pathname, "/v2/Users/a%3Fb%23c%20d")
        assert.strictEqual(mock.received[0]!.url.search, "")
        assert.strictEqual(mock.received[0]!.headers["authorization"], "Bearer static")
      }))
  })

  it.effect("no secret or token appears in any error's message, JSON or String()", () => {
    const handler: Handler = (req) => {
      // A hostile server echoing the request's Authorization header and more.
      const echo = `${req.headers["authorization"]} ${SECRET}`
      return Effect.succeed({ status: 400, body: { detail: echo, scimType: echo } })
    }
    return run(handler, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(getUser())
        const all = `${error.message} ${JSON.stringify(error)} ${String(error)}`
        assert.notInclude(all, "tok-1")
        assert.notInclude(all, SECRET)
        assert.include(all, "<redacted>")
      }))
  })

  it.effect("transport error descriptions carry no secret", () => {
    const { layer } = clientLayer(() => Effect.succeed("drop" as const), { retry: { maxAttempts: 1 } })
    return Effect.gen(function*() {
      const error = yield* Effect.flip(getUser())
      assert.strictEqual(error._tag, "TransportError")
      assert.notInclude(JSON.stringify(error) + String(error), SECRET)
    }).pipe(Effect.provide(layer))
  })

  describe("rate budget", () => {
    it.effect("never sends more than `limit` requests in any window", () =>
      run(reply({ status: 200, body: {} }), (received) =>
        Effect.gen(function*() {
          const fiber = yield* Effect.fork(
            Effect.all(Array.from({ length: 12 }, () => getUser()), { concurrency: "unbounded" })
          )
          yield* TestClock.adjust("1 millis")
          assert.strictEqual(scimCalls(received).length, 5)
          // The window has a margin of 1/50 (at most 1 s) for the request's trip to the server.
          yield* TestClock.adjust("60 seconds")
          assert.strictEqual(scimCalls(received).length, 5)
          yield* TestClock.adjust("1 second")
          assert.strictEqual(scimCalls(received).length, 10)
          yield* TestClock.adjust("2 minutes")
          yield* Fiber.join(fiber)
          assert.strictEqual(scimCalls(received).length, 12)
        }), { rateLimits: { scim: { limit: 5, window: "1 minute" } } }))

    it.effect("Bulk has its own budget", () =>
      run(reply({ status: 200, body: {} }), (received) =>
        Effect.gen(function*() {
          const bulk = exec({ operation: "Bulk.execute", method: "POST", path: "/Bulk", body: {}, bucket: "bulk" })
          const fiber = yield* Effect.fork(Effect.all([bulk, bulk, bulk, getUser()], { concurrency: "unbounded" }))
          yield* TestClock.adjust("1 millis")
          assert.strictEqual(scimCalls(received).length, 3)
          yield* TestClock.adjust("2 minutes")
          yield* Fiber.join(fiber)
          assert.strictEqual(scimCalls(received).length, 4)
        }), { rateLimits: { scim: { limit: 100, window: "1 minute" }, bulk: { limit: 2, window: "1 minute" } } }))

    it("is on by default only on asgardeo.io", () =>
      Effect.runPromise(Effect.gen(function*() {
        const a = yield* AsgardeoConfig.make({ organization: "o", clientId: "c", clientSecret: Redacted.make("s") })
        assert.strictEqual(a.rateLimits?.scim.limit, 200)
        assert.strictEqual(a.rateLimits?.bulk.limit, 5)
        const b = yield* AsgardeoConfig.make({
          organization: "o",
          clientId: "c",
          clientSecret: Redacted.make("s"),
          baseUrl: "http://127.0.0.1:8080"
        })
        assert.isUndefined(b.rateLimits)
      })))
  })

  it.effect("works with HttpClient's own layer composition (token endpoint through the same engine)", () =>
    Effect.gen(function*() {
      const mock = makeMock((req) =>
        Effect.succeed(
          req.url.pathname.endsWith("/token") ? tokenReply("x", 3600) : { status: 200, body: { ok: true } }
        )
      )
      const layer = ScimClient.layer.pipe(
        Layer.provide(AsgardeoConfig.layerGeneric({
          scimBaseUrl: "https://scim.example.com/v2",
          auth: { tokenUrl: "https://scim.example.com/token", clientId: "c", clientSecret: Redacted.make(SECRET) }
        })),
        Layer.provide(mock.layer)
      )
      const res = yield* exec({ operation: "Users.list", method: "GET", path: "/Users" }).pipe(Effect.provide(layer))
      assert.deepStrictEqual(res.body, { ok: true })
      // The token request went through the same engine as the SCIM request.
      assert.deepStrictEqual(mock.received.map((r) => `${r.method} ${r.url.pathname}`), [
        "POST /token",
        "GET /v2/Users"
      ])
    }))
})

describe("ScimClient: If-Match and ETag", () => {
  it.effect("ifMatch goes out as If-Match; the answer's ETag comes back; a 412 is PreconditionFailed, not retried", () =>
    run(
      (req) =>
        Effect.succeed(
          req.method === "GET"
            ? { status: 200, body: { id: ID }, headers: { ETag: "W/\"2\"" } }
            : { status: 412, body: { status: "412", detail: "changed" } }
        ),
      (received) =>
        Effect.gen(function*() {
          const read = yield* getUser()
          assert.strictEqual(read.etag, "W/\"2\"")
          const error = yield* Effect.flip(exec({
            operation: "Users.replace",
            method: "PUT",
            path: "/Users",
            id: ID,
            body: { id: ID },
            ifMatch: "W/\"1\""
          }))
          assert.strictEqual(error._tag, "PreconditionFailed")
          const puts = scimCalls(received).filter((r) => r.method === "PUT")
          assert.strictEqual(puts.length, 1)
          assert.strictEqual(puts[0]!.headers["if-match"], "W/\"1\"")
          assert.isUndefined(scimCalls(received).find((r) => r.method === "GET")!.headers["if-match"])
        })
    ))

  it.effect("an ifMatch that could end the header: InvalidInput before any request", () =>
    run(
      () => Effect.succeed({ status: 200, body: {} }),
      (received) =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(exec({
            operation: "Users.delete",
            method: "DELETE",
            path: "/Users",
            id: ID,
            ifMatch: "W/\"1\"\r\nX-Evil: yes"
          }))
          assert.strictEqual(error._tag, "InvalidInput")
          assert.strictEqual(error._tag === "InvalidInput" && error.field, "ifMatch")
          assert.deepStrictEqual(received, [])
        })
    ))
})
