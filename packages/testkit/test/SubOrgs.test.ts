// B2B sub-organizations: `/t/{root}/o/scim2/...` served for the switched token's organization,
// with internal_org_ scopes; isolation; the control service's tree operations.
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit } from "effect"
import { AsgardeoEmulator } from "../src/index.js"
import {
  call,
  defaultApp,
  newUser,
  orgScopes,
  SCIM,
  switchedToken,
  switchRequest,
  token,
  tokenRequest
} from "./helpers.js"

const run = <A, E>(effect: Effect.Effect<A, E, any>, options?: AsgardeoEmulator.Options) =>
  Effect.provide(effect, AsgardeoEmulator.layerClient(options)) as Effect.Effect<A, E>

const O = "/t/acme/o/scim2"
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

const tree: AsgardeoEmulator.Options = {
  organizations: ["beta"],
  subOrganizations: [
    { name: "Alpha", attributes: { Country: "USA" } },
    { name: "Bravo", handle: "bravo-co" },
    { name: "Alpha Team", parent: "Alpha" },
    { name: "Beta Child", root: "beta" }
  ]
}

const ids = Effect.gen(function*() {
  const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
  const all = yield* emulator.subOrganizations
  return Object.fromEntries(all.map((o) => [o.name, o.id]))
})

describe("sub-organization API (/o/)", () => {
  it.effect("a user created in sub-organization A is invisible in B and in the root, and back at its /o/ location", () =>
    run(
      Effect.gen(function*() {
        const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
        const { Alpha, Bravo } = yield* ids
        const a = yield* switchedToken(Alpha!)
        const b = yield* switchedToken(Bravo!)
        const created = yield* call("POST", `${O}/Users`, { token: a, body: newUser("kim@example.com") })
        assert.strictEqual(created.status, 201, created.text)
        const location = `${emulator.baseUrl}${O}/Users/${created.json.id}`
        assert.strictEqual(created.json.meta.location, location)
        assert.strictEqual(created.headers["location"], location)
        const back = yield* call("GET", `${O}/Users/${created.json.id}`, { token: a })
        assert.strictEqual(back.json.userName, "DEFAULT/kim@example.com")
        assert.strictEqual((yield* call("GET", `${O}/Users/${created.json.id}`, { token: b })).status, 404)
        assert.strictEqual((yield* call("GET", `${O}/Users`, { token: b })).json.totalResults, 0)
        assert.strictEqual((yield* call("GET", `${SCIM}/Users`, { token: yield* token() })).json.totalResults, 0)
        // The same name can exist in B and in the root.
        assert.strictEqual(
          (yield* call("POST", `${O}/Users`, { token: b, body: newUser("kim@example.com") })).status,
          201
        )
        assert.strictEqual((yield* emulator.snapshot({ organization: Alpha })).users.length, 1)
        assert.strictEqual((yield* emulator.snapshot({ organization: Bravo })).users.length, 1)
        assert.strictEqual((yield* emulator.snapshot()).users.length, 0)
      }),
      tree
    ))

  it.effect("groups, bulk (per-operation internal_org_bulk_ scopes) and discovery under /o/", () =>
    run(
      Effect.gen(function*() {
        const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
        const { Alpha } = yield* ids
        const a = yield* switchedToken(Alpha!)
        const group = yield* call("POST", `${O}/Groups`, { token: a, body: { displayName: "team" } })
        assert.strictEqual(group.status, 201, group.text)
        assert.strictEqual(group.json.meta.location, `${emulator.baseUrl}${O}/Groups/${group.json.id}`)
        const bulkBody = {
          schemas: ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
          Operations: [
            { method: "POST", path: "/Users", bulkId: "u1", data: newUser("bulk@example.com") },
            { method: "POST", path: "/Groups", bulkId: "g1", data: { displayName: "bulked" } }
          ]
        }
        const narrow = yield* switchedToken(Alpha!, ["internal_org_bulk_user_create"])
        const bulk = yield* call("POST", `${O}/Bulk`, { token: narrow, body: bulkBody })
        assert.strictEqual(bulk.status, 200, bulk.text)
        assert.deepStrictEqual(bulk.json.Operations.map((o: any) => o.status.code), [201, 403])
        assert.strictEqual(bulk.json.Operations[0].location.startsWith(`${emulator.baseUrl}${O}/Users/`), true)
        // A root bulk scope in a switched token's request is not granted, so it does not count.
        const rootNamed = yield* switchedToken(Alpha!, ["internal_bulk_user_create"])
        assert.strictEqual((yield* call("POST", `${O}/Bulk`, { token: rootNamed, body: bulkBody })).status, 403)
        const spc = yield* call("GET", `${O}/ServiceProviderConfig`)
        assert.strictEqual(spc.status, 200)
        assert.strictEqual(spc.json.meta.location, `${emulator.baseUrl}${O}/ServiceProviderConfig`)
        const types = yield* call("GET", `${O}/ResourceTypes/User`, { token: a })
        assert.strictEqual(types.json.meta.location, `${emulator.baseUrl}${O}/ResourceTypes/User`)
        assert.strictEqual((yield* call("GET", `${O}/Schemas`)).status, 200)
        const snap = yield* emulator.snapshot({ organization: Alpha })
        assert.deepStrictEqual(snap.users.map((u) => u["userName"]), ["DEFAULT/bulk@example.com"])
        assert.deepStrictEqual(snap.groups.map((g) => g["displayName"]).sort(), ["DEFAULT/team"])
      }),
      tree
    ))

  it.effect("internal_org_ scopes are checked per operation: 403 when missing", () =>
    run(
      Effect.gen(function*() {
        const { Alpha } = yield* ids
        const list = yield* switchedToken(Alpha!, ["internal_org_user_mgt_list"])
        assert.strictEqual((yield* call("GET", `${O}/Users`, { token: list })).status, 200)
        const denied = yield* call("POST", `${O}/Users`, { token: list, body: newUser("x@example.com") })
        assert.strictEqual(denied.status, 403)
        assert.strictEqual(denied.json.status, "403")
        assert.strictEqual((yield* call("GET", `${O}/Groups`, { token: list })).status, 403)
        const groups = yield* switchedToken(Alpha!, orgScopes(["internal_group_mgt_view"]))
        assert.strictEqual((yield* call("GET", `${O}/Groups`, { token: groups })).status, 200)
      }),
      tree
    ))

  it.effect("token mismatches: a root token on /o/, a switched token on a root path, another root's: 401", () =>
    run(
      Effect.gen(function*() {
        const { Alpha, "Beta Child": betaChild } = yield* ids
        const root = yield* token()
        const onO = yield* call("GET", `${O}/Users`, { token: root })
        assert.strictEqual(onO.status, 401)
        assert.strictEqual(onO.json.status, "401")
        assert.isString(onO.headers["www-authenticate"])
        const switched = yield* switchedToken(Alpha!)
        assert.strictEqual((yield* call("GET", `${SCIM}/Users`, { token: switched })).status, 401)
        assert.strictEqual((yield* call("GET", "/t/beta/o/scim2/Users", { token: switched })).status, 401)
        assert.strictEqual((yield* call("GET", `${O}/Users`)).status, 401)
        // A switched token of beta's sub-organization works at beta's /o/ only.
        const betaApp = { clientId: "beta-app", clientSecret: "s", org: "beta" }
        const betaRoot = (yield* tokenRequest({ grant_type: "client_credentials" }, betaApp)).json.access_token
        const betaSwitch = yield* switchRequest(betaRoot, betaChild!, AsgardeoEmulator.allScopes, betaApp)
        assert.strictEqual(betaSwitch.status, 200, betaSwitch.text)
        const atBeta = yield* call("GET", "/t/beta/o/scim2/Users", { token: betaSwitch.json.access_token })
        assert.strictEqual(atBeta.status, 200)
        assert.strictEqual((yield* call("GET", `${O}/Users`, { token: betaSwitch.json.access_token })).status, 401)
        assert.strictEqual((yield* call("GET", "/t/nowhere/o/scim2/Users", { token: switched })).status, 404)
      }),
      {
        ...tree,
        apps: [defaultApp, { clientId: "beta-app", clientSecret: "s", organization: "beta" }]
      }
    ))

  it.effect("sub-organization SCIM requests count against the SCIM rate budget", () =>
    run(
      Effect.gen(function*() {
        const { Alpha } = yield* ids
        const a = yield* switchedToken(Alpha!)
        assert.strictEqual((yield* call("GET", `${O}/Users`, { token: a })).status, 200)
        assert.strictEqual((yield* call("GET", `${O}/Users`, { token: a })).status, 200)
        assert.strictEqual((yield* call("GET", `${O}/Users`, { token: a })).status, 429)
      }),
      { ...tree, rateLimits: { enabled: true, limits: { oauth: 100, scim: 2, bulk: 5 } } }
    ))
})

