// The HR inputs are typed: field names always (a misspelt or extra one does not compile, in one
// record or an array of them), roles by the configured mapping on the view `HrDirectory.typed`
// returns. The `@ts-expect-error` lines are checked by `pnpm check` (an unused one fails it) and
// then run: from plain JavaScript the same inputs are typed errors, before any request.
import type { Employee, HrError } from "@asgardeo-scim/hr"
import { HrDirectory, RoleMapping } from "@asgardeo-scim/hr"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import { expectTypeOf } from "vitest"
import { employee, emulator, layer, scimRequests, stateOf } from "./utils/Emulated.js"

const roles = { admin: "HR-Admins", engineer: "Engineers" } as const

/** The HR service on the emulator, configured with `roles`. */
const layerWithRoles = layer({}, {}, roles)

const uuid = "00000000-0000-4000-8000-000000000000"
/** An employee record without its id, to misspell it. */
const { employeeId: _, ...withoutId } = employee(1)

describe("types", () => {
  it("the configured roles' union: the default mapping's, a literal mapping's", () => {
    expectTypeOf<RoleMapping.RoleOf<typeof RoleMapping.defaultMapping>>().toEqualTypeOf<
      "admin" | "hr_manager" | "employee"
    >()
    expectTypeOf<RoleMapping.RoleOf<Readonly<Record<string, string>>>>().toEqualTypeOf<string>()
    expectTypeOf(HrDirectory.typed(roles)).toEqualTypeOf<
      Effect.Effect<
        HrDirectory.Service<"admin" | "engineer">,
        HrError.UnknownRole | HrError.InvalidRoleMapping,
        HrDirectory.HrDirectory
      >
    >()
    expectTypeOf<HrDirectory.Service["changeRole"]>().parameter(1).toEqualTypeOf<string>()
    expectTypeOf<HrDirectory.Service<"admin">["changeRole"]>().parameter(1).toEqualTypeOf<"admin">()
    expectTypeOf<HrDirectory.Service<"admin">["onboardEmployee"]>().parameter(0).toEqualTypeOf<
      Employee.Employee<"admin">
    >()
    expectTypeOf<Employee.Employee<"admin">["role"]>().toEqualTypeOf<"admin">()
  })

  it("the tag's service is the typed view, with no cast (the view only narrows its inputs)", () => {
    expectTypeOf<HrDirectory.Service>().toMatchTypeOf<HrDirectory.Service<"admin" | "engineer">>()
    expectTypeOf<HrDirectory.Service<"admin">>().not.toMatchTypeOf<HrDirectory.Service>()
  })

  it("records of unknown shape go through the Unknown entry points only", () => {
    expectTypeOf<HrDirectory.Service["onboardEmployeeUnknown"]>().parameter(0).toEqualTypeOf<unknown>()
    expectTypeOf<Parameters<HrDirectory.Service["onboardMany"]>[0]>().not.toMatchTypeOf<Iterable<unknown>>()
    expectTypeOf<ReadonlyArray<unknown>>().toMatchTypeOf<Parameters<HrDirectory.Service["onboardManyUnknown"]>[0]>()
  })
})

describe("field names are typed; from plain JavaScript they are decoded", () => {
  it.effect("a misspelt or extra field does not compile, and is InvalidEmployee or ignored at run time", () =>
    Effect.gen(function*() {
      const hr = yield* HrDirectory.HrDirectory
      const emu = yield* emulator
      yield* emu.clearLog

      // @ts-expect-error employeID is not a field (and employeeId is missing)
      const misspelt = yield* Effect.flip(hr.onboardEmployee({ ...withoutId, employeID: "E1" }))
      assert.strictEqual(misspelt._tag, "InvalidEmployee")
      if (misspelt._tag === "InvalidEmployee") assert.strictEqual(misspelt.field, "employeeId")

      const fromJson = yield* Effect.flip(hr.onboardEmployeeUnknown(JSON.parse(`{"employeID":"E1"}`)))
      assert.strictEqual(fromJson._tag, "InvalidEmployee")

      // The example: an array of literals is checked too.
      const many = hr.onboardMany([
        // @ts-expect-error employeID and mail are not fields
        { employeID: "E2", mail: "ann@example.com" }
      ])
      const lines = Chunk.toReadonlyArray(yield* Stream.runCollect(many))
      assert.deepStrictEqual(lines.map((r) => [r.line.outcome, r.error?._tag]), [["invalid", "InvalidEmployee"]])
      const unknownMany = Chunk.toReadonlyArray(
        yield* Stream.runCollect(hr.onboardManyUnknown([{ employeID: "E3", mail: "bo@example.com" }]))
      )
      assert.deepStrictEqual(unknownMany.map((r) => r.line.outcome), ["invalid"])
      assert.strictEqual((yield* scimRequests).filter((e) => e.path.endsWith("/Users")).length, 0)

      // An extra field on a fresh literal does not compile; a value that has one (TypeScript
      // allows it) is onboarded, the extra field ignored.
      // @ts-expect-error mail is not a field
      const extra = yield* hr.onboardEmployee({ ...employee(4), mail: "x" })
      assert.strictEqual(extra.outcome, "created")
    }).pipe(Effect.provide(layer())))
})

