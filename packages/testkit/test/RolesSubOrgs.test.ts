// Roles in B2B sub-organizations: `/t/{root}/o/scim2/v2|v3/Roles` for the switched token's
// organization, its own role store, internal_org_ role scopes, its identity as the audience.
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { AsgardeoEmulator } from "../src/index.js"
import { applicationOf } from "../src/internal/roleApps.js"
import { call, defaultApp, newUser, orgScopes, SCIM, switchedToken, token } from "./helpers.js"
import { patchBody, roleBody, run, values } from "./rolesHelpers.js"

const O = "/t/acme/o/scim2"
const options: AsgardeoEmulator.Options = { subOrganizations: [{ name: "Alpha" }, { name: "Bravo" }] }

const subIds = Effect.gen(function*() {
  const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
  return Object.fromEntries((yield* emulator.subOrganizations).map((o) => [o.name, o.id]))
})

describe("roles in sub-organizations", () => {
  it.effect("each sub-organization has its own roles; the audience is the sub-organization; locations under /o/", () =>
    run(
      Effect.gen(function*() {
        const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
        const { Alpha, Bravo } = yield* subIds
        const a = yield* switchedToken(Alpha!)
        const b = yield* switchedToken(Bravo!)
        const kim = yield* call("POST", `${O}/Users`, { token: a, body: newUser("kim@example.com") })
        const created = yield* call("POST", `${O}/v2/Roles`, {
          token: a,
          body: roleBody("alphaRole", {
            users: [{ value: kim.json.id }],
            permissions: [{ value: "internal_org_user_mgt_view" }]
          })
        })
        assert.strictEqual(created.status, 201, created.text)
        assert.deepStrictEqual(created.json.audience, { value: Alpha, display: "Alpha", type: "organization" })
        assert.strictEqual(created.headers["location"], `${emulator.baseUrl}${O}/v2/Roles/${created.json.id}`)
        const user = yield* call("GET", `${O}/Users/${kim.json.id}`, { token: a })
        assert.strictEqual(user.json.roles[0].$ref, `${emulator.baseUrl}${O}/v2/Roles/${created.json.id}`)
        assert.strictEqual((yield* call("GET", `${O}/v3/Roles`, { token: b })).json.totalResults, 0)
        assert.strictEqual((yield* call("GET", `${SCIM}/v2/Roles`, { token: yield* token() })).json.totalResults, 0)
        // the same name in another organization is another role
        const again = yield* call("POST", `${O}/v3/Roles`, { token: b, body: roleBody("alphaRole") })
        assert.strictEqual(again.status, 201)
        const patched = yield* call("PATCH", `${O}/v2/Roles/${created.json.id}`, {
          token: a,
          body: patchBody({ op: "remove", path: `users[value eq ${kim.json.id}]` })
        })
        assert.strictEqual(patched.status, 200)
        const snapshot = yield* emulator.snapshot({ organization: Alpha! })
        assert.deepStrictEqual(snapshot.roles.map((r) => r["displayName"]), ["alphaRole"])
        assert.deepStrictEqual(values((snapshot.roles[0] as any).users), [])
      }),
      options
    ))

  it.effect("the internal_org_ role scopes: 403 without; a root token on /o/ is 401", () =>
    run(
      Effect.gen(function*() {
        const { Alpha } = yield* subIds
        const viewOnly = yield* switchedToken(Alpha!, orgScopes(["internal_role_mgt_view"]))
        assert.strictEqual((yield* call("GET", `${O}/v2/Roles`, { token: viewOnly })).status, 200)
        const refused = yield* call("POST", `${O}/v2/Roles`, { token: viewOnly, body: roleBody("r") })
        assert.strictEqual(refused.status, 403)
        const create = yield* switchedToken(Alpha!, orgScopes(["internal_role_mgt_meta_create"]))
        assert.strictEqual((yield* call("POST", `${O}/v3/Roles`, { token: create, body: roleBody("r") })).status, 201)
        const root = yield* token()
        assert.strictEqual((yield* call("GET", `${O}/v2/Roles`, { token: root })).status, 401)
      }),
      options
    ))

  it.effect("a root app is a shared app in a sub-organization: an application role naming it is 400", () =>
    run(
      Effect.gen(function*() {
        const { Alpha } = yield* subIds
        const a = yield* switchedToken(Alpha!)
        const shared = applicationOf(defaultApp).id
        const refused = yield* call("POST", `${O}/v2/Roles`, {
          token: a,
          body: roleBody("appRole", { audience: { type: "application", value: shared } })
        })
        assert.strictEqual(refused.status, 400)
        assert.strictEqual(
          refused.json.detail,
          "Role creation for shared applications is not allowed at organization level."
        )
        const unknown = yield* call("POST", `${O}/v2/Roles`, {
          token: a,
          body: roleBody("appRole", { audience: { type: "application", value: "nope" } })
        })
        assert.strictEqual(unknown.status, 400)
        assert.match(unknown.json.detail, /^Invalid audience value/)
        // at the root, the same app id is fine
        const root = yield* call("POST", `${SCIM}/v2/Roles`, {
          token: yield* token(),
          body: roleBody("appRole", { audience: { type: "application", value: shared } })
        })
        assert.strictEqual(root.status, 201)
      }),
      options
    ))

  it.effect("seedRoles into a sub-organization by id; its Bulk takes /v2/Roles with internal_org_bulk_role_create", () =>
    run(
      Effect.gen(function*() {
        const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
        const { Alpha } = yield* subIds
        const [seeded] = yield* emulator.seedRoles([{ displayName: "seeded" }], { organization: Alpha! })
        const a = yield* switchedToken(Alpha!)
        const got = yield* call("GET", `${O}/v2/Roles/${seeded!.id}`, { token: a })
        assert.strictEqual(got.json.audience.value, Alpha)
        const bulkToken = yield* switchedToken(Alpha!, orgScopes(["internal_bulk_role_create"]))
        const bulk = yield* call("POST", `${O}/Bulk`, {
          token: bulkToken,
          body: {
            schemas: ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
            Operations: [{ method: "POST", path: "/v2/Roles", bulkId: "r", data: roleBody("bulkRole") }]
          }
        })
        assert.deepStrictEqual(bulk.json.Operations.map((o: any) => o.status.code), [201])
        assert.strictEqual((yield* call("GET", `${O}/v2/Roles`, { token: a })).json.totalResults, 2)
      }),
      options
    ))
})
