// The stacks the suites run on: HrDirectory over Directory over core, against the emulator either
// in process (hostile input) or on a real loopback server over undici (chaos, secrets).
import type { AsgardeoConfig } from "@asgardeo-scim/core"
import { Directory } from "@asgardeo-scim/directory"
import { HrDirectory, Roles } from "@asgardeo-scim/hr"
import type { Employee } from "@asgardeo-scim/hr"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import * as EmulatorServer from "@asgardeo-scim/testkit/EmulatorServer"
import { HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, Layer, Redacted } from "effect"
import type { Sink } from "./capture.js"
import { observability, recordingClient } from "./capture.js"

/** Retries that take milliseconds, so the chaos suite runs quickly on real time. */
export const fastRetry = {
  maxAttempts: 6,
  baseDelay: "2 millis",
  maxDelay: "40 millis",
  maxRetryAfter: "5 seconds"
} as const

const num = (name: string, fallback: number): number => {
  const raw = process.env[name]
  if (raw === undefined || raw.trim() === "") return fallback
  const n = Number(raw)
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name}=${raw} is not a non-negative number`)
  return n
}

/** Sizes and fault rates of the chaos suite (environment variables; CI defaults). */
export const chaos = {
  employees: num("CHAOS_EMPLOYEES", 300),
  concurrency: num("CHAOS_CONCURRENCY", 16),
  pct5xx: num("CHAOS_5XX_PCT", 5),
  pct429: num("CHAOS_429_PCT", 2),
  pctDrop: num("CHAOS_DROP_PCT", 1),
  pctLatency: num("CHAOS_LATENCY_PCT", 10),
  tokenExpiryMillis: num("CHAOS_TOKEN_EXPIRY_MS", 2000),
  seed: num("CHAOS_SEED", 7)
}

/** The chaos mix: 5xx, 429 (half with Retry-After), drops before and after applying, latency. */
export const chaosFaults = (seed = chaos.seed): ReadonlyArray<AsgardeoEmulator.Fault> => [
  AsgardeoEmulator.latency(5, { percentage: chaos.pctLatency, seed: seed + 1 }),
  AsgardeoEmulator.latency(30, { percentage: chaos.pctLatency / 4, seed: seed + 2 }),
  AsgardeoEmulator.latency(120, { percentage: chaos.pctLatency / 20, seed: seed + 3 }),
  AsgardeoEmulator.status(503, { percentage: chaos.pct5xx / 2, seed: seed + 4 }),
  AsgardeoEmulator.status(500, { percentage: chaos.pct5xx / 2, seed: seed + 5 }),
  // Retry-After in (fractional) seconds: 0.05 s keeps the suite fast and still pauses every fiber.
  AsgardeoEmulator.tooManyRequests({ percentage: chaos.pct429 / 2, seed: seed + 6 }, 0.05),
  AsgardeoEmulator.tooManyRequests({ percentage: chaos.pct429 / 2, seed: seed + 7 }),
  AsgardeoEmulator.dropConnection("before", { percentage: chaos.pctDrop / 2, seed: seed + 8 }),
  AsgardeoEmulator.dropConnection("after", { percentage: chaos.pctDrop / 2, seed: seed + 9 })
]

export interface StackOptions {
  readonly emulator?: EmulatorServer.Options | undefined
  readonly config?: Partial<AsgardeoConfig.Options> | undefined
}

const clientSecret = "rel1ability-s3cret-do-not-leak"
export const credentials = { clientId: "reliability-client", clientSecret } as const

const stackOver = <E>(
  base: Layer.Layer<HttpClient.HttpClient | AsgardeoEmulator.AsgardeoEmulator, E>,
  sink: Sink,
  config: Partial<AsgardeoConfig.Options>
) =>
  HrDirectory.layer.pipe(
    Layer.provide(Roles.layer()),
    Layer.provideMerge(Layer.unwrapEffect(Effect.map(AsgardeoEmulator.AsgardeoEmulator, (emu) =>
      Directory.layerAsgardeo({
        organization: emu.organization,
        clientId: credentials.clientId,
        clientSecret: Redacted.make(clientSecret),
        baseUrl: emu.baseUrl,
        rateLimits: false,
        retry: fastRetry,
        timeout: "10 seconds",
        ...config
      })))),
    Layer.provideMerge(
      Layer.effect(HttpClient.HttpClient, Effect.map(HttpClient.HttpClient, recordingClient(sink)))
    ),
    Layer.provideMerge(base),
    Layer.provide(observability(sink))
  )

const apps = [{ ...credentials }]

/** The stack on the emulator's real server on loopback, over undici. */
export const overServer = (sink: Sink, options: StackOptions = {}) =>
  stackOver(
    Layer.merge(EmulatorServer.layerServer({ apps, ...options.emulator }), NodeHttpClient.layerUndici),
    sink,
    options.config ?? {}
  )

/** The stack on the in-process emulator. */
export const inProcess = (sink: Sink, options: StackOptions = {}) =>
  stackOver(AsgardeoEmulator.layerClient({ apps, ...options.emulator }), sink, options.config ?? {})

export const roleGroup: Readonly<Record<string, string>> = {
  employee: "Employees",
  hr_manager: "HR-Managers",
  admin: "HR-Admins"
}
export const roles = ["employee", "hr_manager", "admin"] as const

export const employee = (n: number, role: string = roles[n % 3]!): Employee.Employee => ({
  employeeId: `E${String(n).padStart(6, "0")}`,
  email: `employee${n}@example.com`,
  firstName: `First${n}`,
  lastName: `Last${n}`,
  department: n % 2 === 0 ? "Engineering" : "Finance",
  role
})

const bare = (name: unknown) => String(name).replace(/^[^/]*\//, "")

export interface UserState {
  readonly id: string
  readonly userName: string
  readonly employeeNumber: unknown
  readonly disabled: unknown
  readonly groups: Array<string>
}

/** The emulator's state: users by userName (no prefix), each with its role groups, and duplicates. */
export const stateOf = Effect.gen(function*() {
  const emu = yield* AsgardeoEmulator.AsgardeoEmulator
  const snap = yield* emu.snapshot()
  const groupName = new Map(snap.groups.map((g) => [String(g.id), bare(g.displayName)]))
  const users = new Map<string, UserState>()
  const duplicates: Array<string> = []
  for (const u of snap.users) {
    const name = bare(u.userName).toLowerCase()
    if (users.has(name)) duplicates.push(name)
    const enterprise = u["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] as
      | Record<string, unknown>
      | undefined
    const wso2 = u["urn:scim:wso2:schema"] as Record<string, unknown> | undefined
    users.set(name, {
      id: String(u.id),
      userName: name,
      employeeNumber: enterprise?.employeeNumber,
      disabled: wso2?.accountDisabled,
      groups: []
    })
  }
  const byId = new Map([...users.values()].map((u) => [u.id, u]))
  for (const m of snap.memberships) byId.get(m.userId)?.groups.push(groupName.get(m.groupId) ?? "?")
  for (const u of users.values()) u.groups.sort()
  return { users, duplicates, groups: snap.groups.map((g) => bare(g.displayName)).sort(), snapshot: snap }
})

/** Fault names applied, from the emulator's log (`Status(503)`, `Drop(after)`, `Latency`). */
export const faultTally = Effect.gen(function*() {
  const emu = yield* AsgardeoEmulator.AsgardeoEmulator
  const log = yield* emu.log
  const counters = yield* emu.counters
  const faults: Record<string, number> = {}
  for (const entry of log) for (const f of entry.faults) faults[f] = (faults[f] ?? 0) + 1
  const s401 = counters.byStatus["401"] ?? 0
  return { requests: counters.requests, tokenRequests: counters.tokenRequests, faults, s401 }
})
