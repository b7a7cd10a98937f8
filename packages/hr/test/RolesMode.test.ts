// HR on Asgardeo's own roles (HrDirectory.layerRoles), on the emulator's Roles API v2 and v3 (an
// app authorized for one of them): onboarding assigns exactly the mapped role and re-running it
// writes nothing; a role change assigns the new role before it unassigns the old one (never
// role-less, even when the unassign fails); offboarding unassigns the mapped roles only; roles
// outside the mapping are never touched; a batch of 20 ends with each employee in its role.
import { Scopes } from "@asgardeo-scim/core"
import { Roles, User, Users } from "@asgardeo-scim/directory"
import { HrDirectory } from "@asgardeo-scim/hr"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import { directory, employee, emulator, rolesByUser, scimRequests } from "./utils/Emulated.js"

const APP = "3645709f-ea8d-5595-7690-e1fa0efe3df9"
const uuid = "00000000-0000-4000-8000-000000000000"

const mapping = {
  admin: "HR Admin",
  hr_manager: { displayName: "HR Manager", audience: { type: "organization" } },
  employee: { displayName: "Employee", audience: { type: "application", value: APP } }
} as const

/** The directory on an emulator whose app is authorized for one Roles API (`scopes`: its own list). */
const on = (
  rolesApi: "v2" | "v3",
  scopes?: ReadonlyArray<string>,
  config: Parameters<typeof directory>[1] = {}
) =>
  directory({
    apps: [{
      ...AsgardeoEmulator.defaultCredentials,
      id: APP,
      name: "HR App",
      rolesApi,
      ...(scopes === undefined ? {} : { scopes })
    }]
  }, config)

type Ids = Readonly<Record<"HR Admin" | "HR Manager" | "Employee" | "Auditor", string>>

/**
 * Makes the mapped roles and one outside the mapping (Auditor), then runs `program` with HR in
 * roles mode over them (its layer built once they exist), with the emulator's log cleared.
 */
const withHr = <A, E, R>(program: (ids: Ids) => Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const emu = yield* emulator
    const made = yield* emu.seedRoles([
      { displayName: "HR Admin" },
      { displayName: "HR Manager" },
      { displayName: "Employee", audience: { type: "application", value: APP } },
      { displayName: "Auditor" }
    ])
    const ids: Ids = {
      "HR Admin": made[0]!.id,
      "HR Manager": made[1]!.id,
      "Employee": made[2]!.id,
      "Auditor": made[3]!.id
    }
    return yield* Effect.provide(Effect.zipRight(emu.clearLog, program(ids)), HrDirectory.layerRoles(mapping))
  })

/** The writes applied (not refused: a create answered 409 is a lookup), as `METHOD path`. */
const writes = Effect.map(
  scimRequests,
  (log) =>
    log.filter((e) => e.method !== "GET" && !e.path.endsWith("/.search") && e.status !== undefined && e.status < 400)
      .map((e) => `${e.method} ${e.path}`)
)

const hr = HrDirectory.HrDirectory

