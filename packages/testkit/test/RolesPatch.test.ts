import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { scim } from "./helpers.js"
import { createRole, patchBody, people, run, sorted, values } from "./rolesHelpers.js"

const patch = (id: string, ...ops: ReadonlyArray<unknown>) =>
  scim("PATCH", `/v2/Roles/${id}`, { body: patchBody(...ops) })
const read = (id: string) => Effect.map(scim("GET", `/v2/Roles/${id}`), (a) => a.json)

describe("roles: PATCH v2", () => {
  it.effect("add and remove users, groups and permissions; rename; 200 with the role without users", () =>
    run(Effect.gen(function*() {
      const { group, kim, lee } = yield* people
      const role = yield* createRole("r", { permissions: [{ value: "internal_login" }] })
      const a = yield* patch(
        role.id,
        { op: "add", path: "users", value: [{ value: kim.id }, { value: lee.id }] },
        { op: "add", path: "groups", value: [{ value: group.id }] },
        { op: "add", path: "permissions", value: [{ value: "internal_user_mgt_view" }] },
        { op: "replace", path: "displayName", value: "renamed" }
      )
      assert.strictEqual(a.status, 200)
      assert.isUndefined(a.json.users)
      assert.strictEqual(a.json.displayName, "renamed")
      assert.deepStrictEqual(values(a.json.groups), [group.id])
      assert.deepStrictEqual(values(a.json.permissions), ["internal_login", "internal_user_mgt_view"])
      assert.deepStrictEqual(values((yield* read(role.id)).users), sorted(kim.id, lee.id))
      const b = yield* patch(
        role.id,
        { op: "remove", path: `users[value eq "${kim.id}"]` },
        { op: "remove", path: `groups[value eq ${group.id}]` },
        { op: "remove", path: "permissions[value eq internal_login]" }
      )
      assert.strictEqual(b.status, 200)
      const after = yield* read(role.id)
      assert.deepStrictEqual(values(after.users), [lee.id])
      assert.isUndefined(after.groups)
      assert.deepStrictEqual(values(after.permissions), ["internal_user_mgt_view"])
    })))

  it.effect("path-less replace of displayName and permissions; replace groups [] removes all", () =>
    run(Effect.gen(function*() {
      const { group } = yield* people
      const role = yield* createRole("r", { groups: [{ value: group.id }], permissions: [{ value: "internal_login" }] })
      const a = yield* patch(
        role.id,
        { op: "replace", value: { displayName: "n2", permissions: [{ value: "internal_user_mgt_list" }] } },
        { op: "replace", path: "groups", value: [] }
      )
      assert.strictEqual(a.status, 200)
      const after = yield* read(role.id)
      assert.strictEqual(after.displayName, "n2")
      assert.deepStrictEqual(values(after.permissions), ["internal_user_mgt_list"])
      assert.isUndefined(after.groups)
    })))

  it.effect("remove by display; a plain remove of permissions changes nothing", () =>
    run(Effect.gen(function*() {
      const { group, kim } = yield* people
      const role = yield* createRole("r", {
        users: [{ value: kim.id }],
        groups: [{ value: group.id }],
        permissions: [{ value: "internal_login" }]
      })
      yield* patch(role.id, { op: "remove", path: "permissions" })
      assert.deepStrictEqual(values((yield* read(role.id)).permissions), ["internal_login"])
      const a = yield* patch(
        role.id,
        { op: "remove", path: "users[display eq \"kim@example.com\"]" },
        { op: "remove", path: "groups[display eq admins]" },
        { op: "remove", path: "permissions[display eq \"Internal Login\"]" }
      )
      assert.strictEqual(a.status, 200)
      const after = yield* read(role.id)
      assert.isUndefined(after.users)
      assert.isUndefined(after.groups)
      assert.isUndefined(after.permissions)
    })))

  it.effect("regression (product-is#17733): replace users [] is applied; remove path users clears them", () =>
    run(Effect.gen(function*() {
      const { kim, lee } = yield* people
      const role = yield* createRole("r", { users: [{ value: kim.id }, { value: lee.id }] })
      assert.strictEqual((yield* patch(role.id, { op: "replace", path: "users", value: [] })).status, 200)
      assert.isUndefined((yield* read(role.id)).users)
      yield* patch(role.id, { op: "replace", value: { users: [{ value: kim.id }] } })
      assert.deepStrictEqual(values((yield* read(role.id)).users), [kim.id])
      yield* patch(role.id, { op: "remove", path: "users" })
      assert.isUndefined((yield* read(role.id)).users)
    })))

  it.effect("replace, then add, then remove whatever the order: a later add and remove of one id cancel", () =>
    run(Effect.gen(function*() {
      const { kim, lee } = yield* people
      const role = yield* createRole("r", { users: [{ value: kim.id }] })
      // the remove is listed first but runs last; the replace listed last runs first
      yield* patch(
        role.id,
        { op: "remove", path: `users[value eq ${lee.id}]` },
        { op: "add", path: "users", value: [{ value: lee.id }] },
        { op: "add", path: "permissions", value: [{ value: "internal_login" }] },
        { op: "replace", path: "permissions", value: [{ value: "internal_user_mgt_view" }] }
      )
      const after = yield* read(role.id)
      assert.deepStrictEqual(values(after.users), [kim.id])
      assert.deepStrictEqual(values(after.permissions), ["internal_login", "internal_user_mgt_view"])
    })))

  it.effect("a users replace with a permissions add or remove: 501; nothing applied", () =>
    run(Effect.gen(function*() {
      const { kim } = yield* people
      const role = yield* createRole("r")
      for (
        const mixed of [
          { op: "add", path: "permissions", value: [{ value: "internal_login" }] },
          { op: "remove", path: "permissions" }
        ]
      ) {
        const a = yield* patch(role.id, { op: "replace", path: "users", value: [{ value: kim.id }] }, mixed)
        assert.strictEqual(a.status, 501)
        assert.strictEqual(a.json.detail, "Adding/Removing permissions not permitted.")
      }
      const withReplace = yield* patch(
        role.id,
        { op: "replace", path: "users", value: [{ value: kim.id }] },
        { op: "replace", path: "permissions", value: [{ value: "internal_login" }] }
      )
      assert.strictEqual(withReplace.status, 200)
      const after = yield* read(role.id)
      assert.deepStrictEqual(values(after.users), [kim.id])
      assert.deepStrictEqual(values(after.permissions), ["internal_login"])
    })))

  it.effect("errors: unknown user 400, unknown attribute 400, filter attribute 400, other operator 501", () =>
    run(Effect.gen(function*() {
      const { kim } = yield* people
      const role = yield* createRole("r", { users: [{ value: kim.id }] })
      const user = yield* patch(role.id, { op: "add", path: "users", value: [{ value: "ghost" }] })
      assert.strictEqual(user.status, 400)
      assert.strictEqual(user.json.scimType, "invalidValue")
      assert.strictEqual(user.json.detail, "User can't be resolved from the given user Id.")
      const removeGhost = yield* patch(role.id, { op: "remove", path: "users[value eq ghost]" })
      assert.strictEqual(removeGhost.status, 400)
      const attribute = yield* patch(role.id, { op: "add", path: "audience", value: { type: "application" } })
      assert.strictEqual(attribute.status, 400)
      assert.strictEqual(attribute.json.detail, "audience is not a valid attribute.")
      const filter = yield* patch(role.id, { op: "remove", path: `users[id eq ${kim.id}]` })
      assert.strictEqual(filter.status, 400)
      assert.strictEqual(filter.json.detail, "Invalid filter")
      const operator = yield* patch(role.id, { op: "remove", path: `users[value ne ${kim.id}]` })
      assert.strictEqual(operator.status, 501)
      assert.strictEqual(operator.json.detail, "Only Eq filter is supported")
      const displayName = yield* patch(role.id, { op: "remove", path: "displayName" })
      assert.strictEqual(displayName.status, 400)
      const renamed = yield* patch(role.id, { op: "replace", path: "displayName", value: "a/b" })
      assert.strictEqual(renamed.status, 400)
      assert.deepStrictEqual(values((yield* read(role.id)).users), [kim.id])
      assert.strictEqual((yield* patch("nope", { op: "remove", path: "users" })).status, 404)
    })))

  it.effect("removing an unknown user is 400 whether or not the role has users (the id is resolved first)", () =>
    run(Effect.gen(function*() {
      const { kim } = yield* people
      const empty = yield* createRole("empty")
      const held = yield* createRole("held", { users: [{ value: kim.id }] })
      for (const role of [empty, held]) {
        for (const path of ["users[value eq ghost]", "users[display eq ghost@example.com]"]) {
          const removed = yield* patch(role.id, { op: "remove", path })
          assert.strictEqual(removed.status, 400, `${role.displayName}: ${path}`)
          assert.strictEqual(removed.json.detail, "User can't be resolved from the given user Id.")
        }
      }
      assert.deepStrictEqual(values((yield* read(held.id)).users), [kim.id])
    })))

  it.effect("a path or filter with a long run of white space is read in linear time: 400, not a hung emulator", () =>
    run(Effect.gen(function*() {
      const { kim } = yield* people
      const role = yield* createRole("r", { users: [{ value: kim.id }] })
      const spaces = " ".repeat(400_000)
      const filter = yield* patch(role.id, { op: "remove", path: `users[value eq ghost${spaces}x]` })
      assert.strictEqual(filter.status, 400)
      const path = yield* patch(role.id, { op: "add", path: `users${spaces}x]`, value: [{ value: kim.id }] })
      assert.strictEqual(path.status, 400)
      const trailing = yield* patch(role.id, { op: "remove", path: `users[value eq ${kim.id}${spaces}]` })
      assert.strictEqual(trailing.status, 200)
      assert.deepStrictEqual(values((yield* read(role.id)).users), [])
    })))

  it.effect("the PatchOp body: remove without path 400 noTarget; add without value 400 invalidSyntax; unknown op 400", () =>
    run(Effect.gen(function*() {
      const role = yield* createRole("r")
      const noTarget = yield* patch(role.id, { op: "remove" })
      assert.strictEqual(noTarget.status, 400)
      assert.strictEqual(noTarget.json.scimType, "noTarget")
      const noValue = yield* patch(role.id, { op: "add", path: "users" })
      assert.strictEqual(noValue.status, 400)
      assert.strictEqual(noValue.json.scimType, "invalidSyntax")
      const unknown = yield* patch(role.id, { op: "move", path: "users" })
      assert.strictEqual(unknown.status, 400)
      assert.strictEqual(unknown.json.scimType, "invalidSyntax")
      const noOperations = yield* scim("PATCH", `/v2/Roles/${role.id}`, { body: { schemas: [] } })
      assert.strictEqual(noOperations.status, 400)
    })))
})

