// Scenario 3's client against the emulator server at argv[3], enforcing Asgardeo's limits on a
// time scale. `guide`: the seed guide's flow, one employee after another (look the group up,
// create the user, add them to the group), on our ScimClient without a client budget (429s are
// retried after Retry-After, as the guide does). `hr`: HrDirectory.onboardMany with the
// client's budgets set to the same limits on the same time scale.
import * as ScimClient from "@asgardeo-scim/core/ScimClient"
import * as Directory from "@asgardeo-scim/directory/Directory"
import * as HrDirectory from "@asgardeo-scim/hr/HrDirectory"
import * as Roles from "@asgardeo-scim/hr/Roles"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { performance } from "node:perf_hooks"
import { getJson, report } from "./util.mjs"

const [flow, baseUrl, nArg, scaleArg] = process.argv.slice(2)
const n = Number(nArg)
const timeScale = Number(scaleArg)
const windowMs = 60_000 / timeScale
const roles = [
  "employee",
  "employee",
  "employee",
  "employee",
  "employee",
  "employee",
  "employee",
  "hr_manager",
  "admin"
]
const employees = Array.from({ length: n }, (_, i) => ({
  employeeId: `E-${100000 + i}`,
  email: `emp${i}@example.com`,
  firstName: `First${i}`,
  lastName: `Last${i}`,
  department: i % 2 === 0 ? "Engineering" : "Sales",
  role: roles[i % roles.length]
}))
const groupName = { employee: "Employees", hr_manager: "HR-Managers", admin: "HR-Admins" }

const directory = Directory.layerAsgardeo({
  organization: "acme",
  clientId: "emulator-client",
  clientSecret: Redacted.make("emulator-secret"),
  baseUrl,
  retry: { maxAttempts: 10 },
  rateLimits: flow === "guide" ? false : {
    scim: { limit: 200, window: windowMs },
    token: { limit: 200, window: windowMs },
    bulk: { limit: 5, window: windowMs }
  }
}).pipe(Layer.provide(NodeHttpClient.layerUndici))

let ok = 0
let failed = 0
let rateLimitedToCaller = 0
const errors = {}
const t0 = performance.now()
if (flow === "guide") {
  const runtime = ManagedRuntime.make(directory)
  // The role groups exist beforehand (the guide's one-time setup).
  await runtime.runPromise(
    Effect.flatMap(
      ScimClient.ScimClient,
      (client) =>
        Effect.forEach(Object.values(groupName), (displayName) =>
          client.execute({
            operation: "setup",
            method: "POST",
            path: "/Groups",
            body: {
              schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
              displayName
            }
          }))
    )
  )
  const setupMs = performance.now() - t0
  const t1 = performance.now()
  const program = Effect.flatMap(
    ScimClient.ScimClient,
    (client) =>
      Effect.forEach(employees, (e) =>
        Effect.gen(function*() {
          const found = yield* client.execute({
            operation: "find_group_by_name",
            method: "GET",
            path: "/Groups",
            urlParams: { filter: `displayName eq ${groupName[e.role]}` }
          })
          const group = found.body.Resources[0]
          const created = yield* client.execute({
            operation: "create_user",
            method: "POST",
            path: "/Users",
            body: {
              schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
              userName: e.email,
              name: { givenName: e.firstName, familyName: e.lastName },
              emails: [{ value: e.email, primary: true }],
              "urn:scim:wso2:schema": { askPassword: true },
              "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
                employeeNumber: e.employeeId,
                department: e.department
              }
            }
          })
          yield* client.execute({
            operation: "assign_user_role",
            method: "PATCH",
            path: "/Groups",
            id: group.id,
            body: {
              schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
              Operations: [{
                op: "add",
                value: { members: [{ value: created.body.id, display: created.body.userName }] }
              }]
            }
          })
        }).pipe(
          Effect.either,
          Effect.map((r) => {
            if (r._tag === "Right") ok++
            else {
              failed++
              errors[r.left._tag] = (errors[r.left._tag] ?? 0) + 1
              if (r.left._tag === "RateLimited") rateLimitedToCaller++
            }
          })
        ), { discard: true })
  )
  await runtime.runPromise(program)
  await runtime.dispose()
  finish(performance.now() - t1, setupMs)
} else {
  const runtime = ManagedRuntime.make(
    HrDirectory.layer.pipe(Layer.provide(Roles.layer()), Layer.provideMerge(directory))
  )
  const hr = await runtime.runPromise(HrDirectory.HrDirectory)
  await runtime.runPromise(hr.ensureRoleGroups)
  const setupMs = performance.now() - t0
  const t1 = performance.now()
  await runtime.runPromise(Stream.runForEach(hr.onboardMany(employees, { total: n }), (r) =>
    Effect.sync(() => {
      if (r.line.outcome === "created" || r.line.outcome === "existing" || r.line.outcome === "updated") ok++
      else {
        failed++
        const tag = r.error?._tag ?? r.line.outcome
        errors[tag] = (errors[tag] ?? 0) + 1
        if (tag === "RateLimited" || r.error?.causeTag === "RateLimited") rateLimitedToCaller++
      }
    })))
  await runtime.dispose()
  finish(performance.now() - t1, setupMs)
}

async function finish(ms, setupMs) {
  const counters = await getJson(`${baseUrl}/__emulator/counters`)
  const snapshot = await getJson(`${baseUrl}/__emulator/snapshot`)
  const names = new Set(snapshot.users.map((u) => String(u.userName).toLowerCase()))
  const perUser = new Map()
  for (const m of snapshot.memberships) perUser.set(m.userId, (perUser.get(m.userId) ?? 0) + 1)
  const wrongMembership = snapshot.users.filter((u) => perUser.get(u.id) !== 1).length
  report({
    flow,
    n,
    timeScale,
    ms,
    setupMs,
    ok,
    failed,
    errors,
    rateLimitedToCaller,
    budgetMinutes: ms / windowMs,
    perBudgetMinute: ok / (ms / windowMs),
    requests: counters.requests,
    byEndpoint: counters.byEndpoint,
    rateLimited: counters.rateLimited,
    usersInSnapshot: snapshot.users.length,
    distinctUserNames: names.size,
    usersNotInExactlyOneGroup: wrongMembership
  })
}
