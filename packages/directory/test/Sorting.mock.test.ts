// Sorting (`sortBy`, `sortOrder`): sent only where the server advertises it, in the query string
// and in a `.search` body; refused with Unsupported (feature "sort") before the list request everywhere else, and
// bad values refused before any request.
import { Users } from "@asgardeo-scim/directory"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import * as Mock from "./utils/Mock.js"

const empty = { schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], totalResults: 0, Resources: [] }

/** A generic server whose ServiceProviderConfig answer is `spc` (a status for a failure). */
const server = (spc: unknown) =>
  Mock.generic((req) =>
    req.url.pathname.endsWith("/ServiceProviderConfig")
      ? typeof spc === "number" ? { status: spc, body: { detail: "no" } } : { status: 200, body: spc }
      : { status: 200, body: empty }
  )

const sent = (m: { readonly received: ReadonlyArray<Mock.Received> }) =>
  m.received.map((r) => `${r.method} ${r.url.pathname}${r.url.search}`)

describe("sorting", () => {
  it.effect("advertised: sortBy and sortOrder go out in the query and the .search body; the config is read once", () => {
    const m = server({ ...Mock.spc(), sort: { supported: "true" } })
    return Effect.gen(function*() {
      const users = yield* Users.Users
      yield* users.list({ sortBy: "name.familyName", sortOrder: "descending" })
      yield* users.search({ sortBy: "userName" })
      yield* Stream.runDrain(users.stream({ sortBy: "meta.created" }))
      assert.deepStrictEqual(sent(m), [
        "GET /v2/ServiceProviderConfig",
        "GET /v2/Users?count=100&sortBy=name.familyName&sortOrder=descending",
        "POST /v2/Users/.search",
        "GET /v2/Users?startIndex=1&count=100&sortBy=meta.created"
      ])
      const body = m.received.find((r) => r.url.pathname.endsWith("/.search"))!.json as Record<string, unknown>
      assert.strictEqual(body.sortBy, "userName")
      assert.isUndefined(body.sortOrder)
    }).pipe(Effect.provide(m.layer))
  })

  for (
    const [name, spc] of [
      ["sort.supported false", Mock.spc()],
      ["no ServiceProviderConfig (404)", 404],
      ["no ServiceProviderConfig (501)", 501]
    ] as const
  ) {
    it.effect(`${name}: Unsupported naming sort, no list request`, () => {
      const m = server(spc)
      return Effect.gen(function*() {
        const users = yield* Users.Users
        const error = yield* Effect.flip(users.list({ sortBy: "userName" }))
        assert.strictEqual(error._tag, "Unsupported")
        if (error._tag === "Unsupported") {
          assert.strictEqual(error.feature, "sort")
          assert.strictEqual(error.operation, "Users.list")
          assert.include(
            error.reason,
            spc === 404 || spc === 501 ? "no ServiceProviderConfig" : "sort.supported false"
          )
          assert.include(error.message, "the server does not support sort")
        }
        assert.deepStrictEqual(sent(m), ["GET /v2/ServiceProviderConfig"])
      }).pipe(Effect.provide(m.layer))
    })
  }

  it.effect("no configuration (404) is remembered: three sorted lists, one read", () => {
    const m = server(404)
    return Effect.gen(function*() {
      const users = yield* Users.Users
      for (let i = 0; i < 3; i++) {
        const error = yield* Effect.flip(users.list({ sortBy: "userName" }))
        assert.include(error._tag === "Unsupported" ? error.reason : "", "no ServiceProviderConfig")
      }
      assert.deepStrictEqual(sent(m), ["GET /v2/ServiceProviderConfig"])
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("concurrent callers share one read and its failure; the next caller reads again", () => {
    const m = server(500)
    return Effect.gen(function*() {
      const users = yield* Users.Users
      const errors = yield* Effect.forEach(
        Array.from({ length: 5 }),
        () => Effect.flip(users.list({ sortBy: "userName" })),
        { concurrency: "unbounded" }
      )
      assert.deepStrictEqual(errors.map((e) => e._tag), Array(5).fill("ServerError"))
      assert.deepStrictEqual(sent(m), ["GET /v2/ServiceProviderConfig"])
      yield* Effect.flip(users.list({ sortBy: "userName" }))
      assert.deepStrictEqual(sent(m), ["GET /v2/ServiceProviderConfig", "GET /v2/ServiceProviderConfig"])
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("a failure reading the configuration is the caller's error, not a refusal", () => {
    const m = server(500)
    return Effect.gen(function*() {
      const users = yield* Users.Users
      const error = yield* Effect.flip(users.list({ sortBy: "userName" }))
      assert.strictEqual(error._tag, "ServerError")
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("bad values from plain JavaScript: InvalidInput before any request", () => {
    const m = server({ ...Mock.spc(), sort: { supported: true } })
    return Effect.gen(function*() {
      const users = yield* Users.Users
      const cases: ReadonlyArray<readonly [unknown, string]> = [
        [{ sortBy: 42 }, "sortBy"],
        [{ sortBy: "no such(path" }, "sortBy"],
        [{ sortBy: "" }, "sortBy"],
        [{ sortBy: "userName", sortOrder: "up" }, "sortOrder"],
        [{ sortBy: "userName", sortOrder: "DESCENDING" }, "sortOrder"],
        [{ sortOrder: "ascending" }, "sortOrder"]
      ]
      for (const [options, field] of cases) {
        const error = yield* Effect.flip(users.list(options as Users.ListOptions))
        assert.strictEqual(error._tag === "InvalidInput" && error.field, field, JSON.stringify(options))
      }
      assert.deepStrictEqual(sent(m), [])
    }).pipe(Effect.provide(m.layer))
  })
})
