import { AccessToken, AsgardeoConfig, RateLimiter, ScimClient } from "@asgardeo-scim/core"
import { assert, describe, it } from "@effect/vitest"
import {
  Cause,
  Context,
  Deferred,
  Effect,
  Either,
  Exit,
  Fiber,
  Layer,
  Option,
  Redacted,
  Scope,
  TestClock
} from "effect"
import { isToken, makeMock, ORG, SECRET, tokenCalls, tokenReply } from "./utils/MockServer.js"
import type { Handler } from "./utils/MockServer.js"

const tokenLayer = (handler: Handler, options: Partial<AsgardeoConfig.Options> = {}) => {
  const mock = makeMock(handler)
  const layer = AccessToken.layer.pipe(
    Layer.provideMerge(RateLimiter.layer),
    Layer.provideMerge(
      AsgardeoConfig.layer({
        organization: ORG,
        clientId: "client id:1",
        clientSecret: Redacted.make(SECRET),
        rateLimits: false,
        ...options
      })
    ),
    Layer.provide(mock.layer)
  )
  return { received: mock.received, layer }
}

/** A generic OAuth2 server (new token on each request unless the handler says otherwise). */
const genericTokenLayer = (
  handler: Handler,
  options: { readonly scopes?: ReadonlyArray<string>; readonly buffer?: string } = {}
) => {
  const mock = makeMock(handler)
  const layer = AccessToken.layer.pipe(
    Layer.provideMerge(RateLimiter.layer),
    Layer.provideMerge(AsgardeoConfig.layerGeneric({
      scimBaseUrl: "https://scim.example.com/v2",
      auth: {
        tokenUrl: "https://auth.example.com/token",
        clientId: "c",
        clientSecret: Redacted.make(SECRET),
        scopes: options.scopes ?? ["x"]
      },
      tokenRefreshBuffer: (options.buffer ?? "300 seconds") as "300 seconds"
    })),
    Layer.provide(mock.layer)
  )
  return { received: mock.received, layer }
}

const get = (scopes?: ReadonlyArray<string>) => Effect.flatMap(AccessToken.AccessToken, (t) => t.get(scopes))

