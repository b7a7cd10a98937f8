// Scenario 2's client: `burst` concurrent first calls, then Users.get calls at a steady pace for
// `seconds` seconds, against the emulator server at argv[2].
import * as Directory from "@asgardeo-scim/directory/Directory"
import * as Users from "@asgardeo-scim/directory/Users"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"
import { getJson, report } from "./util.mjs"

const [baseUrl, burstArg, secondsArg] = process.argv.slice(2)
const burst = Number(burstArg)
const seconds = Number(secondsArg)
const counters = () => getJson(`${baseUrl}/__emulator/counters`)
const fresh = ManagedRuntime.make(
  Directory.layerAsgardeo({
    organization: "acme",
    clientId: "emulator-client",
    clientSecret: Redacted.make("emulator-secret"),
    baseUrl,
    rateLimits: false
  }).pipe(Layer.provide(NodeHttpClient.layerUndici))
)
const { id } = (await getJson(`${baseUrl}/__emulator/snapshot`)).users[0]
const u = await fresh.runPromise(Users.Users)
await fetch(`${baseUrl}/__emulator/log`, { method: "DELETE" })
if (burst > 0) {
  await fresh.runPromise(Effect.forEach(Array.from({ length: burst }), () => u.get(id), { concurrency: "unbounded" }))
}
const afterBurst = await counters()
await fetch(`${baseUrl}/__emulator/log`, { method: "DELETE" })
const t0 = Date.now()
let calls = 0
let failures = 0
await fresh.runPromise(Effect.forEach(Array.from({ length: 4 }), () =>
  Effect.gen(function*() {
    while (Date.now() - t0 < seconds * 1000) {
      const r = yield* Effect.either(u.get(id))
      calls++
      if (r._tag === "Left") failures++
      yield* Effect.sleep("5 millis")
    }
  }), { concurrency: 4, discard: true }))
const steady = await counters()
const log = await getJson(`${baseUrl}/__emulator/log`)
await fresh.dispose()
const status401 = log.entries.filter((e) => e.status === 401).length
report({
  burst,
  burstTokenRequests: afterBurst.tokenRequests,
  burst401: afterBurst.byStatus?.["401"] ?? 0,
  seconds,
  calls,
  failures,
  tokenRequests: steady.tokenRequests,
  tokensIssued: steady.tokensIssued,
  status401,
  requests: steady.requests
})