for (const version of ["v2", "v3"] as const) {
  /** The request that assigns or unassigns users of a role on this version. */
  const assignment = (id: string) =>
    version === "v2" ? `PATCH /t/acme/scim2/v2/Roles/${id}` : `PATCH /t/acme/scim2/v3/Roles/${id}/Users`

  describe(`roles mode on Roles ${version}`, () => {
    it.effect("onboarding assigns exactly the mapped role (no group), through this version's endpoint", () =>
      withHr((ids) =>
        Effect.gen(function*() {
          const result = yield* (yield* hr).onboardEmployee(employee(1, "employee"))
          assert.strictEqual(result.outcome, "created")
          assert.deepStrictEqual((yield* rolesByUser).get("employee1@example.com"), ["Employee"])
          assert.deepStrictEqual(yield* writes, ["POST /t/acme/scim2/Users", assignment(ids.Employee)])
          assert.deepStrictEqual((yield* (yield* emulator).snapshot()).groups, [])
        })
      ).pipe(Effect.provide(on(version))))

    it.effect("re-running it writes nothing, and the role lists the user once", () =>
      withHr((ids) =>
        Effect.gen(function*() {
          const service = yield* hr
          const emu = yield* emulator
          const first = yield* service.onboardEmployee(employee(2, "hr_manager"))
          yield* emu.clearLog
          const again = yield* service.onboardEmployee(employee(2, "hr_manager"))
          assert.deepStrictEqual([again.outcome, again.userId], ["existing", first.userId])
          // The create answered 409, then the lookup by userName, whose answer holds the user's roles.
          assert.deepStrictEqual((yield* scimRequests).map((e) => [e.method, e.status]), [["POST", 409], ["GET", 200]])
          assert.deepStrictEqual(yield* writes, [])
          const role = (yield* emu.snapshot()).roles.find((r) => r.id === ids["HR Manager"])!
          assert.deepStrictEqual((role.users as ReadonlyArray<{ value: string }>).map((u) => u.value), [first.userId])
        })
      ).pipe(Effect.provide(on(version))))

    it.effect("assigning a role held already: the emulator answers 200 and lists the user once", () =>
      withHr((ids) =>
        Effect.gen(function*() {
          const service = yield* hr
          const kim = yield* service.onboardEmployee(employee(3, "admin"))
          const emu = yield* emulator
          yield* emu.clearLog
          const assigned = yield* service.assignRole(kim.userId, "admin")
          assert.deepStrictEqual([assigned.id, assigned.name], [ids["HR Admin"], "HR Admin"])
          const log = yield* scimRequests
          assert.deepStrictEqual(log.map((e) => [`${e.method} ${e.path}`, e.status]), [[
            assignment(ids["HR Admin"]),
            200
          ]])
          assert.deepStrictEqual((yield* rolesByUser).get("employee3@example.com"), ["HR Admin"])
        })
      ).pipe(Effect.provide(on(version))))

    it.effect("a role change assigns the new role, then unassigns the old one", () =>
      withHr((ids) =>
        Effect.gen(function*() {
          const service = yield* hr
          const kim = yield* service.onboardEmployee(employee(4, "employee"))
          yield* (yield* emulator).clearLog
          const change = yield* service.changeRole(kim.userId, "hr_manager")
          assert.deepStrictEqual(change, {
            userId: kim.userId,
            userName: "DEFAULT/employee4@example.com",
            role: "hr_manager",
            added: true,
            removedFrom: ["Employee"]
          })
          assert.deepStrictEqual(yield* writes, [assignment(ids["HR Manager"]), assignment(ids.Employee)])
          assert.deepStrictEqual((yield* rolesByUser).get("employee4@example.com"), ["HR Manager"])
          // Onboarding the employee with another role reconciles the same way.
          yield* (yield* emulator).clearLog
          const again = yield* service.onboardEmployee(employee(4, "admin"))
          assert.strictEqual(again.outcome, "updated")
          assert.deepStrictEqual(yield* writes, [assignment(ids["HR Admin"]), assignment(ids["HR Manager"])])
          assert.deepStrictEqual((yield* rolesByUser).get("employee4@example.com"), ["HR Admin"])
        })
      ).pipe(Effect.provide(on(version))))

    it.effect(
      "never role-less: an unassign that fails leaves both roles (Incomplete); a re-run completes it",
      () =>
        withHr((ids) =>
          Effect.gen(function*() {
            const service = yield* hr
            const emu = yield* emulator
            const kim = yield* service.onboardEmployee(employee(5, "employee"))
            const fault = yield* emu.injectFault(
              AsgardeoEmulator.status(500, { method: "PATCH", path: `*/Roles/${ids.Employee}*` })
            )
            const error = yield* Effect.flip(service.changeRole(kim.userId, "hr_manager"))
            assert.strictEqual(error._tag, "Incomplete")
            if (error._tag === "Incomplete") {
              assert.deepStrictEqual(
                [error.operation, error.completed, error.pending, error.causeTag],
                ["changeRole", ["assigned role HR Manager"], ["unassign role Employee"], "ServerError"]
              )
            }
            assert.deepStrictEqual((yield* rolesByUser).get("employee5@example.com"), ["Employee", "HR Manager"])
            yield* emu.removeFault(fault)
            const done = yield* service.changeRole(kim.userId, "hr_manager")
            assert.deepStrictEqual([done.added, done.removedFrom], [false, ["Employee"]])
            assert.deepStrictEqual((yield* rolesByUser).get("employee5@example.com"), ["HR Manager"])
          })
        ).pipe(Effect.provide(on(version, undefined, { retry: { maxAttempts: 1 } })))
    ) // One attempt: the 500 is final at once (retried, its backoff waits ran on the auto-advanced
    // TestClock, which on a loaded machine sometimes never moved: a 30 s hang in CI)

    it.effect("a change to the role held is a no-op: nothing written", () =>
      withHr(() =>
        Effect.gen(function*() {
          const service = yield* hr
          const kim = yield* service.onboardEmployee(employee(6, "admin"))
          yield* (yield* emulator).clearLog
          const change = yield* service.changeRole(kim.userId, "admin")
          assert.deepStrictEqual([change.added, change.removedFrom], [false, []])
          assert.deepStrictEqual(yield* writes, [])
        })
      ).pipe(Effect.provide(on(version))))

    it.effect("roles outside the mapping are kept; offboarding unassigns the mapped ones only, then deletes", () =>
      withHr((ids) =>
        Effect.gen(function*() {
          const service = yield* hr
          const roles = yield* Roles.Roles
          const kim = yield* service.onboardEmployee(employee(7, "admin"))
          yield* roles.assignUsers(ids.Auditor, [kim.userId])
          yield* service.changeRole(kim.userId, "employee")
          assert.deepStrictEqual((yield* rolesByUser).get("employee7@example.com"), ["Auditor", "Employee"])
          yield* (yield* emulator).clearLog
          const off = yield* service.offboard(kim.userId)
          assert.deepStrictEqual([off.removedFrom, off.deleted], [["Employee"], false])
          assert.deepStrictEqual((yield* rolesByUser).get("employee7@example.com"), ["Auditor"])
          assert.isFalse(User.isActive(yield* (yield* Users.Users).get(kim.userId)))
          assert.deepStrictEqual(yield* writes, [`PATCH /t/acme/scim2/Users/${kim.userId}`, assignment(ids.Employee)])
          // Again, with delete: nothing mapped left to unassign; the user goes.
          const gone = yield* service.offboard(kim.userId, { delete: true })
          assert.deepStrictEqual([gone.removedFrom, gone.deleted], [[], true])
          assert.isUndefined((yield* rolesByUser).get("employee7@example.com"))
        })
      ).pipe(Effect.provide(on(version))))

    it.effect("an offboarding whose unassign fails is Incomplete: deactivated, the role and the delete pending", () =>
      withHr((ids) =>
        Effect.gen(function*() {
          const service = yield* hr
          const emu = yield* emulator
          const kim = yield* service.onboardEmployee(employee(8, "hr_manager"))
          yield* emu.injectFault(
            AsgardeoEmulator.status(403, { method: "PATCH", path: `*/Roles/${ids["HR Manager"]}*` })
          )
          const error = yield* Effect.flip(service.offboard(kim.userId, { delete: true }))
          assert.strictEqual(error._tag, "Incomplete")
          if (error._tag === "Incomplete") {
            assert.deepStrictEqual([error.completed, error.pending, error.causeTag], [
              ["deactivated"],
              ["unassign role HR Manager", "delete"],
              "Forbidden"
            ])
          }
          assert.deepStrictEqual((yield* rolesByUser).get("employee8@example.com"), ["HR Manager"])
        })
      ).pipe(Effect.provide(on(version))))

    it.effect("an unknown role is UnknownRole before any request", () =>
      withHr(() =>
        Effect.gen(function*() {
          const service = yield* hr
          const errors = [
            yield* Effect.flip(service.onboardEmployee(employee(9, "ceo"))),
            yield* Effect.flip(service.changeRole(uuid, "ceo")),
            yield* Effect.flip(service.assignRole(uuid, "ceo"))
          ]
          for (const error of errors) {
            assert.strictEqual(error._tag, "UnknownRole")
            assert.include(error.message, "known roles: admin, hr_manager, employee")
          }
          assert.deepStrictEqual(yield* scimRequests, [])
        })
      ).pipe(Effect.provide(on(version))))

    it.effect("ensureRoleGroups answers the mapped roles as found, without a request", () =>
      withHr((ids) =>
        Effect.gen(function*() {
          const service = yield* hr
          assert.deepStrictEqual(service.roles, ["admin", "hr_manager", "employee"])
          const found = yield* service.ensureRoleGroups
          assert.deepStrictEqual(found.map((r) => [r.role, r.name, r.id]), [
            ["admin", "HR Admin", ids["HR Admin"]],
            ["hr_manager", "HR Manager", ids["HR Manager"]],
            ["employee", "Employee", ids.Employee]
          ])
          assert.deepStrictEqual(yield* scimRequests, [])
        })
      ).pipe(Effect.provide(on(version))))

    it.effect("a mapped role deleted and recreated: looked up again, the employee gets the new one", () =>
      withHr((ids) =>
        Effect.gen(function*() {
          const roles = yield* Roles.Roles
          yield* roles.delete(ids["HR Admin"])
          const recreated = yield* roles.create({ displayName: "HR Admin" })
          const kim = yield* (yield* hr).onboardEmployee(employee(1, "admin"))
          assert.deepStrictEqual((yield* rolesByUser).get(kim.userName.replace(/^DEFAULT\//, "")), ["HR Admin"])
          assert.isTrue((yield* writes).includes(assignment(recreated.id)))
          // A role change to it afterwards uses the new id too, without another lookup failure.
          yield* (yield* hr).changeRole(kim.userId, "hr_manager")
          yield* (yield* hr).changeRole(kim.userId, "admin")
        })
      ).pipe(Effect.provide(on(version))))

    it.effect("a mapped role deleted under a batch: MissingRole ends it, not role-less users one after another", () =>
      withHr((ids) =>
        Effect.gen(function*() {
          yield* (yield* Roles.Roles).delete(ids["HR Admin"])
          const employees = Array.from({ length: 5 }, (_, i) => employee(200 + i, "admin"))
          const exit = yield* Effect.either(
            Stream.runCollect((yield* hr).onboardMany(employees, { bulk: false, concurrency: 1 }))
          )
          assert.isTrue(exit._tag === "Left" && exit.left._tag === "BatchAborted", String(exit))
          if (exit._tag === "Left" && exit.left._tag === "BatchAborted") {
            assert.strictEqual(exit.left.causeTag, "MissingRole")
          }
          const created = (yield* writes).filter((w) => w === "POST /t/acme/scim2/Users")
          assert.isAtMost(created.length, 1)
        })
      ).pipe(Effect.provide(on(version))))

    it.effect("a batch of 20: Bulk creates the users, each employee ends with exactly its role", () =>
      withHr((ids) =>
        Effect.gen(function*() {
          const service = yield* hr
          const roleName: Record<string, string> = { admin: "HR Admin", hr_manager: "HR Manager", employee: "Employee" }
          const employees = Array.from(
            { length: 20 },
            (_, i) => employee(100 + i, ["employee", "hr_manager", "admin"][i % 3]!)
          )
          const results = Chunk.toReadonlyArray(
            yield* Stream.runCollect(service.onboardMany(employees, { concurrency: 4 }))
          )
          assert.deepStrictEqual(results.map((r) => r.line.outcome), employees.map(() => "created"))
          const held = yield* rolesByUser
          for (const e of employees) assert.deepStrictEqual(held.get(e.email), [roleName[e.role]!], e.email)
          const sent = yield* writes
          assert.isAbove(sent.filter((w) => w === "POST /t/acme/scim2/Bulk").length, 0)
          assert.deepStrictEqual(sent.filter((w) => w === "POST /t/acme/scim2/Users"), [])
          const assignments = sent.filter((w) => w.startsWith("PATCH"))
          assert.strictEqual(assignments.length, 20)
          assert.isTrue(assignments.every((w) => Object.values(ids).some((id) => w === assignment(id))))
          assert.deepStrictEqual((yield* (yield* emulator).snapshot()).groups, [])
          // A re-run assigns nothing again (each create answered 409, each user found holding its role).
          yield* (yield* emulator).clearLog
          const again = Chunk.toReadonlyArray(yield* Stream.runCollect(service.onboardMany(employees, { bulk: false })))
          assert.deepStrictEqual(again.map((r) => r.line.outcome), employees.map(() => "existing"))
          assert.deepStrictEqual(yield* writes, [])
        })
      ).pipe(Effect.provide(on(version))))
  })
}

describe("roles mode: the batch's scopes", () => {
  it("batchScopes: the Roles API's assignment scopes instead of the Groups API's (but for department groups)", () => {
    const scopes = (options: Parameters<typeof HrDirectory.batchScopes>[0]) =>
      Array.from<string>(HrDirectory.batchScopes(options))
    const users = [
      "internal_user_mgt_list",
      "internal_user_mgt_view",
      "internal_user_mgt_create",
      "internal_user_mgt_update"
    ]
    const groups = ["internal_group_mgt_view", "internal_group_mgt_create", "internal_group_mgt_update"]
    assert.deepStrictEqual(scopes({ bulk: false, roles: "v2" }), [
      ...users,
      "internal_role_mgt_view",
      "internal_role_mgt_update"
    ])
    assert.deepStrictEqual(scopes({ bulk: true, roles: "v3" }), [
      ...users,
      "internal_role_mgt_view",
      "internal_role_mgt_users_update",
      "internal_bulk_user_create"
    ])
    assert.deepStrictEqual(scopes({ bulk: false, roles: "v3", departmentGroup: true }), [
      ...users,
      ...groups,
      "internal_role_mgt_view",
      "internal_role_mgt_users_update"
    ])
    // Role groups mode is as it was.
    assert.deepStrictEqual(
      HrDirectory.batchScopes({ bulk: true }),
      Scopes.forOperations([...HrDirectory.batchOperations, ...HrDirectory.bulkOperations])
    )
  })

  const without = (...scopes: ReadonlyArray<string>) => AsgardeoEmulator.allScopes.filter((s) => !scopes.includes(s))

  for (
    const [version, missing] of [["v2", "internal_role_mgt_update"], ["v3", "internal_role_mgt_users_update"]] as const
  ) {
    it.effect(`${version} without ${missing}: MissingScopes naming it, nothing written`, () =>
      withHr(() =>
        Effect.gen(function*() {
          const exit = yield* Effect.either(Stream.runDrain((yield* hr).onboardMany([employee(1), employee(2)])))
          assert.isTrue(exit._tag === "Left" && exit.left._tag === "MissingScopes")
          if (exit._tag === "Left" && exit.left._tag === "MissingScopes") {
            assert.deepStrictEqual(exit.left.scopes, [missing])
          }
          assert.deepStrictEqual(yield* writes, [])
        })
      ).pipe(Effect.provide(on(version, without(missing)))))
  }

  it.effect("an app without the Groups API: a roles batch needs none of it", () =>
    withHr(() =>
      Effect.gen(function*() {
        const results = yield* Stream.runCollect((yield* hr).onboardMany([employee(1), employee(2, "admin")]))
        assert.deepStrictEqual(Chunk.toReadonlyArray(results).map((r) => r.line.outcome), ["created", "created"])
        assert.deepStrictEqual((yield* rolesByUser).get("employee2@example.com"), ["HR Admin"])
      })
    ).pipe(Effect.provide(on("v3", AsgardeoEmulator.allScopes.filter((s) => !s.startsWith("internal_group_mgt_"))))))
})
