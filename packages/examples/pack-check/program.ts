// What a user writes after `npm install @asgardeo-scim/directory @asgardeo-scim/hr ...`:
// barrel and module-path imports, the emulator on a real port, the client over undici.
import * as Scopes from "@asgardeo-scim/core/Scopes"
import { Directory, Users } from "@asgardeo-scim/directory"
import { HrDirectory, Report, RoleMapping } from "@asgardeo-scim/hr"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import * as EmulatorServer from "@asgardeo-scim/testkit/EmulatorServer"
import { NodeHttpClient } from "@effect/platform-node"
import { Chunk, Effect, Layer, Redacted, Stream } from "effect"

const program = Effect.gen(function*() {
  const emu = yield* EmulatorServer.make({ port: 0 })
  const services = HrDirectory.layer.pipe(
    Layer.provide(RoleMapping.layer()),
    Layer.provideMerge(Directory.layerAsgardeo({
      organization: emu.organization,
      clientId: emu.credentials.clientId,
      clientSecret: Redacted.make(emu.credentials.clientSecret),
      baseUrl: emu.baseUrl,
      rateLimits: false
    })),
    Layer.provide(NodeHttpClient.layerUndici)
  )
  return yield* Effect.gen(function*() {
    const hr = yield* HrDirectory.HrDirectory
    const users = yield* Users.Users
    const results = yield* Stream.runCollect(hr.onboardMany(
      Array.from({ length: 5 }, (_, i) => ({
        employeeId: `E${i}`,
        email: `person${i}@example.com`,
        firstName: "First",
        lastName: `Last${i}`,
        department: "Engineering",
        role: i === 0 ? "admin" : "employee"
      }))
    ))
    const lines = Chunk.toReadonlyArray(results).map((r) => Report.encodeLine(r.line)).join("")
    const all = yield* Stream.runCollect(users.stream())
    const missing = yield* Effect.flip(users.get("00000000-0000-4000-8000-000000000000"))
    return { done: Report.doneIds(Report.parse(lines)).size, users: Chunk.size(all), missing: missing._tag }
  }).pipe(Effect.provide(services))
})

Effect.runPromise(Effect.scoped(program)).then((r) => {
  if (r.done !== 5 || r.users !== 5 || r.missing !== "NotFound" || Scopes.all.length === 0) {
    console.error("pack-check: unexpected result", r)
    process.exit(1)
  }
  console.log(
    `pack-check: ok (${r.users} users onboarded through the installed tarballs; emulator default ${AsgardeoEmulator.defaultBaseUrl})`
  )
}, (error) => {
  console.error("pack-check failed:", error)
  process.exit(1)
})
