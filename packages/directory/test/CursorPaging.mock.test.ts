// Cursor paging (RFC 9865) in list and stream: used where the server advertises it
// (`pagination.cursor`), index paging elsewhere, `paging: "cursor"` and `cursor` refused with
// Unsupported (feature "cursor paging") before the list request where not advertised; a repeated cursor and an expired one
// are typed failures, never a loop or a silent restart. The server here is a mock replaying
// RFC 9865's shapes, written from the RFC as recalled without network access: see also the
// emulator's cursor mode (CursorPaging.emulator.test.ts).
import { Users } from "@asgardeo-scim/directory"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import * as Mock from "./utils/Mock.js"

const LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"

const pagination = (more: Record<string, unknown> = {}) => ({
  ...Mock.spc(),
  pagination: {
    cursor: true,
    index: true,
    defaultPaginationMethod: "index",
    defaultPageSize: 10,
    maxPageSize: 100,
    cursorTimeout: 3600,
    ...more
  }
})

/**
 * A generic server: ServiceProviderConfig answers `spc` (a status for a failure); list requests
 * with a `cursor` are answered by `pages[cursor]` (a number: that status with an expiredCursor /
 * invalidCursor body), without one by an index page of `users`.
 */
const server = (
  spc: unknown,
  pages: Record<string, { readonly users: ReadonlyArray<string>; readonly next?: string } | number> = {},
  users: ReadonlyArray<string> = ["a", "b", "c"]
) =>
  Mock.generic((req) => {
    if (req.url.pathname.endsWith("/ServiceProviderConfig")) {
      return typeof spc === "number" ? { status: spc, body: { detail: "no" } } : { status: 200, body: spc }
    }
    const search = req.url.pathname.endsWith("/.search")
    const params = search ? (req.json as Record<string, unknown>) : Object.fromEntries(req.url.searchParams)
    const cursor = params.cursor
    if (typeof cursor === "string") {
      const page = pages[cursor]
      if (page === undefined || typeof page === "number") {
        return {
          status: typeof page === "number" ? page : 400,
          body: {
            schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
            status: "400",
            scimType: page === undefined ? "invalidCursor" : "expiredCursor",
            detail: "cursor refused"
          }
        }
      }
      return {
        status: 200,
        body: {
          schemas: [LIST],
          totalResults: 99,
          itemsPerPage: page.users.length,
          ...(page.next === undefined ? {} : { nextCursor: page.next }),
          Resources: page.users.map((u) => Mock.userJson(`id-${u}`, u))
        }
      }
    }
    const start = Number(params.startIndex ?? 1)
    const count = Number(params.count ?? 100)
    const slice = users.slice(start - 1, start - 1 + count)
    return {
      status: 200,
      body: {
        schemas: [LIST],
        totalResults: users.length,
        startIndex: start,
        Resources: slice.map((u) => Mock.userJson(`id-${u}`, u))
      }
    }
  }, { pageSize: 2 })

const sent = (m: { readonly received: ReadonlyArray<Mock.Received> }) =>
  m.received.map((r) => `${r.method} ${r.url.pathname}${r.url.search}`)

const names = (users: Chunk.Chunk<{ readonly userName: string }>) => Chunk.toArray(users).map((u) => u.userName)

