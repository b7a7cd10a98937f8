import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { ApplyEvent, EmployeeQueue, HrEvent } from "@asgardeo-scim/workflow"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Schema } from "effect"
import * as Path from "node:path"
import { embedded, kim, pollUntil, quiet, tempDir } from "./utils/Fixtures.js"

/** Runs `body` with a fresh embedded runner over a fresh emulator. */
const withRunner = <A, E, R>(
  body: Effect.Effect<A, E, R>,
  options: Parameters<typeof embedded>[1] = {}
) =>
  Effect.gen(function*() {
    const dir = yield* tempDir
    return yield* body.pipe(Effect.provide(embedded(Path.join(dir, "runner.db"), options)))
  }).pipe(Effect.scoped, Effect.provide(quiet))

const hire = (eventId: string, employee = kim) => ({ _tag: "Hire", eventId, employee })
const roleChange = (eventId: string, role: string) => ({
  _tag: "RoleChange",
  eventId,
  employeeId: kim.employeeId,
  email: kim.email,
  role
})
const leave = (eventId: string, del = false) => ({
  _tag: "Leave",
  eventId,
  employeeId: kim.employeeId,
  email: kim.email,
  delete: del
})

const failureOf = <A, E>(exit: Exit.Exit<A, E>): E | undefined =>
  Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error : undefined

const groupsOf = (userName: string) =>
  Effect.gen(function*() {
    const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
    const s = yield* emulator.snapshot()
    const user = s.users.find((u) => String(u.userName).endsWith(userName))
    if (user === undefined) return undefined
    const names = new Map(s.groups.map((g) => [g.id as string, g.displayName as string]))
    return s.memberships.filter((m) => m.userId === user.id).map((m) => names.get(m.groupId)).sort()
  })

describe("HrEvent.decode", () => {
  it.effect("refuses what is not an event, naming the field, before anything is stored", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<readonly [unknown, string]> = [
        [null, "event"],
        ["Hire", "event"],
        [{ _tag: "Fire", eventId: "e" }, "_tag"],
        [{ ...hire(""), employee: kim }, "eventId"],
        [hire("x".repeat(201)), "eventId"],
        [hire("a\u0000b"), "eventId"],
        [{ ...hire("e1"), employee: { ...kim, email: "nope" } }, "employee.email"],
        [{ ...roleChange("e1", "admin"), delte: true }, "delte"],
        [{ ...leave("e1"), delete: "yes" }, "delete"],
        [{ _tag: "RoleChange", eventId: "e1", employeeId: "E1", email: "a@example.com" }, "role"]
      ]
      for (const [input, field] of cases) {
        const error = yield* Effect.flip(HrEvent.decode(input))
        assert.strictEqual(error._tag, "InvalidEvent")
        assert.strictEqual(error.field, field, JSON.stringify(input))
      }
      const throwing = Object.defineProperty({ _tag: "Hire" }, "eventId", {
        enumerable: true,
        get() {
          throw new Error("boom")
        }
      })
      assert.strictEqual((yield* Effect.flip(HrEvent.decode(throwing)))._tag, "InvalidEvent")
      const leaveEvent = yield* HrEvent.decode(leave("e2"))
      assert.strictEqual(leaveEvent._tag === "Leave" && leaveEvent.delete, false)
    }))

  it.effect("executionIdOf is the engine's own execution id", () =>
    Effect.gen(function*() {
      const event = yield* HrEvent.decode(hire("evt-42"))
      assert.strictEqual(
        yield* ApplyEvent.executionIdOf("evt-42"),
        yield* ApplyEvent.ApplyEvent.executionId({ event })
      )
    }))

  it.effect("classify: fatal, transient and permanent failures", () =>
    Effect.sync(() => {
      assert.strictEqual(ApplyEvent.classify({ _tag: "Forbidden" }), "fatal")
      assert.strictEqual(ApplyEvent.classify({ _tag: "InvalidClient" }), "fatal")
      assert.strictEqual(ApplyEvent.classify({ _tag: "ServerError" }), "transient")
      assert.strictEqual(ApplyEvent.classify({ _tag: "Incomplete", causeTag: "RateLimited" }), "transient")
      assert.strictEqual(ApplyEvent.classify({ _tag: "Incomplete", causeTag: "Forbidden" }), "fatal")
      assert.strictEqual(ApplyEvent.classify({ _tag: "EmployeeConflict" }), "permanent")
      assert.strictEqual(ApplyEvent.classify({ _tag: "UnknownRole" }), "permanent")
    }))
})

