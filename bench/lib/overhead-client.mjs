// Scenario 1's client, one kind per process: `undici` (raw `request()`, 16-connection Agent),
// `fetch` (Node's `fetch`, `res.json()`), `effect` (a bare Effect HttpClient on
// NodeHttpClient.layerUndici + schemaBodyJson, its default tracing on, as in http-overhead.md's
// variant 3), `engine` (our lean engine alone, UndiciHttpClient with a 16-connection Agent:
// GET, read the body as JSON), `library` (our Directory layer on NodeHttpClient.layerUndici:
// token, rate budget, retries, span, decode; `Users.get`) or `lean` (the same over
// UndiciHttpClient.layer). Warm-up, then `n` measured requests at
// concurrency `c`; reports wall time, client CPU per request and peak RSS.
import { performance } from "node:perf_hooks"
import { peakRssMb, report } from "./util.mjs"

const [kind, baseUrl, nArg, cArg, warmArg] = process.argv.slice(2)
const n = Number(nArg)
const c = Number(cArg)
const warm = Number(warmArg)
const id = "3f1c2a9e-6b7d-4c1e-9a52-0d4e8b7f6a11"
const url = `${baseUrl}/t/acme/scim2/Users/${id}`
const headers = { authorization: "Bearer fixed-bench-token", accept: "application/scim+json, application/json" }

const measure = async (runBatch) => {
  await runBatch(warm)
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  await runBatch(n)
  const wallMs = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  report({ kind, n, c, wallMs, cpuMicrosPerRequest: (cpu.user + cpu.system) / n, peakRssMb: peakRssMb() })
}

// `count` calls of `one` by `c` workers (the promise-based kinds).
const promiseBatch = (one) => async (count) => {
  let next = 0
  const worker = async () => {
    while (next < count) {
      next++
      await one()
    }
  }
  await Promise.all(Array.from({ length: c }, worker))
}

if (kind === "undici") {
  const { Agent, request } = await import("undici")
  const dispatcher = new Agent({ connections: c })
  const one = async () => {
    const res = await request(url, { dispatcher, headers })
    const json = await res.body.json()
    if (res.statusCode !== 200 || json.id !== id) throw new Error(`unexpected answer ${res.statusCode}`)
  }
  await measure(promiseBatch(one))
  await dispatcher.close()
} else if (kind === "fetch") {
  const one = async () => {
    const res = await fetch(url, { headers })
    const json = await res.json()
    if (res.status !== 200 || json.id !== id) throw new Error(`unexpected answer ${res.status}`)
  }
  await measure(promiseBatch(one))
} else {
  const Effect = await import("effect/Effect")
  const Layer = await import("effect/Layer")
  const ManagedRuntime = await import("effect/ManagedRuntime")
  const NodeHttpClient = await import("@effect/platform-node/NodeHttpClient")
  const ids = (count) => Array.from({ length: count }, () => id)
  let runtime
  let batch
  if (kind === "effect") {
    const HttpClient = await import("@effect/platform/HttpClient")
    const HttpClientRequest = await import("@effect/platform/HttpClientRequest")
    const HttpClientResponse = await import("@effect/platform/HttpClientResponse")
    const Schema = await import("effect/Schema")
    const UserSchema = Schema.Struct({
      schemas: Schema.Array(Schema.String),
      id: Schema.String,
      userName: Schema.String,
      active: Schema.Boolean,
      name: Schema.Struct({ givenName: Schema.String, familyName: Schema.String }),
      meta: Schema.Struct({ resourceType: Schema.String })
    })
    const decode = HttpClientResponse.schemaBodyJson(UserSchema)
    runtime = ManagedRuntime.make(NodeHttpClient.layerUndici)
    const program = (count) =>
      Effect.flatMap(HttpClient.HttpClient, (client) => {
        const ok = HttpClient.filterStatusOk(client)
        const one = () =>
          ok.execute(HttpClientRequest.get(url, { headers })).pipe(
            Effect.flatMap((r) => decode(r)),
            Effect.flatMap((u) => (u.id === id ? Effect.void : Effect.dieMessage("wrong id")))
          )
        return Effect.forEach(ids(count), one, { concurrency: c, discard: true })
      })
    batch = (count) => runtime.runPromise(program(count))
  } else if (kind === "engine") {
    const HttpClient = await import("@effect/platform/HttpClient")
    const HttpClientRequest = await import("@effect/platform/HttpClientRequest")
    const { UndiciHttpClient } = await import("@asgardeo-scim/undici")
    runtime = ManagedRuntime.make(UndiciHttpClient.layerWithOptions({ connections: c }))
    const program = (count) =>
      Effect.flatMap(HttpClient.HttpClient, (client) => {
        const one = () =>
          Effect.flatMap(
            client.execute(HttpClientRequest.get(url, { headers })),
            (r) =>
              Effect.flatMap(
                r.json,
                (u) => (r.status === 200 && u.id === id ? Effect.void : Effect.dieMessage("wrong id"))
              )
          )
        return Effect.forEach(ids(count), one, { concurrency: c, discard: true })
      })
    batch = (count) => runtime.runPromise(program(count))
  } else if (kind === "library" || kind === "lean") {
    const Directory = await import("@asgardeo-scim/directory/Directory")
    const Users = await import("@asgardeo-scim/directory/Users")
    const Redacted = await import("effect/Redacted")
    const layer = Directory.layerAsgardeo({
      organization: "acme",
      clientId: "bench",
      clientSecret: Redacted.make("bench-secret"),
      baseUrl,
      // The budget machinery runs on every call, but never throttles this load.
      rateLimits: {
        scim: { limit: 100_000, window: "1 second" },
        token: { limit: 200, window: "1 minute" },
        bulk: { limit: 5, window: "1 minute" }
      }
    }).pipe(
      Layer.provide(
        kind === "lean" ? (await import("@asgardeo-scim/undici")).UndiciHttpClient.layer : NodeHttpClient.layerUndici
      )
    )
    runtime = ManagedRuntime.make(layer)
    const program = (count) =>
      Effect.flatMap(Users.Users, (users) =>
        Effect.forEach(
          ids(count),
          (i) => Effect.flatMap(users.get(i), (u) => (u.id === id ? Effect.void : Effect.dieMessage("wrong id"))),
          { concurrency: c, discard: true }
        ))
    batch = (count) => runtime.runPromise(program(count))
  } else {
    throw new Error(`unknown client kind ${kind}`)
  }
  await measure(batch)
  await runtime.dispose()
}
