// The Roles service on the emulator's Roles API (v2 and v3), through Directory.layer: the version
// told from the app's authorized scopes, a role's life (create in either audience, find, list,
// assign, permissions, replace, patch, delete), the user's roles, ensure, roles in Bulk, and the
// scopes checked by the client or, for v2's unconfirmed fine-grained ones, by the server.
import { Scopes } from "@asgardeo-scim/core"
import { Bulk, Groups, Role, Roles, Users } from "@asgardeo-scim/directory"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Option, Stream } from "effect"
import * as Emulated from "./utils/Emulated.js"

const APP = "3645709f-ea8d-5595-7690-e1fa0efe3df9"
const credentials = AsgardeoEmulator.defaultCredentials

/** The directory on an emulator whose app is authorized for one Roles API (or both: `undefined`). */
const on = (
  rolesApi: "v2" | "v3" | undefined,
  more: Omit<AsgardeoEmulator.App, "clientId" | "clientSecret"> = {},
  options: AsgardeoEmulator.Options = {}
) => Emulated.layer({ ...options, apps: [{ ...credentials, id: APP, name: "HR App", rolesApi, ...more }] })

const ids = (list: ReadonlyArray<{ readonly value: string }> | undefined) => (list ?? []).map((m) => m.value).sort()

const people = Effect.gen(function*() {
  const users = yield* Users.Users
  const groups = yield* Groups.Groups
  const kim = yield* users.create({ userName: "kim@example.com", email: "kim@example.com", askPassword: true })
  const lee = yield* users.create({ userName: "lee@example.com", email: "lee@example.com", askPassword: true })
  const admins = yield* groups.create({ displayName: "admins" })
  return { kim: kim.id, lee: lee.id, admins: admins.id }
})

describe("Roles on the emulator: the version", () => {
  for (const [rolesApi, expected] of [["v2", "v2"], ["v3", "v3"], [undefined, "v2"]] as const) {
    it.effect(`an app authorized for ${rolesApi ?? "both (cannot tell)"}: ${expected}`, () =>
      Effect.gen(function*() {
        const roles = yield* Roles.Roles
        assert.strictEqual(yield* roles.version, expected)
        yield* roles.create({ displayName: "probe" })
        const log = yield* Emulated.scimLog
        assert.deepStrictEqual(log.map((e) => `${e.method} ${e.path}`), [`POST /t/acme/scim2/${expected}/Roles`])
      }).pipe(Effect.provide(on(rolesApi))))
  }
})

