// Scenario 4's client: Users.stream over every user of the emulator server at argv[2]; only the
// library's set of seen ids grows (this script counts, it keeps nothing). Samples heap used every
// 20 ms (garbage included), and every 250 ms after a forced GC (live heap); reports peak RSS and both peaks.
import * as Directory from "@asgardeo-scim/directory/Directory"
import * as Users from "@asgardeo-scim/directory/Users"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { performance } from "node:perf_hooks"
import v8 from "node:v8"
import vm from "node:vm"
import { peakRssMb, report } from "./util.mjs"

const [baseUrl, expectedArg] = process.argv.slice(2)
v8.setFlagsFromString("--expose-gc")
const gc = vm.runInNewContext("gc")
let peakHeap = 0
let peakLive = 0
const sample = () => void (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed))
const sampleLive = () => {
  gc()
  peakLive = Math.max(peakLive, process.memoryUsage().heapUsed)
}
const timer = setInterval(sample, 20)
const liveTimer = setInterval(sampleLive, 250)
const runtime = ManagedRuntime.make(
  Directory.layerAsgardeo({
    organization: "acme",
    clientId: "emulator-client",
    clientSecret: Redacted.make("emulator-secret"),
    baseUrl,
    rateLimits: false
  }).pipe(Layer.provide(NodeHttpClient.layerUndici))
)
let seen = 0
const t0 = performance.now()
await runtime.runPromise(
  Effect.flatMap(
    Users.Users,
    (users) => Stream.runForEach(users.stream(), () => Effect.sync(() => void seen++))
  )
)
const ms = performance.now() - t0
sample()
sampleLive()
clearInterval(timer)
clearInterval(liveTimer)
await runtime.dispose()
// Users.stream yields each id once (the library dedupes): the count is the check.
if (seen !== Number(expectedArg)) throw new Error(`saw ${seen} users, expected ${expectedArg}`)
report({
  users: seen,
  ms,
  peakRssMb: peakRssMb(),
  peakHeapMb: peakHeap / 1024 / 1024,
  peakLiveHeapMb: peakLive / 1024 / 1024
})
