// The HR flows in strict mode on the emulator: onboarding, a role change and offboarding write only
// what Asgardeo's /Schemas declares, so strict mode lets every write through; discovery is read once.
import { Bulk, Directory } from "@asgardeo-scim/directory"
import { HrDirectory, RoleMapping } from "@asgardeo-scim/hr"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Stream } from "effect"
import * as Emulated from "./utils/Emulated.js"

const layer = HrDirectory.layer.pipe(
  Layer.provide(RoleMapping.layer()),
  Layer.provideMerge(Directory.layerStrict({ responses: "fail" }).pipe(Layer.orDie)),
  Layer.provideMerge(AsgardeoEmulator.layerTest())
)

describe("HR in strict mode", () => {
  it.effect("onboard, change role, offboard: every write passes the checks", () =>
    Effect.gen(function*() {
      const hr = yield* HrDirectory.HrDirectory
      const onboarded = yield* hr.onboardEmployee(Emulated.employee(1))
      assert.strictEqual(onboarded.outcome, "created")
      const userId = onboarded.userId
      const again = yield* hr.onboardEmployee({ ...Emulated.employee(1), department: "Sales" })
      assert.strictEqual(again.outcome, "updated")
      yield* hr.changeRole(userId, "hr_manager")
      yield* hr.offboard(userId, { delete: true })
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      const log = yield* emu.log
      assert.strictEqual(log.filter((e) => e.path.endsWith("/Schemas")).length, 1)
      assert.isTrue(log.some((e) => e.method === "DELETE" && e.path.includes("/Users/")))
    }).pipe(Effect.provide(layer)))

  it.effect("onboardMany over Bulk: every operation of the Bulk request passes the same checks", () =>
    Effect.gen(function*() {
      const hr = yield* HrDirectory.HrDirectory
      const employees = [1, 2, 3].map((n) => Emulated.employee(n))
      const results = yield* Stream.runCollect(hr.onboardMany(employees, { bulk: true, concurrency: 2 }))
      assert.deepStrictEqual([...results].map((r) => r.line.outcome), ["created", "created", "created"])
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      assert.isTrue((yield* emu.log).some((e) => e.path.endsWith("/Bulk")))
    }).pipe(Effect.provide(layer)))
})

describe("Bulk in strict mode", () => {
  it.effect("an operation that does not match the schema: InvalidAttribute, no Bulk request", () =>
    Effect.gen(function*() {
      const bulk = yield* Bulk.Bulk
      const error = yield* Effect.flip(bulk.execute([
        Bulk.create("Users", "ann", {
          schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
          userName: "ann@example.com",
          shoeSize: 44
        })
      ]))
      assert.strictEqual(error._tag, "InvalidAttribute")
      assert.strictEqual(error._tag === "InvalidAttribute" && error.attribute, "shoeSize")
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      assert.isFalse((yield* emu.log).some((e) => e.path.endsWith("/Bulk")))
    }).pipe(Effect.provide(layer)))
})
