// The durable backend's handlers (DurableApiLive) in this process, over an embedded runner on a
// SQLite file and the in-process emulator, behind NodeHttpServer.layerTest: what the two-replica
// suite (DurableBackend.test.ts) cannot provoke without breaking its cluster. A storage that fails
// is answered 503 with an empty body (its text, which can name the database, only in the log);
// a body over the limit 413 before it is read. A server suite (vitest.workspace.ts).
import { HttpApiClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { HttpApiBuilder } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import * as SqlClient from "@effect/sql/SqlClient"
import { assert, describe, layer } from "@effect/vitest"
import { Effect, Layer, Logger } from "effect"
import * as Path from "node:path"
import { embedded, kim, quiet, tempDir } from "../../workflow/test/utils/Fixtures.js"
import { DurableHrApi } from "../src/backend/DurableApi.js"
import { DurableHrApiLive, maxBodyBytes } from "../src/backend/DurableApiLive.js"

// What the handlers logged, to check that a storage failure's text is kept there.
const logged: Array<string> = []
const CollectLogs = Logger.replace(
  Logger.defaultLogger,
  Logger.make(({ message }) => void logged.push((Array.isArray(message) ? message : [message]).join(" ")))
)

let filename = ""

const TestServer = Layer.unwrapScoped(Effect.map(tempDir, (dir) => {
  filename = Path.join(dir, "backend.db")
  const runner = embedded(filename)
  return HttpApiBuilder.serve().pipe(
    Layer.provide(DurableHrApiLive),
    Layer.provide(runner),
    Layer.provideMerge(NodeHttpServer.layerTest),
    // The test's SqlClient: the runner's own (one layer value, built once).
    Layer.merge(Layer.project(runner, SqlClient.SqlClient, SqlClient.SqlClient, (sql) => sql))
  )
})).pipe(Layer.provide(CollectLogs), Layer.provide(quiet))

const post = (path: string, body: string) =>
  Effect.flatMap(
    HttpClient.HttpClient,
    (client) => client.execute(HttpClientRequest.post(path).pipe(HttpClientRequest.bodyText(body, "application/json")))
  ).pipe(
    Effect.flatMap((response) => Effect.map(response.text, (text) => ({ status: response.status, text }))),
    Effect.orDie
  )

const get = (path: string) =>
  Effect.flatMap(HttpClient.HttpClient, (client) => client.get(path)).pipe(
    Effect.flatMap((response) => Effect.map(response.text, (text) => ({ status: response.status, text }))),
    Effect.orDie
  )

describe.sequential("the durable backend's handlers in process", () => {
  layer(TestServer, { excludeTestServices: true, timeout: "30 seconds" })((it) => {
    it.effect("a body over the limit: 413 with the limit, before it is read; nothing stored", () =>
      Effect.gen(function*() {
        const big = JSON.stringify({
          _tag: "Hire",
          eventId: "big-1",
          employee: { ...kim, lastName: "x".repeat(70_000) }
        })
        const response = yield* post("/events", big)
        assert.strictEqual(response.status, 413)
        assert.deepStrictEqual(JSON.parse(response.text), { _tag: "BodyTooLarge", limit: maxBodyBytes.event })
        // Under the limit, the same endpoint takes it: stored, unlike the big one.
        const client = yield* HttpApiClient.make(DurableHrApi)
        const accepted = yield* client.events.submit({ payload: { _tag: "Hire", eventId: "small-1", employee: kim } })
        assert.strictEqual(accepted.eventId, "small-1")
        const sql = yield* SqlClient.SqlClient
        const stored = (eventId: string) =>
          Effect.map(
            sql<{ n: number }>`SELECT count(*) AS n FROM cluster_messages WHERE payload LIKE ${`%${eventId}%`}`,
            (rows) => Number(rows[0]!.n)
          )
        assert.strictEqual(yield* stored("big-1"), 0)
        assert.isAbove(yield* stored("small-1"), 0)
      }))

    it.effect("the storage fails: 503 with an empty body on every endpoint; the reason is in the log", () =>
      Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        const client = yield* HttpApiClient.make(DurableHrApi)
        yield* client.batches.submit({ payload: { employees: [kim], batchId: "b1" } })
        // Break the tables the endpoints read and write (the cluster's messages, the batches).
        yield* sql`ALTER TABLE cluster_messages RENAME TO cluster_messages_gone`
        yield* sql`ALTER TABLE asgardeo_scim_batch RENAME COLUMN batch_id TO batch_id_gone`
        logged.length = 0
        const responses = [
          yield* post(
            "/events",
            JSON.stringify({ _tag: "Hire", eventId: "e-503", employee: { ...kim, employeeId: "E1002" } })
          ),
          yield* post("/batches", JSON.stringify({ employees: [kim], batchId: "b2" })),
          yield* get("/batches/b1"),
          yield* get("/batches/b1/items")
        ]
        assert.deepStrictEqual(responses, Array.from({ length: 4 }, () => ({ status: 503, text: "" })))
        const warnings = logged.filter((line) => line.startsWith("storage unavailable"))
        assert.deepStrictEqual(warnings, [
          "storage unavailable submit PersistenceError",
          "storage unavailable submit Failed to execute statement",
          "storage unavailable progress Failed to execute statement",
          "storage unavailable progress Failed to execute statement"
        ])
        assert.notInclude(responses.map((r) => r.text).join(""), filename)
      }))
  })
})
