import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { DurableBatch, EmployeeQueue } from "@asgardeo-scim/workflow"
import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Stream } from "effect"
import * as Path from "node:path"
import { embedded, kim, pollUntil, quiet, tempDir } from "./utils/Fixtures.js"

describe("hostile callers of the durable workflows", () => {
  it.live("an HR event whose id looks like a batch child's does not stand in for the batch's hire", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      yield* Effect.gen(function*() {
        // A leave of nobody, with an id of the batch children's form `batchId/run/index`.
        const leave = yield* Effect.exit(EmployeeQueue.apply({
          _tag: "Leave",
          eventId: "B1/1/0",
          employeeId: kim.employeeId,
          email: kim.email
        }))
        assert.isTrue(Exit.isFailure(leave))
        const submitted = yield* DurableBatch.submit([kim], { batchId: "B1" })
        const final = yield* Stream.runLast(DurableBatch.watch(submitted.batchId, { every: "50 millis" }))
        assert.strictEqual(final._tag === "Some" ? final.value.status : undefined, "done")
        const [item] = yield* DurableBatch.items("B1")
        const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
        const snapshot = yield* emulator.snapshot()
        // The progress table says done: the employee must exist.
        assert.strictEqual(item?.status, "done")
        assert.strictEqual(item?.outcome, "created")
        assert.strictEqual(snapshot.users.length, 1)
      }).pipe(Effect.provide(embedded(Path.join(dir, "runner.db"))))
    }).pipe(Effect.scoped, Effect.provide(quiet)))

  it.live("records JSON cannot hold, or that throw when read, are a typed error, not a defect", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      yield* Effect.gen(function*() {
        const bigint = yield* Effect.exit(DurableBatch.submit([{ ...kim, employeeId: 1n }]))
        assert.isTrue(Exit.isFailure(bigint) && bigint.cause._tag === "Fail", String(bigint))
        const throwing = Object.defineProperty({ ...kim }, "email", {
          enumerable: true,
          get: () => {
            throw new Error("boom")
          }
        })
        const getter = yield* Effect.exit(DurableBatch.submit([throwing]))
        assert.isTrue(Exit.isFailure(getter) && getter.cause._tag === "Fail", String(getter))
        // With a fingerprint of its own, the record is read once: stored invalid, never started.
        const stored = yield* DurableBatch.submit([throwing, kim], { fingerprint: "x", batchId: "G" })
        assert.deepStrictEqual({ total: stored.total, invalid: stored.invalid }, { total: 2, invalid: 1 })
        const [invalid] = yield* DurableBatch.items("G", { status: "invalid" })
        assert.deepStrictEqual([invalid?.index, invalid?.detail], [0, "Invalid employee: employee: unreadable record"])
      }).pipe(Effect.provide(embedded(Path.join(dir, "runner.db"))))
    }).pipe(Effect.scoped, Effect.provide(quiet)))

  it.live("an event id reused for another employee is EventIdReused, not the first employee's result", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      yield* Effect.gen(function*() {
        const first = yield* EmployeeQueue.apply({ _tag: "Hire", eventId: "evt-1", employee: kim })
        assert.strictEqual(first.employeeId, kim.employeeId)
        const other = { ...kim, employeeId: "E2002", email: "sam@example.com", firstName: "Sam" }
        const reused = yield* Effect.flip(EmployeeQueue.apply({ _tag: "Hire", eventId: "evt-1", employee: other }))
        assert.strictEqual(reused._tag === "EventFailed" ? reused.reason : reused._tag, "EventIdReused")
        // The same event again is still its result.
        const again = yield* EmployeeQueue.apply({ _tag: "Hire", eventId: "evt-1", employee: kim })
        assert.deepStrictEqual(again, first)
      }).pipe(Effect.provide(embedded(Path.join(dir, "runner.db"))))
    }).pipe(Effect.scoped, Effect.provide(quiet)))

  it.live(
    "a batch submitted again while its aborted run still has an employee in flight does not onboard it twice",
    () =>
      Effect.gen(function*() {
        const dir = yield* tempDir
        yield* Effect.gen(function*() {
          const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
          const people = [kim, { ...kim, employeeId: "E2002", email: "sam@example.com", firstName: "Sam" }]
          // One employee's create is slow; the other's role group assignment is refused (fatal: the run aborts).
          yield* emulator.injectFault(AsgardeoEmulator.latency(1500, { method: "POST", path: /\/Users$/, times: 1 }))
          yield* emulator.injectFault(AsgardeoEmulator.status(403, { method: "PATCH", path: /\/Groups\//, times: 1 }))
          const first = yield* DurableBatch.submit(people, { concurrency: 2, batchId: "R" })
          yield* pollUntil(DurableBatch.progress("R"), (p) => p.status !== "running")
          yield* Effect.sleep("200 millis")
          // The cause is fixed; the operator submits the batch again at once: nothing starts
          // while the aborted run still has an employee in flight.
          const early = yield* DurableBatch.submit(people, { concurrency: 2, batchId: "R" })
          assert.deepStrictEqual([first.run, early.run, early.start], [1, 1, "finishing"])
          // Once it has finished, the batch runs again.
          const second = yield* pollUntil(
            DurableBatch.submit(people, { concurrency: 2, batchId: "R" }),
            (s) => s.start !== "finishing",
            "100 millis"
          )
          assert.deepStrictEqual([second.run, second.start], [2, "rerun"])
          const final = yield* Stream.runLast(
            DurableBatch.watch("R", { every: "50 millis" }).pipe(
              Stream.takeUntil((p) => p.run === 2 && p.status !== "running")
            )
          )
          yield* Effect.sleep("2 seconds")
          const posts = (yield* emulator.log).filter((e) => e.method === "POST" && e.path.endsWith("/Users"))
          const items = yield* DurableBatch.items("R")
          // Run 1: both creates; run 2: the failed employee's again. Not the one run 1 still had in flight.
          assert.strictEqual(
            posts.length,
            3,
            JSON.stringify({ final, posts: posts.map((p) => p.status), items })
          )
        }).pipe(Effect.provide(embedded(Path.join(dir, "runner.db"))))
      }).pipe(Effect.scoped, Effect.provide(quiet)),
    30_000
  )

  // A Leave looks the user up by email: when that finds nobody, the employee's account may live
  // under another userName, still active. It fails (UserNotFound) instead of succeeding.
  it.live("a leave whose email no longer matches the directory is not a silent success", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      yield* Effect.gen(function*() {
        yield* EmployeeQueue.apply({ _tag: "Hire", eventId: "h1", employee: kim })
        const exit = yield* Effect.exit(EmployeeQueue.apply({
          _tag: "Leave",
          eventId: "l1",
          employeeId: kim.employeeId,
          email: "kim.lee@example.com"
        }))
        const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
        const user = (yield* emulator.snapshot()).users[0]
        assert.isFalse(Exit.isSuccess(exit) && user?.active !== false, JSON.stringify([exit, user]))
        const failure = Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error : undefined
        assert.strictEqual(failure?._tag === "EventFailed" && failure.reason, "UserNotFound")
      }).pipe(Effect.provide(embedded(Path.join(dir, "runner.db"))))
    }).pipe(Effect.scoped, Effect.provide(quiet)))

  it.live("options whose getters throw are InvalidEvent, not a defect", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      yield* Effect.gen(function*() {
        const hostile = Object.defineProperty({}, "batchId", {
          enumerable: true,
          get: () => {
            throw new Error("boom")
          }
        })
        const submitted = yield* Effect.exit(DurableBatch.submit([kim], hostile))
        assert.isTrue(Exit.isFailure(submitted) && submitted.cause._tag === "Fail", String(submitted))
        const items = yield* Effect.exit(DurableBatch.items("B", hostile))
        assert.isTrue(Exit.isFailure(items) && items.cause._tag === "Fail", String(items))
      }).pipe(Effect.provide(embedded(Path.join(dir, "runner.db"))))
    }).pipe(Effect.scoped, Effect.provide(quiet)))

  // Reported, not fixed: a batch's hires do not go through the employee's queue, so an event
  // submitted after the batch can be applied before the batch's hire of the same employee (the
  // leave then finds nobody and fails with UserNotFound; the hire creates an active account).
  // Routing the hires through EmployeeQueue passed on SQLite but stalled batches on PostgreSQL.
  it.live.fails("a leave submitted after a batch's hire of the same employee is applied after it", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      yield* Effect.gen(function*() {
        const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
        yield* emulator.injectFault(AsgardeoEmulator.latency(1000, { method: "POST", path: /\/Users$/, times: 1 }))
        yield* DurableBatch.submit([kim], { batchId: "H" })
        yield* Effect.sleep("300 millis")
        const leave = yield* EmployeeQueue.apply({
          _tag: "Leave",
          eventId: "leave-1",
          employeeId: kim.employeeId,
          email: kim.email
        })
        yield* Stream.runDrain(DurableBatch.watch("H", { every: "50 millis" }))
        assert.strictEqual(leave.outcome, "offboarded")
        // Deactivated, Asgardeo's way.
        const user = (yield* emulator.snapshot()).users[0] as { readonly [k: string]: unknown } | undefined
        const wso2 = user?.["urn:scim:wso2:schema"] as { readonly accountDisabled?: unknown } | undefined
        assert.strictEqual(wso2?.accountDisabled, true)
      }).pipe(Effect.provide(embedded(Path.join(dir, "runner.db"))))
    }).pipe(Effect.scoped, Effect.provide(quiet)))

  it.live("a status the code never writes, in a hand-edited row, is read as aborted / failed, never trusted", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      yield* Effect.gen(function*() {
        const submitted = yield* DurableBatch.submit([kim], { batchId: "E1" })
        yield* Stream.runDrain(DurableBatch.watch(submitted.batchId, { every: "50 millis" }))
        const sql = yield* SqlClient.SqlClient
        yield* sql`UPDATE asgardeo_scim_batch SET status = 'exploded' WHERE batch_id = 'E1'`
        yield* sql`UPDATE asgardeo_scim_batch_item SET status = '__proto__' WHERE batch_id = 'E1'`
        const progress = yield* DurableBatch.progress("E1")
        assert.strictEqual(progress.status, "aborted")
        assert.deepStrictEqual([progress.pending, progress.done, progress.failed, progress.invalid], [0, 0, 0, 0])
        const [item] = yield* DurableBatch.items("E1")
        assert.strictEqual(item?.status, "failed")
      }).pipe(Effect.provide(embedded(Path.join(dir, "runner.db"))))
    }).pipe(Effect.scoped, Effect.provide(quiet)))
})
