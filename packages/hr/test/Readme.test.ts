// The code of packages/hr/README.md, run against the emulator: keep the two in step.
import { Directory, User, Users } from "@asgardeo-scim/directory"
import { HrDirectory, RoleMapping } from "@asgardeo-scim/hr"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, it } from "@effect/vitest"
import { Effect, Layer, Redacted, Stream } from "effect"
import { directory, layer, rolesByUser } from "./utils/Emulated.js"

// --- README: the HR flow ---------------------------------------------------------------------
const program = Effect.gen(function*() {
  const hr = yield* HrDirectory.HrDirectory

  // One-time setup: HR-Admins, HR-Managers, Employees (idempotent).
  yield* hr.ensureRoleGroups

  // Onboard: an invited user (askPassword) with employeeNumber and department, in its role group.
  const kim = yield* hr.onboardEmployee({
    employeeId: "E-1001",
    email: "kim@example.com",
    firstName: "Kim",
    lastName: "Lee",
    department: "Engineering",
    role: "employee"
  })

  // Promote: joins HR-Managers first, then leaves Employees.
  yield* hr.changeRole(kim.userId, "hr_manager")

  // A batch: a Stream of results, one per employee, safe to re-run.
  const results = yield* Stream.runCollect(hr.onboardMany([
    {
      employeeId: "E-1002",
      email: "ana@example.com",
      firstName: "Ana",
      lastName: "Silva",
      department: "Sales",
      role: "employee"
    },
    {
      employeeId: "E-1003",
      email: "raj@example.com",
      firstName: "Raj",
      lastName: "Patel",
      department: "HR",
      role: "admin"
    }
  ]))

  // Offboard: deactivate and remove from every role group (and delete, if asked).
  yield* hr.offboard(kim.userId)
  return results
})

const HrLive = (options: { organization: string; clientId: string; clientSecret: string; baseUrl?: string }) =>
  HrDirectory.layer.pipe(
    Layer.provide(RoleMapping.layer()), // or RoleMapping.layer({ admin: "Admins", ... })
    Layer.provideMerge(Directory.layerAsgardeo({
      organization: options.organization,
      clientId: options.clientId,
      clientSecret: Redacted.make(options.clientSecret),
      ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl, rateLimits: false as const } : {})
    }))
  )
// --- end of README code ----------------------------------------------------------------------

// --- README: Typed inputs --------------------------------------------------------------------
const roles = { admin: "HR-Admins", engineer: "Engineers" } as const

const onboardAnn = Effect.gen(function*() {
  // The service typed by the roles: checks, once and before any request, that each is configured.
  const hr = yield* HrDirectory.typed(roles)
  return yield* hr.onboardEmployee({
    employeeId: "E-2001",
    email: "ann@example.com",
    firstName: "Ann",
    lastName: "Lee",
    department: "Engineering",
    role: "engineer" // role: "ceo" does not compile, nor does employeID or mail
  })
}) // provided with HrDirectory.layer over RoleMapping.layer(roles)
// --- end of README code ----------------------------------------------------------------------

it.effect("the README's HR flow runs against the emulator", () =>
  Effect.gen(function*() {
    const emu = yield* AsgardeoEmulator.AsgardeoEmulator
    const results = yield* program.pipe(
      Effect.provide(HrLive({ organization: emu.organization, ...emu.credentials, baseUrl: emu.baseUrl }))
    )
    assert.deepStrictEqual([...results].map((r) => r.line.outcome), ["created", "created"])
    const snap = yield* emu.snapshot()
    assert.strictEqual(snap.users.length, 3)
    assert.strictEqual(snap.groups.length, 3)
    // kim was offboarded: only ana and raj hold a role.
    assert.strictEqual(snap.memberships.length, 2)
  }).pipe(Effect.provide(AsgardeoEmulator.layerClient())))

it.effect("the README's typed inputs run against the emulator", () =>
  Effect.gen(function*() {
    const emu = yield* AsgardeoEmulator.AsgardeoEmulator
    const ann = yield* onboardAnn
    assert.strictEqual(ann.outcome, "created")
    const snap = yield* emu.snapshot()
    const engineers = snap.groups.find((g) => g.displayName === "DEFAULT/Engineers")
    assert.deepStrictEqual(snap.memberships, [{ groupId: String(engineers?.id), userId: ann.userId }])
  }).pipe(Effect.provide(layer({}, {}, roles))))

// --- README: Asgardeo roles instead of role groups -------------------------------------------
const APP_ID = "3645709f-ea8d-5595-7690-e1fa0efe3df9"

const mapping = {
  admin: "HR Admin", // the one role of that name, in any audience
  hr_manager: { displayName: "HR Manager", audience: { type: "organization" } },
  employee: { displayName: "Employee", audience: { type: "application", value: APP_ID } } // the app's id
} as const

// ASGARDEO_ROLES_API=v3 for an application authorized for the Roles v3 API (else told from its scopes).
const HrRolesLive = HrDirectory.layerRoles(mapping).pipe( // or layerRoles(mapping, { ensure: true })
  Layer.provideMerge(Directory.layerConfig()),
  Layer.provide(NodeHttpClient.layerUndici)
)

const promote = Effect.gen(function*() {
  const hr = yield* HrDirectory.typed(mapping)
  const sam = yield* hr.onboardEmployee({
    employeeId: "E-3001",
    email: "sam@example.com",
    firstName: "Sam",
    lastName: "Roy",
    department: "HR",
    role: "employee" // assigned the application role Employee
  })
  // Assigned HR Manager first, then unassigned Employee: never without a role.
  const change = yield* hr.changeRole(sam.userId, "hr_manager")
  // change.removedFrom: ["Employee"] (Asgardeo role names in this mode)
  // Offboard: deactivate, unassign every mapped role held (other roles stay), delete if asked.
  yield* hr.offboard(sam.userId)
  return change
})
// --- end of README code ----------------------------------------------------------------------

it.effect("the README's roles mode runs against the emulator (the same program, its roles made first)", () =>
  Effect.gen(function*() {
    assert.isTrue(Layer.isLayer(HrRolesLive)) // built from the environment: not here
    const emu = yield* AsgardeoEmulator.AsgardeoEmulator
    yield* emu.seedRoles([
      { displayName: "HR Admin" },
      { displayName: "HR Manager" },
      { displayName: "Employee", audience: { type: "application", value: APP_ID } }
    ])
    const change = yield* Effect.provide(promote, HrDirectory.layerRoles(mapping))
    assert.deepStrictEqual([change.added, change.removedFrom], [true, ["Employee"]])
    // Offboarded: inactive, in no role.
    assert.deepStrictEqual((yield* rolesByUser).get("sam@example.com"), [])
    assert.isFalse(User.isActive(yield* (yield* Users.Users).get(change.userId)))
  }).pipe(
    Effect.provide(directory({ apps: [{ ...AsgardeoEmulator.defaultCredentials, id: APP_ID, name: "HR App" }] }))
  ))
