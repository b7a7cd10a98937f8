import type { Employee } from "@asgardeo-scim/hr"
import { HrDirectory, Report } from "@asgardeo-scim/hr"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Fiber, Stream } from "effect"
import { employee, emulator, layer, scimRequests, stateOf } from "./utils/Emulated.js"

const hr = HrDirectory.HrDirectory

// Retries that take milliseconds, for tests with faults on real time.
const fast = { retry: { maxAttempts: 4, baseDelay: "1 millis", maxDelay: "5 millis" } } as const

describe("HrDirectory", () => {
  it.effect("ensureRoleGroups creates the three role groups once, even when called concurrently", () =>
    Effect.gen(function*() {
      const service = yield* hr
      const results = yield* Effect.all(Array.from({ length: 10 }, () => service.ensureRoleGroups), {
        concurrency: "unbounded"
      })
      assert.deepStrictEqual(results[0]!.map((g) => g.name), ["HR-Admins", "HR-Managers", "Employees"])
      const state = yield* stateOf
      assert.deepStrictEqual(
        state.groups.map((g) => String(g.displayName)).sort(),
        ["DEFAULT/Employees", "DEFAULT/HR-Admins", "DEFAULT/HR-Managers"]
      )
    }).pipe(Effect.provide(layer())))

  it.effect("ensureRoleGroups finds groups that already exist (with the DEFAULT/ prefix)", () =>
    Effect.gen(function*() {
      const emu = yield* emulator
      yield* emu.seedGroups([{ displayName: "HR-Admins" }])
      const groups = yield* (yield* hr).ensureRoleGroups
      const state = yield* stateOf
      assert.strictEqual(state.groups.length, 3)
      assert.strictEqual(groups[0]!.displayName, "DEFAULT/HR-Admins")
    }).pipe(Effect.provide(layer())))

  it.live("ensureRoleGroups survives a 5xx on a group creation: looks again, creates once", () =>
    Effect.gen(function*() {
      const emu = yield* emulator
      yield* emu.injectFault(AsgardeoEmulator.status(500, { method: "POST", path: "*/Groups", times: 2 }))
      const groups = yield* (yield* hr).ensureRoleGroups
      assert.strictEqual(groups.length, 3)
      const state = yield* stateOf
      assert.deepStrictEqual(
        state.groups.map((g) => String(g.displayName)).sort(),
        ["DEFAULT/Employees", "DEFAULT/HR-Admins", "DEFAULT/HR-Managers"]
      )
    }).pipe(Effect.provide(layer({}, fast))))

  it.effect("onboardEmployee creates an invited user with the enterprise attributes, in its role group", () =>
    Effect.gen(function*() {
      const result = yield* (yield* hr).onboardEmployee(employee(1, "hr_manager"))
      assert.strictEqual(result.outcome, "created")
      assert.strictEqual(result.userName, "DEFAULT/employee1@example.com")
      const state = yield* stateOf
      const user = state.users.get("employee1@example.com")!
      assert.strictEqual(user.employeeNumber, "E00001")
      assert.deepStrictEqual(user.groups, ["HR-Managers"])
      // askPassword is write-only; the emulator, like Asgardeo, refuses a user with neither a
      // password nor askPassword, so the creation itself shows it was sent.
      const enterprise = user.user["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] as Record<
        string,
        unknown
      >
      assert.strictEqual(enterprise.department, "Finance")
    }).pipe(Effect.provide(layer())))

  it.effect("onboarding the same employee again reports it existing and duplicates nothing", () =>
    Effect.gen(function*() {
      const service = yield* hr
      const first = yield* service.onboardEmployee(employee(2))
      const second = yield* service.onboardEmployee(employee(2))
      assert.strictEqual(second.outcome, "existing")
      assert.strictEqual(second.userId, first.userId)
      const state = yield* stateOf
      assert.strictEqual(state.users.size, 1)
      assert.deepStrictEqual(state.users.get("employee2@example.com")!.groups, ["Employees"])
    }).pipe(Effect.provide(layer())))

  it.effect("an existing user with stale attributes and the wrong role group is reconciled", () =>
    Effect.gen(function*() {
      const service = yield* hr
      yield* service.onboardEmployee(employee(3, "admin"))
      const changed = { ...employee(3, "employee"), lastName: "Married", department: "Sales" }
      const result = yield* service.onboardEmployee(changed)
      assert.strictEqual(result.outcome, "updated")
      const state = yield* stateOf
      const user = state.users.get("employee3@example.com")!
      assert.deepStrictEqual(user.groups, ["Employees"])
      assert.strictEqual((user.user.name as Record<string, unknown>).familyName, "Married")
    }).pipe(Effect.provide(layer())))

  it.effect("a userName that belongs to another employee is a conflict and is left untouched", () =>
    Effect.gen(function*() {
      const service = yield* hr
      yield* service.onboardEmployee(employee(4))
      const other = { ...employee(4, "admin"), employeeId: "X-999", lastName: "Imposter" }
      const error = yield* Effect.flip(service.onboardEmployee(other))
      assert.strictEqual(error._tag, "EmployeeConflict")
      const state = yield* stateOf
      const user = state.users.get("employee4@example.com")!
      assert.strictEqual(user.employeeNumber, "E00004")
      assert.deepStrictEqual(user.groups, ["Employees"])
    }).pipe(Effect.provide(layer())))

  it.effect("unknown roles and invalid employees fail before any request", () =>
    Effect.gen(function*() {
      const service = yield* hr
      const emu = yield* emulator
      yield* emu.clearLog
      const unknown = yield* Effect.flip(service.onboardEmployee(employee(5, "ceo")))
      assert.strictEqual(unknown._tag, "UnknownRole")
      assert.include(unknown.message, "admin, hr_manager, employee")
      for (
        const bad of [
          { ...employee(6), email: "not-an-email" },
          { ...employee(6), firstName: "  " },
          { ...employee(6), employeeId: "" },
          { ...employee(6), lastName: 42 },
          null
        ]
      ) {
        const error = yield* Effect.flip(service.onboardEmployee(bad as never))
        assert.strictEqual(error._tag, "InvalidEmployee")
      }
      assert.strictEqual((yield* scimRequests).length, 0)
    }).pipe(Effect.provide(layer())))

  it.live("a failed group step after the user was created is Incomplete; a re-run completes it", () =>
    Effect.gen(function*() {
      const service = yield* hr
      const emu = yield* emulator
      yield* service.ensureRoleGroups
      yield* emu.injectFault(AsgardeoEmulator.status(500, { method: "PATCH", path: /\/Groups\//, times: 4 }))
      const error = yield* Effect.flip(service.onboardEmployee(employee(7)))
      assert.strictEqual(error._tag, "Incomplete")
      if (error._tag === "Incomplete") {
        assert.deepStrictEqual(error.pending, ["add to Employees"])
        assert.strictEqual(error.causeTag, "ServerError")
      }
      assert.deepStrictEqual((yield* stateOf).users.get("employee7@example.com")!.groups, [])
      const again = yield* service.onboardEmployee(employee(7))
      assert.strictEqual(again.outcome, "updated")
      assert.deepStrictEqual((yield* stateOf).users.get("employee7@example.com")!.groups, ["Employees"])
    }).pipe(Effect.provide(layer({}, fast))))

  it.effect("changeRole adds the new role group before leaving the old one", () =>
    Effect.gen(function*() {
      const service = yield* hr
      const emu = yield* emulator
      const onboarded = yield* service.onboardEmployee(employee(8, "employee"))
      const groups = yield* service.ensureRoleGroups
      yield* emu.clearLog
      const change = yield* service.changeRole(onboarded.userId, "hr_manager")
      assert.isTrue(change.added)
      assert.deepStrictEqual(change.removedFrom, ["Employees"])
      const patches = (yield* scimRequests).filter((e) => e.method === "PATCH")
      const managers = groups.find((g) => g.role === "hr_manager")!.id
      const employees = groups.find((g) => g.role === "employee")!.id
      assert.deepStrictEqual(patches.map((p) => p.path.split("/").pop()), [managers, employees])
      assert.deepStrictEqual((yield* stateOf).users.get("employee8@example.com")!.groups, ["HR-Managers"])
      // Idempotent: the same change again changes nothing.
      const again = yield* service.changeRole(onboarded.userId, "hr_manager")
      assert.isFalse(again.added)
      assert.deepStrictEqual(again.removedFrom, [])
    }).pipe(Effect.provide(layer())))

  it.live("a failed removal is Incomplete and the user keeps a role (never none)", () =>
    Effect.gen(function*() {
      const service = yield* hr
      const emu = yield* emulator
      const onboarded = yield* service.onboardEmployee(employee(9, "admin"))
      const groups = yield* service.ensureRoleGroups
      const admins = groups.find((g) => g.role === "admin")!.id
      yield* emu.injectFault(AsgardeoEmulator.status(500, { method: "PATCH", path: new RegExp(admins), times: 4 }))
      const error = yield* Effect.flip(service.changeRole(onboarded.userId, "employee"))
      assert.strictEqual(error._tag, "Incomplete")
      if (error._tag === "Incomplete") assert.deepStrictEqual(error.pending, ["remove from HR-Admins"])
      assert.deepStrictEqual((yield* stateOf).users.get("employee9@example.com")!.groups.sort(), [
        "Employees",
        "HR-Admins"
      ])
      yield* service.changeRole(onboarded.userId, "employee")
      assert.deepStrictEqual((yield* stateOf).users.get("employee9@example.com")!.groups, ["Employees"])
    }).pipe(Effect.provide(layer({}, fast))))

  it.live("a failed add in changeRole changes nothing", () =>
    Effect.gen(function*() {
      const service = yield* hr
      const emu = yield* emulator
      const onboarded = yield* service.onboardEmployee(employee(10, "admin"))
      yield* emu.injectFault(AsgardeoEmulator.status(500, { method: "PATCH", times: 10 }))
      const error = yield* Effect.flip(service.changeRole(onboarded.userId, "employee"))
      assert.strictEqual(error._tag, "ServerError")
      assert.deepStrictEqual((yield* stateOf).users.get("employee10@example.com")!.groups, ["HR-Admins"])
    }).pipe(Effect.provide(layer({}, fast))))

  it.effect("deactivate, reactivate and offboard (with and without delete)", () =>
    Effect.gen(function*() {
      const service = yield* hr
      const a = yield* service.onboardEmployee(employee(11, "hr_manager"))
      const b = yield* service.onboardEmployee(employee(12))
      yield* service.deactivate(a.userId)
      const disabled = (u: Record<string, unknown>) =>
        (u["urn:scim:wso2:schema"] as Record<string, unknown> | undefined)?.accountDisabled
      assert.strictEqual(disabled((yield* stateOf).users.get("employee11@example.com")!.user), true)
      yield* service.reactivate(a.userId)
      assert.strictEqual(disabled((yield* stateOf).users.get("employee11@example.com")!.user), false)
      const off = yield* service.offboard(a.userId)
      assert.deepStrictEqual(off.removedFrom, ["HR-Managers"])
      const state = yield* stateOf
      assert.deepStrictEqual(state.users.get("employee11@example.com")!.groups, [])
      assert.strictEqual(disabled(state.users.get("employee11@example.com")!.user), true)
      const gone = yield* service.offboard(b.userId, { delete: true })
      assert.isTrue(gone.deleted)
      assert.isFalse((yield* stateOf).users.has("employee12@example.com"))
      const missing = yield* Effect.flip(service.offboard(b.userId))
      assert.strictEqual(missing._tag, "NotFound")
    }).pipe(Effect.provide(layer())))

  it.effect("offboard with options of another shape (plain JavaScript): InvalidInput before any request", () =>
    Effect.gen(function*() {
      const service = yield* hr
      const a = yield* service.onboardEmployee(employee(30))
      const emu = yield* emulator
      yield* emu.clearLog
      for (const options of [{ delete: "yes" }, { delete: 1 }, "delete", null, [true]]) {
        const error = yield* Effect.flip(service.offboard(a.userId, options as never))
        assert.strictEqual(error._tag, "InvalidInput", JSON.stringify(options))
        assert.include(error.message, "{ delete?: boolean }")
      }
      assert.deepStrictEqual(yield* scimRequests, [])
      assert.deepStrictEqual((yield* stateOf).users.get("employee30@example.com")!.groups, ["Employees"])
    }).pipe(Effect.provide(layer())))

  it.effect("assignRole, assignUserRole (any group, created when missing) and findGroupByName", () =>
    Effect.gen(function*() {
      const service = yield* hr
      const a = yield* service.onboardEmployee(employee(13))
      const group = yield* service.assignRole(a.userId, "admin")
      assert.strictEqual(group.name, "HR-Admins")
      yield* service.assignUserRole(a.userId, "Engineering")
      const found = yield* service.findGroupByName("DEFAULT/engineering")
      assert.isTrue(found._tag === "Some")
      assert.deepStrictEqual((yield* stateOf).users.get("employee13@example.com")!.groups.sort(), [
        "Employees",
        "Engineering",
        "HR-Admins"
      ])
      const unknown = yield* Effect.flip(service.assignRole(a.userId, "boss"))
      assert.strictEqual(unknown._tag, "UnknownRole")
    }).pipe(Effect.provide(layer())))

  it.effect("department groups, when asked", () =>
    Effect.gen(function*() {
      yield* (yield* hr).onboardEmployee(employee(14), { departmentGroup: true })
      assert.deepStrictEqual((yield* stateOf).users.get("employee14@example.com")!.groups.sort(), [
        "Employees",
        "Engineering"
      ])
    }).pipe(Effect.provide(layer())))
})

describe("onboardMany", () => {
  const batch = (n: number, from = 0) =>
    Array.from({ length: n }, (_, i) => employee(from + i, ["employee", "hr_manager", "admin"][i % 3]!))

  const run = (input: ReadonlyArray<Employee.Employee>, options: HrDirectory.BatchOptions = {}) =>
    Effect.flatMap(hr, (service) => Stream.runCollect(service.onboardMany(input, options))).pipe(
      Effect.map(Chunk.toReadonlyArray)
    )

  const expectExactState = (employees: ReadonlyArray<ReturnType<typeof employee>>) =>
    Effect.gen(function*() {
      const state = yield* stateOf
      assert.strictEqual(state.users.size, employees.length)
      const roleGroup: Record<string, string> = { employee: "Employees", hr_manager: "HR-Managers", admin: "HR-Admins" }
      for (const e of employees) {
        const user = state.users.get(e.email)
        assert.isDefined(user, e.email)
        assert.strictEqual(user!.employeeNumber, e.employeeId)
        assert.deepStrictEqual(user!.groups, [roleGroup[e.role]!], e.email)
      }
    })

  it.effect("500 employees in one batch (Bulk), then a re-run that creates nothing new", () =>
    Effect.gen(function*() {
      const employees = batch(500)
      const first = yield* run(employees)
      assert.strictEqual(first.length, 500)
      assert.isTrue(
        first.every((r) => r.line.outcome === "created"),
        JSON.stringify(first.find((r) => r.line.outcome !== "created"))
      )
      assert.strictEqual(first[first.length - 1]!.progress.done, 500)
      yield* expectExactState(employees)
      const log = yield* scimRequests
      assert.isAbove(log.filter((e) => e.path.endsWith("/Bulk")).length, 0)
      const second = yield* run(employees)
      assert.isTrue(
        second.every((r) => r.line.outcome === "existing"),
        JSON.stringify(second.find((r) => r.line.outcome !== "existing"))
      )
      yield* expectExactState(employees)
    }).pipe(Effect.provide(layer())), 120_000)

  it.live(
    "under Asgardeo's limits (time-scaled), the Bulk lane and the single-request lanes work at once, with no 429",
    () =>
      Effect.gen(function*() {
        const emu = yield* emulator
        const employees = batch(700)
        const results = yield* run(employees, { concurrency: 8 })
        assert.isTrue(results.every((r) => r.line.outcome === "created"))
        const log = yield* scimRequests
        assert.isAbove(log.filter((e) => e.method === "POST" && e.path.endsWith("/Bulk")).length, 0)
        assert.isAbove(log.filter((e) => e.method === "POST" && e.path.endsWith("/Users")).length, 0)
        const limited = (yield* emu.log).filter((e) => e.status === 429)
        assert.deepStrictEqual(limited.map((e) => `${e.method} ${e.path} ${e.time}`), [])
        yield* expectExactState(employees)
      }).pipe(Effect.provide(layer(
        // 60x: a minute of Asgardeo's budget per second, on both sides. The client's windows are
        // 10% longer: the other tests of this file run at the same time on this event loop and
        // delay a request between its slot and its arrival by more than the limiter's margin.
        { rateLimits: { enabled: true, window: "fixed", timeScale: 60 } },
        {
          rateLimits: {
            scim: { limit: 200, window: "1 second" },
            token: { limit: 200, window: "1 second" },
            bulk: { limit: 5, window: "1 second" }
          }
        }
      ))),
    60_000
  )

  it.effect("without Bulk, with bounded concurrency", () =>
    Effect.gen(function*() {
      const employees = batch(60)
      const results = yield* run(employees, { bulk: false, concurrency: 4 })
      assert.isTrue(results.every((r) => r.line.outcome === "created"))
      assert.strictEqual((yield* scimRequests).filter((e) => e.path.endsWith("/Bulk")).length, 0)
      yield* expectExactState(employees)
    }).pipe(Effect.provide(layer())))

  it.effect("invalid rows are reported and skipped, never abort the batch", () =>
    Effect.gen(function*() {
      const employees = batch(5)
      const input = [...employees, { ...employee(99), email: "bad" }, { ...employee(98), role: "ceo" }, "garbage"]
      const results = yield* Effect.flatMap(hr, (service) => Stream.runCollect(service.onboardManyUnknown(input))).pipe(
        Effect.map(Chunk.toReadonlyArray)
      )
      assert.strictEqual(results.length, 8)
      assert.deepStrictEqual(results.filter((r) => r.line.outcome === "invalid").map((r) => r.index).sort(), [5, 6, 7])
      yield* expectExactState(employees)
    }).pipe(Effect.provide(layer())))

  it.effect("a report lets a re-run skip what is done", () =>
    Effect.gen(function*() {
      const employees = batch(20)
      const first = yield* run(employees.slice(0, 12))
      const report = Report.parse(first.map((r) => Report.encodeLine(r.line)).join("") + "{\"cut short")
      assert.strictEqual(report.skipped, 1)
      const emu = yield* emulator
      yield* emu.clearLog
      const second = yield* run(employees, { skip: Report.doneIds(report) })
      assert.strictEqual(second.length, 8)
      yield* expectExactState(employees)
    }).pipe(Effect.provide(layer())))

  for (
    const [mode, options, rate] of [
      ["single requests", { bulk: false, concurrency: 8 }, 1],
      ["bulk", { bulk: true, bulkSize: 10, concurrency: 8 }, 1]
    ] as const
  ) {
    it.live(
      `${mode}: with injected 429s, 5xx, dropped connections and token expiry: nothing lost, nothing duplicated`,
      () =>
        Effect.gen(function*() {
          const emu = yield* emulator
          const employees = batch(150)
          yield* emu.injectFault(AsgardeoEmulator.status(503, { percentage: rate * 5, seed: 1 }))
          yield* emu.injectFault(AsgardeoEmulator.tooManyRequests({ percentage: rate * 2, seed: 2 }, 0))
          yield* emu.injectFault(AsgardeoEmulator.tooManyRequests({ percentage: rate * 2, seed: 5 }))
          yield* emu.injectFault(
            AsgardeoEmulator.dropConnection("after", { method: "POST", percentage: rate * 3, seed: 3 })
          )
          yield* emu.injectFault(AsgardeoEmulator.dropConnection("before", { percentage: rate * 2, seed: 4 }))
          // Bulk requests: one answer lost after the server applied it, one 503, one 429.
          yield* emu.injectFault(AsgardeoEmulator.dropConnection("after", { path: /\/Bulk$/, times: 1 }))
          yield* emu.injectFault(AsgardeoEmulator.status(503, { path: /\/Bulk$/, times: 1 }))
          yield* emu.injectFault(AsgardeoEmulator.tooManyRequests({ path: /\/Bulk$/, times: 1 }, 0))
          // Tokens expire every few hundred milliseconds while the batch runs.
          const expiry = yield* Effect.fork(
            Effect.forever(Effect.zipRight(Effect.sleep("300 millis"), emu.expireAllTokens))
          )
          const first = yield* run(employees, options)
          yield* Fiber.interrupt(expiry)
          assert.strictEqual(first.length, employees.length)
          // Each per-employee result matches the state.
          const state = yield* stateOf
          for (const r of first) {
            const user = state.users.get(r.line.userName.replace(/^DEFAULT\//, ""))
            if (Report.isDone(r.line)) {
              assert.isDefined(user, JSON.stringify(r.line))
              assert.strictEqual(user!.id, r.line.userId)
              assert.strictEqual(user!.groups.length, 1, JSON.stringify(r.line))
            }
          }
          const faults = (yield* emu.counters).faultsApplied
          assert.isAbove(faults, mode === "bulk" ? 3 : 10)
          // With retries and reconciliation the batch itself ends with the exact state.
          const notDone = first.filter((r) => !Report.isDone(r.line))
          assert.deepStrictEqual(notDone.map((r) => r.line), [])
          yield* expectExactState(employees)
          // And a re-run changes nothing.
          yield* emu.clearFaults
          const again = yield* run(employees, options)
          assert.isTrue(again.every((r) => r.line.outcome === "existing"))
          yield* expectExactState(employees)
        }).pipe(Effect.provide(layer({}, { retry: { maxAttempts: 6, baseDelay: "2 millis", maxDelay: "20 millis" } }))),
      120_000
    )
  }
})

describe("HrDirectory across user stores", () => {
  const stores = { quirks: { userStores: ["DEFAULT", "PARTNERS"] } }
  const kim = { ...employee(1, "hr_manager"), email: "kim@example.com" }

  it.live("onboarding kim@example.com when only PARTNERS/kim exists creates DEFAULT/kim, even after a lost POST", () =>
    Effect.gen(function*() {
      const emu = yield* emulator
      const [partners] = yield* emu.seedUsers([{ userName: "PARTNERS/kim@example.com" }])
      // The first POST never reaches the server: the lookup that follows must not pick PARTNERS/kim.
      yield* emu.injectFault(AsgardeoEmulator.dropConnection("before", { method: "POST", path: "*/Users", times: 1 }))
      const result = yield* (yield* hr).onboardEmployee(kim)
      assert.strictEqual(result.outcome, "created")
      assert.strictEqual(result.userName, "DEFAULT/kim@example.com")
      assert.notStrictEqual(result.userId, partners!.id)
      const snap = yield* emu.snapshot()
      const partnersKim = snap.users.find((u) => u.id === partners!.id)!
      assert.isUndefined(partnersKim["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"])
      assert.deepStrictEqual(snap.memberships.filter((m) => m.userId === partners!.id), [])
    }).pipe(Effect.provide(layer(stores, fast))))

  it.effect("role groups: PARTNERS/HR-Managers is not the role group; DEFAULT/HR-Managers is created", () =>
    Effect.gen(function*() {
      const emu = yield* emulator
      const [partnersGroup] = yield* emu.seedGroups([{ displayName: "PARTNERS/HR-Managers" }])
      const service = yield* hr
      const groups = yield* service.ensureRoleGroups
      const managers = groups.find((g) => g.role === "hr_manager")!
      assert.strictEqual(managers.displayName, "DEFAULT/HR-Managers")
      assert.notStrictEqual(managers.id, partnersGroup!.id)
      const result = yield* service.onboardEmployee(kim)
      const snap = yield* emu.snapshot()
      assert.deepStrictEqual(snap.memberships, [{ groupId: managers.id, userId: result.userId }])
      const found = yield* service.findGroupByName("HR-Managers")
      assert.isTrue(found._tag === "Some" && found.value.id === managers.id)
      const qualified = yield* service.findGroupByName("PARTNERS/HR-Managers")
      assert.isTrue(qualified._tag === "Some" && qualified.value.id === partnersGroup!.id)
    }).pipe(Effect.provide(layer(stores))))

  it.effect("assignUserRole after the group's create answer was lost: the group and membership are there, success", () =>
    Effect.gen(function*() {
      const emu = yield* emulator
      const service = yield* hr
      const a = yield* service.onboardEmployee(kim)
      yield* emu.injectFault(AsgardeoEmulator.dropConnection("after", { method: "POST", path: "*/Groups", times: 1 }))
      const group = yield* service.assignUserRole(a.userId, "Engineering")
      assert.strictEqual(group.displayName, "DEFAULT/Engineering")
      const snap = yield* emu.snapshot()
      assert.strictEqual(snap.groups.filter((g) => String(g.displayName).endsWith("/Engineering")).length, 1)
      assert.isTrue(snap.memberships.some((m) => m.groupId === group.id && m.userId === a.userId))
    }).pipe(Effect.provide(layer(stores))))
})
