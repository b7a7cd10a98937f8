// A mapping of HR roles to Asgardeo roles is checked twice: statically (decodeMapping, and the layer
// before any request) and against the directory when the layer is built: each role found by name
// and audience (MissingRole, AmbiguousRole), never created unless `ensure: true` asks.
import type { Roles } from "@asgardeo-scim/directory"
import type { HrError } from "@asgardeo-scim/hr"
import { AsgardeoRoles, HrDirectory } from "@asgardeo-scim/hr"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Context, Effect, Either, Exit, Layer } from "effect"
import { expectTypeOf } from "vitest"
import { directory, emulator, scimRequests } from "./utils/Emulated.js"

const APP = "3645709f-ea8d-5595-7690-e1fa0efe3df9"
const onApp = directory({ apps: [{ ...AsgardeoEmulator.defaultCredentials, id: APP, name: "HR App" }] })

const mapping = {
  admin: "HR Admin",
  hr_manager: { displayName: "HR Manager", audience: { type: "organization" } },
  employee: { displayName: "Employee", audience: { type: "application", value: APP } }
} as const

const any = <A>(a: unknown) => a as A

const invalid = (input: unknown) => {
  const decoded = AsgardeoRoles.decodeMapping(input)
  assert.isTrue(Either.isLeft(decoded), `${JSON.stringify(input)} was accepted`)
  return Either.isLeft(decoded) ? decoded.left : assert.fail("accepted")
}

/** Builds the roles of `m` (with `options`), as `HrDirectory.layerRoles` does when it is built. */
const build = (m: unknown, options?: AsgardeoRoles.Options) =>
  Effect.exit(Effect.scoped(Layer.build(HrDirectory.layerRoles(any(m), options))))

/** The roles found (or made) when the layer of `m` is built. */
const rolesOf = (m: AsgardeoRoles.Mapping, options?: AsgardeoRoles.Options) =>
  Effect.scoped(
    Effect.map(Layer.build(HrDirectory.layerRoles(m, options)), (context) =>
      Context.get(context, AsgardeoRoles.AsgardeoRoles))
  )

const failure = <A, E>(exit: Exit.Exit<A, E>): E => {
  assert.isTrue(Exit.isFailure(exit), "the layer was built")
  if (Exit.isFailure(exit) && exit.cause._tag === "Fail") return exit.cause.error
  return assert.fail(`not a failure: ${String(exit)}`)
}

describe("AsgardeoRoles.decodeMapping", () => {
  it("reads a parsed JSON file: names, audiences (any case), each role as { displayName, audience? }", () => {
    const json = JSON.parse(`{
      "admin": "HR Admin",
      "hr_manager": { "displayName": "HR Manager", "audience": { "type": "Organization" } },
      "employee": { "displayName": "Employee", "audience": { "type": "APPLICATION", "value": "${APP}" } }
    }`)
    assert.deepStrictEqual(Either.getOrThrow(AsgardeoRoles.decodeMapping(json)), {
      admin: { displayName: "HR Admin" },
      hr_manager: { displayName: "HR Manager", audience: { type: "organization" } },
      employee: { displayName: "Employee", audience: { type: "application", value: APP } }
    })
  })

  it("what is not a mapping, or an empty one, is InvalidRoleMapping", () => {
    for (const input of [null, 42, "HR Admin", ["HR Admin"], new Map([["admin", "HR Admin"]])]) {
      assert.include(invalid(input).message, "expected an object of HR role names to Asgardeo roles")
    }
    assert.include(invalid({}).message, "the mapping is empty")
  })

  it("a mapping of more than maxRoles HR roles is InvalidRoleMapping (each would be a request at build)", () => {
    const of = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`role${i}`, `Role ${i}`]))
    assert.isTrue(Either.isRight(AsgardeoRoles.decodeMapping(of(AsgardeoRoles.maxRoles))))
    assert.include(invalid(of(AsgardeoRoles.maxRoles + 1)).message, `at most ${AsgardeoRoles.maxRoles}`)
  })

  it("each problem names its HR role and what is wrong", () => {
    const cases: ReadonlyArray<readonly [unknown, string | undefined, string]> = [
      [{ "": "X" }, "", "a role must not be empty"],
      [{ " admin": "X" }, " admin", "white space"],
      [{ ["r".repeat(65)]: "X" }, "r".repeat(65), "at most 64 characters"],
      [{ admin: "" }, "admin", "displayName must not be empty"],
      [{ admin: " HR Admin" }, "admin", "must not begin or end with white space"],
      [{ admin: "HR/Admin" }, "admin", "cannot contain '/'"],
      [{ admin: "HR\u0000Admin" }, "admin", "control characters"],
      [{ admin: "x".repeat(70000) }, "admin", "at most"],
      [{ admin: 42 }, "admin", "expected a role name or { displayName, audience? }"],
      [{ admin: { name: "HR Admin" } }, "admin", "displayName"],
      [{ admin: { displayName: "HR Admin", permissions: [] } }, "admin", "permissions"],
      [{ admin: { displayName: "HR Admin", audience: { type: "tenant" } } }, "admin", "audience.type"],
      [{ admin: { displayName: "HR Admin", audience: { type: "organization", extra: 1 } } }, "admin", "extra"],
      [{ admin: { displayName: "HR Admin", audience: { type: "application" } } }, "admin", "needs its value"],
      [{ admin: { displayName: "HR Admin", audience: { type: "application", value: " " } } }, "admin", "an id"],
      [{ admin: { displayName: "HR Admin", audience: { type: "application", value: "a b" } } }, "admin", "an id"]
    ]
    for (const [input, role, reason] of cases) {
      const error = invalid(input)
      assert.strictEqual(error._tag, "InvalidRoleMapping")
      assert.strictEqual(error.role, role, JSON.stringify(input).slice(0, 80))
      assert.include(error.message, reason, JSON.stringify(input).slice(0, 80))
    }
  })

  it("two HR roles on one Asgardeo role (its name ignoring case, in one audience) are InvalidRoleMapping", () => {
    const same = invalid({ admin: "Staff", employee: "staff" })
    assert.strictEqual(same.role, "employee")
    assert.include(same.message, "is already the role of HR role \"admin\"")
    const inApp = { displayName: "Staff", audience: { type: "application", value: APP } }
    assert.include(invalid({ admin: inApp, employee: inApp }).message, "each HR role needs its own Asgardeo role")
    // One name in two audiences: two roles.
    assert.isTrue(Either.isRight(AsgardeoRoles.decodeMapping({ admin: "Staff", employee: inApp })))
  })
})

