// The engine contract, run against this engine and `NodeHttpClient.layerUndici` alike, over a
// real loopback server: answers and errors, streamed bodies, interruption and the per-attempt
// deadline of `ScimClient` aborting the request (the server sees its connection closed).
import { AsgardeoConfig, RequestAbort, ScimClient } from "@asgardeo-scim/core"
import { UndiciHttpClient } from "@asgardeo-scim/undici"
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Deferred, Effect, Either, Fiber, Layer, Redacted, Stream } from "effect"
import type * as Scope from "effect/Scope"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"

interface Server {
  readonly url: string
  /** Waits until a request to `path` has arrived (5 s at most). */
  readonly received: (path: string) => Effect.Effect<string, unknown>
  /** Waits until the client has dropped the connection of a request to `path` (5 s at most). */
  readonly closed: (path: string) => Effect.Effect<string, unknown>
}

/** A loopback server that records the requests whose connection the client dropped. */
const serve = (handler: (req: Http.IncomingMessage, res: Http.ServerResponse) => void) =>
  Effect.acquireRelease(
    Effect.async<{ readonly server: Http.Server; readonly api: Server }>((resume) => {
      const seen = { received: new Set<string>(), closed: new Set<string>() }
      const waiting = { received: new Map<string, () => void>(), closed: new Map<string, () => void>() }
      const record = (event: "received" | "closed", path: string) => {
        seen[event].add(path)
        waiting[event].get(path)?.()
      }
      const server = Http.createServer((req, res) => {
        res.on("close", () => {
          if (!res.writableFinished) record("closed", req.url ?? "")
        })
        record("received", req.url ?? "")
        handler(req, res)
      })
      const wait = (event: "received" | "closed") => (path: string) =>
        Effect.async<string>((done) => {
          if (seen[event].has(path)) return done(Effect.succeed(path))
          waiting[event].set(path, () => done(Effect.succeed(path)))
        }).pipe(Effect.timeout("5 seconds"))
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        resume(
          Effect.succeed({
            server,
            api: { url: `http://127.0.0.1:${port}`, received: wait("received"), closed: wait("closed") }
          })
        )
      })
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map(({ api }) => api))

/** A port nothing listens on. */
const freePort = Effect.async<number>((resume) => {
  const probe = Http.createServer().listen(0, "127.0.0.1", () => {
    const port = (probe.address() as AddressInfo).port
    probe.close(() => resume(Effect.succeed(port)))
  })
})

const engines: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["UndiciHttpClient.layer", UndiciHttpClient.layer],
  ["NodeHttpClient.layerUndici", NodeHttpClient.layerUndici]
]

const hang = () => {}

describe("UndiciHttpClient", () => {
  it.effect("honors RequestAbort: the client's deadline aborts it with no fiber per attempt", () =>
    Effect.map(HttpClient.HttpClient, (client) => {
      assert.isDefined(RequestAbort.currentOf(client))
      assert.isUndefined(RequestAbort.currentOf(HttpClient.mapRequest(client, (r) => r)), "a wrapper is not marked")
    }).pipe(Effect.provide(UndiciHttpClient.layer)))
})

