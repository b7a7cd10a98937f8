// The role groups' cache: one lookup for every concurrent caller, answers from the cache after,
// and a cached group that turns out deleted is dropped and looked up (and recreated) again, by
// every operation that places a user in a role, onboarding included.
import { Groups } from "@asgardeo-scim/directory"
import { HrDirectory, RoleGroups } from "@asgardeo-scim/hr"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { employee, emulator, layer, scimRequests, stateOf } from "./utils/Emulated.js"

const groupRequests = Effect.map(scimRequests, (log) => log.filter((e) => e.path.includes("/Groups")))

describe("RoleGroups", () => {
  it.effect("many concurrent callers share one lookup; later calls send nothing", () =>
    Effect.gen(function*() {
      const roleGroups = yield* RoleGroups.RoleGroups
      const results = yield* Effect.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? roleGroups.ensure : roleGroups.of("employee"))),
        { concurrency: "unbounded" }
      )
      const first = (yield* groupRequests).map((e) => `${e.method} ${e.path}`)
      // One lookup and one creation per role group, whatever the number of callers.
      assert.strictEqual(first.filter((r) => r.startsWith("POST")).length, 3, first.join("\n"))
      assert.strictEqual(first.filter((r) => r.startsWith("GET")).length, 3, first.join("\n"))
      const employees = results.find((r) => !Array.isArray(r)) as RoleGroups.RoleGroup
      assert.strictEqual(employees.displayName, "DEFAULT/Employees")
      yield* Effect.all(Array.from({ length: 10 }, () => roleGroups.ensure), { concurrency: "unbounded" })
      assert.strictEqual((yield* groupRequests).length, first.length)
      // The HR service uses the same cache.
      yield* (yield* HrDirectory.HrDirectory).ensureRoleGroups
      assert.strictEqual((yield* groupRequests).length, first.length)
    }).pipe(Effect.provide(layer())))

  it.effect("of: a role outside the mapping is UnknownRole, before any request", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip((yield* RoleGroups.RoleGroups).of("ceo"))
      assert.strictEqual(error._tag, "UnknownRole")
      assert.deepStrictEqual(yield* scimRequests, [])
    }).pipe(Effect.provide(layer())))

  it.effect("forget: the next call looks the groups up again", () =>
    Effect.gen(function*() {
      const roleGroups = yield* RoleGroups.RoleGroups
      yield* roleGroups.ensure
      const before = (yield* groupRequests).length
      yield* roleGroups.forget
      const again = yield* roleGroups.ensure
      assert.strictEqual((yield* groupRequests).length, before + 3, "three lookups, no creation")
      assert.strictEqual(again.length, 3)
    }).pipe(Effect.provide(layer())))

  it.effect("a failed lookup is not cached", () =>
    Effect.gen(function*() {
      const emu = yield* emulator
      const roleGroups = yield* RoleGroups.RoleGroups
      const fault = yield* emu.injectFault(AsgardeoEmulator.status(403, { method: "GET", path: "*/Groups" }))
      assert.strictEqual((yield* Effect.flip(roleGroups.ensure))._tag, "Forbidden")
      yield* emu.removeFault(fault)
      assert.strictEqual((yield* roleGroups.ensure).length, 3)
    }).pipe(Effect.provide(layer())))

  it.effect("withGroups: a 404 drops the cache, the groups are looked up again and the operation runs once more", () =>
    Effect.gen(function*() {
      const roleGroups = yield* RoleGroups.RoleGroups
      const groups = yield* Groups.Groups
      const cached = yield* roleGroups.ensure
      const old = cached.find((g) => g.role === "employee")!
      yield* groups.delete(old.id)
      const seen: Array<string> = []
      const id = yield* roleGroups.withGroups((all) => {
        const group = all.find((g) => g.role === "employee")!
        seen.push(group.id)
        return Effect.as(groups.get(group.id), group.id)
      })
      assert.deepStrictEqual(seen, [old.id, id])
      assert.notStrictEqual(id, old.id)
      assert.strictEqual((yield* roleGroups.of("employee")).id, id)
    }).pipe(Effect.provide(layer())))
})

describe("a deleted role group", () => {
  it.effect("onboardEmployee: the group is recreated once and the employee placed in it (not Incomplete)", () =>
    Effect.gen(function*() {
      const service = yield* HrDirectory.HrDirectory
      const groups = yield* Groups.Groups
      const old = (yield* service.ensureRoleGroups).find((g) => g.role === "employee")!
      yield* groups.delete(old.id)
      const emu = yield* emulator
      yield* emu.clearLog
      const results = yield* Effect.all(
        Array.from({ length: 6 }, (_, i) => service.onboardEmployee(employee(i))),
        { concurrency: "unbounded" }
      )
      assert.deepStrictEqual(results.map((r) => r.outcome), Array(6).fill("created"))
      const state = yield* stateOf
      for (let i = 0; i < 6; i++) {
        assert.deepStrictEqual(state.users.get(`employee${i}@example.com`)!.groups, ["Employees"])
      }
      const created = (yield* groupRequests).filter((e) => e.method === "POST")
      assert.strictEqual(created.length, 1, "one new Employees group, whatever the number of employees")
      const fresh = (yield* service.ensureRoleGroups).find((g) => g.role === "employee")!
      assert.notStrictEqual(fresh.id, old.id)
    }).pipe(Effect.provide(layer())))

  it.effect("changeRole and assignRole find the new group too", () =>
    Effect.gen(function*() {
      const service = yield* HrDirectory.HrDirectory
      const groups = yield* Groups.Groups
      const onboarded = yield* service.onboardEmployee(employee(1, "employee"))
      const cached = yield* service.ensureRoleGroups
      yield* groups.delete(cached.find((g) => g.role === "hr_manager")!.id)
      const change = yield* service.changeRole(onboarded.userId, "hr_manager")
      assert.isTrue(change.added)
      yield* groups.delete((yield* service.ensureRoleGroups).find((g) => g.role === "admin")!.id)
      yield* service.assignRole(onboarded.userId, "admin")
      assert.deepStrictEqual((yield* stateOf).users.get("employee1@example.com")!.groups.sort(), [
        "HR-Admins",
        "HR-Managers"
      ])
    }).pipe(Effect.provide(layer())))
})
