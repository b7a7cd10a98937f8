import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { AsgardeoEmulator } from "../src/index.js"
import { call, createUser, newUser, SCIM, scim, token } from "./helpers.js"
import { createRole, FORBIDDEN, patchBody, people, ROLE, roleBody, run, values } from "./rolesHelpers.js"

const BASE = `https://emulator.invalid${SCIM}`
const BULK = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
const bulk = (...Operations: ReadonlyArray<unknown>) => ({ schemas: [BULK], Operations })

describe("roles on users and groups", () => {
  it.effect("a user's roles: directly assigned ones, with audience attributes; group roles stay on the group", () =>
    run(Effect.gen(function*() {
      const { group, kim, lee } = yield* people
      const direct = yield* createRole("direct", { users: [{ value: kim.id }] })
      const viaGroup = yield* createRole("viaGroup", { groups: [{ value: group.id }] })
      const user = yield* scim("GET", `/Users/${kim.id}`)
      assert.deepStrictEqual(user.json.roles, [{
        value: direct.id,
        display: "direct",
        $ref: `${BASE}/v2/Roles/${direct.id}`,
        audienceValue: user.json.roles[0].audienceValue,
        audienceDisplay: "acme",
        audienceType: "organization"
      }])
      // kim is in the group, but roles through groups are not listed on the user ("direct only")
      assert.notInclude(values(user.json.roles), viaGroup.id)
      const g = yield* scim("GET", `/Groups/${group.id}`)
      assert.deepStrictEqual(values(g.json.roles), [viaGroup.id])
      assert.strictEqual(g.json.roles[0].$ref, `${BASE}/v2/Roles/${viaGroup.id}`)
      // lists and searches show them too; a user without roles has none
      const list = yield* scim("GET", "/Users", { query: { filter: "userName eq kim@example.com" } })
      assert.deepStrictEqual(values(list.json.Resources[0].roles), [direct.id])
      assert.isUndefined((yield* scim("GET", `/Users/${lee.id}`)).json.roles)
      // renaming the role shows at once
      yield* scim("PATCH", `/v2/Roles/${direct.id}`, {
        body: patchBody({ op: "replace", path: "displayName", value: "renamed" })
      })
      assert.strictEqual((yield* scim("GET", `/Users/${kim.id}`)).json.roles[0].display, "renamed")
    })))

  it.effect("deleting a user or group removes its assignments; deleting a role clears users' roles", () =>
    run(Effect.gen(function*() {
      const { group, kim, lee } = yield* people
      const role = yield* createRole("r", {
        users: [{ value: kim.id }, { value: lee.id }],
        groups: [{ value: group.id }]
      })
      assert.strictEqual((yield* scim("DELETE", `/Users/${kim.id}`)).status, 204)
      assert.strictEqual((yield* scim("DELETE", `/Groups/${group.id}`)).status, 204)
      const after = (yield* scim("GET", `/v2/Roles/${role.id}`)).json
      assert.deepStrictEqual(values(after.users), [lee.id])
      assert.isUndefined(after.groups)
      yield* scim("DELETE", `/v2/Roles/${role.id}`)
      assert.isUndefined((yield* scim("GET", `/Users/${lee.id}`)).json.roles)
    })))

  it.effect("roles written on a user or group are ignored (assign through the Roles API)", () =>
    run(Effect.gen(function*() {
      const kim = yield* createUser("kim@example.com", { roles: [{ value: "Internal/everyone", type: "default" }] })
      assert.isUndefined((yield* scim("GET", `/Users/${kim.id}`)).json.roles)
      yield* scim("PATCH", `/Users/${kim.id}`, {
        body: patchBody({ op: "add", path: "roles", value: [{ value: "x" }] })
      })
      yield* scim("PUT", `/Users/${kim.id}`, { body: { userName: "kim@example.com", roles: [{ value: "y" }] } })
      assert.isUndefined((yield* scim("GET", `/Users/${kim.id}`)).json.roles)
      const g = yield* scim("POST", "/Groups", { body: { displayName: "g", roles: [{ value: "x" }] } })
      assert.isUndefined(g.json.roles)
    })))

  it.effect("Schemas declares roles on User and Group with their sub-attributes", () =>
    run(Effect.gen(function*() {
      const schemas = (yield* call("GET", `${SCIM}/Schemas`)).json
      for (const id of ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:core:2.0:Group"]) {
        const roles = schemas.find((s: any) => s.id === id).attributes.find((a: any) => a.name === "roles")
        assert.deepStrictEqual(roles.subAttributes.map((a: any) => a.name), [
          "value",
          "display",
          "$ref",
          "audienceValue",
          "audienceDisplay",
          "audienceType"
        ])
      }
    })))
})

