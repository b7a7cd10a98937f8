// The HR service over the directory over the in-process Asgardeo emulator (no sockets).
import type { AsgardeoConfig } from "@asgardeo-scim/core"
import { Directory } from "@asgardeo-scim/directory"
import { HrDirectory, RoleMapping } from "@asgardeo-scim/hr"
import type { Employee } from "@asgardeo-scim/hr"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { Effect, Layer } from "effect"

/** The HR service on the emulator; with `mapping`, its roles (the layer fails with InvalidRoleMapping). */
export const layer = (
  options: AsgardeoEmulator.Options = {},
  config: Pick<AsgardeoConfig.Options, "retry" | "rateLimits"> = {},
  mapping: Readonly<Record<string, string>> = RoleMapping.defaultMapping
) =>
  HrDirectory.layer.pipe(
    Layer.provide(RoleMapping.layer(mapping)),
    Layer.provideMerge(Directory.layer),
    Layer.provideMerge(AsgardeoEmulator.layerTest(options, config))
  )

export const employee = (n: number, role = "employee"): Employee.Employee => ({
  employeeId: `E${String(n).padStart(5, "0")}`,
  email: `employee${n}@example.com`,
  firstName: `First${n}`,
  lastName: `Last${n}`,
  department: n % 2 === 0 ? "Engineering" : "Finance",
  role
})

export const emulator = AsgardeoEmulator.AsgardeoEmulator

/** The emulator's state, by userName without prefix: the role groups each user is in. */
export const stateOf = Effect.gen(function*() {
  const emu = yield* AsgardeoEmulator.AsgardeoEmulator
  const snap = yield* emu.snapshot()
  const groupName = new Map(snap.groups.map((g) => [g.id as string, String(g.displayName).replace(/^[^/]*\//, "")]))
  const users = new Map<
    string,
    { id: string; employeeNumber: unknown; groups: Array<string>; user: typeof snap.users[number] }
  >()
  for (const u of snap.users) {
    const name = String(u.userName).replace(/^[^/]*\//, "")
    const enterprise = u["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] as
      | Record<string, unknown>
      | undefined
    users.set(name, { id: u.id as string, employeeNumber: enterprise?.employeeNumber, groups: [], user: u })
  }
  const byId = new Map([...users.values()].map((u) => [u.id, u]))
  for (const m of snap.memberships) byId.get(m.userId)?.groups.push(groupName.get(m.groupId) ?? "?")
  return { users, groups: snap.groups, snapshot: snap }
})

export const scimRequests = Effect.map(
  Effect.flatMap(AsgardeoEmulator.AsgardeoEmulator, (emu) => emu.log),
  (log) => log.filter((e) => !e.path.endsWith("/oauth2/token"))
)

/**
 * The directory on the emulator, without HR: in roles mode the HR layer is built inside a test,
 * once the test has made the roles it maps (`HrDirectory.layerRoles` looks them up when built).
 */
export const directory = (
  options: AsgardeoEmulator.Options = {},
  config: Pick<AsgardeoConfig.Options, "retry" | "rateLimits"> = {}
) => Directory.layer.pipe(Layer.provideMerge(AsgardeoEmulator.layerTest(options, config)))

/** The roles each user holds (directly assigned), by userName without prefix, names sorted. */
export const rolesByUser = Effect.gen(function*() {
  const snap = yield* (yield* AsgardeoEmulator.AsgardeoEmulator).snapshot()
  const nameOf = new Map(snap.users.map((u) => [u.id as string, String(u.userName).replace(/^[^/]*\//, "")]))
  const held = new Map<string, Array<string>>([...nameOf.values()].map((n) => [n, []]))
  for (const role of snap.roles) {
    for (const user of (role.users ?? []) as ReadonlyArray<{ readonly value: string }>) {
      held.get(nameOf.get(user.value) ?? "?")?.push(String(role.displayName))
    }
  }
  for (const names of held.values()) names.sort()
  return held
})
