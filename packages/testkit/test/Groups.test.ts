import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { AsgardeoEmulator } from "../src/index.js"
import { createUser, scim } from "./helpers.js"

const run = <A, E>(effect: Effect.Effect<A, E, any>, options?: AsgardeoEmulator.Options) =>
  Effect.provide(effect, AsgardeoEmulator.layerClient(options)) as Effect.Effect<A, E>

const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
const patch = (...Operations: ReadonlyArray<unknown>) => ({ schemas: [PATCH], Operations })

describe("groups", () => {
  it.effect("create with members: prefix, member display checked, users' groups in sync", () =>
    run(Effect.gen(function*() {
      const kim = yield* createUser("kim@example.com")
      const lee = yield* createUser("lee@example.com")
      const g = yield* scim("POST", "/Groups", {
        body: {
          displayName: "admins",
          members: [{ value: kim.id, display: "kim@example.com" }, {
            value: lee.id,
            display: "DEFAULT/lee@example.com"
          }]
        }
      })
      assert.strictEqual(g.status, 201)
      assert.strictEqual(g.json.displayName, "DEFAULT/admins")
      assert.strictEqual(g.json.meta.resourceType, "Group")
      assert.deepStrictEqual(g.json.members.map((m: any) => m.display), [
        "DEFAULT/kim@example.com",
        "DEFAULT/lee@example.com"
      ])
      const user = yield* scim("GET", `/Users/${kim.id}`)
      assert.deepStrictEqual(user.json.groups.map((x: any) => [x.value, x.display]), [[g.json.id, "admins"]])
      const dup = yield* scim("POST", "/Groups", { body: { displayName: "ADMINS" } })
      assert.strictEqual(dup.status, 409)
      // user deletion removes the member
      yield* scim("DELETE", `/Users/${lee.id}`)
      const after = yield* scim("GET", `/Groups/${g.json.id}`)
      assert.strictEqual(after.json.members.length, 1)
      // group deletion clears users' groups
      yield* scim("DELETE", `/Groups/${g.json.id}`)
      const kimAfter = yield* scim("GET", `/Users/${kim.id}`)
      assert.isUndefined(kimAfter.json.groups)
    })))

  it.effect("member writes need display, and value must be that user's id", () =>
    run(Effect.gen(function*() {
      const kim = yield* createUser("kim")
      const lee = yield* createUser("lee")
      const noDisplay = yield* scim("POST", "/Groups", { body: { displayName: "g1", members: [{ value: kim.id }] } })
      assert.strictEqual(noDisplay.status, 400)
      const mismatch = yield* scim("POST", "/Groups", {
        body: { displayName: "g1", members: [{ value: lee.id, display: "kim" }] }
      })
      assert.strictEqual(mismatch.status, 400)
      assert.match(mismatch.json.detail, /doesn't match with the userID obtained from user-store/)
      const unknown = yield* scim("POST", "/Groups", {
        body: { displayName: "g1", members: [{ value: kim.id, display: "nobody" }] }
      })
      assert.strictEqual(unknown.status, 400)
      const g = yield* scim("POST", "/Groups", { body: { displayName: "g1" } })
      const badAdd = yield* scim("PATCH", `/Groups/${g.json.id}`, {
        body: patch({ op: "add", value: { members: [{ value: kim.id, display: "lee" }] } })
      })
      assert.strictEqual(badAdd.status, 400)
      assert.isUndefined((yield* scim("GET", `/Groups/${g.json.id}`)).json.members)
    })))

  it.effect("PATCH members: add (both forms), remove by value filter, display filter, value array, all", () =>
    run(Effect.gen(function*() {
      const users = yield* Effect.forEach(["u1", "u2", "u3", "u4"], (n) => createUser(n))
      const [u1, u2, u3, u4] = users as [any, any, any, any]
      const g = (yield* scim("POST", "/Groups", { body: { displayName: "team" } })).json
      const add1 = yield* scim("PATCH", `/Groups/${g.id}`, {
        body: patch({ op: "Add", value: { members: [{ value: u1.id, display: "u1" }] } })
      })
      assert.strictEqual(add1.status, 200)
      assert.strictEqual(add1.json.members.length, 1)
      yield* scim("PATCH", `/Groups/${g.id}`, {
        body: patch({
          op: "add",
          path: "members",
          value: [{ value: u2.id, display: "u2" }, { value: u3.id, display: "u3" }, { value: u4.id, display: "u4" }]
        })
      })
      const rm = yield* scim("PATCH", `/Groups/${g.id}`, {
        body: patch(
          { op: "remove", path: `members[value eq "${u1.id}"]` },
          { op: "REMOVE", path: "members[display eq u2]" },
          { op: "remove", path: "members", value: [{ value: u3.id }] }
        )
      })
      assert.strictEqual(rm.status, 200, rm.text)
      assert.deepStrictEqual(rm.json.members.map((m: any) => m.value), [u4.id])
      const u4Groups = (yield* scim("GET", `/Users/${u4.id}`)).json.groups
      assert.strictEqual(u4Groups[0].value, g.id)
      const u1Groups = (yield* scim("GET", `/Users/${u1.id}`)).json.groups
      assert.isUndefined(u1Groups)
      const all = yield* scim("PATCH", `/Groups/${g.id}`, { body: patch({ op: "remove", path: "members" }) })
      assert.isUndefined(all.json.members)
      const rename = yield* scim("PATCH", `/Groups/${g.id}`, {
        body: patch({ op: "replace", value: { displayName: "crew" } })
      })
      assert.strictEqual(rename.json.displayName, "DEFAULT/crew")
      const multi = yield* scim("PATCH", `/Groups/${g.id}`, {
        body: patch({ op: "remove", path: `members[value eq "${u1.id}" or value eq "x"]` })
      })
      assert.strictEqual(multi.status, 501)
    })))

  it.effect("adding an existing / removing an absent member: ok by default, error when switched", () =>
    Effect.gen(function*() {
      for (const mode of ["ok", "error"] as const) {
        yield* run(
          Effect.gen(function*() {
            const u = yield* createUser("m1")
            const g = (yield* scim("POST", "/Groups", {
              body: { displayName: "g", members: [{ value: u.id, display: "m1" }] }
            })).json
            const again = yield* scim("PATCH", `/Groups/${g.id}`, {
              body: patch({ op: "add", value: { members: [{ value: u.id, display: "m1" }] } })
            })
            const absent = yield* scim("PATCH", `/Groups/${g.id}`, {
              body: patch({ op: "remove", path: `members[value eq "00000000-0000-4000-8000-000000000000"]` })
            })
            if (mode === "ok") {
              assert.strictEqual(again.status, 200)
              assert.strictEqual(again.json.members.length, 1)
              assert.strictEqual(absent.status, 200)
            } else {
              assert.strictEqual(again.status, 400)
              assert.strictEqual(absent.status, 400)
            }
          }),
          { quirks: { memberConflict: mode } }
        )
      }
    }))

  it.effect("group PATCH answers 204 when switched, unless attributes is given", () =>
    run(
      Effect.gen(function*() {
        const g = (yield* scim("POST", "/Groups", { body: { displayName: "g" } })).json
        const a = yield* scim("PATCH", `/Groups/${g.id}`, {
          body: patch({ op: "replace", path: "displayName", value: "h" })
        })
        assert.strictEqual(a.status, 204)
        assert.strictEqual(a.text, "")
        const b = yield* scim("PATCH", `/Groups/${g.id}`, {
          body: patch({ op: "replace", path: "displayName", value: "i" }),
          query: { attributes: "id" }
        })
        assert.strictEqual(b.status, 200)
        assert.strictEqual(b.json.displayName, "DEFAULT/i")
      }),
      { quirks: { groupPatchResponse: "noContent" } }
    ))

  it.effect("PUT replaces members and name; 409 on a taken name", () =>
    run(Effect.gen(function*() {
      const u = yield* createUser("p1")
      const g = (yield* scim("POST", "/Groups", { body: { displayName: "g" } })).json
      yield* scim("POST", "/Groups", { body: { displayName: "taken" } })
      const a = yield* scim("PUT", `/Groups/${g.id}`, {
        body: { displayName: "g2", members: [{ value: u.id, display: "p1" }] }
      })
      assert.strictEqual(a.status, 200)
      assert.strictEqual(a.json.members.length, 1)
      const b = yield* scim("PUT", `/Groups/${g.id}`, { body: { displayName: "taken" } })
      assert.strictEqual(b.status, 409)
    })))

  it.effect("no nested groups: a member typed Group is 400 invalidValue on create, PATCH and PUT; type User is accepted", () =>
    run(Effect.gen(function*() {
      const kim = yield* createUser("kim")
      const inner = (yield* scim("POST", "/Groups", { body: { displayName: "inner" } })).json
      const outer = (yield* scim("POST", "/Groups", { body: { displayName: "outer" } })).json
      const asGroup = { value: inner.id, display: "inner", type: "Group" }
      const created = yield* scim("POST", "/Groups", { body: { displayName: "g", members: [asGroup] } })
      assert.strictEqual(created.status, 400)
      assert.strictEqual(created.json.scimType, "invalidValue")
      assert.include(created.json.detail, "Nested groups are not supported")
      const added = yield* scim("PATCH", `/Groups/${outer.id}`, {
        body: patch({ op: "add", value: { members: [{ ...asGroup, type: "group" }] } })
      })
      assert.strictEqual(added.status, 400)
      assert.strictEqual(added.json.scimType, "invalidValue")
      assert.include(added.json.detail, "Nested groups are not supported")
      const put = yield* scim("PUT", `/Groups/${outer.id}`, { body: { displayName: "outer", members: [asGroup] } })
      assert.strictEqual(put.status, 400)
      assert.include(put.json.detail, "Nested groups are not supported")
      assert.isUndefined((yield* scim("GET", `/Groups/${outer.id}`)).json.members)
      // Untyped, the group's id and name are looked up as a user, which does not exist.
      const untyped = yield* scim("PATCH", `/Groups/${outer.id}`, {
        body: patch({ op: "add", value: { members: [{ value: inner.id, display: "inner" }] } })
      })
      assert.strictEqual(untyped.status, 400)
      assert.include(untyped.json.detail, "A user doesn't exist with the userName: inner")
      // A user typed User is a member; the type is not stored (Asgardeo's members carry none).
      const user = yield* scim("PATCH", `/Groups/${outer.id}`, {
        body: patch({ op: "add", value: { members: [{ value: kim.id, display: "kim", type: "User" }] } })
      })
      assert.strictEqual(user.status, 200)
      const read = (yield* scim("GET", `/Groups/${outer.id}`)).json
      assert.deepStrictEqual(read.members.map((m: any) => [m.value, m.type]), [[kim.id, undefined]])
    })))
})