describe("roles in Bulk", () => {
  it.effect("/v2/Roles operations run after users and groups; bulkId references to created users", () =>
    run(Effect.gen(function*() {
      const a = yield* scim("POST", "/Bulk", {
        body: bulk(
          {
            method: "POST",
            path: "/v2/Roles",
            bulkId: "r1",
            data: roleBody("bulkRole", { users: [{ value: "bulkId:u1" }], permissions: [{ value: "internal_login" }] })
          },
          { method: "POST", path: "/Users", bulkId: "u1", data: newUser("bk1") },
          { method: "POST", path: "/Groups", bulkId: "g1", data: { displayName: "bulkGroup" } }
        )
      })
      assert.strictEqual(a.status, 200)
      const ops = a.json.Operations
      assert.deepStrictEqual(ops.map((o: any) => [o.bulkId, o.status.code]), [["u1", 201], ["g1", 201], ["r1", 201]])
      const user = JSON.parse(ops[0].response)
      const role = JSON.parse(ops[2].response)
      assert.deepStrictEqual(role.schemas, [ROLE])
      assert.strictEqual(ops[2].location, `${BASE}/v2/Roles/${role.id}`)
      const got = yield* scim("GET", `/v2/Roles/${role.id}`)
      assert.deepStrictEqual(values(got.json.users), [user.id])
    })))

  it.effect("PUT, PATCH and DELETE; regression (product-is#17717): removing users via Bulk is applied", () =>
    run(Effect.gen(function*() {
      const { kim, lee } = yield* people
      const role = yield* createRole("r", { users: [{ value: kim.id }, { value: lee.id }] })
      const gone = yield* createRole("gone")
      const a = yield* scim("POST", "/Bulk", {
        body: bulk(
          {
            method: "PATCH",
            path: `/v2/Roles/${role.id}`,
            data: { Operations: [{ op: "remove", path: `users[value eq ${kim.id}]` }] }
          },
          { method: "PUT", path: `/v2/Roles/${gone.id}`, data: { displayName: "renamed" } },
          { method: "DELETE", path: `/v2/Roles/${gone.id}` }
        )
      })
      assert.deepStrictEqual(a.json.Operations.map((o: any) => o.status.code), [200, 200, 204])
      assert.deepStrictEqual(values((yield* scim("GET", `/v2/Roles/${role.id}`)).json.users), [lee.id])
      assert.strictEqual((yield* scim("GET", `/v2/Roles/${gone.id}`)).status, 404)
    })))

  it.effect("role operations need the bulk role scopes (a per-operation 403); /v3/Roles paths are 400", () =>
    run(Effect.gen(function*() {
      const role = yield* createRole("r")
      const body = bulk(
        { method: "POST", path: "/Users", bulkId: "u", data: newUser("sc") },
        { method: "POST", path: "/v2/Roles", bulkId: "r", data: roleBody("denied") },
        { method: "DELETE", path: `/v2/Roles/${role.id}` }
      )
      const userOnly = yield* token(["internal_bulk_user_create", "internal_bulk_role_delete"])
      const a = yield* call("POST", `${SCIM}/Bulk`, { token: userOnly, body })
      assert.deepStrictEqual(a.json.Operations.map((o: any) => o.status.code), [201, 403, 204])
      assert.strictEqual(JSON.parse(a.json.Operations[1].response).detail, FORBIDDEN)
      const create = yield* token(["internal_bulk_role_create"])
      const b = yield* call("POST", `${SCIM}/Bulk`, {
        token: create,
        body: bulk(
          { method: "POST", path: "/v2/Roles", bulkId: "ok", data: roleBody("allowed") },
          { method: "POST", path: "/v3/Roles", bulkId: "v3", data: roleBody("v3") }
        )
      })
      assert.deepStrictEqual(b.json.Operations.map((o: any) => [o.bulkId, o.status.code]), [["ok", 201], ["v3", 400]])
      assert.match(JSON.parse(b.json.Operations[1].response).detail, /Use \/v2\/Roles/)
      const update = yield* token(["internal_bulk_role_update"])
      const c = yield* call("POST", `${SCIM}/Bulk`, {
        token: update,
        body: bulk({ method: "PUT", path: "/v2/Roles/nope", data: { displayName: "x" } })
      })
      assert.deepStrictEqual(c.json.Operations.map((o: any) => o.status.code), [404])
    })))
})

