// Strict mode against the emulator: Asgardeo's /Schemas (a bare array, UPPERCASE characteristics)
// and /ResourceTypes; the library's own writes pass, wrong ones are refused before any request.
import { Patch } from "@asgardeo-scim/core"
import { Directory, Groups, Resources, StrictSchemas, User, Users } from "@asgardeo-scim/directory"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Logger, Redacted, Schema } from "effect"
import * as Emulated from "./utils/Emulated.js"

type StrictOptions = Parameters<typeof Directory.layerStrict>[0]

const run = <A, E>(
  effect: Effect.Effect<A, E, Directory.Services | AsgardeoEmulator.AsgardeoEmulator>,
  options: StrictOptions = {},
  emulator: AsgardeoEmulator.Options = {}
) =>
  effect.pipe(Effect.provide(
    Directory.layerStrict(options).pipe(Layer.orDie, Layer.provideMerge(AsgardeoEmulator.layerTest(emulator)))
  ))

/** The messages logged while `effect` runs. */
const logged = <A, E, R>(effect: Effect.Effect<A, E, R>) => {
  const messages: Array<string> = []
  const logger = Logger.make(({ message }) => {
    messages.push(String(Array.isArray(message) ? message.join(" ") : message))
  })
  return Effect.map(
    Effect.provide(effect, Logger.replace(Logger.defaultLogger, logger)),
    (a) => [a, messages] as const
  )
}

const discoveryReads = Effect.map(Emulated.scimLog, (log) => ({
  schemas: log.filter((e) => e.path.endsWith("/Schemas")).length,
  resourceTypes: log.filter((e) => e.path.endsWith("/ResourceTypes")).length
}))

