// Acting inside B2B sub-organizations, on the emulator's organization tree: the subOrganization
// option, Directory.layerSubOrganization on a root layer, and forEachSubOrganization; isolation
// between organizations, one root token for many switches, the switch's refusals as typed errors.
import { Organizations, ScimError } from "@asgardeo-scim/core"
import { Directory, Roles, Users } from "@asgardeo-scim/directory"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Either, Layer, Stream } from "effect"

const tree: AsgardeoEmulator.Options = {
  subOrganizations: [
    { name: "ABC Builders" },
    { name: "ABC East", parent: "ABC Builders" },
    { name: "Northwind" }
  ]
}

const invite = (userName: string) => ({ userName, email: userName, askPassword: true })

const emulator = Effect.flatMap(AsgardeoEmulator.AsgardeoEmulator, Effect.succeed)

const idOf = (name: string) =>
  Effect.flatMap(emulator, (emu) => Effect.map(emu.subOrganizations, (all) => all.find((o) => o.name === name)!.id))

const tokenRequests = Effect.flatMap(emulator, (emu) =>
  Effect.map(emu.log, (log) => {
    const tokens = log.filter((e) => e.path.endsWith("/oauth2/token"))
    return tokens.length
  }))

describe("sub-organizations on the emulator", () => {
  it.effect("the subOrganization option: users created there are in that organization only", () =>
    Effect.gen(function*() {
      const users = yield* Users.Users
      const kim = yield* users.create(invite("kim@abc.example"))
      const emu = yield* emulator
      const abc = yield* idOf("ABC Builders")
      const inSub = yield* emu.snapshot({ organization: abc })
      assert.deepStrictEqual(inSub.users.map((u) => u.id), [kim.id])
      const inRoot = yield* emu.snapshot()
      assert.strictEqual(inRoot.users.length, 0)
      const north = yield* emu.snapshot({ organization: yield* idOf("Northwind") })
      assert.strictEqual(north.users.length, 0)
      // The request went to /o/scim2 with a switched token.
      const log = yield* emu.log
      assert.isTrue(log.some((e) => e.method === "POST" && e.path === "/t/acme/o/scim2/Users" && e.status === 201))
    }).pipe(
      Effect.provide(
        Directory.layer.pipe(
          Layer.provideMerge(AsgardeoEmulator.layerTest(tree, { subOrganization: { name: "ABC Builders" } }))
        )
      )
    ))

  const root = Directory.layer.pipe(Layer.provideMerge(AsgardeoEmulator.layerTest(tree)))

  it.effect("layerSubOrganization on the root layer: the root's services stay in the root", () =>
    Effect.gen(function*() {
      const east = yield* idOf("ABC East")
      const created = yield* Effect.flatMap(Users.Users, (users) => users.create(invite("ann@east.example"))).pipe(
        Effect.provide(Directory.layerSubOrganization({ id: east }))
      )
      const rootUsers = yield* Effect.flatMap(Users.Users, (users) => users.list())
      assert.strictEqual(rootUsers.totalResults, 0)
      const emu = yield* emulator
      assert.deepStrictEqual((yield* emu.snapshot({ organization: east })).users.map((u) => u.id), [created.id])
    }).pipe(Effect.provide(root)))

  it.effect("forEachSubOrganization: every organization of the tree, one root token for all switches", () =>
    Effect.gen(function*() {
      const emu = yield* emulator
      yield* emu.seedUsers([{ userName: "a@x.example" }, { userName: "b@x.example" }], {
        organization: yield* idOf("ABC East")
      })
      yield* emu.clearLog
      const results = yield* Directory.forEachSubOrganization(
        () => Effect.map(Effect.flatMap(Users.Users, (users) => users.list()), (page) => page.totalResults),
        { recursive: true }
      )
      const counts = Object.fromEntries(results.map((r) => [r.organization.name, Either.getOrThrow(r.result)]))
      assert.deepStrictEqual(counts, { "ABC Builders": 0, "ABC East": 2, Northwind: 0 })
      // The root token (the organizations listing) is reused by every switch: 1 + 3 token requests at most.
      assert.isAtMost(yield* tokenRequests, 4)
    }).pipe(Effect.provide(root)))

  it.effect("forEachSubOrganization records a refused switch and runs the others", () =>
    Effect.gen(function*() {
      const emu = yield* emulator
      yield* emu.updateApp(emu.credentials.clientId, { sharedWith: ["ABC Builders", "Northwind"] })
      const results = yield* Directory.forEachSubOrganization(
        (organization) => Effect.succeed(organization.name),
        { recursive: true }
      )
      const refused = results.filter((r) => Either.isLeft(r.result))
      assert.deepStrictEqual(refused.map((r) => r.organization.name), [])
      // The program ran without a request: the switch happens on the first request. Now with one.
      const withRequest = yield* Directory.forEachSubOrganization(
        () => Effect.flatMap(Users.Users, (users) => users.list({ count: 1 })),
        { recursive: true }
      )
      const failed = withRequest.filter((r) => Either.isLeft(r.result))
      assert.deepStrictEqual(failed.map((r) => r.organization.name), ["ABC East"])
      const error = Either.flip(failed[0]!.result)
      assert.isTrue(Either.isRight(error) && error.right._tag === "OrganizationSwitchFailed")
    }).pipe(Effect.provide(root)))

  it.effect("the M2M template cannot switch: OrganizationSwitchFailed", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Effect.flatMap(Users.Users, (users) => users.list()))
      assert.strictEqual(error._tag, "OrganizationSwitchFailed")
      assert.instanceOf(error, ScimError.OrganizationSwitchFailed)
    }).pipe(
      Effect.provide(
        Directory.layer.pipe(
          Layer.provideMerge(
            AsgardeoEmulator.layerTest(
              { ...tree, apps: [{ clientId: "m2m", clientSecret: "m2m-secret", template: "m2m" }] },
              { subOrganization: { name: "Northwind" } }
            )
          )
        )
      )
    ))

  it.effect("a name no organization has is OrganizationNotFound, before any switch", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Effect.flatMap(Users.Users, (users) => users.list()))
      assert.strictEqual(error._tag, "OrganizationNotFound")
      const emu = yield* emulator
      const log = yield* emu.log
      assert.isFalse(log.some((e) => e.path.includes("/o/scim2")))
    }).pipe(
      Effect.provide(
        Directory.layer.pipe(
          Layer.provideMerge(AsgardeoEmulator.layerTest(tree, { subOrganization: { name: "Nowhere" } }))
        )
      )
    ))

  it.effect("Roles v2 in a sub-organization: its own role store, the internal_org_ scopes", () =>
    Effect.gen(function*() {
      const emu = yield* emulator
      const abc = yield* idOf("ABC Builders")
      const roles = yield* Roles.Roles
      const users = yield* Users.Users
      const { role } = yield* roles.ensure({ displayName: "site-lead", permissions: ["internal_user_mgt_view"] })
      const kim = yield* users.create(invite("kim@abc.example"))
      yield* roles.assignUsers(role.id, [kim.id])
      const held = yield* roles.ofUser(kim.id)
      assert.deepStrictEqual(held.map((r) => r.displayName), ["site-lead"])
      const inSub = yield* emu.snapshot({ organization: abc })
      assert.deepStrictEqual(inSub.roles.map((r) => r.displayName), ["site-lead"])
      assert.isFalse((yield* emu.snapshot()).roles.some((r) => r.displayName === "site-lead"))
      const log = yield* emu.log
      assert.isTrue(log.some((e) => e.path.startsWith("/t/acme/o/scim2/v2/Roles") && e.method === "PATCH"))
    }).pipe(
      Effect.provide(
        Directory.layer.pipe(
          Layer.provideMerge(AsgardeoEmulator.layerTest(tree, { subOrganization: { name: "ABC Builders" } }))
        )
      )
    ))

  it.effect("Roles v3 in a sub-organization assign on /o/scim2/v3/Roles/{id}/Users", () =>
    Effect.gen(function*() {
      const emu = yield* emulator
      const roles = yield* Roles.Roles
      assert.strictEqual(yield* roles.version, "v3")
      const users = yield* Users.Users
      const role = yield* roles.create({ displayName: "site-lead" })
      const kim = yield* users.create(invite("kim@abc.example"))
      yield* roles.assignUsers(role.id, [kim.id])
      assert.deepStrictEqual((yield* roles.ofUser(kim.id)).map((r) => r.displayName), ["site-lead"])
      const log = yield* emu.log
      assert.isTrue(log.some((e) => e.path === `/t/acme/o/scim2/v3/Roles/${role.id}/Users` && e.status === 200))
    }).pipe(
      Effect.provide(
        Directory.layer.pipe(
          Layer.provideMerge(
            AsgardeoEmulator.layerTest({
              ...tree,
              apps: [{ clientId: "v3", clientSecret: "v3-secret", rolesApi: "v3" }]
            }, {
              subOrganization: { name: "ABC Builders" }
            })
          )
        )
      )
    ))

  it.effect("Organizations streams the tree through the cursors", () =>
    Effect.gen(function*() {
      const organizations = yield* Organizations.Organizations
      const direct = yield* Stream.runCollect(organizations.stream({ limit: 1 }))
      assert.sameMembers(Array.from(direct, (o) => o.name), ["ABC Builders", "Northwind"])
      const all = yield* Stream.runCollect(organizations.stream({ recursive: true, limit: 2 }))
      assert.sameMembers(Array.from(all, (o) => o.name), ["ABC Builders", "ABC East", "Northwind"])
      const east = yield* organizations.findByName("ABC East")
      const details = yield* organizations.get(east.id)
      assert.strictEqual(details.parent?.id, (yield* organizations.findByName("ABC Builders")).id)
    }).pipe(Effect.provide(root)))
})