describe("roles: control service", () => {
  it.effect("seedRoles checks like POST and stores all or none; snapshot has full roles; reset clears them", () =>
    run(Effect.gen(function*() {
      const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
      const [kim] = yield* emulator.seedUsers([{ userName: "kim@example.com" }])
      const [group] = yield* emulator.seedGroups([{ displayName: "admins" }])
      const seeded = yield* emulator.seedRoles([
        { displayName: "one", permissions: ["internal_login"], users: [kim!.id], groups: [group!.id] },
        { displayName: "two" }
      ])
      assert.deepStrictEqual(seeded.map((r) => r.displayName), ["one", "two"])
      const failed = yield* Effect.flip(emulator.seedRoles([{ displayName: "three" }, { displayName: "ONE" }]))
      assert.strictEqual(failed.status, 409)
      const unknown = yield* Effect.flip(emulator.seedRoles([{ displayName: "four", users: ["ghost"] }]))
      assert.strictEqual(unknown.status, 400)
      const notAList = yield* Effect.flip(emulator.seedRoles([{ displayName: "five", permissions: "x" as any }]))
      assert.strictEqual(notAList.status, 400)
      const snapshot = yield* emulator.snapshot()
      assert.deepStrictEqual(snapshot.roles.map((r) => r["displayName"]), ["one", "two"])
      const one: any = snapshot.roles[0]
      assert.deepStrictEqual(values(one.users), [kim!.id])
      assert.deepStrictEqual(values(one.groups), [group!.id])
      assert.strictEqual(one.meta.location, `${BASE}/v2/Roles/${one.id}`)
      assert.deepStrictEqual(values(snapshot.users[0]!["roles"] as any), [one.id])
      assert.deepStrictEqual(values(snapshot.groups[0]!["roles"] as any), [one.id])
      yield* emulator.reset
      assert.deepStrictEqual((yield* emulator.snapshot()).roles, [])
      assert.strictEqual((yield* scim("GET", "/v2/Roles")).json.totalResults, 0)
    })))

  it.effect("seedRoles in another organization; each organization has its own roles", () =>
    run(
      Effect.gen(function*() {
        const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
        yield* emulator.seedRoles([{ displayName: "betaRole" }], { organization: "beta" })
        const beta = yield* emulator.snapshot({ organization: "beta" })
        assert.strictEqual(beta.roles[0]!["audience"] && (beta.roles[0]!["audience"] as any).display, "beta")
        assert.deepStrictEqual((yield* emulator.snapshot()).roles, [])
        const list = yield* call("GET", "/t/beta/scim2/v2/Roles", { token: yield* token(undefined, "beta") })
        assert.strictEqual(list.json.totalResults, 1)
        const missing = yield* Effect.flip(emulator.seedRoles([{ displayName: "x" }], { organization: "nowhere" }))
        assert.strictEqual(missing.status, 404)
      }),
      { organizations: ["beta"] }
    ))
})
