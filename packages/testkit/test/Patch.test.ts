import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { AsgardeoEmulator } from "../src/index.js"
import { createUser, scim } from "./helpers.js"

const run = <A, E>(effect: Effect.Effect<A, E, any>) =>
  Effect.provide(effect, AsgardeoEmulator.layerClient()) as Effect.Effect<A, E>

const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
const WSO2 = "urn:scim:wso2:schema"
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
const patch = (...Operations: ReadonlyArray<unknown>) => ({ schemas: [PATCH], Operations })

describe("user PATCH", () => {
  it.effect("replace, add, remove; op names case-insensitive; attribute names case-insensitive", () =>
    run(Effect.gen(function*() {
      const u = yield* createUser("pa")
      const a = yield* scim("PATCH", `/Users/${u.id}`, {
        body: patch(
          { op: "Replace", path: "name.givenName", value: "Kim" },
          { op: "ADD", path: "phoneNumbers", value: [{ type: "work", value: "1" }] },
          { op: "replace", path: "NickName", value: "kk" },
          { op: "remove", path: "name.familyName" },
          { op: "add", path: "emails[type eq \"work\"].value", value: "w@example.com" }
        )
      })
      assert.strictEqual(a.status, 200, a.text)
      assert.strictEqual(a.json.name.givenName, "Kim")
      assert.isUndefined(a.json.name.familyName)
      assert.strictEqual(a.json.nickName, "kk")
      assert.isUndefined(a.json.NickName)
      assert.deepStrictEqual(a.json.phoneNumbers, [{ type: "work", value: "1" }])
    })))

  it.effect("path-less add/replace of an extension URN key merges into the extension", () =>
    run(Effect.gen(function*() {
      const u = yield* createUser("ext", { [ENTERPRISE]: { employeeNumber: "1", costCenter: "c" } })
      const a = yield* scim("PATCH", `/Users/${u.id}`, {
        body: patch(
          { op: "replace", value: { [WSO2]: { accountDisabled: true } } },
          { op: "add", value: { [ENTERPRISE]: { employeeNumber: "2" }, nickName: "x" } }
        )
      })
      assert.strictEqual(a.status, 200, a.text)
      assert.strictEqual(a.json[WSO2].accountDisabled, true)
      assert.deepStrictEqual(a.json[ENTERPRISE], { employeeNumber: "2", costCenter: "c" })
      assert.strictEqual(a.json.nickName, "x")
      assert.include(a.json.schemas, WSO2)
      const b = yield* scim("PATCH", `/Users/${u.id}`, {
        body: patch({ op: "replace", path: `${ENTERPRISE}:manager.value`, value: "boss" })
      })
      assert.strictEqual(b.json[ENTERPRISE].manager.value, "boss")
      const c = yield* scim("PATCH", `/Users/${u.id}`, {
        body: patch({ op: "replace", path: `${WSO2}:accountDisabled`, value: false })
      })
      assert.strictEqual(c.json[WSO2].accountDisabled, false)
      const got = yield* scim("GET", `/Users/${u.id}`)
      assert.strictEqual(got.json[WSO2].accountDisabled, false)
    })))

  it.effect("body and op errors: Operations key, unknown op, remove without path, id/meta immutable", () =>
    run(Effect.gen(function*() {
      const u = yield* createUser("err")
      const lower = yield* scim("PATCH", `/Users/${u.id}`, {
        body: { schemas: [PATCH], operations: [{ op: "replace", path: "nickName", value: "x" }] }
      })
      assert.strictEqual(lower.status, 400)
      assert.strictEqual(lower.json.detail, "Invalid JSON schema.")
      const unknown = yield* scim("PATCH", `/Users/${u.id}`, { body: patch({ op: "merge", path: "x", value: 1 }) })
      assert.strictEqual(unknown.status, 400)
      assert.strictEqual(unknown.json.scimType, "invalidSyntax")
      const noPath = yield* scim("PATCH", `/Users/${u.id}`, { body: patch({ op: "remove" }) })
      assert.strictEqual(noPath.status, 400)
      for (const op of [{ op: "replace", path: "id", value: "x" }, { op: "replace", value: { meta: {} } }]) {
        const a = yield* scim("PATCH", `/Users/${u.id}`, { body: patch(op) })
        assert.strictEqual(a.status, 400)
        assert.strictEqual(a.json.scimType, "mutability")
      }
      const bool = yield* scim("PATCH", `/Users/${u.id}`, {
        body: patch({ op: "replace", path: "active", value: "False" })
      })
      assert.strictEqual(bool.status, 400)
      const missing = yield* scim("PATCH", `/Users/00000000-0000-4000-8000-000000000000`, {
        body: patch({ op: "replace", path: "nickName", value: "x" })
      })
      assert.strictEqual(missing.status, 404)
    })))

  it.effect("a failing PATCH leaves no partial change", () =>
    run(Effect.gen(function*() {
      yield* createUser("taken")
      const u = yield* createUser("atomic")
      const before = (yield* scim("GET", `/Users/${u.id}`)).json
      const a = yield* scim("PATCH", `/Users/${u.id}`, {
        body: patch(
          { op: "replace", path: "nickName", value: "changed" },
          { op: "replace", path: "userName", value: "taken" }
        )
      })
      assert.strictEqual(a.status, 409)
      const b = yield* scim("PATCH", `/Users/${u.id}`, {
        body: patch({ op: "replace", path: "nickName", value: "changed" }, {
          op: "replace",
          path: "password",
          value: "x"
        })
      })
      assert.strictEqual(b.status, 400)
      const after = (yield* scim("GET", `/Users/${u.id}`)).json
      assert.deepStrictEqual(after, before)
    })))

  it.effect("userName change renames the member display in groups", () =>
    run(Effect.gen(function*() {
      const u = yield* createUser("old")
      const g =
        (yield* scim("POST", "/Groups", { body: { displayName: "g", members: [{ value: u.id, display: "old" }] } }))
          .json
      yield* scim("PATCH", `/Users/${u.id}`, { body: patch({ op: "replace", path: "userName", value: "new" }) })
      const after = (yield* scim("GET", `/Groups/${g.id}`)).json
      assert.strictEqual(after.members[0].display, "DEFAULT/new")
    })))
})
