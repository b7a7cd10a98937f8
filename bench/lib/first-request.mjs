// Scenario 6: time from process start to the first Users.get answered (token request included),
// over the engine named by argv[3]: `lean` (`@asgardeo-scim/undici`) or `platform`
// (`NodeHttpClient.layerUndici`). The directory comes from its package root, as the README
// imports it, effect from module paths; all are imported at once, as a program's static imports
// would be (the engine is picked at run time). Nothing else is imported (not even util.mjs, whose
// taskset probe would count).
import { performance } from "node:perf_hooks"

const [baseUrl, engine = "lean"] = process.argv.slice(2)
const [{ Directory, Users }, Effect, Layer, Redacted, httpClient] = await Promise.all([
  import("@asgardeo-scim/directory"),
  import("effect/Effect"),
  import("effect/Layer"),
  import("effect/Redacted"),
  engine === "lean"
    ? import("@asgardeo-scim/undici").then((m) => m.UndiciHttpClient.layer)
    : import("@effect/platform-node/NodeHttpClient").then((m) => m.layerUndici)
])
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
