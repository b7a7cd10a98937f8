import { HttpClient, HttpClientRequest } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { applicationOf } from "../src/internal/roleApps.js"
import { SCIM, scim, token } from "./helpers.js"
import { createRole, people, ROLE, roleBody, run, sorted, values } from "./rolesHelpers.js"

const BASE = `https://emulator.invalid${SCIM}`
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

const app = { clientId: "hr-app", clientSecret: "hr-secret", name: "HR App" }

describe("roles: create", () => {
  it.effect("v2: 201 with the minimal body and Location; the organization audience by default", () =>
    run(Effect.gen(function*() {
      const { kim } = yield* people
      const a = yield* scim("POST", "/v2/Roles", {
        body: roleBody("loginRole", { users: [{ value: kim.id }], permissions: [{ value: "internal_login" }] })
      })
      assert.strictEqual(a.status, 201)
      assert.match(a.json.id, UUID)
      assert.deepStrictEqual(Object.keys(a.json).sort(), ["audience", "displayName", "id", "meta", "schemas"])
      assert.deepStrictEqual(a.json.schemas, [ROLE])
      assert.strictEqual(a.json.displayName, "loginRole")
      assert.strictEqual(a.json.audience.type, "organization")
      assert.strictEqual(a.json.audience.display, "acme")
      assert.match(a.json.audience.value, UUID)
      assert.deepStrictEqual(a.json.meta, { location: `${BASE}/v2/Roles/${a.json.id}` })
      assert.strictEqual(a.headers["location"], `${BASE}/v2/Roles/${a.json.id}`)
      // the organization's id is stable: the same in another emulator
      const elsewhere = yield* run(Effect.flatMap(createRole("r"), (r) => scim("GET", `/v2/Roles/${r.id}`)))
      assert.strictEqual(elsewhere.json.audience.value, a.json.audience.value)
      const got = yield* scim("GET", `/v2/Roles/${a.json.id}`)
      assert.deepStrictEqual(values(got.json.users), [kim.id])
    })))

  it.effect("v3: users and groups are ignored silently; Location under /v3/", () =>
    run(Effect.gen(function*() {
      const { group, kim } = yield* people
      const a = yield* scim("POST", "/v3/Roles", {
        body: roleBody("meta", { users: [{ value: kim.id }], groups: [{ value: group.id }] })
      })
      assert.strictEqual(a.status, 201)
      assert.strictEqual(a.headers["location"], `${BASE}/v3/Roles/${a.json.id}`)
      const got = yield* scim("GET", `/v3/Roles/${a.json.id}`)
      assert.isUndefined(got.json.users)
      assert.isUndefined(got.json.groups)
      assert.strictEqual(got.json.meta.location, `${BASE}/v3/Roles/${a.json.id}`)
      // an unknown user in a v3 body is not even looked at
      const b = yield* scim("POST", "/v3/Roles", { body: roleBody("meta2", { users: [{ value: "nobody" }] }) })
      assert.strictEqual(b.status, 201)
    })))

  it.effect("an application audience names a registered app by id; type is case-insensitive", () =>
    run(
      Effect.gen(function*() {
        const appId = "3645709f-ea8d-5595-7690-e1fa0efe3df9"
        const a = yield* scim("POST", "/v2/Roles", {
          body: roleBody("appRole", { audience: { type: "APPLICATION", value: appId } })
        })
        assert.strictEqual(a.status, 201)
        assert.deepStrictEqual(a.json.audience, { value: appId, display: "HR App", type: "application" })
        const got = yield* scim("GET", `/v2/Roles/${a.json.id}`)
        assert.deepStrictEqual(got.json.associatedApplications.map((x: any) => [x.value, x.display]), [[
          appId,
          "HR App"
        ]])
        // the default app's id is derived from its client id (stable)
        const unknown = yield* scim("POST", "/v2/Roles", {
          body: roleBody("appRole2", { audience: { type: "application", value: "nope" } })
        })
        assert.strictEqual(unknown.status, 400)
        assert.strictEqual(unknown.json.scimType, "invalidValue")
        const org = yield* scim("POST", "/v2/Roles", {
          body: roleBody("orgRole", { audience: { type: "Organization" } })
        })
        assert.strictEqual(org.status, 201)
        assert.isUndefined((yield* scim("GET", `/v2/Roles/${org.json.id}`)).json.associatedApplications)
      }),
      {
        apps: [{ clientId: "emulator-client", clientSecret: "emulator-secret" }, {
          ...app,
          id: "3645709f-ea8d-5595-7690-e1fa0efe3df9"
        }]
      }
    ))

  it.effect("an app without an id has a stable UUID derived from its client id, its client id as name", () =>
    Effect.gen(function*() {
      const derived = applicationOf({ clientId: "hr-app", clientSecret: "x", scopes: [] }).id
      assert.match(derived, UUID)
      assert.strictEqual(applicationOf({ clientId: "hr-app", clientSecret: "y", scopes: [] }).id, derived)
      assert.notStrictEqual(applicationOf({ clientId: "hr-app2", clientSecret: "x", scopes: [] }).id, derived)
      for (let i = 0; i < 2; i++) {
        const a = yield* run(
          scim("POST", "/v2/Roles", {
            body: roleBody("appRole", { audience: { type: "application", value: derived } })
          }),
          {
            apps: [{ clientId: "emulator-client", clientSecret: "emulator-secret" }, {
              clientId: "hr-app",
              clientSecret: "s"
            }]
          }
        )
        assert.strictEqual(a.status, 201)
        assert.deepStrictEqual(a.json.audience, { value: derived, display: "hr-app", type: "application" })
      }
    }))

  it.effect("invalid audience type, a '/' in the name, a missing name or schema: 400", () =>
    run(Effect.gen(function*() {
      const badType = yield* scim("POST", "/v2/Roles", { body: roleBody("r", { audience: { type: "tenant" } }) })
      assert.strictEqual(badType.status, 400)
      assert.strictEqual(badType.json.scimType, "invalidValue")
      assert.strictEqual(badType.json.detail, "Invalid role audience")
      assert.strictEqual(badType.json.status, "400")
      const slash = yield* scim("POST", "/v2/Roles", { body: roleBody("a/b") })
      assert.strictEqual(slash.status, 400)
      assert.match(slash.json.detail, /cannot contain '\/'/)
      const noName = yield* scim("POST", "/v2/Roles", { body: { schemas: [ROLE] } })
      assert.strictEqual(noName.status, 400)
      const noSchema = yield* scim("POST", "/v2/Roles", { body: { displayName: "r" } })
      assert.strictEqual(noSchema.status, 400)
      assert.strictEqual(noSchema.json.scimType, "invalidSyntax")
      const otherOrg = yield* scim("POST", "/v2/Roles", {
        body: roleBody("r", { audience: { type: "organization", value: "another-org" } })
      })
      assert.strictEqual(otherOrg.status, 400)
      assert.strictEqual((yield* scim("GET", "/v2/Roles")).json.totalResults, 0)
    })))

  it.effect("a duplicate name in the same audience is 409 (ignoring case); in another audience it is not", () =>
    run(
      Effect.gen(function*() {
        yield* createRole("loginRole")
        const dup = yield* scim("POST", "/v3/Roles", { body: roleBody("LOGINROLE") })
        assert.strictEqual(dup.status, 409)
        assert.strictEqual(dup.json.status, "409")
        assert.strictEqual(dup.json.detail, "Role with name: LOGINROLE already exists in the system.")
        const appScoped = yield* scim("POST", "/v2/Roles", {
          body: roleBody("loginRole", { audience: { type: "application", value: "app-1" } })
        })
        assert.strictEqual(appScoped.status, 201)
      }),
      { apps: [{ clientId: "emulator-client", clientSecret: "emulator-secret", id: "app-1" }] }
    ))

  it.effect("permissions: the scope table, internal_login and the permissions option; others 400 invalidValue", () =>
    run(
      Effect.gen(function*() {
        const ok = yield* createRole("p", {
          permissions: [{ value: "internal_login" }, { value: "internal_user_mgt_view" }, { value: "custom_read" }]
        })
        const got = yield* scim("GET", `/v2/Roles/${ok.id}`)
        assert.deepStrictEqual(got.json.permissions.map((p: any) => [p.value, p.display]), [
          ["internal_login", "Internal Login"],
          ["internal_user_mgt_view", "Internal User Mgt View"],
          ["custom_read", "Custom Read"]
        ])
        assert.match(
          got.json.permissions[0].$ref,
          /\/t\/acme\/api\/server\/v1\/api-resources\/.+\/scopes\/internal_login$/
        )
        const bad = yield* scim("POST", "/v2/Roles", { body: roleBody("q", { permissions: [{ value: "nope" }] }) })
        assert.strictEqual(bad.status, 400)
        assert.strictEqual(bad.json.scimType, "invalidValue")
        assert.strictEqual(bad.json.detail, "Invalid permission: nope")
      }),
      { permissions: ["custom_read"] }
    ))

  it.effect("v2: unknown user or group ids are 400 invalidValue and nothing is stored", () =>
    run(Effect.gen(function*() {
      const user = yield* scim("POST", "/v2/Roles", { body: roleBody("r", { users: [{ value: "ghost" }] }) })
      assert.strictEqual(user.status, 400)
      assert.strictEqual(user.json.detail, "User can't be resolved from the given user Id.")
      const group = yield* scim("POST", "/v2/Roles", { body: roleBody("r", { groups: [{ value: "ghost" }] }) })
      assert.strictEqual(group.status, 400)
      assert.strictEqual(group.json.scimType, "invalidValue")
      assert.strictEqual((yield* scim("GET", "/v2/Roles")).json.totalResults, 0)
    })))

  it.effect("POST, PUT and PATCH without Content-Type: 406", () =>
    run(Effect.gen(function*() {
      const role = yield* createRole("r")
      const client = yield* HttpClient.HttpClient
      const t = yield* token()
      for (
        const [method, path] of [
          ["POST", "/v2/Roles"],
          ["PUT", `/v2/Roles/${role.id}`],
          ["PATCH", `/v3/Roles/${role.id}`],
          ["PUT", `/v3/Roles/${role.id}/Users`]
        ] as const
      ) {
        const response = yield* client.execute(
          HttpClientRequest.make(method)(`${BASE}${path}`).pipe(HttpClientRequest.bearerToken(t))
        )
        assert.strictEqual(response.status, 406, `${method} ${path}`)
        const body: any = yield* response.json
        assert.strictEqual(body.status, "406")
      }
      // application/json is accepted as well as application/scim+json
      const json = yield* client.execute(
        HttpClientRequest.post(`${BASE}/v2/Roles`).pipe(
          HttpClientRequest.bearerToken(t),
          HttpClientRequest.bodyText(JSON.stringify(roleBody("plain")), "application/json")
        )
      )
      assert.strictEqual(json.status, 201)
    })))
})

