// The HR flows in strict mode on the emulator: onboarding, a role change and offboarding write only
// what Asgardeo's /Schemas declares, so strict mode lets every write through; discovery is read once.
import { Directory } from "@asgardeo-scim/directory"
import { HrDirectory, RoleMapping } from "@asgardeo-scim/hr"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
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
})
