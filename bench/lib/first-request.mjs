// Scenario 6: time from process start to the first Users.get answered (token request included),
// over the engine named by argv[3]: `lean` (`@asgardeo-scim/undici`) or `platform`
// (`NodeHttpClient.layerUndici`). The directory comes from its package root, as the README
// imports it; effect from module paths. Nothing else is imported (not even util.mjs, whose taskset
// probe would count).
import { Directory, Users } from "@asgardeo-scim/directory"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { performance } from "node:perf_hooks"

const [baseUrl, engine = "lean"] = process.argv.slice(2)
const httpClient = engine === "lean"
  ? (await import("@asgardeo-scim/undici")).UndiciHttpClient.layer
  : (await import("@effect/platform-node/NodeHttpClient")).layerUndici
const importedMs = performance.now()
const user = await Effect.runPromise(
  Effect.flatMap(Users.Users, (users) => users.get("3f1c2a9e-6b7d-4c1e-9a52-0d4e8b7f6a11")).pipe(
    Effect.provide(
      Directory.layerAsgardeo({
        organization: "acme",
        clientId: "bench",
        clientSecret: Redacted.make("bench-secret"),
        baseUrl
      }).pipe(Layer.provide(httpClient))
    )
  )
)
const firstResponseMs = performance.now()
const cpu = process.cpuUsage()
const rssMb = process.memoryUsage().rss / 1048576
process.stdout.write(
  `RESULT ${
    JSON.stringify({ importedMs, firstResponseMs, cpuMs: (cpu.user + cpu.system) / 1000, id: user.id, rssMb })
  }\n`
)