describe("roles: get, put, delete", () => {
  it.effect("GET by id: the whole resource; attributes / excludedAttributes; 404", () =>
    run(Effect.gen(function*() {
      const { group, kim } = yield* people
      const role = yield* createRole("full", {
        users: [{ value: kim.id }],
        groups: [{ value: group.id }],
        permissions: [{ value: "internal_login" }]
      })
      const got = yield* scim("GET", `/v2/Roles/${role.id}`)
      assert.strictEqual(got.status, 200)
      assert.deepStrictEqual(got.json.users, [{
        value: kim.id,
        display: "kim@example.com",
        $ref: `${BASE}/Users/${kim.id}`
      }])
      assert.deepStrictEqual(got.json.groups, [{
        value: group.id,
        display: "DEFAULT/admins",
        $ref: `${BASE}/Groups/${group.id}`
      }])
      assert.deepStrictEqual(got.json.meta, { resourceType: "Role", location: `${BASE}/v2/Roles/${role.id}` })
      const some = yield* scim("GET", `/v2/Roles/${role.id}`, { query: { attributes: "displayName,permissions" } })
      assert.deepStrictEqual(Object.keys(some.json).sort(), ["displayName", "id", "permissions", "schemas"])
      const less = yield* scim("GET", `/v2/Roles/${role.id}`, { query: { excludedAttributes: "users" } })
      assert.isUndefined(less.json.users)
      assert.isDefined(less.json.groups)
      const missing = yield* scim("GET", "/v2/Roles/00000000-0000-4000-8000-000000000000")
      assert.strictEqual(missing.status, 404)
      assert.strictEqual(missing.json.detail, "Role id: 00000000-0000-4000-8000-000000000000 not found in the system.")
    })))

  it.effect("v2 PUT replaces name, users, groups and permissions (omitted users are removed); minimal answer", () =>
    run(Effect.gen(function*() {
      const { group, kim, lee } = yield* people
      const role = yield* createRole("before", {
        users: [{ value: kim.id }, { value: lee.id }],
        groups: [{ value: group.id }],
        permissions: [{ value: "internal_login" }]
      })
      const put = yield* scim("PUT", `/v2/Roles/${role.id}`, {
        body: {
          displayName: "after",
          groups: [{ value: group.id }],
          permissions: [{ value: "internal_user_mgt_view" }]
        }
      })
      assert.strictEqual(put.status, 200)
      assert.deepStrictEqual(Object.keys(put.json).sort(), ["audience", "displayName", "id", "meta", "schemas"])
      assert.strictEqual(put.headers["location"], `${BASE}/v2/Roles/${role.id}`)
      const got = yield* scim("GET", `/v2/Roles/${role.id}`)
      assert.strictEqual(got.json.displayName, "after")
      assert.isUndefined(got.json.users)
      assert.deepStrictEqual(values(got.json.groups), [group.id])
      assert.deepStrictEqual(values(got.json.permissions), ["internal_user_mgt_view"])
      const users = yield* scim("PUT", `/v2/Roles/${role.id}`, {
        body: { displayName: "after", users: [{ value: lee.id }] }
      })
      assert.strictEqual(users.status, 200)
      assert.deepStrictEqual(values((yield* scim("GET", `/v2/Roles/${role.id}`)).json.users), [lee.id])
      const missing = yield* scim("PUT", "/v2/Roles/nope", { body: { displayName: "x" } })
      assert.strictEqual(missing.status, 404)
      const bad = yield* scim("PUT", `/v2/Roles/${role.id}`, { body: { displayName: "x/y" } })
      assert.strictEqual(bad.status, 400)
    })))

  it.effect("PUT renaming onto another role's name in the same audience is 409", () =>
    run(Effect.gen(function*() {
      yield* createRole("taken")
      const role = yield* createRole("mine")
      const put = yield* scim("PUT", `/v2/Roles/${role.id}`, { body: { displayName: "Taken" } })
      assert.strictEqual(put.status, 409)
      const self = yield* scim("PUT", `/v2/Roles/${role.id}`, { body: { displayName: "MINE" } })
      assert.strictEqual(self.status, 200)
    })))

  it.effect("a name freed by a rename (PUT or PATCH) or a delete can be taken again; the new name is held", () =>
    run(Effect.gen(function*() {
      const a = yield* createRole("first")
      assert.strictEqual((yield* scim("PUT", `/v2/Roles/${a.id}`, { body: { displayName: "second" } })).status, 200)
      const b = yield* createRole("FIRST")
      assert.strictEqual((yield* scim("POST", "/v2/Roles", { body: roleBody("Second") })).status, 409)
      const patched = yield* scim("PATCH", `/v2/Roles/${b.id}`, {
        body: {
          schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
          Operations: [{ op: "replace", path: "displayName", value: "third" }]
        }
      })
      assert.strictEqual(patched.status, 200)
      yield* createRole("first")
      assert.strictEqual((yield* scim("POST", "/v3/Roles", { body: roleBody("THIRD") })).status, 409)
      assert.strictEqual((yield* scim("DELETE", `/v2/Roles/${a.id}`)).status, 204)
      yield* createRole("second")
    })))

  it.effect("v3 PUT touches only name and permissions; Location still under /v2/", () =>
    run(Effect.gen(function*() {
      const { group, kim } = yield* people
      const role = yield* createRole("r", { users: [{ value: kim.id }], groups: [{ value: group.id }] })
      const put = yield* scim("PUT", `/v3/Roles/${role.id}`, {
        body: { displayName: "r3", users: [], permissions: [{ value: "internal_login" }] }
      })
      assert.strictEqual(put.status, 200)
      assert.strictEqual(put.headers["location"], `${BASE}/v2/Roles/${role.id}`)
      assert.strictEqual(put.json.meta.location, `${BASE}/v3/Roles/${role.id}`)
      const got = yield* scim("GET", `/v3/Roles/${role.id}`)
      assert.strictEqual(got.json.displayName, "r3")
      assert.deepStrictEqual(values(got.json.users), [kim.id])
      assert.deepStrictEqual(values(got.json.groups), [group.id])
      assert.deepStrictEqual(values(got.json.permissions), ["internal_login"])
    })))

  it.effect("v3 PUT /{id}/Users and /{id}/Groups: a bare array replaces the set; anything else 406", () =>
    run(Effect.gen(function*() {
      const { group, kim, lee } = yield* people
      const role = yield* createRole("r", { users: [{ value: kim.id }], permissions: [{ value: "internal_login" }] })
      const users = yield* scim("PUT", `/v3/Roles/${role.id}/Users`, { body: [{ value: lee.id }, { value: kim.id }] })
      assert.strictEqual(users.status, 200)
      assert.strictEqual(users.headers["location"], `${BASE}/v2/Roles/${role.id}`)
      assert.isUndefined(users.json.users)
      const groups = yield* scim("PUT", `/v3/Roles/${role.id}/Groups`, { body: [{ value: group.id }] })
      assert.strictEqual(groups.status, 200)
      let got = yield* scim("GET", `/v3/Roles/${role.id}`)
      assert.deepStrictEqual(values(got.json.users), sorted(kim.id, lee.id))
      assert.deepStrictEqual(values(got.json.groups), [group.id])
      assert.deepStrictEqual(values(got.json.permissions), ["internal_login"])
      yield* scim("PUT", `/v3/Roles/${role.id}/Users`, { body: [] })
      got = yield* scim("GET", `/v3/Roles/${role.id}`)
      assert.isUndefined(got.json.users)
      const object = yield* scim("PUT", `/v3/Roles/${role.id}/Users`, { body: { users: [{ value: kim.id }] } })
      assert.strictEqual(object.status, 406)
      const unknown = yield* scim("PUT", `/v3/Roles/${role.id}/Groups`, { body: [{ value: "ghost" }] })
      assert.strictEqual(unknown.status, 400)
      const missing = yield* scim("PUT", `/v3/Roles/nope/Users`, { body: [] })
      assert.strictEqual(missing.status, 404)
    })))

  it.effect("DELETE: 204 then 404; v2 and v3 share one store", () =>
    run(Effect.gen(function*() {
      const role = yield* createRole("gone", {}, "v3")
      assert.strictEqual((yield* scim("GET", `/v2/Roles/${role.id}`)).status, 200)
      const del = yield* scim("DELETE", `/v2/Roles/${role.id}`)
      assert.strictEqual(del.status, 204)
      assert.strictEqual(del.text, "")
      assert.strictEqual((yield* scim("DELETE", `/v3/Roles/${role.id}`)).status, 404)
      assert.strictEqual((yield* scim("GET", `/v3/Roles/${role.id}`)).status, 404)
    })))
})
