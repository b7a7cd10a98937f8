// Degrading gracefully: lookups by name and searches keep working on a server that lacks POST
// .search (404, 501) or filtering (501, or 400 invalidFilter for `userName eq "x"`), choosing what
// the server offers once and remembering it; the answer still names exactly one resource
// (AmbiguousUser / AmbiguousGroup for two), and the unfiltered paging stays within the request cap.
import { Target } from "@asgardeo-scim/core"
import { Groups, Users } from "@asgardeo-scim/directory"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Option, Stream } from "effect"
import * as Mock from "./utils/Mock.js"

const LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"

const error = (status: number, scimType?: string): Mock.Reply => ({
  status,
  body: {
    schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
    status: String(status),
    ...(scimType === undefined ? {} : { scimType }),
    detail: "not here"
  }
})

interface Lacking {
  /** How POST .search is answered (absent: served). */
  readonly search?: number
  /** How a filter is answered (absent: applied; "ignored": the whole list comes back). */
  readonly filter?: Mock.Reply | "ignored"
  readonly spc?: unknown
}

/** A generic server holding `names` (users, or groups by displayName), lacking what `lacking` says. */
const server = (names: ReadonlyArray<string>, lacking: Lacking, options: Parameters<typeof Mock.generic>[1] = {}) =>
  Mock.generic((req) => {
    const path = req.url.pathname
    if (path.endsWith("/ServiceProviderConfig")) {
      return lacking.spc === undefined ? error(404) : { status: 200, body: lacking.spc }
    }
    const search = path.endsWith("/.search")
    if (req.method === "POST" && !search) return error(409, "uniqueness")
    if (search && lacking.search !== undefined) return error(lacking.search)
    const params: Record<string, unknown> = search
      ? (req.json as Record<string, unknown>)
      : Object.fromEntries(req.url.searchParams)
    const filter = typeof params.filter === "string" ? params.filter : undefined
    if (filter !== undefined && lacking.filter !== undefined && lacking.filter !== "ignored") return lacking.filter
    const wanted = filter === undefined || lacking.filter === "ignored"
      ? undefined
      : /"(.*)"$/.exec(filter)?.[1]?.toLowerCase()
    const groups = path.includes("/Groups")
    const all = names.map((n, i) =>
      groups
        ? { schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], id: `g${i}`, displayName: n }
        : Mock.userJson(`u${i}`, n)
    )
    const matching = wanted === undefined ? all : all.filter((_, i) => names[i]!.toLowerCase() === wanted)
    const start = Number(params.startIndex ?? 1)
    const count = Number(params.count ?? 100)
    return {
      status: 200,
      body: {
        schemas: [LIST],
        totalResults: matching.length,
        startIndex: start,
        Resources: matching.slice(start - 1, start - 1 + count)
      }
    }
  }, { pageSize: 2, ...options })

/** The list requests received (the configuration read, once per client, left out). */
const sent = (m: { readonly received: ReadonlyArray<Mock.Received> }) =>
  m.received
    .filter((r) => !r.url.pathname.endsWith("/ServiceProviderConfig"))
    .map((r) => `${r.method} ${r.url.pathname.replace("/v2", "")}${r.url.search}`)

const people = ["ann", "bob", "kim", "lee", "max"]