describe("ApplyEvent through EmployeeQueue", () => {
  it.live("a hire, a role change and a leave: each applied once, a second role change applied again", () =>
    withRunner(Effect.gen(function*() {
      const hired = yield* EmployeeQueue.apply(hire("h1"))
      assert.strictEqual(hired.outcome, "created")
      assert.deepStrictEqual(yield* groupsOf(kim.email), ["DEFAULT/Employees"])
      const promoted = yield* EmployeeQueue.apply(roleChange("r1", "hr_manager"))
      assert.deepStrictEqual([promoted.outcome, promoted.removedFrom], ["changed", ["Employees"]])
      assert.deepStrictEqual(yield* groupsOf(kim.email), ["DEFAULT/HR-Managers"])
      // The same event again: the stored result, nothing sent.
      const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
      yield* emulator.clearLog
      assert.deepStrictEqual(yield* EmployeeQueue.apply(roleChange("r1", "hr_manager")), promoted)
      assert.strictEqual((yield* emulator.log).length, 0)
      // A second role change (a new event) runs.
      const back = yield* EmployeeQueue.apply(roleChange("r2", "employee"))
      assert.strictEqual(back.outcome, "changed")
      assert.deepStrictEqual(yield* groupsOf(kim.email), ["DEFAULT/Employees"])
      const left = yield* EmployeeQueue.apply(leave("l1", true))
      assert.strictEqual(left.outcome, "deleted")
      assert.strictEqual(yield* groupsOf(kim.email), undefined)
      // A rehire is a new event: applied.
      const rehired = yield* EmployeeQueue.apply(hire("h2"))
      assert.strictEqual(rehired.outcome, "created")
      const status = yield* EmployeeQueue.status("l1")
      assert.strictEqual(status._tag === "Applied" && status.applied.outcome, "deleted")
    })))

  it.live("events submitted together apply in submission order, per employee", () =>
    withRunner(Effect.gen(function*() {
      const events = [hire("o1"), roleChange("o2", "admin"), roleChange("o3", "hr_manager"), leave("o4")]
      for (const event of events) yield* EmployeeQueue.submit(event)
      const last = yield* EmployeeQueue.apply(leave("o4"))
      assert.strictEqual(last.outcome, "offboarded")
      // Each event saw the one before it: o3 left o2's role, o4 left o3's.
      assert.deepStrictEqual(last.removedFrom, ["HR-Managers"])
      for (const id of ["o1", "o2", "o3", "o4"]) {
        assert.strictEqual((yield* EmployeeQueue.status(id))._tag, "Applied", id)
      }
      const r3 = yield* EmployeeQueue.status("o3")
      assert.deepStrictEqual(r3._tag === "Applied" && r3.applied.removedFrom, ["HR-Admins"])
    })))

  it.live("permanent failures end the event at once: no such user, another employee's user, an unknown role", () =>
    withRunner(Effect.gen(function*() {
      const missing = failureOf(yield* Effect.exit(EmployeeQueue.apply(roleChange("p1", "admin"))))
      assert.deepStrictEqual(
        missing?._tag === "EventFailed" && [missing.reason, missing.retry, missing.attempts],
        ["UserNotFound", "permanent", 1]
      )
      yield* EmployeeQueue.apply(hire("p2"))
      const other = failureOf(
        yield* Effect.exit(EmployeeQueue.apply({ ...roleChange("p3", "admin"), employeeId: "E9999" }))
      )
      assert.strictEqual(other?._tag === "EventFailed" && other.reason, "EmployeeConflict")
      const unknown = failureOf(yield* Effect.exit(EmployeeQueue.apply(roleChange("p4", "ceo"))))
      assert.strictEqual(unknown?._tag === "EventFailed" && unknown.reason, "UnknownRole")
      assert.deepStrictEqual(yield* groupsOf(kim.email), ["DEFAULT/Employees"])
      const status = yield* EmployeeQueue.status("p4")
      assert.strictEqual(status._tag, "Failed")
      // A leave of nobody is a failure to look at, never a silent success.
      const gone = failureOf(
        yield* Effect.exit(EmployeeQueue.apply({ ...leave("p5"), email: "nobody@example.com", employeeId: "E0" }))
      )
      assert.deepStrictEqual(gone?._tag === "EventFailed" && [gone.reason, gone.retry], ["UserNotFound", "permanent"])
    })))

  it.live("a transient failure is tried again after the backoff; the event is applied once", () =>
    withRunner(
      Effect.gen(function*() {
        const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
        yield* emulator.injectFault(AsgardeoEmulator.status(503, { method: "POST", path: /\/Users$/, times: 2 }))
        const applied = yield* EmployeeQueue.apply(hire("t1"))
        assert.deepStrictEqual([applied.outcome, applied.attempts], ["created", 3])
        assert.strictEqual((yield* emulator.snapshot()).users.length, 1)
      })
    ))

  it.live(
    "a wait longer than the in-memory threshold is a durable timer: the event waits, then is applied",
    () =>
      withRunner(
        Effect.gen(function*() {
          const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
          yield* emulator.injectFault(AsgardeoEmulator.status(503, { method: "POST", path: /\/Users$/, times: 1 }))
          yield* EmployeeQueue.submit(hire("d1"))
          // Waiting is reported while the timer runs (the workflow is suspended in the storage).
          const waiting = yield* pollUntil(EmployeeQueue.status("d1"), (s) => s._tag !== "Pending")
          assert.strictEqual(waiting._tag, "Waiting")
          const applied = yield* pollUntil(EmployeeQueue.status("d1"), (s) => s._tag !== "Waiting")
          assert.deepStrictEqual(applied._tag === "Applied" && [applied.applied.outcome, applied.applied.attempts], [
            "created",
            2
          ])
        }),
        { backoff: ["500 millis"], inMemoryThreshold: "0 millis" }
      ),
    30_000
  )

  it.live("a transient failure past the backoff ends the event with EventFailed", () =>
    withRunner(
      Effect.gen(function*() {
        const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
        yield* emulator.injectFault(AsgardeoEmulator.status(503, { method: "POST", path: /\/Users$/ }))
        const error = failureOf(yield* Effect.exit(EmployeeQueue.apply(hire("t2"))))
        assert.deepStrictEqual(
          error?._tag === "EventFailed" && [error.reason, error.retry, error.attempts],
          ["ServerError", "transient", 3]
        )
      })
    ))

  it.live("status: an unknown id is Pending; a bad id is InvalidEvent", () =>
    withRunner(Effect.gen(function*() {
      assert.strictEqual((yield* EmployeeQueue.status("never"))._tag, "Pending")
      assert.strictEqual((yield* Effect.flip(EmployeeQueue.status(42)))._tag, "InvalidEvent")
      assert.strictEqual((yield* Effect.flip(EmployeeQueue.submit({ _tag: "Hire" })))._tag, "InvalidEvent")
    })))

  it.effect("Applied round-trips through its schema", () =>
    Effect.gen(function*() {
      const applied = {
        eventId: "e",
        kind: "Hire" as const,
        employeeId: "E1",
        userName: "kim@example.com",
        userId: "u1",
        outcome: "created" as const,
        removedFrom: [],
        attempts: 1
      }
      const encoded = yield* Schema.encode(HrEvent.Applied)(applied)
      assert.deepStrictEqual(yield* Schema.decodeUnknown(HrEvent.Applied)(encoded), applied)
    }))
})
