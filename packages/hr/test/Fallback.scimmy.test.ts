// HR batches on a third-party SCIM server (SCIMMY), as it is and behind a proxy that makes it
// advertise no Bulk (its configuration changed, nothing else): with Bulk asked for, a server
// without it refuses the batch before any write; with "auto", single requests do every employee
// through the shared per-employee step. Default and strict SCIMMY alike.
import { Directory } from "@asgardeo-scim/directory"
import { HrDirectory, RoleMapping } from "@asgardeo-scim/hr"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Redacted, Stream } from "effect"
import * as ConfigProxy from "../../directory/test/utils/ConfigProxy.js"
import * as ScimmyServer from "../../directory/test/utils/ScimmyServer.js"

/** HR over the generic directory, through the proxy (`advertise` changes only the configuration). */
const layer = (advertise: Readonly<Record<string, unknown>>, strict: boolean) =>
  HrDirectory.layer.pipe(
    Layer.provide(RoleMapping.layer()),
    Layer.provideMerge(Layer.unwrapEffect(Effect.map(ConfigProxy.Proxy, (proxy) =>
      Directory.layerGeneric({
        scimBaseUrl: proxy.baseUrl,
        auth: { bearerToken: Redacted.make(ScimmyServer.DEFAULT_TOKEN) }
      }).pipe(Layer.orDie)))),
    Layer.provide(NodeHttpClient.layerUndici),
    Layer.provideMerge(ConfigProxy.layer(advertise)),
    Layer.provideMerge(strict ? ScimmyServer.layerStrict : ScimmyServer.layer)
  )

const employees = [1, 2, 3, 4, 5].map((n) => ({
  employeeId: `E${n}`,
  email: `employee${n}@example.com`,
  firstName: `First${n}`,
  lastName: `Last${n}`,
  department: "Engineering",
  role: ["employee", "hr_manager", "admin"][n % 3]!
}))

/** Each user's groups, by userName, from SCIMMY's own stores. */
const membership = (s: ScimmyServer.ScimmyServer) => {
  const users = s.users() as ReadonlyArray<{ id: string; userName: string }>
  const groups = s.groups() as ReadonlyArray<{ displayName: string; members?: ReadonlyArray<{ value: string }> }>
  return Object.fromEntries(users.map((u) => [
    u.userName,
    groups.filter((g) => (g.members ?? []).some((m) => m.value === u.id)).map((g) => g.displayName).sort()
  ]))
}

const roleGroup: Record<string, string> = { employee: "Employees", hr_manager: "HR-Managers", admin: "HR-Admins" }

for (const strict of [false, true]) {
  describe(`HR batches on SCIMMY (${strict ? "strict" : "default"} mode)`, () => {
    it.live("no Bulk advertised: bulk: true is refused before any write; \"auto\" does everyone by single requests", () =>
      Effect.gen(function*() {
        const hr = yield* HrDirectory.HrDirectory
        const s = yield* ScimmyServer.Scimmy
        const refused = yield* Effect.flip(Stream.runDrain(hr.onboardMany(employees, { bulk: true })))
        assert.strictEqual(refused._tag, "Unsupported")
        assert.isFalse(s.requests.some((r) => r.method !== "GET"), "nothing written, role groups included")
        const results = yield* Stream.runCollect(hr.onboardMany(employees, { concurrency: 3 }))
        assert.deepStrictEqual([...results].map((r) => r.line.outcome), employees.map(() => "created"))
        assert.isFalse(s.requests.some((r) => r.path.endsWith("/Bulk")))
        const groups = membership(s)
        for (const e of employees) assert.deepStrictEqual(groups[e.email], [roleGroup[e.role]!], e.email)
      }).pipe(Effect.provide(layer({ bulk: { supported: false } }, strict))))

    it.live("Bulk advertised: bulk: true sends Bulk requests and every employee ends in exactly its role group", () =>
      Effect.gen(function*() {
        const hr = yield* HrDirectory.HrDirectory
        const s = yield* ScimmyServer.Scimmy
        const results = yield* Stream.runCollect(hr.onboardMany(employees, { bulk: true, concurrency: 3 }))
        assert.deepStrictEqual(
          [...results].map((r) => r.line.outcome).sort(),
          employees.map(() => "created")
        )
        assert.isTrue(s.requests.some((r) => r.path.endsWith("/Bulk")))
        const groups = membership(s)
        for (const e of employees) assert.deepStrictEqual(groups[e.email], [roleGroup[e.role]!], e.email)
      }).pipe(Effect.provide(layer({}, strict))))
  })
}
