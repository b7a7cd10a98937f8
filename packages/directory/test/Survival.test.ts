// scim-landscape.md section 4, the client survival checklist: one test (or more) per item, on
// mock servers that produce each quirk.
import { Bulk, Groups, User, Users } from "@asgardeo-scim/directory"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Fiber, Option, Stream, TestClock } from "effect"
import * as Mock from "./utils/Mock.js"

const ID = "6c5f2b4e-1d9a-4f6e-9b7a-2f1c3d4e5f60"
const GID = "0e0c6a1c-2b3d-4e5f-8a9b-0c1d2e3f4a5b"

const listRequests = (m: { readonly received: ReadonlyArray<Mock.Received> }) =>
  m.received.filter((r) => !r.url.pathname.endsWith("/ServiceProviderConfig"))

describe("client survival checklist", () => {
  it.effect("1. PATCH answered 204 with no body succeeds (the resource is read again)", () => {
    const m = Mock.generic((req) =>
      req.method === "PATCH" ? { status: 204 } : { status: 200, body: Mock.userJson("u1", "kim", { title: "x" }) }
    )
    return Effect.gen(function*() {
      const users = yield* Users.Users
      const user = yield* users.patch("u1", [{ op: "replace", path: "title", value: "x" }])
      assert.strictEqual(user.title, "x")
      assert.deepStrictEqual(m.received.map((r) => r.method), ["PATCH", "GET"])
      yield* users.setActive("u1", false)
      assert.strictEqual(m.received.length, 3)
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("2. Content-Type application/json is accepted", () => {
    const m = Mock.generic(() => ({
      status: 200,
      body: Mock.userJson("u1", "kim"),
      headers: { "content-type": "application/json; charset=utf-8" }
    }))
    return Effect.gen(function*() {
      const user = yield* (yield* Users.Users).get("u1")
      assert.strictEqual(user.userName, "kim")
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("3. error bodies: numeric status, schemas as a string, missing or odd scimType, raw body kept", () => {
    const bodies = [
      {
        schemas: "urn:ietf:params:scim:api:messages:2.0:Error",
        status: 400,
        detail: "bad",
        scimType: "schemaViolated"
      },
      { error: { status: "404", detail: "wrapped" } },
      "The Patch request is invalid."
    ]
    let n = 0
    const m = Mock.generic(() => {
      const body = bodies[n]
      const status = [400, 404, 400][n++]!
      return typeof body === "string" ? { status, text: body } : { status, body }
    })
    return Effect.gen(function*() {
      const users = yield* Users.Users
      const e1 = yield* Effect.flip(users.get("u1"))
      assert.strictEqual(e1._tag, "BadRequest")
      assert.isDefined((e1 as { body?: string }).body)
      const e2 = yield* Effect.flip(users.get("u1"))
      assert.strictEqual(e2._tag, "NotFound")
      const e3 = yield* Effect.flip(users.get("u1"))
      assert.strictEqual(e3._tag, "BadRequest")
      assert.include(String((e3 as { body?: string }).body), "Patch request is invalid")
    }).pipe(Effect.provide(m.layer))
  })

  describe("4. paging does not trust one signal", () => {
    const users = (ids: ReadonlyArray<number>) => ids.map((i) => Mock.userJson(`u${i}`, `user${i}`))
    const list = (resources: Array<unknown>, totalResults?: number) => ({
      status: 200,
      body: {
        schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        ...(totalResults !== undefined ? { totalResults } : {}),
        Resources: resources
      }
    })
    const collect = (m: ReturnType<typeof Mock.generic>) =>
      Effect.flatMap(Users.Users, (u) => Stream.runCollect(u.stream())).pipe(
        Effect.map((c) => Chunk.toArray(c).map((u) => u.id)),
        Effect.provide(m.layer)
      )

    it.effect("a server that ignores startIndex (same page forever)", () => {
      const m = Mock.generic(() => list(users([1, 2, 3]), 3), { pageSize: 3 })
      return Effect.map(collect(m), (ids) => {
        assert.deepStrictEqual(ids, ["u1", "u2", "u3"])
        // The ServiceProviderConfig read (for cursor paging) is not a list request.
        assert.strictEqual(listRequests(m).length, 2)
      })
    })

    it.effect("totalResults = page size, short pages mid-list, overlapping pages", () => {
      const pages: Record<string, Array<number>> = { "1": [1, 2], "3": [2, 3, 4], "6": [5], "7": [] }
      const m = Mock.generic((req) => list(users(pages[req.url.searchParams.get("startIndex")!] ?? []), 3), {
        pageSize: 3
      })
      return Effect.map(collect(m), (ids) => assert.deepStrictEqual(ids, ["u1", "u2", "u3", "u4", "u5"]))
    })

    it.effect("always sends count (a server without explicit paging returns nothing)", () => {
      const m = Mock.generic((req) =>
        req.url.searchParams.has("count") && req.url.searchParams.get("startIndex") === "1"
          ? list(users([1]))
          : list([])
      )
      return Effect.map(collect(m), (ids) => {
        assert.deepStrictEqual(ids, ["u1"])
        assert.isTrue(listRequests(m).every((r) => r.url.searchParams.has("count")))
      })
    })
  })

  it.effect("5. Resources missing on an empty page; projected resources without schemas or meta", () => {
    let n = 0
    const m = Mock.generic(() =>
      n++ === 0 ? { status: 200, body: { totalResults: 0 } } : { status: 200, body: { Resources: [{ id: "u1" }] } }
    )
    return Effect.gen(function*() {
      const users = yield* Users.Users
      const empty = yield* users.list()
      assert.deepStrictEqual(empty.resources, [])
      const projected = yield* users.list({ attributes: ["id"] })
      assert.strictEqual(projected.resources[0]?.id, "u1")
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("6. no Location header on 201: the id comes from the body; no If-Match is sent", () => {
    const m = Mock.generic(() => ({ status: 201, body: Mock.userJson("u9", "kim") }))
    return Effect.gen(function*() {
      const user = yield* (yield* Users.Users).create({ userName: "kim" })
      assert.strictEqual(user.id, "u9")
      assert.isUndefined(m.received[0]!.headers["if-match"])
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("7. 401 without WWW-Authenticate is Unauthorized; 501 for Bulk is NotImplemented", () => {
    const m = Mock.generic((req) =>
      req.url.pathname.endsWith("/ServiceProviderConfig")
        ? { status: 200, body: Mock.spc() }
        : req.url.pathname.endsWith("/Bulk")
        ? { status: 501, body: { status: "501", detail: "Bulk is not supported" } }
        : { status: 401, body: { status: "401", detail: "no" } }
    )
    return Effect.gen(function*() {
      const e1 = yield* Effect.flip((yield* Users.Users).get("u1"))
      assert.strictEqual(e1._tag, "Unauthorized")
      const e2 = yield* Effect.flip((yield* Bulk.Bulk).execute([Bulk.remove("Users", "u1")]))
      assert.strictEqual(e2._tag, "NotImplemented")
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("8. filter values are JSON-escaped and URL-encoded once; + and % go through POST .search on Asgardeo", () => {
    const m = Mock.asgardeo(() => ({ status: 200, body: { Resources: [] } }))
    return Effect.gen(function*() {
      const users = yield* Users.Users
      yield* users.findByUserName("o\"hara\\x@example.com")
      const q = m.received[0]!.url.searchParams.get("filter")
      assert.strictEqual(q, "userName eq \"o\\\"hara\\\\x@example.com\"")
      yield* users.findByUserName("a+b%c@example.com")
      const search = m.received[1]!
      assert.strictEqual(search.method, "POST")
      assert.isTrue(search.url.pathname.endsWith("/Users/.search"))
      assert.strictEqual((search.json as { filter: string }).filter, "userName eq \"a+b%c@example.com\"")
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("9. PATCH portability: lower-case ops, JSON booleans, path-less member add with display, members[value eq]", () => {
    const m = Mock.asgardeo((req) => {
      if (req.method === "GET" && req.url.pathname.includes("/Users/")) {
        return { status: 200, body: Mock.userJson(ID, "DEFAULT/kim@example.com") }
      }
      return { status: 204 }
    })
    return Effect.gen(function*() {
      const users = yield* Users.Users
      const groups = yield* Groups.Groups
      yield* users.setActive(ID, false)
      yield* groups.addMembers(GID, [ID])
      yield* groups.removeMembers(GID, [ID])
      const bodies = m.received.filter((r) => r.method === "PATCH").map((r) => r.json)
      assert.deepStrictEqual(bodies, [
        {
          schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          Operations: [{ op: "replace", value: { [User.Wso2Urn]: { accountDisabled: true } } }]
        },
        {
          schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          Operations: [{ op: "add", value: { members: [{ value: ID, display: "DEFAULT/kim@example.com" }] } }]
        },
        {
          schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          Operations: [{ op: "remove", path: `members[value eq "${ID}"]` }]
        }
      ])
      const raw = yield* Effect.flip(users.patch(ID, [{ op: "Remove" }]))
      assert.strictEqual(raw._tag, "InvalidInput")
    }).pipe(Effect.provide(m.layer))
  })

  // Asgardeo ids are UUIDs: a Bulk answer's id is only taken when it is one.
  const uuidOf = (bulkId: string) => `00000000-0000-4000-8000-${bulkId.replace(/\D/g, "").padStart(12, "0")}`

  it.effect("10. bulk: string or numeric statuses, JSON-string responses, regrouped answers, error details", () => {
    const m = Mock.asgardeo((req) => {
      if (req.url.pathname.endsWith("/ServiceProviderConfig")) return { status: 200, body: Mock.spc(1000) }
      const ops = (req.json as { Operations: Array<{ bulkId: string; method: string; path: string }> }).Operations
      // answered in reverse order, statuses of both shapes, the response a JSON string
      return {
        status: 200,
        body: {
          Operations: [...ops].reverse().map((o, i) =>
            o.path === "/Groups"
              ? {
                bulkId: o.bulkId,
                method: o.method,
                status: { code: 400 },
                response: JSON.stringify({ scimType: "invalidValue", detail: "bad group" })
              }
              : {
                bulkId: o.bulkId,
                method: o.method,
                location: `https://x/Users/${uuidOf(o.bulkId)}`,
                status: i % 2 === 0 ? "201" : { code: 201 },
                response: JSON.stringify({ id: uuidOf(o.bulkId) })
              }
          )
        }
      }
    })
    return Effect.gen(function*() {
      const bulk = yield* Bulk.Bulk
      const ops: Array<Bulk.Operation> = Array.from(
        { length: 150 },
        (_, i) => Bulk.create("Users", `u${i}`, { userName: `u${i}` })
      )
      ops.push(Bulk.create("Groups", "g", { displayName: "G" }))
      const result = yield* bulk.execute(ops)
      const posts = m.received.filter((r) => r.url.pathname.endsWith("/Bulk"))
      assert.deepStrictEqual(posts.map((p) => (p.json as { Operations: Array<unknown> }).Operations.length), [100, 51])
      assert.strictEqual(result.results.length, 151)
      assert.strictEqual(result.byBulkId.get("u7")!.id, uuidOf("u7"))
      assert.strictEqual(result.byBulkId.get("u7")!.status, 201)
      const g = result.byBulkId.get("g")!
      assert.isFalse(g.ok)
      assert.strictEqual(g.detail, "bad group")
      assert.strictEqual(result.failed, 1)
      assert.deepStrictEqual(result.results.map((r) => r.bulkId), ops.map((o) => o.bulkId))
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("10b. bulk: maxPayloadSize splits chunks; a reference group too large to fit is InvalidInput", () => {
    const m = Mock.generic((req) =>
      req.url.pathname.endsWith("/ServiceProviderConfig")
        ? { status: 200, body: Mock.spc(1000, 600) }
        : {
          status: 200,
          body: {
            Operations: (req.json as { Operations: Array<{ bulkId: string; method: string }> }).Operations.map((o) => ({
              ...o,
              status: "201"
            }))
          }
        }
    )
    return Effect.gen(function*() {
      const bulk = yield* Bulk.Bulk
      const ops = Array.from(
        { length: 6 },
        (_, i) => Bulk.create("Users", `u${i}`, { userName: `user-${i}`.padEnd(100, "x") })
      )
      const result = yield* bulk.execute(ops)
      assert.isTrue(result.requests >= 2)
      assert.isTrue(m.received.filter((r) => r.url.pathname.endsWith("/Bulk")).every((r) => r.body.length <= 600))
      const linked = [...ops, Bulk.create("Groups", "g", { members: ops.map((o) => ({ value: Bulk.ref(o.bulkId!) })) })]
      const error = yield* Effect.flip(bulk.execute(linked))
      assert.strictEqual(error._tag, "InvalidInput")
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("bulk without a ServiceProviderConfig endpoint uses the default limits", () => {
    const m = Mock.generic((req) =>
      req.url.pathname.endsWith("/ServiceProviderConfig")
        ? { status: 404, body: { status: "404", detail: "no" } }
        : {
          status: 200,
          body: {
            Operations: (req.json as { Operations: Array<{ bulkId: string; method: string }> }).Operations.map((o) => ({
              ...o,
              status: { code: "204" }
            }))
          }
        }
    )
    return Effect.gen(function*() {
      const result = yield* (yield* Bulk.Bulk).execute(
        Array.from({ length: 101 }, (_, i) => Bulk.remove("Users", `u${i}`))
      )
      assert.strictEqual(result.requests, 2)
      assert.strictEqual(result.failed, 0)
      assert.strictEqual(result.byBulkId.get("op-1")!.status, 204)
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("ensure after a dropped POST finds the user; create alone fails with TransportError, no retry", () => {
    let posts = 0
    const m = Mock.generic((req) => {
      if (req.method === "POST") {
        posts++
        return "drop"
      }
      return { status: 200, body: { Resources: [Mock.userJson("u1", "kim")] } }
    })
    return Effect.gen(function*() {
      const users = yield* Users.Users
      const error = yield* Effect.flip(users.create({ userName: "kim" }))
      assert.strictEqual(error._tag, "TransportError")
      assert.strictEqual(posts, 1)
      const result = yield* users.ensure({ userName: "kim" })
      assert.isFalse(result.created)
      assert.strictEqual(result.user.id, "u1")
      const missing = yield* (yield* Users.Users).findByUserName("KIM")
      assert.isTrue(Option.isSome(missing))
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("ensure never creates blind: a dropped POST then a failing look is final, one POST sent", () => {
    let posts = 0
    const m = Mock.generic((req) => {
      if (req.method === "POST") {
        posts++
        return "drop"
      }
      return { status: 503, body: { detail: "down" } }
    }, { retry: { maxAttempts: 4 } })
    return Effect.gen(function*() {
      const users = yield* Users.Users
      const fiber = yield* Effect.fork(Effect.flip(users.ensure({ userName: "kim" })))
      yield* TestClock.adjust("10 minutes")
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error._tag, "ServerError", "the look's failure")
      assert.strictEqual(posts, 1, "no second POST while the user may exist")
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("ensure creates again, on the backoff, only when the look says absent", () => {
    let posts = 0
    const m = Mock.generic((req) => {
      if (req.method === "POST") {
        return ++posts < 3 ? "drop" : { status: 201, body: Mock.userJson("u1", "kim") }
      }
      return { status: 200, body: { Resources: [] } }
    }, { retry: { maxAttempts: 4 } })
    return Effect.gen(function*() {
      const users = yield* Users.Users
      const fiber = yield* Effect.fork(users.ensure({ userName: "kim" }))
      yield* TestClock.adjust("10 minutes")
      const result = yield* Fiber.join(fiber)
      assert.isTrue(result.created)
      assert.strictEqual(posts, 3)
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("User schema: emails as strings or objects, string booleans, unknown attributes kept", () => {
    const m = Mock.asgardeo(() => ({
      status: 200,
      body: Mock.userJson(ID, "DEFAULT/kim@example.com", {
        emails: ["kim@example.com", { type: "work", value: "k@work.com" }],
        active: "true",
        groups: [{ value: GID, display: "HR" }],
        roles: [{ type: "default", value: "Internal/everyone" }],
        [User.Wso2Urn]: { accountDisabled: "false", country: "LK" },
        "urn:scim:schemas:extension:custom:User": { badge: "B-1" },
        somethingNew: { nested: [1, 2] }
      })
    }))
    return Effect.gen(function*() {
      const user = yield* (yield* Users.Users).get(ID)
      assert.deepStrictEqual(user.emails?.map((e) => e.value), ["kim@example.com", "k@work.com"])
      assert.strictEqual(user.active, true)
      assert.isTrue(User.isActive(user))
      assert.strictEqual(User.domain(user), "DEFAULT")
      assert.deepStrictEqual(user["somethingNew"], { nested: [1, 2] })
      assert.deepStrictEqual(user[User.CustomUrn], { badge: "B-1" })
      assert.strictEqual(user[User.Wso2Urn]?.["country"], "LK")
    }).pipe(Effect.provide(m.layer))
  })
})