describe("strict mode on the emulator", () => {
  it.effect("the library's usual writes pass; /Schemas and /ResourceTypes are read once", () =>
    run(
      Effect.gen(function*() {
        const users = yield* Users.Users
        const groups = yield* Groups.Groups
        const kim = yield* users.create({
          userName: "kim@example.com",
          email: "kim@example.com",
          givenName: "Kim",
          familyName: "Lee",
          askPassword: true
        })
        const ann = yield* users.create({
          userName: "ann@example.com",
          password: Redacted.make("Secr3t-Passw0rd!"),
          email: "ann@example.com",
          enterprise: { employeeNumber: "E-1", department: "Eng" }
        })
        const group = yield* groups.create({ displayName: "eng", members: [kim.id] })
        yield* groups.addMembers(group.id, [ann.id])
        yield* groups.removeMembers(group.id, [kim.id])
        yield* groups.rename(group.id, "engineering")
        yield* users.patch(kim.id, [
          Patch.replace("name.givenName", "Kimberly"),
          Patch.replaceEmail("work", "kim@example.org"),
          Patch.setPassword(Redacted.make("An0ther-Secr3t!")),
          Patch.setAccountDisabled(false)
        ])
        yield* users.setActive(kim.id, false)
        const got = yield* users.get(ann.id)
        const replaced = yield* users.replace(ann.id, { ...got, title: "Engineer" })
        assert.strictEqual(replaced.title, "Engineer")
        const updated = yield* users.update(ann.id, (u) => ({ ...u, nickName: "A" }), { unconditional: true })
        assert.strictEqual(updated.nickName, "A")
        assert.deepStrictEqual(yield* discoveryReads, { schemas: 1, resourceTypes: 1 })
      }),
      { responses: "fail" }
    ))

  it.effect("refused before any request: unknown attribute, wrong type, readOnly, undeclared extension", () =>
    run(Effect.gen(function*() {
      const users = yield* Users.Users
      const kim = yield* users.create({ userName: "kim@example.com", email: "kim@example.com", askPassword: true })
      yield* Emulated.clearLog
      const unknown = yield* Effect.flip(users.patch(kim.id, [Patch.replace("shoeSize", "42")]))
      assert.strictEqual(unknown._tag, "InvalidAttribute")
      if (unknown._tag === "InvalidAttribute") assert.strictEqual(unknown.attribute, "shoeSize")
      const wrongType = yield* Effect.flip(users.patch(kim.id, [Patch.replace("active", "yes")]))
      assert.strictEqual(wrongType._tag, "InvalidAttribute")
      if (wrongType._tag === "InvalidAttribute") assert.strictEqual(wrongType.attribute, "active")
      const readOnly = yield* Effect.flip(users.patch(kim.id, [Patch.add("groups", [{ value: "x" }])]))
      assert.strictEqual(readOnly._tag, "InvalidAttribute")
      const extension = yield* Effect.flip(
        users.patch(kim.id, [Patch.addValue({ "urn:example:params:scim:schemas:extension:badge:2.0:User": { b: 1 } })])
      )
      assert.strictEqual(extension._tag, "InvalidAttribute")
      if (extension._tag === "InvalidAttribute") {
        assert.strictEqual(extension.urn, "urn:example:params:scim:schemas:extension:badge:2.0:User")
      }
      assert.deepStrictEqual(yield* Emulated.scimLog, [])
      assert.strictEqual(User.isActive(yield* users.get(kim.id)), true)
    })))

  it.effect("responses: warn logs the attribute and keeps the answer; fail gives InvalidResponse on reads only", () =>
    Effect.gen(function*() {
      // Asgardeo can answer emails as bare strings (asgardeo-api.md §9.7): not the schema's shape.
      const quirky = { quirks: { emailsAsStrings: true } }
      const [user, messages] = yield* logged(run(
        Effect.flatMap(
          Users.Users,
          (users) => users.create({ userName: "kim@example.com", email: "kim@example.com", askPassword: true })
        ),
        { responses: "warn" },
        quirky
      ))
      assert.strictEqual(user.userName, "DEFAULT/kim@example.com")
      assert.isTrue(messages.some((m) => m.includes("emails.0") && m.includes("expected an object")))
      // With "fail", a write that landed is never reported as failed (the caller would write
      // again): the create returns its user and the mismatch is logged; a read fails.
      const [[created, failed], failMessages] = yield* logged(run(
        Effect.gen(function*() {
          const users = yield* Users.Users
          const ann = yield* users.create({ userName: "ann@example.com", askPassword: true, email: "ann@example.com" })
          return [ann, yield* Effect.flip(users.get(ann.id))] as const
        }),
        { responses: "fail" },
        quirky
      ))
      assert.strictEqual(created.userName, "DEFAULT/ann@example.com")
      assert.isTrue(failMessages.some((m) => m.includes("emails.0") && m.includes("the write landed")))
      assert.strictEqual(failed._tag, "InvalidResponse")
      assert.include(failed.message, "emails.0")
      // Off by default: the same answer passes without a word.
      const [, quiet] = yield* logged(run(
        Effect.flatMap(
          Users.Users,
          (users) => users.create({ userName: "lee@example.com", email: "lee@example.com", askPassword: true })
        ),
        {},
        quirky
      ))
      assert.isFalse(quiet.some((m) => m.includes("strict mode")))
    }))

  it.effect("options that are not strict mode's fail the layer with InvalidInput", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Layer.build(
          Directory.layerStrict({ responses: "loud" } as never).pipe(Layer.provide(AsgardeoEmulator.layerTest()))
        ).pipe(Effect.scoped)
      )
      assert.strictEqual(error._tag, "InvalidInput")
      const badList = yield* Effect.flip(
        Layer.build(
          Directory.layerStrict({ unchecked: [5] } as never).pipe(Layer.provide(AsgardeoEmulator.layerTest()))
        ).pipe(Effect.scoped)
      )
      assert.strictEqual(badList._tag === "InvalidInput" && badList.field, "unchecked")
    }))

  it.effect("unchecked: a name /Schemas does not declare fails the first write (InvalidInput), nothing sent", () =>
    run(
      Effect.gen(function*() {
        const users = yield* Users.Users
        const error = yield* Effect.flip(
          users.create({ userName: "kim@example.com", email: "kim@example.com", askPassword: true })
        )
        assert.strictEqual(error._tag, "InvalidInput")
        assert.strictEqual((error as { field?: string }).field, "unchecked")
        assert.isFalse((yield* Emulated.scimLog).some((e) => e.method === "POST"))
      }),
      { unchecked: ["activ"] }
    ))

  it.effect("unchecked: a declared attribute passes whatever its declared type says", () =>
    run(
      Effect.gen(function*() {
        const users = yield* Users.Users
        const kim = yield* users.create({ userName: "kim@example.com", email: "kim@example.com", askPassword: true })
        yield* users.setActive(kim.id, false)
      }),
      { unchecked: ["active", "name.givenName"] }
    ))

  it.effect("without strict mode a write reads no discovery", () =>
    Effect.gen(function*() {
      const users = yield* Users.Users
      yield* users.create({ userName: "kim@example.com", email: "kim@example.com", askPassword: true })
      assert.deepStrictEqual(yield* discoveryReads, { schemas: 0, resourceTypes: 0 })
    }).pipe(Effect.provide(Emulated.layer())))

  it.effect("without /Schemas strict writes fail with Unsupported before sending; the 404 is kept", () =>
    run(Effect.gen(function*() {
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      yield* emu.injectFault(AsgardeoEmulator.status(404, { path: "/scim2/Schemas" }))
      const users = yield* Users.Users
      for (let i = 0; i < 2; i++) {
        const error = yield* Effect.flip(
          users.create({ userName: "kim@example.com", email: "kim@example.com", askPassword: true })
        )
        assert.strictEqual(error._tag, "Unsupported")
        if (error._tag === "Unsupported") assert.strictEqual(error.feature, "strict mode")
      }
      const log = yield* Emulated.scimLog
      assert.isFalse(log.some((e) => e.method === "POST"))
      assert.strictEqual(log.filter((e) => e.path.endsWith("/Schemas")).length, 1)
    })))

  it.effect("an endpoint /ResourceTypes does not declare: Unsupported, nothing sent", () =>
    run(Effect.gen(function*() {
      const devices = yield* Resources.make({
        name: "Devices",
        path: "/Devices",
        schema: Schema.Struct({ id: Schema.String }),
        projection: Schema.Struct({ id: Schema.String })
      })
      const error = yield* Effect.flip(devices.create({ serial: "X-1" }))
      assert.strictEqual(error._tag, "Unsupported")
      if (error._tag === "Unsupported") assert.match(error.reason, /\/Devices/)
      assert.isFalse((yield* Emulated.scimLog).some((e) => e.path.endsWith("/Devices")))
    })))

  it.effect("StrictSchemas used directly: input that is not a write is InvalidInput before discovery", () =>
    Effect.gen(function*() {
      const strict = yield* StrictSchemas.StrictSchemas
      for (const write of [undefined, { _tag: "delete" }, "create"]) {
        const error = yield* Effect.flip(strict.checkWrite("op", "/Users", write as never))
        assert.strictEqual(error._tag, "InvalidInput")
      }
      assert.strictEqual((yield* Effect.flip(strict.checkResponse(null as never)))._tag, "InvalidInput")
      assert.deepStrictEqual(yield* discoveryReads, { schemas: 0, resourceTypes: 0 })
      const bad = yield* Effect.flip(strict.checkWrite("op", "/Users", { _tag: "create", body: { userName: 7 } }))
      assert.strictEqual(bad._tag, "InvalidAttribute")
    }).pipe(Effect.provide(
      Directory.layerStrict({ responses: "warn" }).pipe(Layer.orDie, Layer.provideMerge(AsgardeoEmulator.layerTest()))
    )))
})
