// Employee records follow core's Validation rules (C1 control characters included) with the
// documented lengths, and a refused employee sends nothing.
import { Employee, HrDirectory } from "@asgardeo-scim/hr"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { employee, emulator, layer } from "./utils/Emulated.js"

describe("Employee", () => {
  it("C0, DEL and C1 control characters are refused in every field", () => {
    const fields = ["employeeId", "email", "firstName", "lastName", "department", "role"] as const
    for (const field of fields) {
      for (const c of ["\u0000", "\u007f", "\u0085", "\u009b"]) {
        const value = field === "email" ? `a${c}b@example.com` : `A${c}B`
        const decoded = Employee.decodeEmployee({ ...employee(1), [field]: value })
        assert.isTrue(Either.isLeft(decoded), `${field} ${JSON.stringify(c)}`)
        if (Either.isLeft(decoded)) assert.strictEqual(decoded.left.field, field)
      }
    }
  })

  it("documented lengths; emails follow Validation.EmailAddress after trimming", () => {
    const ok = (input: unknown) => Either.isRight(Employee.decodeEmployee(input))
    assert.isTrue(ok({ ...employee(1), firstName: "x".repeat(256), employeeId: "e".repeat(64) }))
    assert.isFalse(ok({ ...employee(1), firstName: "x".repeat(257) }))
    assert.isFalse(ok({ ...employee(1), employeeId: "e".repeat(65) }))
    assert.isTrue(ok({ ...employee(1), email: "  kim@example.com " }))
    assert.isFalse(ok({ ...employee(1), email: "kim@example..com" }))
    assert.isFalse(ok({ ...employee(1), email: `${"a".repeat(250)}@x.co` }))
  })

  it.effect("an employee with a C1 character in a name is refused before any request", () =>
    Effect.gen(function*() {
      const hr = yield* HrDirectory.HrDirectory
      const emu = yield* emulator
      yield* emu.clearLog
      const error = yield* Effect.flip(hr.onboardEmployee({ ...employee(7), firstName: "Ann\u0085" }))
      assert.strictEqual(error._tag, "InvalidEmployee")
      assert.strictEqual((error as { field?: string }).field, "firstName")
      assert.deepStrictEqual(yield* emu.log, [])
    }).pipe(Effect.provide(layer())))
})