for (const version of ["v2", "v3"] as const) {
  describe(`Roles on the emulator, ${version}`, () => {
    it.effect("create in both audiences, get, find (AmbiguousRole across audiences), list, stream, delete", () =>
      Effect.gen(function*() {
        const roles = yield* Roles.Roles
        const org = yield* roles.create({ displayName: "auditor", permissions: ["internal_user_mgt_view"] })
        assert.strictEqual(org.audience?.type, "organization")
        const app = yield* roles.create({
          displayName: "auditor",
          audience: { type: "application", value: APP },
          permissions: ["internal_login"]
        })
        const full = yield* roles.get(app.id)
        assert.deepStrictEqual(full.audience && [full.audience.type, full.audience.value, full.audience.display], [
          "application",
          APP,
          "HR App"
        ])
        assert.deepStrictEqual(ids(full.permissions), ["internal_login"])
        // The same name in the same audience: 409.
        const taken = yield* Effect.flip(roles.create({ displayName: "auditor" }))
        assert.strictEqual(taken._tag, "Conflict")
        const ambiguous = yield* Effect.flip(roles.findByName("Auditor"))
        assert.strictEqual(ambiguous._tag, "AmbiguousRole")
        if (ambiguous._tag === "AmbiguousRole") {
          assert.sameMembers(ambiguous.candidates.map((c) => c.id), [org.id, app.id])
        }
        const inApp = yield* roles.findByName("auditor", { audience: { type: "application", value: APP } })
        assert.strictEqual(Option.getOrThrow(inApp).id, app.id)
        const inOrg = yield* roles.findByName("AUDITOR", { audience: { type: "organization" } })
        assert.strictEqual(Option.getOrThrow(inOrg).id, org.id)
        assert.isTrue(Option.isNone(yield* roles.findByName("nobody")))
        const page = yield* roles.list({ filter: "displayName eq \"auditor\" and audience.type eq \"application\"" })
        assert.deepStrictEqual(page.resources.map((r) => r.id), [app.id])
        const searched = yield* roles.search({ filter: "displayName sw \"aud\"", count: 1 })
        assert.strictEqual(searched.resources.length, 1)
        const all = yield* Stream.runCollect(roles.stream({ filter: "displayName co \"dit\"" }))
        assert.sameMembers(Array.from(all, (r) => r.id), [org.id, app.id])
        yield* roles.delete(org.id)
        const gone = yield* Effect.flip(roles.get(org.id))
        assert.strictEqual(gone._tag, "NotFound")
      }).pipe(Effect.provide(on(version))))

    it.effect("users and groups: assigned (twice is no error), seen on the user, unassigned", () =>
      Effect.gen(function*() {
        const roles = yield* Roles.Roles
        const { admins, kim, lee } = yield* people
        const role = yield* roles.create({ displayName: "auditor", audience: { type: "application", value: APP } })
        yield* roles.assignUsers(role.id, [kim, lee])
        yield* roles.assignUsers(role.id, [kim])
        yield* roles.assignGroups(role.id, [admins])
        const assigned = yield* roles.get(role.id)
        assert.deepStrictEqual(ids(assigned.users), [kim, lee].sort())
        assert.deepStrictEqual(ids(assigned.groups), [admins])
        const ofKim = yield* roles.ofUser(kim)
        const mine = ofKim.find((r) => r.id === role.id)
        assert.strictEqual(mine?.displayName, "auditor")
        assert.strictEqual(mine?.audience?.value, APP)
        assert.strictEqual(mine?.audience?.type, "application")
        yield* roles.unassignUsers(role.id, [kim])
        yield* roles.unassignUsers(role.id, [kim])
        yield* roles.unassignGroups(role.id, [admins])
        const after = yield* roles.get(role.id)
        assert.deepStrictEqual(ids(after.users), [lee])
        assert.deepStrictEqual(ids(after.groups), [])
        assert.isUndefined((yield* roles.ofUser(kim)).find((r) => r.id === role.id))
        // A user that does not exist: the server's 400 stands.
        const unknown = yield* Effect.flip(roles.assignUsers(role.id, ["5f2e3b0c-0000-4000-8000-000000000000"]))
        assert.strictEqual(unknown._tag, "BadRequest")
      }).pipe(Effect.provide(on(version))))

    it.effect("replace sets the name and the permissions and keeps every user and group", () =>
      Effect.gen(function*() {
        const roles = yield* Roles.Roles
        const { admins, kim } = yield* people
        const role = yield* roles.create({ displayName: "auditor", permissions: ["internal_login"] })
        yield* roles.assignUsers(role.id, [kim])
        yield* roles.assignGroups(role.id, [admins])
        yield* roles.replace(role.id, { displayName: "auditors", permissions: ["internal_user_mgt_view"] })
        const after = yield* roles.get(role.id)
        assert.strictEqual(after.displayName, "auditors")
        assert.deepStrictEqual(ids(after.permissions), ["internal_user_mgt_view"])
        assert.deepStrictEqual(ids(after.users), [kim])
        assert.deepStrictEqual(ids(after.groups), [admins])
      }).pipe(Effect.provide(on(version))))

    it.effect("permissions: added, removed, set; an unknown scope is the server's 400", () =>
      Effect.gen(function*() {
        const roles = yield* Roles.Roles
        const role = yield* roles.create({ displayName: "auditor", permissions: ["internal_login"] })
        yield* roles.addPermissions(role.id, ["internal_user_mgt_view", "internal_group_mgt_view"])
        assert.deepStrictEqual(ids((yield* roles.get(role.id)).permissions), [
          "internal_group_mgt_view",
          "internal_login",
          "internal_user_mgt_view"
        ])
        yield* roles.removePermissions(role.id, ["internal_login", "internal_group_mgt_view"])
        assert.deepStrictEqual(ids((yield* roles.get(role.id)).permissions), ["internal_user_mgt_view"])
        yield* roles.setPermissions(role.id, ["internal_login"])
        assert.deepStrictEqual(ids((yield* roles.get(role.id)).permissions), ["internal_login"])
        yield* roles.setPermissions(role.id, [])
        assert.deepStrictEqual(ids((yield* roles.get(role.id)).permissions), [])
        const unknown = yield* Effect.flip(roles.addPermissions(role.id, ["no_such_scope"]))
        assert.strictEqual(unknown._tag, "BadRequest")
      }).pipe(Effect.provide(on(version))))

    it.effect("patch renames; ensure finds what exists and creates what does not", () =>
      Effect.gen(function*() {
        const roles = yield* Roles.Roles
        const first = yield* roles.ensure({ displayName: "viewer", permissions: ["internal_login"] })
        assert.isTrue(first.created)
        const again = yield* roles.ensure({ displayName: "viewer" })
        assert.deepStrictEqual([again.role.id, again.created], [first.role.id, false])
        // An application role of the same name is another role.
        const app = yield* roles.ensure({ displayName: "viewer", audience: { type: "application", value: APP } })
        assert.isTrue(app.created)
        assert.notStrictEqual(app.role.id, first.role.id)
        const patched = yield* roles.patch(first.role.id, [{ op: "replace", path: "displayName", value: "viewers" }])
        assert.strictEqual(patched.displayName, "viewers")
        assert.strictEqual((yield* roles.get(first.role.id)).displayName, "viewers")
      }).pipe(Effect.provide(on(version))))

    it.effect("Bulk: a user and a role listing them by bulkId, in one request", () =>
      Effect.gen(function*() {
        const bulk = yield* Bulk.Bulk
        const result = yield* bulk.execute([
          Bulk.create("Roles", "role", {
            schemas: [Role.RoleUrn],
            displayName: "onboarded",
            users: [{ value: Bulk.ref("kim") }]
          }),
          Bulk.create("Users", "kim", {
            userName: "kim@example.com",
            emails: [{ value: "kim@example.com", primary: true }],
            "urn:scim:wso2:schema": { askPassword: true }
          })
        ])
        assert.strictEqual(result.failed, 0, JSON.stringify(result.results))
        assert.strictEqual(result.requests, 1)
        const roles = yield* Roles.Roles
        const role = yield* roles.get(result.byBulkId.get("role")!.id!)
        assert.deepStrictEqual(ids(role.users), [result.byBulkId.get("kim")!.id!])
      }).pipe(Effect.provide(on(version))))
  })
}