describe("sub-organizations: control service", () => {
  it.effect("stable UUID-shaped ids for roots and sub-organizations; the tree as given", () =>
    Effect.gen(function*() {
      const first = yield* AsgardeoEmulator.make(tree)
      const second = yield* AsgardeoEmulator.make(tree)
      const listed = yield* first.subOrganizations
      assert.deepStrictEqual(listed, yield* second.subOrganizations)
      assert.match(first.organizationId("acme"), UUID)
      assert.strictEqual(first.organizationId("acme"), second.organizationId("acme"))
      assert.notStrictEqual(first.organizationId("acme"), first.organizationId("beta"))
      const [alpha, bravo, team, betaChild] = listed
      assert.deepStrictEqual(alpha, {
        id: alpha!.id,
        name: "Alpha",
        handle: "alpha",
        parentId: first.organizationId("acme"),
        root: "acme",
        status: "ACTIVE",
        attributes: { Country: "USA" }
      })
      for (const o of listed) assert.match(o.id, UUID)
      assert.strictEqual(bravo!.handle, "bravo-co")
      assert.strictEqual(team!.parentId, alpha!.id)
      assert.strictEqual(betaChild!.root, "beta")
      assert.strictEqual(betaChild!.parentId, first.organizationId("beta"))
      const given = yield* AsgardeoEmulator.make({
        subOrganizations: [{ id: "0B7D5C8E-6B43-4F4C-9A55-2F6F0F3B1A01", name: "Given" }]
      })
      assert.strictEqual((yield* given.subOrganizations)[0]!.id, "0b7d5c8e-6b43-4f4c-9a55-2f6f0f3b1a01")
    }))

  it.effect("seedUsers, seedGroups, createUser and snapshot take a sub-organization id", () =>
    run(
      Effect.gen(function*() {
        const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
        const { Alpha } = yield* ids
        const organization = Alpha!
        yield* emulator.seedUsers([{ userName: "s1" }], { organization })
        const created = yield* emulator.createUser(newUser("c1"), { organization })
        assert.strictEqual(
          (created["meta"] as any).location,
          `${emulator.baseUrl}${O}/Users/${created["id"]}`
        )
        yield* emulator.seedGroups([{ displayName: "team", members: ["s1", "c1"] }], { organization })
        const snap = yield* emulator.snapshot({ organization })
        assert.strictEqual(snap.users.length, 2)
        assert.strictEqual(snap.memberships.length, 2)
        const a = yield* switchedToken(organization)
        assert.strictEqual((yield* call("GET", `${O}/Groups`, { token: a })).json.totalResults, 1)
        assert.strictEqual((yield* emulator.snapshot()).users.length, 0)
        const unknown = yield* Effect.flip(emulator.snapshot({ organization: "nope" }))
        assert.strictEqual(unknown.status, 404)
      }),
      tree
    ))

  it.effect("createSubOrganization: the tree grows; invalid seeds, unknown roots and parents, duplicates refused", () =>
    run(
      Effect.gen(function*() {
        const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
        const { Alpha } = yield* ids
        const created = yield* emulator.createSubOrganization({ name: "Delta", parent: Alpha })
        assert.strictEqual(created.parentId, Alpha)
        assert.strictEqual(created.handle, "delta")
        assert.strictEqual((yield* emulator.subOrganizations).length, 5)
        const status = (seed: unknown) =>
          Effect.map(Effect.flip(emulator.createSubOrganization(seed as any)), (e) => [e.status, e.detail] as const)
        assert.strictEqual((yield* status({ name: "" }))[0], 400)
        assert.strictEqual((yield* status({ name: "X", id: "not-a-uuid" }))[0], 400)
        assert.strictEqual((yield* status({ name: "X", parentId: Alpha }))[0], 400)
        assert.strictEqual((yield* status({ name: "X", status: "PAUSED" }))[0], 400)
        assert.strictEqual((yield* status(null))[0], 400)
        assert.deepStrictEqual(yield* status({ name: "X", root: "nowhere" }), [404, "Unknown organization: nowhere"])
        assert.deepStrictEqual(
          yield* status({ name: "X", parent: "Nobody" }),
          [404, "Defined parent organization: Nobody doesn't exist."]
        )
        assert.strictEqual((yield* status({ name: "alpha" }))[0], 409)
        assert.strictEqual((yield* status({ name: "Other", handle: "BRAVO-CO" }))[0], 409)
        assert.strictEqual((yield* status({ name: "Other", id: Alpha }))[0], 409)
        // The same name under another root is another organization.
        assert.strictEqual((yield* emulator.createSubOrganization({ name: "Alpha", root: "beta" })).root, "beta")
        // Beta's organizations are not parents for acme's.
        assert.strictEqual((yield* status({ name: "Y", parent: "Beta Child" }))[0], 404)
      }),
      tree
    ))

  it.effect("setSubOrganizationStatus: Asgardeo's rules on parents and children", () =>
    run(
      Effect.gen(function*() {
        const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
        const { Alpha, "Alpha Team": team } = yield* ids
        const refused = yield* Effect.flip(emulator.setSubOrganizationStatus(Alpha!, "DISABLED"))
        assert.strictEqual(refused.status, 400)
        assert.match(refused.detail, /can't be disabled as there are active child organizations/)
        assert.strictEqual((yield* emulator.setSubOrganizationStatus(team!, "DISABLED")).status, "DISABLED")
        assert.strictEqual((yield* emulator.setSubOrganizationStatus(Alpha!, "DISABLED")).status, "DISABLED")
        const underDisabled = yield* Effect.flip(emulator.setSubOrganizationStatus(team!, "ACTIVE"))
        assert.strictEqual(underDisabled.status, 400)
        const create = yield* Effect.flip(emulator.createSubOrganization({ name: "Late", parent: Alpha }))
        assert.strictEqual(create.status, 400)
        assert.strictEqual((yield* Effect.flip(emulator.setSubOrganizationStatus("nope", "ACTIVE"))).status, 404)
        assert.strictEqual((yield* Effect.flip(emulator.setSubOrganizationStatus(Alpha!, "OFF" as any))).status, 400)
      }),
      tree
    ))

  it.effect("reset restores the options' tree, statuses and apps, with empty stores", () =>
    run(
      Effect.gen(function*() {
        const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
        const before = yield* emulator.subOrganizations
        const { Bravo } = yield* ids
        yield* emulator.createSubOrganization({ name: "Temp" })
        yield* emulator.setSubOrganizationStatus(Bravo!, "DISABLED")
        yield* emulator.seedUsers([{ userName: "gone" }], { organization: Bravo })
        yield* emulator.updateApp("emulator-client", { grants: ["client_credentials"] })
        yield* emulator.reset
        assert.deepStrictEqual(yield* emulator.subOrganizations, before)
        assert.strictEqual((yield* emulator.snapshot({ organization: Bravo })).users.length, 0)
        const switched = yield* switchRequest(yield* token(), Bravo!, ["internal_org_user_mgt_list"])
        assert.strictEqual(switched.status, 200, switched.text)
      }),
      tree
    ))

  it.effect("updateApp: an unknown app is 404, an invalid patch 400 and changes nothing", () =>
    run(
      Effect.gen(function*() {
        const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
        assert.strictEqual((yield* Effect.flip(emulator.updateApp("nobody", {}))).status, 404)
        for (
          const patch of [{ grants: ["password"] }, { template: "spa" }, { sharedWith: "some" }, { clientSecret: "x" }]
        ) {
          assert.strictEqual((yield* Effect.flip(emulator.updateApp("emulator-client", patch as any))).status, 400)
        }
        assert.strictEqual(
          (yield* Effect.flip(emulator.updateApp("emulator-client", { organization: "nope" }))).status,
          400
        )
        const app = yield* emulator.updateApp("emulator-client", { template: "m2m" })
        assert.strictEqual(app.template, "m2m")
        assert.deepStrictEqual(app.grants, ["client_credentials", "organization_switch"])
      }),
      tree
    ))

  it.effect("invalid sub-organization or app options are refused when the emulator is built", () =>
    Effect.gen(function*() {
      const bad: ReadonlyArray<AsgardeoEmulator.Options> = [
        { subOrganizations: [{ name: "Child", parent: "Later" }, { name: "Later" }] },
        { subOrganizations: [{ name: "Same" }, { name: "same" }] },
        { subOrganizations: "Alpha" as any },
        { apps: [{ clientId: "a", clientSecret: "s", grants: ["implicit" as any] }] },
        { apps: [{ clientId: "a", clientSecret: "s", organization: "elsewhere" }] }
      ]
      for (const options of bad) {
        const exit = yield* Effect.exit(AsgardeoEmulator.make(options))
        assert.isTrue(Exit.isFailure(exit), JSON.stringify(options))
        if (Exit.isFailure(exit)) {
          const defect = Cause.squash(exit.cause)
          assert.instanceOf(defect, TypeError)
          assert.match((defect as TypeError).message, /^AsgardeoEmulator: /)
        }
      }
    }))
})
