// Scenario 4's client: Users.stream over every user of the emulator server at argv[2]; only the
// set of seen ids grows. Samples heap used every 20 ms; reports peak RSS and peak heap.
import * as Directory from "@asgardeo-scim/directory/Directory"
import * as Users from "@asgardeo-scim/directory/Users"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { performance } from "node:perf_hooks"
import { peakRssMb, report } from "./util.mjs"

const [baseUrl, expectedArg] = process.argv.slice(2)
let peakHeap = 0
const sample = () => void (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed))
const timer = setInterval(sample, 20)
const runtime = ManagedRuntime.make(
  Directory.layerAsgardeo({
    organization: "acme",
    clientId: "emulator-client",
    clientSecret: Redacted.make("emulator-secret"),
    baseUrl,
    rateLimits: false
  }).pipe(Layer.provide(NodeHttpClient.layerUndici))
)
const seen = new Set()
const t0 = performance.now()
await runtime.runPromise(
  Effect.flatMap(
    Users.Users,
    (users) => Stream.runForEach(users.stream(), (u) => Effect.sync(() => void seen.add(u.id)))
  )
)
const ms = performance.now() - t0
sample()
clearInterval(timer)
await runtime.dispose()
if (seen.size !== Number(expectedArg)) throw new Error(`saw ${seen.size} users, expected ${expectedArg}`)
report({ users: seen.size, ms, peakRssMb: peakRssMb(), peakHeapMb: peakHeap / 1024 / 1024 })
