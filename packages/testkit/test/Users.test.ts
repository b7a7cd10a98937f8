import { assert, describe, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"
import { AsgardeoEmulator } from "../src/index.js"
import { call, createUser, newUser, SCIM, scim, token } from "./helpers.js"

const run = <A, E>(effect: Effect.Effect<A, E, any>, options?: AsgardeoEmulator.Options) =>
  Effect.provide(effect, AsgardeoEmulator.layerClient(options)) as Effect.Effect<A, E>

const WSO2 = "urn:scim:wso2:schema"
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

describe("users", () => {
  it.effect("create: 201, UUID id, DEFAULT/ prefix, meta, Location, no password", () =>
    run(Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2025-01-02T03:04:05.000Z"))
      const a = yield* scim("POST", "/Users", {
        body: newUser("kim@example.com", { [ENTERPRISE]: { employeeNumber: "E-1" }, nickName: "k", custom: { x: 1 } })
      })
      assert.strictEqual(a.status, 201)
      assert.match(a.json.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/)
      assert.strictEqual(a.json.userName, "DEFAULT/kim@example.com")
      assert.isUndefined(a.json.password)
      assert.deepStrictEqual(a.json[ENTERPRISE], { employeeNumber: "E-1" })
      assert.deepStrictEqual(a.json.custom, { x: 1 })
      assert.strictEqual(a.json.meta.created, "2025-01-02T03:04:05.000Z")
      assert.strictEqual(a.json.meta.resourceType, "User")
      assert.strictEqual(a.json.meta.location, `https://emulator.invalid${SCIM}/Users/${a.json.id}`)
      assert.strictEqual(a.headers["location"], a.json.meta.location)
      assert.strictEqual(a.headers["content-type"], "application/scim+json")
      assert.include(a.json.schemas, ENTERPRISE)
      const got = yield* scim("GET", `/Users/${a.json.id}`)
      assert.deepStrictEqual(got.json, a.json)
    })))

  it.effect("a given domain is kept; an unknown user store is 400", () =>
    run(Effect.gen(function*() {
      const a = yield* scim("POST", "/Users", { body: newUser("default/lee") })
      assert.strictEqual(a.json.userName, "DEFAULT/lee")
      const b = yield* scim("POST", "/Users", { body: newUser("OTHER/lee") })
      assert.strictEqual(b.status, 400)
    })))

  it.effect("409 on a duplicate userName, case-insensitive, with or without the prefix", () =>
    run(Effect.gen(function*() {
      yield* createUser("kim@example.com")
      for (const name of ["KIM@example.com", "DEFAULT/kim@EXAMPLE.com"]) {
        const a = yield* scim("POST", "/Users", { body: newUser(name) })
        assert.strictEqual(a.status, 409)
        assert.strictEqual(a.json.status, "409")
        assert.match(a.json.detail, /^User with the name: .* already exists in the system\.$/)
        assert.deepStrictEqual(a.json.schemas, ["urn:ietf:params:scim:api:messages:2.0:Error"])
      }
    })))

  it.effect("askPassword / password rules and the password policy", () =>
    run(Effect.gen(function*() {
      const invite = yield* scim("POST", "/Users", {
        body: { userName: "inv@example.com", emails: [{ value: "inv@example.com" }], [WSO2]: { askPassword: true } }
      })
      assert.strictEqual(invite.status, 201)
      assert.isUndefined(invite.json[WSO2]?.askPassword)
      const noEmail = yield* scim("POST", "/Users", { body: { userName: "x1", [WSO2]: { askPassword: "true" } } })
      assert.strictEqual(noEmail.status, 400)
      const both = yield* scim("POST", "/Users", {
        body: { ...newUser("x2"), [WSO2]: { askPassword: true } }
      })
      assert.strictEqual(both.status, 400)
      const neither = yield* scim("POST", "/Users", { body: { userName: "x3", emails: [{ value: "x3@e.com" }] } })
      assert.strictEqual(neither.status, 400)
      for (const password of ["short1", "longbutnodigit", "1234567890"]) {
        const weak = yield* scim("POST", "/Users", { body: { ...newUser("x4"), password } })
        assert.strictEqual(weak.status, 400)
        assert.strictEqual(weak.json.scimType, "invalidValue")
        assert.match(weak.json.detail, /^Password must have at least 8 characters/)
      }
      const verify = yield* scim("POST", "/Users", { body: { ...newUser("x5"), [WSO2]: { verifyEmail: true } } })
      assert.strictEqual(verify.status, 201)
    })))

  it.effect("accountDisabled is stored and read back; booleans stay booleans", () =>
    run(Effect.gen(function*() {
      const u = yield* createUser("dis", { [WSO2]: { accountDisabled: false } })
      const got = yield* scim("GET", `/Users/${u.id}`)
      assert.strictEqual(got.json[WSO2].accountDisabled, false)
      const bad = yield* scim("POST", "/Users", { body: newUser("dis2", { active: "True" }) })
      assert.strictEqual(bad.status, 400)
    })))

  it.effect("PUT replaces attributes, keeps id/created, bumps lastModified; DELETE then 404", () =>
    run(Effect.gen(function*() {
      const u = yield* createUser("put")
      yield* TestClock.adjust("1 minute")
      const a = yield* scim("PUT", `/Users/${u.id}`, { body: { userName: "put", nickName: "n", id: "ignored" } })
      assert.strictEqual(a.status, 200)
      assert.strictEqual(a.json.id, u.id)
      assert.strictEqual(a.json.nickName, "n")
      assert.isUndefined(a.json.name)
      assert.notStrictEqual(a.json.meta.lastModified, a.json.meta.created)
      const d = yield* scim("DELETE", `/Users/${u.id}`)
      assert.strictEqual(d.status, 204)
      assert.strictEqual(d.text, "")
      const g = yield* scim("GET", `/Users/${u.id}`)
      assert.strictEqual(g.status, 404)
      assert.strictEqual(g.json.status, "404")
    })))

  it.effect("scopes: 401 for missing/unknown tokens, 403 for a missing scope (list cannot view)", () =>
    run(Effect.gen(function*() {
      const u = yield* createUser("sc")
      const none = yield* call("GET", `${SCIM}/Users`)
      assert.strictEqual(none.status, 401)
      assert.strictEqual(none.json.status, "401")
      const unknown = yield* call("GET", `${SCIM}/Users`, { token: "nope" })
      assert.strictEqual(unknown.status, 401)
      const list = yield* token(["internal_user_mgt_list"])
      assert.strictEqual((yield* call("GET", `${SCIM}/Users`, { token: list })).status, 200)
      const view = yield* call("GET", `${SCIM}/Users/${u.id}`, { token: list })
      assert.strictEqual(view.status, 403)
      assert.strictEqual(view.json.status, "403")
      assert.deepStrictEqual(view.json.schemas, ["urn:ietf:params:scim:api:messages:2.0:Error"])
      const cases: ReadonlyArray<[string, "GET" | "POST" | "PUT" | "PATCH" | "DELETE", string, unknown]> = [
        ["internal_user_mgt_create", "POST", "/Users", newUser("sc2")],
        ["internal_user_mgt_update", "PATCH", `/Users/${u.id}`, {
          schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          Operations: [{ op: "replace", path: "nickName", value: "z" }]
        }],
        ["internal_user_mgt_list", "POST", "/Users/.search", { filter: "userName sw s" }],
        ["internal_group_mgt_view", "GET", "/Groups", undefined],
        ["internal_group_mgt_create", "POST", "/Groups", { displayName: "g" }],
        ["internal_user_mgt_delete", "DELETE", `/Users/${u.id}`, undefined]
      ]
      const wrong = yield* token(["internal_user_mgt_view"])
      for (const [scope, method, path, body] of cases) {
        const denied = yield* call(method, `${SCIM}${path}`, { token: wrong, body })
        assert.strictEqual(denied.status, 403, `${method} ${path}`)
        const allowed = yield* call(method, `${SCIM}${path}`, { token: yield* token([scope]), body })
        assert.isBelow(allowed.status, 300, `${method} ${path} with ${scope}: ${allowed.text}`)
      }
    })))

  it.effect("organizations are separate; a token of one org is refused by another", () =>
    run(
      Effect.gen(function*() {
        yield* createUser("a1")
        const other = yield* token(AsgardeoEmulator.allScopes, "beta")
        const list = yield* call("GET", "/t/beta/scim2/Users", { token: other })
        assert.strictEqual(list.json.totalResults, 0)
        const cross = yield* call("GET", `${SCIM}/Users`, { token: other })
        assert.strictEqual(cross.status, 401)
        const unknownOrg = yield* call("GET", "/t/nowhere/scim2/Users", { token: other })
        assert.strictEqual(unknownOrg.status, 404)
      }),
      { organizations: ["beta"] }
    ))

  it.effect("emails as bare strings (quirk)", () =>
    run(
      Effect.gen(function*() {
        const u = yield* createUser("em")
        const got = yield* scim("GET", `/Users/${u.id}`)
        assert.deepStrictEqual(got.json.emails, ["em@example.com"])
      }),
      { quirks: { emailsAsStrings: true } }
    ))

  it.effect("control service: seedUsers, createUser, snapshot, reset", () =>
    run(Effect.gen(function*() {
      const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
      const seeded = yield* emulator.seedUsers([{ userName: "s1" }, { userName: "PRIMARY/s2" }])
      assert.deepStrictEqual(seeded.map((s) => s.userName), ["DEFAULT/s1", "PRIMARY/s2"])
      const dup = yield* Effect.flip(emulator.seedUsers([{ userName: "S1" }]))
      assert.strictEqual(dup.status, 409)
      const created = yield* emulator.createUser(newUser("c1"))
      assert.strictEqual(created["userName"], "DEFAULT/c1")
      const weak = yield* Effect.flip(emulator.createUser({ userName: "c2", password: "x" }))
      assert.strictEqual(weak.status, 400)
      yield* emulator.seedGroups([{ displayName: "team", members: ["s1", created["id"] as string] }])
      const snap = yield* emulator.snapshot()
      assert.strictEqual(snap.users.length, 3)
      assert.strictEqual(snap.groups.length, 1)
      assert.strictEqual(snap.memberships.length, 2)
      yield* emulator.reset
      assert.strictEqual((yield* emulator.snapshot()).users.length, 0)
    })))
})
