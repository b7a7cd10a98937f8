// The HR role → group mapping is checked when it is made: a bad one is a typed InvalidRoleMapping
// (from `make`, and from the layer when it is built), never a throw, and nothing is sent. `Roles`
// is the same module under its former name.
import { Directory } from "@asgardeo-scim/directory"
import { HrDirectory, HrError, RoleMapping, Roles } from "@asgardeo-scim/hr"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Either, Exit, Layer } from "effect"

const any = <A>(a: unknown) => a as A

const invalid = (mapping: unknown) => {
  const made = RoleMapping.make(any(mapping))
  assert.isTrue(Either.isLeft(made), `${JSON.stringify(mapping)} was accepted`)
  return Either.isLeft(made) ? made.left : assert.fail("accepted")
}

describe("RoleMapping.make", () => {
  it("an empty mapping is InvalidRoleMapping, not a throw", () => {
    const error = invalid({})
    assert.strictEqual(error._tag, "InvalidRoleMapping")
    assert.isTrue(HrError.isHrError(error))
    assert.include(error.message, "empty")
  })

  it("what is not an object of names (plain JavaScript) is InvalidRoleMapping", () => {
    for (const mapping of [null, 42, "admin", ["HR-Admins"], new Map([["admin", "HR-Admins"]])]) {
      assert.include(invalid(mapping).message, "expected an object")
    }
  })

  it("roles: empty, surrounding white space, control characters, too long", () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ["", "must not be empty"],
      ["  ", "must not be empty"],
      [" admin", "white space"],
      ["ad\u0000min", "control characters"],
      ["ad\u0085min", "control characters"],
      ["r".repeat(RoleMapping.maxRoleLength + 1), `at most ${RoleMapping.maxRoleLength}`]
    ]
    for (const [role, reason] of cases) {
      const error = invalid({ employee: "Employees", [role]: "Admins" })
      assert.strictEqual(error.role, role)
      assert.include(error.message, reason, JSON.stringify(role))
    }
    assert.isTrue(Either.isRight(RoleMapping.make({ ["r".repeat(RoleMapping.maxRoleLength)]: "Admins" })))
  })

  it("groups: not a string, empty, surrounding white space, control characters, too long (core's Validation)", () => {
    const cases: ReadonlyArray<readonly [unknown, string]> = [
      [42, "must be a string"],
      [null, "must be a string"],
      ["", "must not be empty"],
      [" \t", "must not be empty"],
      ["Admins ", "white space"],
      ["Ad\u0000mins", "control characters"],
      ["Ad\u009bmins", "control characters"],
      ["g".repeat(1025), "at most 1024"]
    ]
    for (const [group, reason] of cases) {
      const error = invalid({ admin: group })
      assert.strictEqual(error.role, "admin")
      assert.include(error.message, reason, JSON.stringify(group))
    }
    assert.isTrue(Either.isRight(RoleMapping.make({ admin: "g".repeat(1024) })))
  })

  it("two roles on one group (names compared without store prefix or case) is InvalidRoleMapping", () => {
    const error = invalid({ admin: "Staff", employee: "DEFAULT/staff" })
    assert.strictEqual(error.role, "employee")
    assert.include(error.message, "\"admin\"")
    assert.include(error.message, "each role needs its own group")
  })

  it("a good mapping: groupOf, roleOf, isRoleGroup; an unknown role is UnknownRole", () => {
    const made = RoleMapping.make({ admin: "Admins", staff: "Staff" })
    assert.isTrue(Either.isRight(made))
    if (Either.isLeft(made)) return
    const mapping = made.right
    assert.deepStrictEqual(mapping.mapping, [{ role: "admin", group: "Admins" }, { role: "staff", group: "Staff" }])
    assert.deepStrictEqual(mapping.groupOf("staff"), Either.right("Staff"))
    assert.strictEqual(mapping.roleOf("DEFAULT/ADMINS"), "admin")
    assert.isTrue(mapping.isRoleGroup("staff"))
    assert.isFalse(mapping.isRoleGroup(any(42)))
    const unknown = mapping.groupOf("employee")
    assert.isTrue(Either.isLeft(unknown) && unknown.left._tag === "UnknownRole")
  })

  it("the defaults are the HR system's three groups", () => {
    assert.deepStrictEqual(RoleMapping.defaults.mapping.map((m) => m.group), ["HR-Admins", "HR-Managers", "Employees"])
    assert.deepStrictEqual(Either.map(RoleMapping.make(), (m) => m.mapping), Either.right(RoleMapping.defaults.mapping))
  })
})

describe("RoleMapping.layer", () => {
  it.effect("a bad mapping fails the layer with InvalidRoleMapping when it is built", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(Effect.provide(RoleMapping.RoleMapping, RoleMapping.layer({})))
      assert.isTrue(Exit.isFailure(exit))
      const error = yield* Effect.flip(Effect.provide(RoleMapping.RoleMapping, RoleMapping.layer({ admin: "" })))
      assert.strictEqual(error._tag, "InvalidRoleMapping")
      assert.strictEqual(error.role, "admin")
    }))

  it.effect("the HR service over a bad mapping fails to build, before any request", () =>
    Effect.gen(function*() {
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      const hr = HrDirectory.layer.pipe(
        Layer.provide(RoleMapping.layer({ admin: "Admins", employee: "ADMINS" })),
        Layer.provide(Directory.layer)
      )
      const error = yield* Effect.flip(Effect.provide(HrDirectory.HrDirectory, hr))
      assert.strictEqual(error._tag, "InvalidRoleMapping")
      assert.deepStrictEqual(yield* emu.log, [])
    }).pipe(Effect.provide(AsgardeoEmulator.layerTest())))

  it.effect("a custom mapping is what the HR service uses", () =>
    Effect.gen(function*() {
      const groups = yield* (yield* HrDirectory.HrDirectory).ensureRoleGroups
      assert.deepStrictEqual(groups.map((g) => `${g.role}:${g.displayName}`), [
        "admin:DEFAULT/Admins",
        "staff:DEFAULT/Staff"
      ])
    }).pipe(
      Effect.provide(
        HrDirectory.layer.pipe(
          Layer.provide(RoleMapping.layer({ admin: "Admins", staff: "Staff" })),
          Layer.provideMerge(Directory.layer),
          Layer.provideMerge(AsgardeoEmulator.layerTest())
        )
      )
    ))
})

describe("Roles (the former name)", () => {
  it.effect("is RoleMapping: the same tag, constructors and constants", () =>
    Effect.gen(function*() {
      assert.strictEqual(Roles.Roles, RoleMapping.RoleMapping)
      assert.strictEqual(Roles.make, RoleMapping.make)
      assert.strictEqual(Roles.layer, RoleMapping.layer)
      assert.strictEqual(Roles.defaultMapping, RoleMapping.defaultMapping)
      assert.strictEqual(Roles.normaliseGroupName, RoleMapping.normaliseGroupName)
      // Provided under the old name, found under the new one.
      const mapping = yield* Effect.provide(RoleMapping.RoleMapping, Roles.layer())
      assert.deepStrictEqual(mapping.groupOf("admin"), Either.right("HR-Admins"))
      const error = yield* Effect.flip(Effect.provide(Roles.Roles, Roles.layer({})))
      assert.strictEqual(error._tag, "InvalidRoleMapping")
    }))
})