describe("roles: PATCH v3", () => {
  it.effect("/{id}: only name and permission operations take effect", () =>
    run(Effect.gen(function*() {
      const { group, kim } = yield* people
      const role = yield* createRole("r")
      const a = yield* scim("PATCH", `/v3/Roles/${role.id}`, {
        body: patchBody(
          { op: "replace", path: "displayName", value: "r3" },
          { op: "add", path: "permissions", value: [{ value: "internal_login" }] },
          { op: "add", path: "users", value: [{ value: kim.id }] },
          { op: "add", path: "groups", value: [{ value: group.id }] }
        )
      })
      assert.strictEqual(a.status, 200)
      assert.strictEqual(a.json.meta.location.includes("/v3/Roles/"), true)
      const after = yield* read(role.id)
      assert.strictEqual(after.displayName, "r3")
      assert.deepStrictEqual(values(after.permissions), ["internal_login"])
      assert.isUndefined(after.users)
      assert.isUndefined(after.groups)
    })))

  it.effect("/{id}/Users: path-less add and 'value eq' remove (the official sample); other attributes ignored", () =>
    run(Effect.gen(function*() {
      const { group, kim, lee } = yield* people
      const role = yield* createRole("r", { users: [{ value: lee.id }] })
      const a = yield* scim("PATCH", `/v3/Roles/${role.id}/Users`, {
        body: patchBody(
          { op: "add", value: [{ display: "kim", value: kim.id }] },
          { op: "remove", path: `value eq ${lee.id}` },
          { op: "add", path: "groups", value: [{ value: group.id }] }
        )
      })
      assert.strictEqual(a.status, 200)
      assert.isUndefined(a.json.users)
      const after = yield* read(role.id)
      assert.deepStrictEqual(values(after.users), [kim.id])
      assert.isUndefined(after.groups)
      const replaced = yield* scim("PATCH", `/v3/Roles/${role.id}/Users`, {
        body: patchBody({ op: "replace", value: [] })
      })
      assert.strictEqual(replaced.status, 200)
      assert.isUndefined((yield* read(role.id)).users)
      const noOperations = yield* scim("PATCH", `/v3/Roles/${role.id}/Users`, { body: { schemas: [] } })
      assert.strictEqual(noOperations.status, 406)
    })))

  it.effect("/{id}/Groups: path-less add, 'value eq' remove", () =>
    run(Effect.gen(function*() {
      const { group, kim } = yield* people
      const role = yield* createRole("r")
      yield* scim("PATCH", `/v3/Roles/${role.id}/Groups`, {
        body: patchBody({ op: "add", value: [{ value: group.id }] }, {
          op: "add",
          path: "users",
          value: [{ value: kim.id }]
        })
      })
      let after = yield* read(role.id)
      assert.deepStrictEqual(values(after.groups), [group.id])
      assert.isUndefined(after.users)
      yield* scim("PATCH", `/v3/Roles/${role.id}/Groups`, {
        body: patchBody({ op: "remove", path: `value eq "${group.id}"` })
      })
      after = yield* read(role.id)
      assert.isUndefined(after.groups)
      const unknown = yield* scim("PATCH", `/v3/Roles/${role.id}/Groups`, {
        body: patchBody({ op: "add", value: [{ value: "ghost" }] })
      })
      assert.strictEqual(unknown.status, 400)
    })))
})