describe("Roles on the emulator: scopes", () => {
  it.effect("v3: an app without internal_role_mgt_users_update gets MissingScope before sending", () =>
    Effect.gen(function*() {
      const roles = yield* Roles.Roles
      const role = yield* roles.create({ displayName: "auditor" })
      yield* Emulated.clearLog
      const error = yield* Effect.flip(roles.assignUsers(role.id, ["5f2e3b0c-0000-4000-8000-000000000000"]))
      assert.strictEqual(error._tag === "MissingScope" ? error.scope : error._tag, "internal_role_mgt_users_update")
      assert.deepStrictEqual(yield* Emulated.scimLog, [])
    }).pipe(
      Effect.provide(on("v3", { scopes: Scopes.all.filter((s) => s !== "internal_role_mgt_users_update") }))
    ))

  it.effect("v2 with the server checking the fine-grained scopes: requested by default, so assignment works", () =>
    Effect.gen(function*() {
      const roles = yield* Roles.Roles
      const { kim } = yield* people
      const role = yield* roles.create({ displayName: "auditor" })
      yield* roles.assignUsers(role.id, [kim])
      assert.deepStrictEqual(ids((yield* roles.get(role.id)).users), [kim])
    }).pipe(Effect.provide(on("v2", {}, { quirks: { strictV2RoleScopes: true } }))))

  it.effect("v2, the server checking them and the app not authorized: the server's 403 (the client cannot know)", () =>
    Effect.gen(function*() {
      const roles = yield* Roles.Roles
      const { kim } = yield* people
      const role = yield* roles.create({ displayName: "auditor" })
      const error = yield* Effect.flip(roles.assignUsers(role.id, [kim]))
      assert.strictEqual(error._tag, "Forbidden")
    }).pipe(
      Effect.provide(
        on("v2", { scopes: Scopes.all.filter((s) => s !== "internal_role_mgt_users_update") }, {
          quirks: { strictV2RoleScopes: true }
        })
      )
    ))
})