for (const [name, engine] of engines) {
  describe(name, () => {
    const withClient = <A, E>(
      f: (client: HttpClient.HttpClient) => Effect.Effect<A, E, Scope.Scope>
    ) => Effect.scoped(Effect.flatMap(HttpClient.HttpClient, f)).pipe(Effect.provide(engine))

    it.live("GET: status, headers, body", () =>
      withClient((client) =>
        Effect.gen(function*() {
          const server = yield* serve((req, res) => {
            res.writeHead(201, { "content-type": "application/json", "x-path": req.url ?? "" })
            res.end(JSON.stringify({ method: req.method, auth: req.headers["authorization"] }))
          })
          const response = yield* client.execute(
            HttpClientRequest.get(`${server.url}/a/b?x=1&y=%20`).pipe(
              HttpClientRequest.bearerToken("tok"),
              HttpClientRequest.setUrlParam("z", "2")
            )
          )
          assert.strictEqual(response.status, 201)
          assert.strictEqual(response.headers["x-path"], "/a/b?x=1&y=+&z=2")
          assert.deepStrictEqual(yield* response.json, { method: "GET", auth: "Bearer tok" })
          const plain = yield* client.get(`${server.url}?q=1`)
          assert.strictEqual(plain.headers["x-path"], "/?q=1")
        })
      ))

    it.live("a streamed request body and a streamed response body", () =>
      withClient((client) =>
        Effect.gen(function*() {
          const server = yield* serve((req, res) => {
            const parts: Array<Buffer> = []
            req.on("data", (b: Buffer) => parts.push(b))
            req.on("end", () => {
              res.writeHead(200, { "content-type": "text/plain" })
              const text = Buffer.concat(parts).toString()
              res.write(`${text.length}:`)
              setTimeout(() => res.end(text.toUpperCase()), 5)
            })
          })
          const body = Stream.make("ab", "cd", "ef").pipe(Stream.map((s) => new TextEncoder().encode(s)))
          const response = yield* client.execute(
            HttpClientRequest.post(server.url).pipe(HttpClientRequest.bodyStream(body))
          )
          const chunks = yield* Stream.runCollect(Stream.decodeText(response.stream))
          assert.strictEqual(Chunk.join(chunks, ""), "6:ABCDEF")
        })
      ))

    it.live("RequestError: a refused connection (Transport), an unusable URL (InvalidUrl)", () =>
      withClient((client) =>
        Effect.gen(function*() {
          const port = yield* freePort
          const transport = yield* Effect.flip(client.get(`http://127.0.0.1:${port}/x`))
          assert.strictEqual(transport._tag, "RequestError")
          assert.strictEqual(transport.reason, "Transport")
          const invalid = yield* Effect.flip(client.get(`not a url:${port}`))
          assert.strictEqual(invalid._tag, "RequestError")
          assert.strictEqual(invalid.reason, "InvalidUrl")
        })
      ))

    it.live("ResponseError: a body cut short", () =>
      withClient((client) =>
        Effect.gen(function*() {
          const server = yield* serve((_req, res) => {
            res.writeHead(200, { "content-length": "100" })
            res.write("only ten b")
            setTimeout(() => res.socket?.destroy(), 5)
          })
          const response = yield* client.get(server.url)
          const error = yield* Effect.flip(response.text)
          assert.strictEqual(error._tag, "ResponseError")
          assert.strictEqual(error.reason, "Decode")
        })
      ))

    it.live("interruption aborts the request, before its answer and while its body is read", () =>
      withClient((client) =>
        Effect.gen(function*() {
          const before = yield* serve(hang)
          const fiber = yield* Effect.fork(client.get(`${before.url}/before`))
          yield* before.received("/before")
          yield* Fiber.interrupt(fiber)
          assert.strictEqual(yield* before.closed("/before"), "/before")

          const during = yield* serve((_req, res) => {
            res.writeHead(200, { "content-length": "100" })
            res.write("part")
          })
          const started = yield* Deferred.make<void>()
          const reading = yield* Effect.fork(
            Effect.flatMap(client.get(`${during.url}/during`), (r) =>
              Effect.zipRight(Deferred.succeed(started, void 0), r.text))
          )
          yield* Deferred.await(started)
          yield* Fiber.interrupt(reading)
          assert.strictEqual(yield* during.closed("/during"), "/during")
        })
      ))

    it.live("ScimClient's per-attempt deadline aborts the request (headers, then body)", () =>
      Effect.gen(function*() {
        const server = yield* serve((req, res) => {
          if (req.url?.includes("body")) {
            res.writeHead(200, { "content-type": "application/scim+json", "content-length": "100" })
            res.write("{")
          }
        })
        const layer = ScimClient.layer.pipe(
          Layer.provideMerge(AsgardeoConfig.layerGeneric({
            scimBaseUrl: server.url,
            auth: { bearerToken: Redacted.make("static-token") },
            timeout: "150 millis",
            retry: { maxAttempts: 1 },
            rateLimits: false
          })),
          Layer.provide(engine)
        )
        for (const path of ["/Users/headers", "/Users/body"]) {
          const result = yield* ScimClient.ScimClient.pipe(
            Effect.flatMap((scim) => scim.execute({ method: "GET", path, operation: "test.get" })),
            Effect.either,
            Effect.provide(layer)
          )
          assert.isTrue(Either.isLeft(result))
          if (Either.isLeft(result)) {
            assert.strictEqual(result.left._tag, "TransportError")
            assert.strictEqual((result.left as { reason?: string }).reason, "Timeout")
          }
          assert.strictEqual(yield* server.closed(path), path)
        }
      }).pipe(Effect.scoped))
  })
}