describe("cursor paging where the server advertises it", () => {
  it.effect("stream (auto) follows nextCursor from an empty cursor to the last page; the config is read once", () => {
    const m = server(pagination(), {
      "": { users: ["a", "b"], next: "VZUTiy" },
      VZUTiy: { users: ["c", "d"], next: "YkU3OF" },
      YkU3OF: { users: ["e"] }
    })
    return Effect.gen(function*() {
      const users = yield* Users.Users
      assert.deepStrictEqual(names(yield* Stream.runCollect(users.stream())), ["a", "b", "c", "d", "e"])
      assert.deepStrictEqual(names(yield* Stream.runCollect(users.stream({ paging: "cursor" }))), [
        "a",
        "b",
        "c",
        "d",
        "e"
      ])
      assert.deepStrictEqual(sent(m), [
        "GET /v2/ServiceProviderConfig",
        "GET /v2/Users?count=2&cursor=",
        "GET /v2/Users?count=2&cursor=VZUTiy",
        "GET /v2/Users?count=2&cursor=YkU3OF",
        "GET /v2/Users?count=2&cursor=",
        "GET /v2/Users?count=2&cursor=VZUTiy",
        "GET /v2/Users?count=2&cursor=YkU3OF"
      ])
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("paging: \"index\" pages by startIndex on the same server", () => {
    const m = server(pagination())
    return Effect.gen(function*() {
      const users = yield* Users.Users
      assert.deepStrictEqual(names(yield* Stream.runCollect(users.stream({ paging: "index" }))), ["a", "b", "c"])
      assert.isTrue(sent(m).every((s) => !s.includes("cursor")))
      assert.isFalse(sent(m).includes("GET /v2/ServiceProviderConfig"))
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("the page size is held to the server's maxPageSize", () => {
    const m = server(pagination({ maxPageSize: "1" }), { "": { users: ["a"], next: "n" }, n: { users: ["b"] } })
    return Effect.gen(function*() {
      const users = yield* Users.Users
      assert.deepStrictEqual(names(yield* Stream.runCollect(users.stream())), ["a", "b"])
      assert.deepStrictEqual(sent(m).slice(1), ["GET /v2/Users?count=1&cursor=", "GET /v2/Users?count=1&cursor=n"])
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("list and search take a cursor and return nextCursor; filter and sorting go along", () => {
    const m = server({ ...pagination(), sort: { supported: true } }, {
      "": { users: ["a", "b"], next: "c1" },
      c1: { users: ["c"] }
    })
    return Effect.gen(function*() {
      const users = yield* Users.Users
      const first = yield* users.list({ cursor: "", count: 2, filter: "userName pr", sortBy: "userName" })
      assert.strictEqual(first.nextCursor, "c1")
      assert.deepStrictEqual(first.resources.map((u) => u.userName), ["a", "b"])
      const last = yield* users.search({ cursor: first.nextCursor!, count: 2 })
      assert.isUndefined(last.nextCursor)
      assert.deepStrictEqual(last.resources.map((u) => u.userName), ["c"])
      const body = m.received.find((r) => r.url.pathname.endsWith("/.search"))!.json as Record<string, unknown>
      assert.strictEqual(body.cursor, "c1")
      assert.strictEqual(body.count, 2)
      assert.isUndefined(body.startIndex)
      assert.strictEqual(sent(m)[1], "GET /v2/Users?filter=userName%20pr&count=2&sortBy=userName&cursor=")
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("a server that hands back a cursor already followed: PagingAborted, not a loop", () => {
    const m = server(pagination(), { "": { users: ["a"], next: "x" }, x: { users: ["b"], next: "x" } })
    return Effect.gen(function*() {
      const users = yield* Users.Users
      const error = yield* Effect.flip(Stream.runDrain(users.stream()))
      assert.strictEqual(error._tag, "PagingAborted")
      assert.strictEqual(m.received.length, 3)
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("an expired cursor mid-stream fails with BadRequest scimType expiredCursor: no restart", () => {
    const m = server(pagination(), { "": { users: ["a", "b"], next: "old" }, old: 400 })
    return Effect.gen(function*() {
      const users = yield* Users.Users
      const seen: Array<string> = []
      const error = yield* Effect.flip(
        Stream.runForEach(users.stream(), (u) => Effect.sync(() => seen.push(u.userName)))
      )
      assert.strictEqual(error._tag, "BadRequest")
      if (error._tag === "BadRequest") assert.strictEqual(error.scimType, "expiredCursor")
      assert.deepStrictEqual(seen, ["a", "b"])
      assert.deepStrictEqual(sent(m).slice(1), ["GET /v2/Users?count=2&cursor=", "GET /v2/Users?count=2&cursor=old"])
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("an unknown cursor given to list: BadRequest scimType invalidCursor", () => {
    const m = server(pagination())
    return Effect.gen(function*() {
      const users = yield* Users.Users
      const error = yield* Effect.flip(users.list({ cursor: "bogus" }))
      assert.strictEqual(error._tag, "BadRequest")
      if (error._tag === "BadRequest") assert.strictEqual(error.scimType, "invalidCursor")
    }).pipe(Effect.provide(m.layer))
  })
})

describe("where cursors are not advertised", () => {
  for (
    const [name, spc, reason] of [
      ["no pagination in the configuration", Mock.spc(), "no pagination.cursor"],
      ["pagination.cursor false", pagination({ cursor: "false" }), "no pagination.cursor"],
      ["no ServiceProviderConfig (404)", 404, "no ServiceProviderConfig"],
      ["no ServiceProviderConfig (501)", 501, "no ServiceProviderConfig"]
    ] as const
  ) {
    it.effect(`${name}: stream pages by index; cursor and paging "cursor" refused before the list request`, () => {
      const m = server(spc)
      return Effect.gen(function*() {
        const users = yield* Users.Users
        assert.deepStrictEqual(names(yield* Stream.runCollect(users.stream())), ["a", "b", "c"])
        assert.deepStrictEqual(sent(m), [
          "GET /v2/ServiceProviderConfig",
          "GET /v2/Users?startIndex=1&count=2",
          "GET /v2/Users?startIndex=3&count=2",
          "GET /v2/Users?startIndex=4&count=2"
        ])
        m.received.length = 0
        const viaStream = yield* Effect.flip(Stream.runDrain(users.stream({ paging: "cursor" })))
        const viaList = yield* Effect.flip(users.list({ cursor: "" }))
        for (const error of [viaStream, viaList]) {
          assert.strictEqual(error._tag, "Unsupported")
          if (error._tag === "Unsupported") {
            assert.strictEqual(error.feature, "cursor paging")
            assert.include(error.reason, reason)
          }
        }
        // The configuration (or its absence) was remembered: no request at all.
        assert.deepStrictEqual(sent(m), [])
      }).pipe(Effect.provide(m.layer))
    })
  }

  it.effect("a configuration that fails to read (500): stream pages by index; paging \"cursor\" fails with it", () => {
    const m = server(500)
    return Effect.gen(function*() {
      const users = yield* Users.Users
      assert.deepStrictEqual(names(yield* Stream.runCollect(users.stream())), ["a", "b", "c"])
      const error = yield* Effect.flip(Stream.runDrain(users.stream({ paging: "cursor" })))
      assert.strictEqual(error._tag, "ServerError")
    }).pipe(Effect.provide(m.layer))
  })
})

describe("bad paging input, refused before any request", () => {
  it.effect("paging, cursor and cursor with startIndex", () => {
    const m = server(pagination())
    return Effect.gen(function*() {
      const users = yield* Users.Users
      const bad = [
        yield* Effect.flip(Stream.runDrain(users.stream({ paging: "sideways" as never }))),
        yield* Effect.flip(users.list({ cursor: 5 as never })),
        yield* Effect.flip(users.list({ cursor: "a\nb" })),
        yield* Effect.flip(users.list({ cursor: "x".repeat(5000) })),
        yield* Effect.flip(users.list({ cursor: "", startIndex: 1 })),
        yield* Effect.flip(Stream.runDrain(users.stream({ cursor: "" } as never)))
      ]
      assert.deepStrictEqual(
        bad.map((e) => e._tag === "InvalidInput" ? e.field : e._tag),
        ["paging", "cursor", "cursor", "cursor", "cursor", "cursor"]
      )
      assert.deepStrictEqual(sent(m), [])
    }).pipe(Effect.provide(m.layer))
  })
})
