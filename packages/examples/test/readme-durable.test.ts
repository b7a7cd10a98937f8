// The README's durable example (readme/durable.ts), run on the in-process emulator with the
// embedded runner (a SQLite file in a temporary directory): an event applied, a batch done, the
// directory exactly as the README says.
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { EmployeeQueue } from "@asgardeo-scim/workflow"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Logger, LogLevel, Option } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as durable from "../readme/durable.js"

const employee = (i: number, role: string) => ({
  employeeId: `E${100 + i}`,
  email: `p${i}@example.com`,
  firstName: `F${i}`,
  lastName: `L${i}`,
  department: "Ops",
  role
})

describe("README: durable provisioning", () => {
  it.live("an event is applied once, a batch runs to done, on the embedded runner", () =>
    Effect.gen(function*() {
      const dir = yield* Effect.acquireRelease(
        Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "readme-durable-"))),
        (d) => Effect.sync(() => fs.rmSync(d, { recursive: true, force: true }))
      )
      const layer = durable.Embedded(path.join(dir, "hr.db")).pipe(
        Layer.provideMerge(AsgardeoEmulator.layerConfig()),
        Layer.provideMerge(AsgardeoEmulator.layerClient())
      )
      yield* Effect.gen(function*() {
        const hire = { _tag: "Hire", eventId: "evt-1", employee: employee(0, "admin") }
        const submitted = yield* durable.onEvent(hire)
        assert.strictEqual(submitted.employeeId, "E100")
        yield* durable.onEvent(hire) // delivered twice
        const applied = yield* EmployeeQueue.apply(hire)
        assert.strictEqual(applied.outcome, "created")
        const last = yield* durable.onboard([employee(1, "employee"), employee(2, "hr_manager")])
        assert.deepStrictEqual(Option.getOrUndefined(Option.map(last, (p) => [p.status, p.done, p.failed])), [
          "done",
          2,
          0
        ])
        const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
        const state = yield* emulator.snapshot()
        const groupOf = (i: number) => {
          const user = state.users.find((u) => String(u.userName).endsWith(`p${i}@example.com`))
          return state.memberships.filter((m) => m.userId === user?.id).map((m) =>
            state.groups.find((g) => g.id === m.groupId)?.displayName
          )
        }
        assert.strictEqual(state.users.length, 3)
        assert.deepStrictEqual([groupOf(0), groupOf(1), groupOf(2)], [
          ["DEFAULT/HR-Admins"],
          ["DEFAULT/Employees"],
          ["DEFAULT/HR-Managers"]
        ])
      }).pipe(Effect.provide(layer))
    }).pipe(Effect.scoped, Effect.provide(Logger.minimumLogLevel(LogLevel.Warning))), 60_000)
})
