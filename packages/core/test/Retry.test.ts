import { Retry, ScimClient, ScimConfig, ScimError } from "@asgardeo-scim/core"
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Exit, Fiber, Layer, Redacted, Schedule, TestClock } from "effect"
import { clientLayer, makeMock, scimCalls, tokenCalls, tokenReply } from "./utils/MockServer.js"
import type { Handler } from "./utils/MockServer.js"

const ID = "0b7e4b1e-2f0c-4f4e-9a55-3c1d2e0f9a10"
const getUser = Effect.flatMap(
  ScimClient.ScimClient,
  (c) => c.execute({ operation: "Users.get", scope: "internal_user_mgt_view", method: "GET", path: "/Users", id: ID })
)

/** Forks `effect`, moves the TestClock by `by`, and returns the fiber's exit. */
const after = <A, E, R>(effect: Effect.Effect<A, E, R>, by: Duration.DurationInput) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(effect)
    yield* TestClock.adjust(by)
    return yield* Fiber.await(fiber)
  })

const failing = (status: number): Handler => () => Effect.succeed({ status, body: { detail: "down" } })

describe("Retry", () => {
  it.effect("the default policy: 4 attempts on a 503, then ServerError", () => {
    const { layer, received } = clientLayer(failing(503))
    return Effect.gen(function*() {
      const exit = yield* after(getUser, "1 minute")
      assert.isTrue(Exit.isFailure(exit))
      assert.strictEqual(scimCalls(received).length, 4)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a schedule of the caller's replaces the backoff of transient failures", () => {
    // Five retries 1 s apart: 6 attempts, the last one after 5 s.
    const { layer, received } = clientLayer(failing(503), {
      retry: { schedule: Schedule.spaced("1 second").pipe(Schedule.intersect(Schedule.recurs(5))) }
    })
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(getUser)
      yield* TestClock.adjust("4500 millis")
      assert.strictEqual(scimCalls(received).length, 5, "one attempt a second")
      yield* TestClock.adjust("1 second")
      const exit = yield* Fiber.await(fiber)
      assert.strictEqual(scimCalls(received).length, 6)
      assert.isTrue(Exit.isFailure(exit) && exit.cause._tag === "Fail" && exit.cause.error._tag === "ServerError")
    }).pipe(Effect.provide(layer))
  })

  it.effect("Schedule.stop: a transient failure is final at once, with no wait", () => {
    const { layer, received } = clientLayer(failing(502), { retry: { schedule: Schedule.stop } })
    return Effect.gen(function*() {
      const exit = yield* Effect.exit(getUser)
      assert.strictEqual(scimCalls(received).length, 1)
      assert.isTrue(Exit.isFailure(exit))
    }).pipe(Effect.provide(layer))
  })

  it.effect("the 401 refresh is not the caller's to break: Schedule.stop still refreshes once", () => {
    let n = 0
    const { layer, received } = clientLayer(
      () =>
        Effect.succeed(++n === 1 ? { status: 401, body: { detail: "expired" } } : { status: 200, body: { id: ID } }),
      { retry: { schedule: Schedule.stop } }
    )
    return Effect.gen(function*() {
      const res = yield* getUser
      assert.strictEqual(res.status, 200)
      assert.strictEqual(tokenCalls(received).length, 2, "the refused token was replaced")
    }).pipe(Effect.provide(layer))
  })

  it.effect("the 429 rule is not the caller's either: Schedule.stop still waits Retry-After", () => {
    let n = 0
    const { layer, received } = clientLayer(
      () =>
        Effect.succeed(
          ++n === 1 ? { status: 429, headers: { "retry-after": "3" } } : { status: 200, body: { id: ID } }
        ),
      { retry: { schedule: Schedule.stop } }
    )
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(getUser)
      yield* TestClock.adjust("2 seconds")
      assert.strictEqual(scimCalls(received).length, 1, "still waiting the server's 3 s")
      yield* TestClock.adjust("2 seconds")
      const res = yield* Fiber.join(fiber)
      assert.strictEqual(res.status, 200)
    }).pipe(Effect.provide(layer))
  })

  it.effect("the token fetch uses the same loop: a 503 from the token endpoint is retried on the schedule", () => {
    let tokens = 0
    const mock = makeMock((req) =>
      req.url.pathname.endsWith("/oauth2/token")
        ? Effect.succeed(++tokens < 3 ? { status: 503 } : tokenReply("tok", 3600, "internal_user_mgt_view"))
        : Effect.succeed({ status: 200, body: { id: ID } })
    )
    const layer = ScimClient.layerAsgardeo({
      organization: "acme",
      clientId: "c",
      clientSecret: Redacted.make("s3cr3t-client-secret-value"),
      rateLimits: false,
      retry: { schedule: Schedule.spaced("1 second").pipe(Schedule.intersect(Schedule.recurs(2))) }
    }).pipe(Layer.provide(mock.layer))
    return Effect.gen(function*() {
      const exit = yield* after(getUser, "3 seconds")
      assert.isTrue(Exit.isSuccess(exit))
      assert.strictEqual(tokens, 3)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a token endpoint answer without an error code is not given an invented one", () => {
    const mock = makeMock(() => Effect.succeed({ status: 400, text: "<html>bad</html>" }))
    const layer = ScimClient.layerAsgardeo({
      organization: "acme",
      clientId: "c",
      clientSecret: Redacted.make("s3cr3t-client-secret-value"),
      rateLimits: false
    }).pipe(Layer.provide(mock.layer))
    return Effect.gen(function*() {
      const error = yield* Effect.flip(getUser)
      assert.strictEqual(error._tag, "TokenError")
      if (error._tag !== "TokenError") return
      assert.isUndefined(error.error)
      assert.strictEqual(error.message, "The token endpoint answered 400")
    }).pipe(Effect.provide(layer))
  })

  it.effect("Retry.transient retries while the predicate holds, on the policy's schedule", () =>
    Effect.gen(function*() {
      let n = 0
      const attempt = Effect.suspend(() =>
        ++n < 3
          ? Effect.fail(new ScimError.TransportError({ method: "POST", path: "/Users", reason: "Timeout" }))
          : Effect.succeed(n)
      )
      const exit = yield* after(Retry.transient(Retry.defaults, attempt, Retry.unknownOutcome), "1 minute")
      assert.deepStrictEqual(exit, Exit.succeed(3))
      n = 0
      const none = yield* Effect.exit(Retry.transient(Retry.none, attempt, Retry.unknownOutcome))
      assert.isTrue(Exit.isFailure(none))
      assert.strictEqual(n, 1)
    }))

  it.effect("the backoff: exponential, capped, equal jitter (each delay in [d/2, d])", () =>
    Effect.gen(function*() {
      const schedule = Retry.backoff({ maxAttempts: 6, baseDelay: "100 millis", maxDelay: "400 millis" })
      const failure = new ScimError.TransportError({ method: "GET", path: "/Users", reason: "Timeout" })
      const delays = yield* Schedule.run(Schedule.delays(schedule), 0, Array.from({ length: 7 }, () => failure))
      // `Schedule.run` also gives the output of the step that ended the schedule.
      const ms = Array.from(delays, Duration.toMillis).slice(0, 5)
      const caps = [100, 200, 400, 400, 400]
      ms.forEach((d, i) => assert.isTrue(d >= caps[i]! / 2 && d <= caps[i]!, `delay ${i}: ${d}`))
    }))

  it.effect("retry options are checked: a bad schedule-free number fails the layer with a ConfigError", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(
        ScimConfig.make({
          organization: "acme",
          clientId: "c",
          clientSecret: Redacted.make("s"),
          retry: { maxAttempts: 0 }
        })
      )
      assert.isTrue(Exit.isFailure(exit))
    }))
})