describe("AccessToken", () => {
  it.effect("sends client credentials with HTTP Basic, grant_type and space-separated scopes", () => {
    const { layer, received } = tokenLayer(() => Effect.succeed(tokenReply("abc", 3600, "a b")), {
      scopes: ["a", "b"]
    })
    return Effect.gen(function*() {
      const token = yield* get()
      assert.strictEqual(Redacted.value(token.value), "abc")
      assert.deepStrictEqual([...token.scopes!], ["a", "b"])
      assert.strictEqual(received.length, 1)
      const req = received[0]!
      assert.strictEqual(req.method, "POST")
      assert.strictEqual(req.url.toString(), `https://api.asgardeo.io/t/${ORG}/oauth2/token`)
      assert.strictEqual(req.headers["authorization"], `Basic ${btoa(`client+id%3A1:${SECRET}`)}`)
      assert.strictEqual(req.headers["content-type"], "application/x-www-form-urlencoded")
      const form = new URLSearchParams(req.body)
      assert.strictEqual(form.get("grant_type"), "client_credentials")
      assert.strictEqual(form.get("scope"), "a b")
      assert.isNull(form.get("client_secret"))
    }).pipe(Effect.provide(layer))
  })

  it.effect("client_secret_post sends the credentials in the body, never both", () => {
    const { layer, received } = tokenLayer(() => Effect.succeed(tokenReply("abc", 3600, "a")), {
      scopes: ["a"],
      clientAuthentication: "post"
    })
    return Effect.gen(function*() {
      yield* get()
      const req = received[0]!
      assert.isUndefined(req.headers["authorization"])
      const form = new URLSearchParams(req.body)
      assert.strictEqual(form.get("client_id"), "client id:1")
      assert.strictEqual(form.get("client_secret"), SECRET)
    }).pipe(Effect.provide(layer))
  })

  it.effect("single flight: 1,000 concurrent first calls cause one token request", () => {
    const { layer, received } = tokenLayer(() =>
      Effect.as(Effect.sleep("10 millis"), tokenReply("one", 3600, "internal_user_mgt_list"))
    )
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(
        Effect.all(Array.from({ length: 1000 }, () => get()), { concurrency: "unbounded" })
      )
      yield* TestClock.adjust("20 millis")
      const tokens = yield* Fiber.join(fiber)
      assert.strictEqual(tokens.length, 1000)
      assert.isTrue(tokens.every((t) => Redacted.value(t.value) === "one"))
      assert.strictEqual(received.length, 1)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a generic server: refreshes min(buffer, expires_in / 2) before expiry, in the background", () => {
    let n = 0
    const { layer, received } = genericTokenLayer(() => Effect.succeed(tokenReply(`t${++n}`, 3600, "x")))
    return Effect.gen(function*() {
      assert.strictEqual(Redacted.value((yield* get()).value), "t1")
      // Sent by 3,599 s (1 s safety margin), refreshed from 3,299 s.
      yield* TestClock.adjust("3298 seconds")
      assert.strictEqual(Redacted.value((yield* get()).value), "t1")
      assert.strictEqual(received.length, 1)
      yield* TestClock.adjust("2 seconds") // 3300 s: inside the buffer
      // The current token is still valid: served at once while the refresh runs.
      assert.strictEqual(Redacted.value((yield* get()).value), "t1")
      yield* Effect.yieldNow()
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(Redacted.value((yield* get()).value), "t2")
      assert.strictEqual(received.length, 2)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a generic server: a short-lived token is refreshed at half its lifetime", () => {
    let n = 0
    const { layer, received } = genericTokenLayer(() => Effect.succeed(tokenReply(`t${++n}`, 60, "x")))
    return Effect.gen(function*() {
      yield* get()
      yield* TestClock.adjust("29 seconds")
      yield* get()
      assert.strictEqual(received.length, 1)
      yield* TestClock.adjust("2 seconds")
      yield* get()
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(Redacted.value((yield* get()).value), "t2")
      assert.strictEqual(received.length, 2)
    }).pipe(Effect.provide(layer))
  })

  it.effect("the same token handed back with a shorter expires_in: kept, no storm, never sent expired", () => {
    // Asgardeo behaviour: a still-valid token is returned again with its remaining lifetime.
    let issuedAt = 0
    let generation = 0
    const { layer, received } = tokenLayer(
      () =>
        Effect.gen(function*() {
          const now = yield* Effect.clockWith((c) => c.currentTimeMillis)
          if (generation === 0 || now >= issuedAt + 3600_000) {
            generation++
            issuedAt = now
          }
          const remaining = Math.floor((issuedAt + 3600_000 - now) / 1000)
          return tokenReply(`gen-${generation}`, remaining, "x")
        }),
      { scopes: ["x"] }
    )
    return Effect.gen(function*() {
      const seen: Array<string> = []
      // One call every 30 s for 3 token lifetimes. At expiry a call waits (a second or two) for
      // the server's expiry instead of getting the same token back.
      for (let t = 0; t < 3 * 120; t++) {
        const fiber = yield* Effect.fork(Effect.zip(get(), Effect.clockWith((c) => c.currentTimeMillis)))
        yield* TestClock.adjust("3 seconds")
        const [token, now] = yield* Fiber.join(fiber)
        assert.isTrue(now < token.expiresAt, `expired token served at ${now}`)
        seen.push(Redacted.value(token.value))
        yield* TestClock.adjust("27 seconds")
      }
      // 3 lifetimes: one request per token. Asgardeo is known to reuse tokens: no early refresh.
      assert.strictEqual(tokenCalls(received).length, 3)
      assert.deepStrictEqual([...new Set(seen)], ["gen-1", "gen-2", "gen-3"])
    }).pipe(Effect.provide(layer))
  }, 30_000)

  it.effect("a token handed back keeps its first expiry; once reuse is seen, no more early refreshes", () => {
    // The reissue states a later expiry than the first answer (expires_in rounded up).
    let issuedAt = 0
    let generation = 0
    const { layer, received } = tokenLayer(
      () =>
        Effect.gen(function*() {
          const now = yield* Effect.clockWith((c) => c.currentTimeMillis)
          if (generation === 0 || now >= issuedAt + 60_000) {
            generation++
            issuedAt = now
          }
          const remaining = Math.ceil((issuedAt + 60_000 - now) / 1000) + (now > issuedAt ? 1 : 0)
          return tokenReply(`gen-${generation}`, remaining, "x")
        }),
      { scopes: ["x"] }
    )
    return Effect.gen(function*() {
      const first = yield* get()
      assert.strictEqual(first.expiresAt, 59_000) // 60 s less the 1 s safety margin
      yield* TestClock.adjust("31 seconds") // past half the lifetime: one early refresh
      yield* get()
      yield* Effect.yieldNow()
      yield* TestClock.adjust("1 millis")
      const again = yield* get()
      assert.strictEqual(Redacted.value(again.value), "gen-1")
      assert.strictEqual(again.expiresAt, 59_000, "the reissue must not extend the token")
      for (let t = 0; t < 100; t++) {
        yield* TestClock.adjust("1 second")
        const fiber = yield* Effect.fork(Effect.zip(get(), Effect.clockWith((c) => c.currentTimeMillis)))
        yield* TestClock.adjust("3 seconds")
        const [token, now] = yield* Fiber.join(fiber)
        assert.isTrue(now < token.expiresAt, `expired token served at ${now}`)
      }
      // 431 s: Asgardeo reuses tokens, so no early refresh: at most one request per real lifetime
      // (60 s) plus one: each new one waits until the server surely let the last one expire.
      assert.isAtMost(tokenCalls(received).length, Math.ceil(431 / 60) + 1)
      assert.isAtLeast(tokenCalls(received).length, Math.floor(431 / 63))
    }).pipe(Effect.provide(layer))
  })

  it.effect("invalidate is compare-and-set: 50 invalidations of one token cause one request", () => {
    let n = 0
    const { layer, received } = tokenLayer(() => Effect.succeed(tokenReply(`t${++n}`, 3600, "x")), { scopes: ["x"] })
    return Effect.gen(function*() {
      const tokens = yield* AccessToken.AccessToken
      const first = yield* tokens.get()
      yield* Effect.all(
        Array.from({ length: 50 }, () => Effect.zipRight(tokens.invalidate(first), tokens.get())),
        { concurrency: "unbounded" }
      )
      assert.strictEqual(received.length, 2)
      // invalidating the old token again does nothing
      yield* tokens.invalidate(first)
      assert.strictEqual(Redacted.value((yield* tokens.get()).value), "t2")
      assert.strictEqual(received.length, 2)
    }).pipe(Effect.provide(layer))
  })

  it.effect("dropped scopes: Asgardeo omits `scope` when nothing was granted", () => {
    const { layer } = tokenLayer(() => Effect.succeed(tokenReply("t", 3600)), { scopes: ["a", "b"] })
    return Effect.gen(function*() {
      const token = yield* get()
      assert.strictEqual(token.scopes!.size, 0)
    }).pipe(Effect.provide(layer))
  })

  it.effect("dropped scopes: a generic OAuth2 server omitting `scope` granted everything", () =>
    Effect.gen(function*() {
      const mock = makeMock(() => Effect.succeed(tokenReply("t", 3600)))
      const layer = AccessToken.layer.pipe(
        Layer.provideMerge(RateLimiter.layer),
        Layer.provideMerge(AsgardeoConfig.layerGeneric({
          scimBaseUrl: "https://scim.example.com/v2",
          auth: {
            tokenUrl: "https://auth.example.com/token",
            clientId: "c",
            clientSecret: Redacted.make(SECRET),
            scopes: ["a", "b"]
          }
        })),
        Layer.provide(mock.layer)
      )
      const token = yield* get().pipe(Effect.provide(layer))
      assert.deepStrictEqual([...token.scopes!].sort(), ["a", "b"])
    }))

  it.effect("a static bearer token has no scope check and no token request", () =>
    Effect.gen(function*() {
      const mock = makeMock(() => Effect.die("no request expected"))
      const layer = AccessToken.layer.pipe(
        Layer.provideMerge(RateLimiter.layer),
        Layer.provideMerge(AsgardeoConfig.layerGeneric({
          scimBaseUrl: "https://scim.example.com/v2",
          auth: { bearerToken: Redacted.make("static") }
        })),
        Layer.provide(mock.layer)
      )
      const token = yield* get().pipe(Effect.provide(layer))
      assert.isUndefined(token.scopes)
      assert.strictEqual(Redacted.value(token.value), "static")
      assert.strictEqual(mock.received.length, 0)
    }))

  it.effect("invalid_client is a typed InvalidClient that keeps error and error_description only", () => {
    const { layer } = tokenLayer(() =>
      Effect.succeed({
        status: 401,
        body: { error: "invalid_client", error_description: "Client credentials are invalid.", access_token: "LEAK" },
        headers: { "www-authenticate": "Basic" }
      })
    )
    return Effect.gen(function*() {
      const error = yield* Effect.flip(get())
      assert.strictEqual(error._tag, "InvalidClient")
      if (error._tag !== "InvalidClient") return
      assert.strictEqual(error.errorDescription, "Client credentials are invalid.")
      const all = `${error.message} ${JSON.stringify(error)} ${String(error)}`
      assert.notInclude(all, "LEAK")
      assert.notInclude(all, SECRET)
    }).pipe(Effect.provide(layer))
  })

  it.effect("other OAuth errors are TokenError; not retried", () => {
    const { layer, received } = tokenLayer(() =>
      Effect.succeed({ status: 400, body: { error: "unauthorized_client", error_description: "grant not allowed" } })
    )
    return Effect.gen(function*() {
      const error = yield* Effect.flip(get())
      assert.strictEqual(error._tag, "TokenError")
      assert.include(error.message, "Client Credential grant")
      assert.strictEqual(received.length, 1)
    }).pipe(Effect.provide(layer))
  })

  it.effect("malformed token responses are InvalidResponse without the body", () =>
    Effect.gen(function*() {
      for (
        const reply of [
          { status: 200, text: "<html>oops</html>" },
          { status: 200, body: { token_type: "Bearer", expires_in: 10 } },
          { status: 200, body: { access_token: "SECRETTOKEN", token_type: "mac", expires_in: 10 } },
          { status: 200, body: { access_token: "SECRETTOKEN", expires_in: "soon" } },
          { status: 200, body: ["x"] }
        ]
      ) {
        const { layer } = tokenLayer(() => Effect.succeed(reply))
        const error = yield* Effect.flip(get()).pipe(Effect.provide(layer))
        assert.strictEqual(error._tag, "InvalidResponse")
        assert.notInclude(JSON.stringify(error) + String(error), "SECRETTOKEN")
      }
    }))

  it.effect("transport failures and 5xx are retried with backoff, then a typed error", () => {
    const { layer, received } = tokenLayer(() => Effect.succeed("drop" as const), { retry: { maxAttempts: 3 } })
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.flip(get()))
      yield* TestClock.adjust("1 minute")
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error._tag, "TransportError")
      assert.strictEqual(received.length, 3)
      assert.notInclude(JSON.stringify(error) + String(error), SECRET)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a slow token endpoint times out with a typed error", () => {
    const { layer } = tokenLayer(() => Effect.as(Effect.sleep("1 hour"), tokenReply("late")), {
      timeout: "2 seconds",
      retry: { maxAttempts: 1 }
    })
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.flip(get()))
      yield* TestClock.adjust("3 seconds")
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error._tag, "TransportError")
      if (error._tag === "TransportError") assert.strictEqual(error.reason, "Timeout")
    }).pipe(Effect.provide(layer))
  })

  // What the reliability suite's token.down / token.slow / token.garbage cases rely on, in test time:
  // the typed error arrives within the per-attempt timeouts and the capped backoffs, never later.
  describe("a broken token endpoint fails within the timeout and retry bounds", () => {
    const retry = { maxAttempts: 3, baseDelay: "2 millis", maxDelay: "20 millis" } as const
    /** Forks `get()`, and returns whether it is done after `before` ms and after `bound` ms of test time. */
    const timed = (handler: Handler, before: number, bound: number) => {
      const { layer, received } = tokenLayer(handler, { timeout: "400 millis", retry })
      return Effect.gen(function*() {
        const fiber = yield* Effect.fork(Effect.flip(get()))
        yield* TestClock.adjust(before)
        const early = yield* Fiber.poll(fiber)
        yield* TestClock.adjust(bound - before)
        const late = yield* Fiber.poll(fiber)
        if (Option.isNone(late)) return assert.fail(`still waiting after ${bound} ms`)
        yield* Fiber.interrupt(fiber)
        return { early: Option.isSome(early), error: yield* late.value, requests: received.length }
      }).pipe(Effect.provide(layer))
    }

    it.effect("slow (an hour): TransportError Timeout after 3 attempts of 400 ms and 2 backoffs of at most 20 ms", () =>
      Effect.gen(function*() {
        const { early, error, requests } = yield* timed(
          () => Effect.as(Effect.sleep("1 hour"), tokenReply("late")),
          3 * 400 - 1,
          3 * 400 + 2 * 20
        )
        assert.isFalse(early, "each attempt waits its whole timeout")
        if (error._tag !== "TransportError") return assert.fail(`expected TransportError, got ${error._tag}`)
        assert.strictEqual(error.reason, "Timeout")
        assert.strictEqual(requests, 3)
      }))

    it.effect("down (503): TokenError after 3 attempts and 2 backoffs of at most 20 ms", () =>
      Effect.gen(function*() {
        const { error, requests } = yield* timed(
          () => Effect.succeed({ status: 503, text: "Service Unavailable" }),
          0,
          2 * 20
        )
        if (error._tag !== "TokenError") return assert.fail(`expected TokenError, got ${error._tag}`)
        assert.strictEqual(error.status, 503)
        assert.strictEqual(requests, 3)
      }))

    it.effect("garbage (an HTML page with 200): InvalidResponse at once, not retried", () =>
      Effect.gen(function*() {
        const { error, requests } = yield* timed(
          () => Effect.succeed({ status: 200, text: "<html>maintenance</html>" }),
          0,
          0
        )
        assert.strictEqual(error._tag, "InvalidResponse")
        assert.strictEqual(requests, 1)
      }))
  })

  it.effect("recovers when the token endpoint comes back", () => {
    let down = true
    const { layer } = tokenLayer(
      () => Effect.succeed(down ? { status: 503, text: "Service Unavailable" } : tokenReply("back", 3600, "x")),
      {
        scopes: ["x"],
        retry: { maxAttempts: 2 }
      }
    )
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.either(get()))
      yield* TestClock.adjust("1 minute")
      const first = yield* Fiber.join(fiber)
      assert.isTrue(Either.isLeft(first))
      down = false
      assert.strictEqual(Redacted.value((yield* get()).value), "back")
    }).pipe(Effect.provide(layer))
  })

  it.effect("scopes beyond the configured set get a token of their own", () => {
    let n = 0
    const { layer, received } = tokenLayer((req) => {
      const scope = new URLSearchParams(req.body).get("scope") ?? ""
      return Effect.succeed(tokenReply(`t${++n}`, 3600, scope))
    }, { scopes: ["a", "b"] })
    return Effect.gen(function*() {
      const shared = yield* get(["a"])
      const other = yield* get(["c"])
      assert.notStrictEqual(Redacted.value(shared.value), Redacted.value(other.value))
      yield* get(["b", "a"])
      assert.strictEqual(received.filter(isToken).length, 2)
    }).pipe(Effect.provide(layer))
  })

  it.effect("the layer is scoped: closing it interrupts the token request in flight; its waiter and later calls die", () =>
    Effect.gen(function*() {
      const started = yield* Deferred.make<void>()
      let interrupted = 0
      const { layer, received } = tokenLayer(() =>
        Effect.zipRight(Deferred.succeed(started, undefined), Effect.never).pipe(
          Effect.onInterrupt(() => Effect.sync(() => void interrupted++))
        )
      )
      const scope = yield* Scope.make()
      const tokens = Context.get(yield* Layer.buildWithScope(layer, scope), AccessToken.AccessToken)
      const waiting = yield* Effect.fork(tokens.get())
      yield* Deferred.await(started)
      yield* Scope.close(scope, Exit.void)
      assert.strictEqual(interrupted, 1, "the token request in flight is interrupted")
      // The waiter is released with the documented defect, not left hanging.
      assertClosed(yield* settle(Fiber.join(waiting)))
      assertClosed(yield* settle(tokens.get()))
      assertClosed(yield* settle(tokens.get(["other"])))
      assert.strictEqual(tokenCalls(received).length, 1, "no token request after the release")
    }))

  it.effect("the ScimClient layer is scoped: after closing it a request dies with the documented defect, unsent", () =>
    Effect.gen(function*() {
      const mock = makeMock(() => Effect.succeed(tokenReply("t", 3600)))
      const scope = yield* Scope.make()
      const client = Context.get(
        yield* Layer.buildWithScope(
          ScimClient.layerAsgardeo({ organization: ORG, clientId: "c", clientSecret: Redacted.make(SECRET) }).pipe(
            Layer.provide(mock.layer)
          ),
          scope
        ),
        ScimClient.ScimClient
      )
      yield* Scope.close(scope, Exit.void)
      const request = client.execute({ operation: "Users.list", method: "GET", path: "/Users" })
      assertClosed(yield* settle(request))
      assert.strictEqual(mock.received.length, 0)
    }))
})

/** Runs `effect` for at most a second of test time: a hang ends as a timeout, not as a stuck test. */
const settle = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(Effect.exit(Effect.timeout(effect, "1 second")))
    yield* TestClock.adjust("1 second")
    return yield* Fiber.join(fiber)
  })

/** The exit is the defect a closed token layer reports (not a timeout, not a typed error). */
const assertClosed = (exit: Exit.Exit<unknown, unknown>) => {
  if (Exit.isSuccess(exit)) return assert.fail("expected the closed-layer defect, got a success")
  const defect = Cause.dieOption(exit.cause)
  if (Option.isNone(defect)) return assert.fail(`expected the closed-layer defect, got ${Cause.pretty(exit.cause)}`)
  assert.include(String(defect.value), "the token layer's scope is closed")
}