describe("a server without POST .search", () => {
  for (const status of [404, 501]) {
    it.effect(`search answered ${status}: the same query goes by GET, then and from then on`, () => {
      const m = server(people, { search: status })
      return Effect.gen(function*() {
        const users = yield* Users.Users
        const first = yield* users.search({ filter: "userName eq \"kim\"", count: 5 })
        assert.deepStrictEqual(first.resources.map((u) => u.userName), ["kim"])
        const second = yield* users.search({ filter: "userName eq \"lee\"", count: 5 })
        assert.deepStrictEqual(second.resources.map((u) => u.userName), ["lee"])
        assert.deepStrictEqual(sent(m), [
          "POST /Users/.search",
          "GET /Users?filter=userName%20eq%20%22kim%22&count=5",
          "GET /Users?filter=userName%20eq%20%22lee%22&count=5"
        ])
      }).pipe(Effect.provide(m.layer))
    })
  }

  it.effect("a filter the target says must not go in a query string is never sent by GET", () => {
    const viaSearch = Target.make({ name: "search-first", filters: { viaSearch: () => true } })
    const m = server(people, { search: 404 }, { target: viaSearch })
    return Effect.gen(function*() {
      const users = yield* Users.Users
      assert.strictEqual((yield* Effect.flip(users.findByUserName("kim")))._tag, "NotFound")
      assert.deepStrictEqual(sent(m), ["POST /Users/.search"])
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("on a target that documents .search (Asgardeo's filters.support: assumed), no fallback", () => {
    const documented = Target.make({ name: "documented", filters: { support: "assumed" } })
    const m = server(people, { search: 404 }, { target: documented })
    return Effect.gen(function*() {
      const users = yield* Users.Users
      assert.strictEqual((yield* Effect.flip(users.search({ filter: "userName eq \"kim\"" })))._tag, "NotFound")
      assert.strictEqual((yield* Effect.flip(users.search({ filter: "userName eq \"kim\"" })))._tag, "NotFound")
      assert.deepStrictEqual(sent(m), ["POST /Users/.search", "POST /Users/.search"])
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("other failures of .search are not fallen back from (400 stays a BadRequest)", () => {
    const m = server(people, { search: 400 })
    return Effect.gen(function*() {
      const users = yield* Users.Users
      const failure = yield* Effect.flip(users.search({ filter: "userName eq \"kim\"" }))
      assert.strictEqual(failure._tag, "BadRequest")
      assert.deepStrictEqual(sent(m), ["POST /Users/.search"])
    }).pipe(Effect.provide(m.layer))
  })
})

describe("a server without filtering", () => {
  for (
    const [name, reply, remembered] of [
      ["501", error(501), true],
      ["400 invalidFilter", error(400, "invalidFilter"), false]
    ] as const
  ) {
    it.effect(`filter answered ${name}: findByUserName pages the list and matches here; ${remembered ? "remembered" : "for that lookup only"}`, () => {
      const m = server(people, { filter: reply })
      return Effect.gen(function*() {
        const users = yield* Users.Users
        assert.strictEqual(Option.getOrThrow(yield* users.findByUserName("KIM")).id, "u2")
        const whole = ["GET /Users?count=2", "GET /Users?startIndex=3&count=2", "GET /Users?startIndex=5&count=2"]
        assert.deepStrictEqual(sent(m), ["GET /Users?filter=userName%20eq%20%22KIM%22&count=2", ...whole])
        m.received.length = 0
        assert.isTrue(Option.isNone(yield* users.findByUserName("nobody")))
        assert.deepStrictEqual(
          sent(m),
          remembered ? whole : ["GET /Users?filter=userName%20eq%20%22nobody%22&count=2", ...whole]
        )
      }).pipe(Effect.provide(m.layer))
    })
  }

  it.effect("the whole list: a short page is no end (servers cap pages); the total or an empty page is", () => {
    // Two users a page whatever the count asked, and no total: kim is on the third page.
    const names = ["ann", "bob", "cy", "dee", "kim"]
    const m = Mock.generic((req) => {
      if (req.url.pathname.endsWith("/ServiceProviderConfig")) return error(404)
      if (req.url.searchParams.has("filter")) return error(501)
      const start = Number(req.url.searchParams.get("startIndex") ?? 1)
      const page = names.slice(start - 1, start + 1).map((n, i) => Mock.userJson(`u${start - 1 + i}`, n))
      return { status: 200, body: { schemas: [LIST], Resources: page } }
    }, { pageSize: 5 })
    return Effect.gen(function*() {
      const users = yield* Users.Users
      assert.strictEqual(Option.getOrThrow(yield* users.findByUserName("kim")).id, "u4")
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("the whole list from a server that ignores startIndex: PagingAborted, never \"absent\"", () => {
    const m = Mock.generic((req) => {
      if (req.url.pathname.endsWith("/ServiceProviderConfig")) return error(404)
      if (req.url.searchParams.has("filter")) return error(501)
      return { status: 200, body: { schemas: [LIST], Resources: [Mock.userJson("u0", "ann")] } }
    }, { pageSize: 2 })
    return Effect.gen(function*() {
      const failure = yield* Effect.flip(Effect.flatMap(Users.Users, (users) => users.findByUserName("kim")))
      assert.strictEqual(failure._tag, "PagingAborted")
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("a target whose filters are assumed (Asgardeo) never pages the whole list: the error stands", () => {
    const documented = Target.make({ name: "documented", filters: { support: "assumed" } })
    const m = server(people, { filter: error(400, "invalidFilter") }, { target: documented })
    return Effect.gen(function*() {
      const users = yield* Users.Users
      assert.strictEqual((yield* Effect.flip(users.findByUserName("kim")))._tag, "BadRequest")
      assert.strictEqual((yield* Effect.flip(users.findByUserName("kim")))._tag, "BadRequest")
      assert.deepStrictEqual(sent(m), [
        "GET /Users?filter=userName%20eq%20%22kim%22&count=2",
        "GET /Users?filter=userName%20eq%20%22kim%22&count=2"
      ])
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("stream with a filter the server cannot read (pr answered 400 invalidFilter): filtered here, that stream only", () => {
    const m = server(people, { filter: error(400, "invalidFilter") })
    return Effect.gen(function*() {
      const users = yield* Users.Users
      const kims = yield* Stream.runCollect(users.stream({ filter: "userName pr and userName eq \"KIM\"" }))
      assert.deepStrictEqual(Chunk.toArray(kims).map((u) => u.id), ["u2"])
      const first = sent(m)[0]!
      assert.include(first, "filter=")
      assert.isFalse(sent(m).slice(1).some((r) => r.includes("filter=")))
      m.received.length = 0
      // Not remembered (a 400 names this filter): the next stream sends its filter again, and for a
      // plain comparison the refusal stands (it more likely names the caller's mistake).
      const plain = yield* Effect.flip(Stream.runDrain(users.stream({ filter: "usrName eq \"x\"" })))
      assert.strictEqual(plain._tag, "BadRequest")
      assert.deepStrictEqual(sent(m).length, 1)
      assert.include(sent(m)[0]!, "filter=")
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("stream on a target whose filters are assumed (Asgardeo): the refusal stands", () => {
    const documented = Target.make({ name: "documented", filters: { support: "assumed" } })
    const m = server(people, { filter: error(400, "invalidFilter") }, { target: documented })
    return Effect.gen(function*() {
      const users = yield* Users.Users
      const failure = yield* Effect.flip(Stream.runDrain(users.stream({ filter: "userName pr" })))
      assert.strictEqual(failure._tag, "BadRequest")
      assert.strictEqual(sent(m).length, 1)
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("names are compared with ASCII case folding only: a Kelvin sign is not a K", () => {
    const m = server(["\u212Aim"], { filter: error(501) })
    return Effect.gen(function*() {
      const users = yield* Users.Users
      assert.isTrue(Option.isNone(yield* users.findByUserName("kim")))
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("two matching users: AmbiguousUser naming both, never the first one found", () => {
    const m = server(["ann", "kim", "bob", "Kim"], { filter: error(501) })
    return Effect.gen(function*() {
      const users = yield* Users.Users
      const failure = yield* Effect.flip(users.findByUserName("kim"))
      assert.strictEqual(failure._tag, "AmbiguousUser")
      if (failure._tag === "AmbiguousUser") {
        assert.deepStrictEqual(failure.candidates.map((c) => c.id), ["u1", "u3"])
      }
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("ensure: the create answers 409, the lookup without filtering finds the user", () => {
    const m = server(people, { filter: error(501) })
    return Effect.gen(function*() {
      const users = yield* Users.Users
      const found = yield* users.ensure({ userName: "lee" })
      assert.isFalse(found.created)
      assert.strictEqual(found.user.id, "u3")
      assert.strictEqual(m.received.filter((r) => r.method === "POST").length, 1)
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("the whole-list paging stays within the request cap: PagingAborted", () => {
    const many = Array.from({ length: 30 }, (_, i) => `user${i}`)
    const m = server(many, { filter: error(501) }, { maxPageRequests: 4 })
    return Effect.gen(function*() {
      const users = yield* Users.Users
      const failure = yield* Effect.flip(users.findByUserName("user29"))
      assert.strictEqual(failure._tag, "PagingAborted")
      if (failure._tag === "PagingAborted") {
        assert.strictEqual(failure.requests, 4)
        assert.include(failure.reason, "without filtering")
      }
      assert.strictEqual(sent(m).length, 4)
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("Groups.findByName degrades the same way", () => {
    const m = server(["ops", "eng", "sales"], { filter: error(501) })
    return Effect.gen(function*() {
      const groups = yield* Groups.Groups
      assert.strictEqual(Option.getOrThrow(yield* groups.findByName("sales")).id, "g2")
      assert.deepStrictEqual(sent(m), [
        "GET /Groups?filter=displayName%20eq%20%22sales%22&count=2",
        "GET /Groups?count=2",
        "GET /Groups?startIndex=3&count=2"
      ])
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("other failures are not read as a lack of filtering (400 invalidValue, 500)", () =>
    Effect.gen(function*() {
      for (const reply of [error(400, "invalidValue"), error(500)]) {
        const m = server(people, { filter: reply })
        const failure = yield* Effect.flip(
          Effect.flatMap(Users.Users, (users) => users.findByUserName("kim")).pipe(Effect.provide(m.layer))
        )
        assert.strictEqual(failure._tag, reply.status === 500 ? "ServerError" : "BadRequest")
        assert.strictEqual(sent(m).length, 1)
      }
    }))

  it.effect("a caller's own filter in list is not rewritten: the server's answer stands", () => {
    const m = server(people, { filter: error(501) })
    return Effect.gen(function*() {
      const users = yield* Users.Users
      const failure = yield* Effect.flip(users.list({ filter: "userName pr" }))
      assert.strictEqual(failure._tag, "NotImplemented")
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("a server that ignores the filter (advertising it): every name that comes back is checked here", () => {
    const m = server(people, { filter: "ignored", spc: Mock.spc() })
    return Effect.gen(function*() {
      const users = yield* Users.Users
      assert.strictEqual(Option.getOrThrow(yield* users.findByUserName("max")).id, "u4")
      assert.isTrue(Option.isNone(yield* users.findByUserName("zed")))
      assert.isTrue(sent(m).every((s) => s.includes("filter=")))
    }).pipe(Effect.provide(m.layer))
  })
})

describe("what the server's configuration says about filtering", () => {
  it.effect("filter.supported false: lookups page without a filter from the first request; config read once", () => {
    // A server that says it does not filter and answers a filter with an empty page: trusting
    // that page would call an existing user absent (and `ensure` would create a second one).
    const m = Mock.generic((req) => {
      if (req.url.pathname.endsWith("/ServiceProviderConfig")) {
        return { status: 200, body: { ...Mock.spc(), filter: { supported: "false" } } }
      }
      if (req.url.searchParams.has("filter")) return { status: 200, body: { schemas: [LIST], totalResults: 0 } }
      const first = (req.url.searchParams.get("startIndex") ?? "1") === "1"
      return { status: 200, body: { schemas: [LIST], Resources: first ? [Mock.userJson("u1", "kim")] : [] } }
    }, { pageSize: 2 })
    return Effect.gen(function*() {
      const users = yield* Users.Users
      assert.strictEqual(Option.getOrThrow(yield* users.findByUserName("kim")).id, "u1")
      assert.strictEqual(Option.getOrThrow(yield* users.findByUserName("Kim")).id, "u1")
      assert.deepStrictEqual(m.received.map((r) => `${r.url.pathname}${r.url.search}`), [
        "/v2/ServiceProviderConfig",
        "/v2/Users?count=2",
        "/v2/Users?startIndex=2&count=2",
        "/v2/Users?count=2",
        "/v2/Users?startIndex=2&count=2"
      ])
    }).pipe(Effect.provide(m.layer))
  })

  for (
    const [name, spc] of [
      ["filter.supported true", Mock.spc()],
      ["no filter object", { schemas: [] }],
      ["no configuration (404)", undefined]
    ] as const
  ) {
    it.effect(`${name}: lookups filter`, () => {
      const m = server(people, spc === undefined ? {} : { spc })
      return Effect.gen(function*() {
        const users = yield* Users.Users
        assert.strictEqual(Option.getOrThrow(yield* users.findByUserName("lee")).id, "u3")
        assert.deepStrictEqual(sent(m), ["GET /Users?filter=userName%20eq%20%22lee%22&count=2"])
      }).pipe(Effect.provide(m.layer))
    })
  }

  it.effect("Asgardeo's target never reads the configuration for lookups (its filters are assumed)", () => {
    const m = Mock.asgardeo(() => ({ status: 200, body: { schemas: [LIST], totalResults: 0 } }))
    return Effect.gen(function*() {
      const users = yield* Users.Users
      assert.isTrue(Option.isNone(yield* users.findByUserName("kim@example.com")))
      assert.deepStrictEqual(m.received.map((r) => r.url.pathname.replace(/^.*\/scim2/, "")), ["/Users"])
    }).pipe(Effect.provide(m.layer))
  })
})
