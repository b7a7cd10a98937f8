// What a hostile caller or a hostile server can do to Bulk and to PATCH of names: found by a review
// of the safety work. Each case must be refused before sending (a typed InvalidInput), or, for a
// server's answer, be kept without crashing and without the request's secrets.
import { Patch } from "@asgardeo-scim/core"
import { Bulk, Groups, User, Users } from "@asgardeo-scim/directory"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Redacted } from "effect"
import * as Mock from "./utils/Mock.js"

const id = "0b7e4b1e-2f0c-4f4e-9a55-3c1d2e0f9a10"
const spc = {
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
  patch: { supported: true },
  bulk: { supported: true, maxOperations: 100, maxPayloadSize: 1048576 },
  filter: { supported: true, maxResults: 100 },
  changePassword: { supported: true },
  sort: { supported: false },
  etag: { supported: false },
  authenticationSchemes: []
}
const withBulk = (bulkReply: (json: unknown) => Mock.Reply): Mock.Handler => (req) =>
  req.url.pathname.endsWith("/ServiceProviderConfig")
    ? { status: 200, body: spc }
    : req.url.pathname.endsWith("/Bulk")
    ? bulkReply(req.json)
    : { status: 200, body: Mock.userJson(id, "kim@example.com", { displayName: "Team" }) }

const sentWrites = (m: { readonly received: ReadonlyArray<Mock.Received> }) =>
  m.received.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.url.pathname}`)

describe("Bulk against hostile input and answers", () => {
  for (
    const [name, operation] of [
      ["a group name whose store is not a store", Bulk.create("Groups", "g1", { displayName: "bad store!/Team" })],
      ["a userName whose store is not a store", Bulk.create("Users", "u1", { userName: "bad store!/kim@example.com" })],
      [
        "a PATCH renaming a group into no store",
        Bulk.patch("Groups", id, [Patch.replace("displayName", "bad store!/Team")])
      ],
      ["a malformed percent-escape in an id", { method: "DELETE", path: "/Users/%E0%A4%A" } as Bulk.Operation]
    ] as const
  ) {
    it.effect(`${name}: InvalidInput, nothing sent`, () => {
      const m = Mock.asgardeo(withBulk(() => ({ status: 200, body: { Operations: [] } })))
      return Effect.gen(function*() {
        const bulk = yield* Bulk.Bulk
        const exit = yield* Effect.exit(bulk.execute([operation]))
        assert.isTrue(Exit.isFailure(exit) && Cause.isFailType(exit.cause), String(exit))
        if (Exit.isFailure(exit) && Cause.isFailType(exit.cause)) {
          assert.strictEqual(exit.cause.error._tag, "InvalidInput")
        }
        assert.deepStrictEqual(sentWrites(m), [])
      }).pipe(Effect.provide(m.layer))
    })
  }

  it.effect("a group in a real store, written as the server writes it, goes out", () => {
    const m = Mock.asgardeo(withBulk(() => ({ status: 200, body: { Operations: [] } })))
    return Effect.gen(function*() {
      const bulk = yield* Bulk.Bulk
      yield* bulk.execute([Bulk.create("Groups", "g1", { displayName: "PARTNERS/Team" })])
      assert.deepStrictEqual(sentWrites(m), ["POST /t/acme/scim2/Bulk"])
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("a server's location with a malformed escape or no id: no crash, no id taken from it", () => {
    const m = Mock.asgardeo(withBulk(() => ({
      status: 200,
      body: {
        Operations: [
          { method: "POST", bulkId: "u1", status: "201", location: "https://x/Users/%E0%A4%A" },
          { method: "POST", bulkId: "u2", status: "201", location: "https://x/Users/../Groups" }
        ]
      }
    })))
    return Effect.gen(function*() {
      const bulk = yield* Bulk.Bulk
      const result = yield* bulk.execute([
        Bulk.create("Users", "u1", { userName: "kim@example.com", password: Redacted.make("S3cret-Pass!") }),
        Bulk.create("Users", "u2", { userName: "ann@example.com", password: Redacted.make("S3cret-Pass!") })
      ])
      assert.isUndefined(result.byBulkId.get("u1")?.id)
      assert.isUndefined(result.byBulkId.get("u2")?.id)
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("a per-operation answer echoing the password is kept scrubbed", () => {
    const m = Mock.asgardeo(withBulk((json) => ({
      status: 200,
      body: {
        Operations: [{
          method: "POST",
          bulkId: "u1",
          status: "400",
          response: JSON.stringify({ detail: `bad request ${JSON.stringify(json)}`, echo: JSON.stringify(json) })
        }]
      }
    })))
    return Effect.gen(function*() {
      const bulk = yield* Bulk.Bulk
      const result = yield* bulk.execute([
        Bulk.create("Users", "u1", { userName: "kim@example.com", password: Redacted.make("Secret-Passw0rd!") })
      ])
      const kept = JSON.stringify(result)
      assert.notInclude(kept, "Secret-Passw0rd!")
      assert.include(result.byBulkId.get("u1")?.detail ?? "", "bad request")
    }).pipe(Effect.provide(m.layer))
  })
})

describe("PATCH of a name follows the store rule of create and replace", () => {
  for (
    const [name, run] of [
      [
        "Users.patch of userName into no store",
        Effect.flatMap(Users.Users, (u) => u.patch(id, [Patch.replace("userName", "bad store!/kim@example.com")]))
      ],
      [
        "Users.patch of a path-less userName into no store",
        Effect.flatMap(
          Users.Users,
          (u) => u.patch(id, [Patch.replaceValue({ userName: "bad store!/kim@example.com" })])
        )
      ],
      [
        "Groups.patch of displayName by its URN path",
        Effect.flatMap(
          Groups.Groups,
          (g) =>
            g.patch(id, [{
              op: "replace",
              path: "urn:ietf:params:scim:schemas:core:2.0:Group:displayName",
              value: "bad store!/x"
            }])
        )
      ]
    ] as const
  ) {
    it.effect(`${name}: InvalidInput, nothing sent`, () => {
      const m = Mock.asgardeo(withBulk(() => ({ status: 200, body: { Operations: [] } })))
      return Effect.gen(function*() {
        const error = yield* Effect.flip(run as Effect.Effect<unknown, { readonly _tag: string }, Users.Users>)
        assert.strictEqual(error._tag, "InvalidInput")
        assert.deepStrictEqual(sentWrites(m), [])
      }).pipe(Effect.provide(m.layer))
    })
  }
})

describe("a hostile server's __proto__ keys", () => {
  it.effect("Users.get and Users.list: no key of the answer becomes the prototype of what is returned", () => {
    const user =
      `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"${id}","userName":"kim@example.com",` +
      `"__proto__":{"groups":[{"value":"admins","display":"admins"}],"active":false},` +
      `"name":{"\\u005f_proto__":{"givenName":"Mallory"}}}`
    const m = Mock.generic((req) =>
      req.url.pathname.endsWith(`/Users/${id}`)
        ? { status: 200, text: user }
        : { status: 200, text: `{"Resources":[${user}],"totalResults":1,"startIndex":1,"itemsPerPage":1}` }
    )
    return Effect.gen(function*() {
      const users = yield* Users.Users
      const got = yield* users.get(id)
      const page = yield* users.list()
      for (const u of [got, page.resources[0]!]) {
        assert.strictEqual(Object.getPrototypeOf(u), Object.prototype)
        assert.isUndefined(u.groups, "no group the server did not list as its own")
        assert.isTrue(User.isActive(u))
        assert.isUndefined(u.name?.givenName)
      }
    }).pipe(Effect.provide(m.layer))
  })
})