describe("HrDirectory.layerRoles: built only on the roles found", () => {
  it.effect("a static problem fails the layer before any request (no token either)", () =>
    Effect.gen(function*() {
      const huge = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`role${i}`, `Role ${i}`]))
      for (const m of [{}, { admin: "HR/Admin" }, { a: "Staff", b: "STAFF" }, null, huge]) {
        const error = failure(yield* build(m))
        assert.strictEqual(error._tag, "InvalidRoleMapping", JSON.stringify(m)?.slice(0, 80))
      }
      const options = failure(yield* build(mapping, any({ ensure: "yes" })))
      assert.include(options.message, "{ ensure?: boolean }")
      assert.deepStrictEqual(yield* (yield* emulator).log, [])
    }).pipe(Effect.provide(onApp)))

  it.effect("a role that is not there: MissingRole naming it and its audience; nothing created", () =>
    Effect.gen(function*() {
      const emu = yield* emulator
      yield* emu.seedRoles([{ displayName: "HR Admin" }, {
        displayName: "Employee",
        audience: { type: "organization" }
      }])
      const error = failure(yield* build(mapping))
      assert.strictEqual(error._tag, "MissingRole")
      if (error._tag === "MissingRole") {
        // The first missing role in the mapping's order.
        assert.deepStrictEqual([error.role, error.displayName, error.audienceType, error.audienceValue], [
          "hr_manager",
          "HR Manager",
          "organization",
          undefined
        ])
        assert.include(error.message, "in the organization audience: create it")
      }
      const writes = (yield* scimRequests).filter((e) => e.method !== "GET" && !e.path.endsWith("/.search"))
      assert.deepStrictEqual(writes, [])
      assert.strictEqual((yield* emu.snapshot()).roles.length, 2)
    }).pipe(Effect.provide(onApp)))

  it.effect("the message of MissingRole tells the audience looked in", () =>
    Effect.gen(function*() {
      const error = failure(yield* build({ auditor: "Auditor" }))
      assert.strictEqual(
        error.message,
        "The Asgardeo role \"Auditor\" of HR role \"auditor\" does not exist in any audience: create it in the " +
          "Asgardeo console (User Management > Roles), or build the layer with ensure: true to create the missing " +
          "roles (without permissions)"
      )
    }).pipe(Effect.provide(onApp)))

  it.effect("a name in two audiences with no audience mapped: AmbiguousRole; with its audience: found", () =>
    Effect.gen(function*() {
      const emu = yield* emulator
      const [org, app] = yield* emu.seedRoles([
        { displayName: "Auditor" },
        { displayName: "Auditor", audience: { type: "application", value: APP } }
      ])
      const error = failure(yield* build({ auditor: "auditor" }))
      assert.strictEqual(error._tag, "AmbiguousRole")
      const { roles } = yield* rolesOf({
        auditor: { displayName: "AUDITOR", audience: { type: "application", value: APP } },
        lead: { displayName: "Auditor", audience: { type: "organization" } }
      })
      assert.deepStrictEqual(roles.map((r) => [r.role, r.id, r.name, r.displayName, r.audience?.type]), [
        ["auditor", app!.id, "AUDITOR", "Auditor", "application"],
        ["lead", org!.id, "Auditor", "Auditor", "organization"]
      ])
    }).pipe(Effect.provide(onApp)))

  it.effect("two HR roles that name one role found (with and without its audience): InvalidRoleMapping", () =>
    Effect.gen(function*() {
      yield* (yield* emulator).seedRoles([{ displayName: "Staff" }])
      const error = failure(
        yield* build({ a: "Staff", b: { displayName: "Staff", audience: { type: "organization" } } })
      )
      assert.strictEqual(error._tag, "InvalidRoleMapping")
      assert.include(error.message, "each HR role needs its own Asgardeo role")
    }).pipe(Effect.provide(onApp)))

  it.effect("ensure: true creates the missing roles in their audience (and only those), once", () =>
    Effect.gen(function*() {
      const emu = yield* emulator
      const [admin] = yield* emu.seedRoles([{ displayName: "HR Admin", permissions: ["internal_login"] }])
      const made = yield* rolesOf(mapping, { ensure: true })
      assert.deepStrictEqual(made.created, ["hr_manager", "employee"])
      assert.strictEqual(made.roles[0]!.id, admin!.id)
      const snap = yield* emu.snapshot()
      const described = snap.roles.map((r) => {
        const audience = r.audience as { readonly type: string; readonly value: string }
        return [r.displayName, audience.type, audience.type === "application" ? audience.value : "org"]
      })
      assert.sameDeepMembers(described, [
        ["HR Admin", "organization", "org"],
        ["HR Manager", "organization", "org"],
        ["Employee", "application", APP]
      ])
      // The existing role is kept as it was: its permissions untouched.
      const kept = snap.roles.find((r) => r.displayName === "HR Admin")!
      assert.deepStrictEqual((kept.permissions as ReadonlyArray<{ value: string }>).map((p) => p.value), [
        "internal_login"
      ])
      // Built again: found, nothing created.
      const again = yield* rolesOf(mapping, { ensure: true })
      assert.deepStrictEqual(again.created, [])
      assert.strictEqual((yield* emu.snapshot()).roles.length, 3)
    }).pipe(Effect.provide(onApp)))

  it.effect("without the Roles API's view scope: the layer fails with the directory's MissingScope", () =>
    Effect.gen(function*() {
      const error = failure(yield* build(mapping))
      assert.strictEqual(error._tag, "MissingScope")
      assert.include(error.message, "internal_role_mgt_view")
    }).pipe(Effect.provide(directory({
      apps: [{
        ...AsgardeoEmulator.defaultCredentials,
        scopes: AsgardeoEmulator.allScopes.filter((s) => s !== "internal_role_mgt_view")
      }]
    }))))

  it("types: the layer's error and requirements; typed views of a roles mapping", () => {
    expectTypeOf(HrDirectory.layerRoles(mapping)).toEqualTypeOf<
      Layer.Layer<
        HrDirectory.HrDirectory | AsgardeoRoles.AsgardeoRoles,
        AsgardeoRoles.ResolveError,
        HrDirectory.RolesRequirements
      >
    >()
    expectTypeOf<HrError.MissingRole>().toMatchTypeOf<AsgardeoRoles.ResolveError>()
    expectTypeOf<HrError.InvalidRoleMapping>().toMatchTypeOf<AsgardeoRoles.ResolveError>()
    expectTypeOf<Roles.FindError>().toMatchTypeOf<AsgardeoRoles.ResolveError>()
    expectTypeOf(HrDirectory.typed(mapping)).toEqualTypeOf<
      Effect.Effect<
        HrDirectory.Service<"admin" | "hr_manager" | "employee">,
        HrError.UnknownRole | HrError.InvalidRoleMapping,
        HrDirectory.HrDirectory
      >
    >()
    const bad: AsgardeoRoles.Mapping = {
      // @ts-expect-error an application audience needs its value
      admin: { displayName: "HR Admin", audience: { type: "application" } }
    }
    assert.isTrue(Either.isLeft(AsgardeoRoles.decodeMapping(bad)))
  })
})