describe("roles typed by the configured mapping (HrDirectory.typed)", () => {
  it.effect("the happy path: configured roles compile and run", () =>
    Effect.gen(function*() {
      const hr = yield* HrDirectory.typed(roles)
      assert.deepStrictEqual(hr.roles, ["admin", "engineer"])
      const ann = yield* hr.onboardEmployee({ ...employee(1), role: "engineer" })
      assert.strictEqual(ann.outcome, "created")
      const change = yield* hr.changeRole(ann.userId, "admin")
      assert.deepStrictEqual(change.removedFrom, ["Engineers"])
      const batch = yield* Stream.runCollect(hr.onboardMany([{ ...employee(2), role: "engineer" }]))
      assert.deepStrictEqual(Chunk.toReadonlyArray(batch).map((r) => r.line.outcome), ["created"])
      const state = yield* stateOf
      assert.deepStrictEqual(state.users.get(employee(1).email)?.groups, ["HR-Admins"])
      assert.deepStrictEqual(state.users.get(employee(2).email)?.groups, ["Engineers"])
    }).pipe(Effect.provide(layerWithRoles)))

  it.effect("a role outside the mapping does not compile, and is UnknownRole before any request", () =>
    Effect.gen(function*() {
      const hr = yield* HrDirectory.typed(roles)
      const emu = yield* emulator
      yield* emu.clearLog
      const failures = [
        // @ts-expect-error "ceo" is not a configured role
        yield* Effect.flip(hr.onboardEmployee({ ...employee(1), role: "ceo" })),
        // @ts-expect-error "employee" is a default role, not one of this mapping's
        yield* Effect.flip(hr.onboardEmployee({ ...employee(1), role: "employee" })),
        // @ts-expect-error "ceo" is not a configured role
        yield* Effect.flip(hr.changeRole(uuid, "ceo")),
        // @ts-expect-error "ceo" is not a configured role
        yield* Effect.flip(hr.assignRole(uuid, "ceo"))
      ]
      for (const error of failures) {
        assert.strictEqual(error._tag, "UnknownRole")
        if (error._tag === "UnknownRole") assert.deepStrictEqual(error.known, ["admin", "engineer"])
      }
      assert.deepStrictEqual(yield* scimRequests, [])
      const batch = hr.onboardMany([
        // @ts-expect-error "ceo" is not a configured role: TypeScript points at the element
        { ...employee(2), role: "ceo" }
      ])
      const lines = Chunk.toReadonlyArray(yield* Stream.runCollect(batch))
      assert.deepStrictEqual(lines.map((r) => [r.line.outcome, r.error?._tag]), [["invalid", "UnknownRole"]])
      assert.strictEqual((yield* scimRequests).filter((e) => e.path.endsWith("/Users")).length, 0)
    }).pipe(Effect.provide(layerWithRoles)))

  it.effect("the tag's service takes any role name; an unknown one is UnknownRole at run time", () =>
    Effect.gen(function*() {
      const hr = yield* HrDirectory.HrDirectory
      const error = yield* Effect.flip(hr.onboardEmployee({ ...employee(1), role: "ceo" }))
      assert.strictEqual(error._tag, "UnknownRole")
      assert.deepStrictEqual(yield* scimRequests, [])
    }).pipe(Effect.provide(layerWithRoles)))

  it.effect("typed checks its roles against the configured ones, before any request", () =>
    Effect.gen(function*() {
      const typed = yield* HrDirectory.typed(RoleMapping.defaultMapping)
      assert.deepStrictEqual(typed.roles, ["admin", "hr_manager", "employee"])
      const missing = yield* Effect.flip(HrDirectory.typed(roles))
      assert.strictEqual(missing._tag, "UnknownRole")
      if (missing._tag === "UnknownRole") {
        assert.strictEqual(missing.role, "engineer")
        assert.deepStrictEqual(missing.known, ["admin", "hr_manager", "employee"])
      }
      for (const garbage of [null, 42, "admin", {}]) {
        const invalid = yield* Effect.flip(HrDirectory.typed(garbage as never))
        assert.strictEqual(invalid._tag, "InvalidRoleMapping", JSON.stringify(garbage))
      }
      assert.deepStrictEqual(yield* scimRequests, [])
    }).pipe(Effect.provide(layer())))
})
