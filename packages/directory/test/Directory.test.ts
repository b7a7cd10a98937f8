import { AccessToken, Discovery, ScimClient, Target } from "@asgardeo-scim/core"
import { CustomExtension, Directory, User, Users } from "@asgardeo-scim/directory"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Cause, ConfigProvider, Effect, Exit, Layer, Schema, Scope } from "effect"
import * as Emulated from "./utils/Emulated.js"

describe("Directory layer", () => {
  it.effect("one provide gives Users, Groups, Bulk, Discovery, ScimClient and AccessToken", () =>
    Effect.gen(function*() {
      const users = yield* Users.Users
      const discovery = yield* Discovery.Discovery
      const client = yield* ScimClient.ScimClient
      const token = yield* (yield* AccessToken.AccessToken).get()
      // A token the emulator issued, with the scopes it granted.
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      assert.strictEqual((yield* emu.counters).tokensIssued, 1)
      assert.isTrue(token.scopes?.has("internal_user_mgt_list"))
      assert.strictEqual(client.target, Target.asgardeo)
      assert.isFalse("config" in client)
      const spc = yield* discovery.serviceProviderConfig
      assert.isTrue(spc.bulk.supported)
      const schemas = yield* discovery.schemas
      assert.isTrue(schemas.some((s) => s.id === User.CoreUrn))
      assert.strictEqual((yield* users.list()).resources.length, 0)
    }).pipe(Effect.provide(Emulated.layer())))

  it.effect("layerConfig reads ASGARDEO_* (a missing one is a ConfigError); the layer is scoped", () =>
    Effect.gen(function*() {
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      const vars: Array<[string, string]> = [
        ["ASGARDEO_ORG", emu.organization],
        ["ASGARDEO_CLIENT_ID", emu.credentials.clientId],
        ["ASGARDEO_CLIENT_SECRET", emu.credentials.clientSecret],
        ["ASGARDEO_BASE_URL", emu.baseUrl]
      ]
      const withEnv = (entries: Array<[string, string]>) =>
        Directory.layerConfig({ rateLimits: false }).pipe(
          Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(entries))))
        )
      yield* emu.seedUsers([{ userName: "kim@example.com", emails: [{ value: "kim@example.com" }] }])
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(withEnv(vars), scope)
      const users = yield* Effect.provide(Users.Users, context)
      const page = yield* users.list()
      // The variables were read: the emulator's organization, with its user.
      assert.deepStrictEqual(page.resources.map((u) => u.userName), ["DEFAULT/kim@example.com"])
      yield* Scope.close(scope, Exit.void)
      // Closed: a call dies with the token layer's defect at once, and sends nothing.
      yield* emu.clearLog
      const after = yield* Effect.exit(users.list())
      assert.isTrue(Exit.isFailure(after) && Cause.isDie(after.cause), String(after))
      assert.include(
        String(Exit.isFailure(after) ? Cause.squash(after.cause) : ""),
        "the token layer's scope is closed"
      )
      assert.deepStrictEqual(yield* emu.log, [])
      const missing = yield* Effect.exit(Effect.provide(Users.Users, withEnv(vars.slice(1))))
      assert.isTrue(Exit.isFailure(missing))
      assert.include(String(Exit.isFailure(missing) ? missing.cause : ""), "ASGARDEO_ORG")
    }).pipe(Effect.provide(AsgardeoEmulator.layerClient())))
})

describe("CustomExtension", () => {
  const Hr = CustomExtension.make(
    Schema.Struct({ badge: Schema.String, floor: Schema.optional(Schema.NumberFromString) })
  )

  it.effect("writes on create, reads typed, replaces by PATCH", () =>
    Effect.gen(function*() {
      const users = yield* Users.Users
      const user = yield* users.create({
        userName: "kim@example.com",
        email: "kim@example.com",
        askPassword: true,
        attributes: { ...Hr.write({ badge: "B-7", floor: 3 }) }
      })
      assert.deepStrictEqual(user[User.CustomUrn], { badge: "B-7", floor: "3" })
      assert.deepStrictEqual(yield* Hr.read(user), { badge: "B-7", floor: 3 })
      const patched = yield* users.patch(user.id, [Hr.replace({ badge: "B-8" })])
      assert.strictEqual((yield* Hr.read(patched)).badge, "B-8")
      const none = yield* Hr.readOption({})
      assert.strictEqual(none._tag, "None")
    }).pipe(Effect.provide(Emulated.layer())))

  it.effect("a value that does not match is InvalidAttribute: the URN and the attribute, no request, no status", () =>
    Effect.gen(function*() {
      const bad = yield* Effect.flip(Hr.read({ [User.CustomUrn]: { badge: 1 } }))
      if (bad._tag !== "InvalidAttribute") return assert.fail(`expected InvalidAttribute, got ${bad._tag}`)
      assert.strictEqual(bad.urn, User.CustomUrn)
      assert.strictEqual(bad.attribute, "badge")
      assert.include(bad.reason, "Expected string")
      assert.notProperty(bad, "status")
      assert.notProperty(bad, "method")
      assert.notInclude(bad.message, "GET /Users")
      const nested = yield* Effect.flip(
        CustomExtension.make(Schema.Struct({ desk: Schema.Struct({ floor: Schema.Number }) }), "urn:x:Desk")
          .readOption({ "urn:x:Desk": { desk: { floor: "3rd" } } })
      )
      if (nested._tag !== "InvalidAttribute") return assert.fail(`expected InvalidAttribute, got ${nested._tag}`)
      assert.strictEqual(nested.urn, "urn:x:Desk")
      assert.strictEqual(nested.attribute, "desk.floor")
      const whole = yield* Effect.flip(Hr.read({ [User.CustomUrn]: "B-7" }))
      if (whole._tag !== "InvalidAttribute") return assert.fail(`expected InvalidAttribute, got ${whole._tag}`)
      assert.strictEqual(whole.attribute, "")
    }))

  it.effect("a user that is not an object is InvalidInput, not a defect", () =>
    Effect.gen(function*() {
      for (const user of [null, undefined, 7, "kim", [1]]) {
        const read = yield* Effect.flip(Hr.read(user as unknown as User.User))
        if (read._tag !== "InvalidInput") return assert.fail(`expected InvalidInput, got ${read._tag}`)
        assert.strictEqual(read.field, "user")
        const option = yield* Effect.flip(Hr.readOption(user as unknown as User.User))
        assert.strictEqual(option._tag, "InvalidInput")
      }
    }))
})
