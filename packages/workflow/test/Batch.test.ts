import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { ApplyEvent, DurableBatch, EmployeeQueue, Runner } from "@asgardeo-scim/workflow"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Stream } from "effect"
import * as Path from "node:path"
import { hrOnEmulator, quiet, tempDir } from "./utils/Fixtures.js"

const runnerOn = (filename: string) =>
  Layer.mergeAll(ApplyEvent.layer({ backoff: ["10 millis"] }), EmployeeQueue.layer, DurableBatch.layer).pipe(
    Layer.provideMerge(Runner.layerEmbedded({ filename })),
    Layer.provideMerge(hrOnEmulator())
  )

const roles = ["employee", "hr_manager", "admin"]
const employee = (i: number) => ({
  employeeId: `E${1000 + i}`,
  email: `user${i}@example.com`,
  firstName: `First${i}`,
  lastName: `Last${i}`,
  department: i % 2 === 0 ? "Engineering" : "Sales",
  role: roles[i % 3]
})

describe("DurableBatch on the embedded runner", () => {
  it.live("onboards every valid employee once, in its role group; invalid records and repeats are not started", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      yield* Effect.gen(function*() {
        const records = [
          ...Array.from({ length: 12 }, (_, i) => employee(i)),
          { employeeId: "E9", email: "not an email" },
          { ...employee(3), firstName: "Again" }
        ]
        const submitted = yield* DurableBatch.submit(records, { concurrency: 4 })
        assert.deepStrictEqual(
          { start: submitted.start, total: submitted.total, invalid: submitted.invalid, run: submitted.run },
          { start: "new", total: 14, invalid: 2, run: 1 }
        )
        const final = yield* Stream.runLast(DurableBatch.watch(submitted.batchId, { every: "50 millis" }))
        assert.deepStrictEqual(
          final._tag === "Some" ? { ...final.value } : undefined,
          { batchId: submitted.batchId, run: 1, status: "done", total: 14, pending: 0, done: 12, failed: 0, invalid: 2 }
        )
        const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
        const snapshot = yield* emulator.snapshot()
        assert.strictEqual(snapshot.users.length, 12)
        const groupOf = new Map(snapshot.groups.map((g) => [g.id as string, g.displayName as string]))
        for (let i = 0; i < 12; i++) {
          const user = snapshot.users.find((u) => String(u.userName).endsWith(`user${i}@example.com`))
          assert.isDefined(user, JSON.stringify(snapshot.users[0]))
          if (user === undefined) return
          const groups = snapshot.memberships.filter((m) => m.userId === user.id).map((m) => groupOf.get(m.groupId))
          assert.deepStrictEqual(groups, [
            {
              employee: "DEFAULT/Employees",
              hr_manager: "DEFAULT/HR-Managers",
              admin: "DEFAULT/HR-Admins"
            }[roles[i % 3]!]
          ])
        }
        const invalid = yield* DurableBatch.items(submitted.batchId, { status: "invalid" })
        assert.deepStrictEqual(invalid.map((i) => i.index), [12, 13])
        // The same input again: nothing to do.
        const again = yield* DurableBatch.submit(records, { concurrency: 4 })
        assert.strictEqual(again.start, "done")
        const posts = (yield* emulator.log).filter((e) => e.method === "POST" && e.path.endsWith("/Users"))
        assert.strictEqual(posts.length, 12)
      }).pipe(Effect.provide(runnerOn(Path.join(dir, "runner.db"))))
    }).pipe(Effect.scoped, Effect.provide(quiet)))
})
