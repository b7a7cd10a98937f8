// Scenario 6: time from process start to the first Users.get answered (module-path imports only).
import * as Directory from "@asgardeo-scim/directory/Directory"
import * as Users from "@asgardeo-scim/directory/Users"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { performance } from "node:perf_hooks"
import { report } from "./util.mjs"

const importedMs = performance.now()
const user = await Effect.runPromise(
  Effect.flatMap(Users.Users, (users) => users.get("3f1c2a9e-6b7d-4c1e-9a52-0d4e8b7f6a11")).pipe(
    Effect.provide(
      Directory.layerAsgardeo({
        organization: "acme",
        clientId: "bench",
        clientSecret: Redacted.make("bench-secret"),
        baseUrl: process.argv[2]
      }).pipe(Layer.provide(NodeHttpClient.layerUndici))
    )
  )
)
report({ importedMs, firstResponseMs: performance.now(), id: user.id, rssMb: process.memoryUsage().rss / 1048576 })
