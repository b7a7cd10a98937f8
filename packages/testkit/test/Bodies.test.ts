// Request bodies on both faces: a limit (413 with a SCIM error, the server face stops reading at
// the limit), bodies that are not JSON, not UTF-8 or nested too deep (400 invalidSyntax, never
// 500), and the server's refusal to listen publicly with the default secret.
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Layer } from "effect"
import * as http from "node:http"
import * as EmulatorServer from "../src/EmulatorServer.js"
import { AsgardeoEmulator } from "../src/index.js"
import { SCIM } from "./helpers.js"

const ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
const encoder = new TextEncoder()

interface Answer {
  readonly status: number
  readonly json: any
}

type Send = (
  path: string,
  body: Uint8Array<ArrayBuffer>,
  headers?: Record<string, string>,
  method?: string
) => Effect.Effect<Answer>

const parse = (status: number, text: string): Answer => {
  try {
    return { status, json: text === "" ? undefined : JSON.parse(text) }
  } catch {
    return { status, json: text }
  }
}

/** The in-process face: the emulator's own `HttpClient`. */
const inProcess = (emulator: AsgardeoEmulator.AsgardeoEmulator.Service): Send => (path, body, headers = {}, method) =>
  Effect.gen(function*() {
    const base = HttpClientRequest.make((method ?? "POST") as "POST")(`${emulator.baseUrl}${path}`)
    const request = (method === "GET" ? base : HttpClientRequest.bodyUint8Array(
      base,
      body,
      headers["content-type"] ?? "application/scim+json"
    )).pipe(HttpClientRequest.setHeaders(headers))
    const response = yield* Effect.orDie(HttpClient.execute(request))
    return parse(response.status, yield* Effect.orDie(response.text))
  }).pipe(Effect.provideService(HttpClient.HttpClient, emulator.client))

/** The server face: fetch over a socket. */
const overSocket = (emulator: AsgardeoEmulator.AsgardeoEmulator.Service): Send => (path, body, headers = {}, method) =>
  Effect.promise(async () => {
    const response = await fetch(`${emulator.baseUrl}${path}`, {
      method: method ?? "POST",
      headers: { "content-type": "application/scim+json", ...headers },
      ...(method === "GET" ? {} : { body })
    })
    return parse(response.status, await response.text())
  })

const token = (send: Send) =>
  Effect.map(
    send(
      "/t/acme/oauth2/token",
      encoder.encode(`grant_type=client_credentials&scope=${encodeURIComponent(AsgardeoEmulator.allScopes.join(" "))}`),
      {
        authorization: `Basic ${btoa("emulator-client:emulator-secret")}`,
        "content-type": "application/x-www-form-urlencoded"
      }
    ),
    (a) => a.json.access_token as string
  )

/** A valid new user, padded with spaces to exactly `size` bytes. */
const userOfSize = (userName: string, size: number): Uint8Array<ArrayBuffer> => {
  const json = JSON.stringify({ userName, password: "Passw0rd1", emails: [{ value: userName }] })
  return encoder.encode(json + " ".repeat(size - json.length))
}

const deep = (depth: number) =>
  encoder.encode(
    `{"userName":"deep@example.com","password":"Passw0rd1","x":${"[".repeat(depth)}${"]".repeat(depth)}}`
  )

const faces = [
  {
    name: "in process",
    make: (options: AsgardeoEmulator.Options) =>
      Effect.map(AsgardeoEmulator.make(options), (e) => [e, inProcess(e)] as const)
  },
  {
    name: "server",
    make: (options: AsgardeoEmulator.Options) =>
      Effect.map(Effect.orDie(EmulatorServer.make(options)), (e) => [e, overSocket(e)] as const)
  }
]

for (const face of faces) {
  describe(`request bodies (${face.name})`, () => {
    it.live("a body over maxBodyBytes is answered 413 with a SCIM error, and nothing is written", () =>
      Effect.gen(function*() {
        const [emulator, send] = yield* face.make({ maxBodyBytes: 4096 })
        const auth = { authorization: `Bearer ${yield* token(send)}` }
        const over = yield* send(`${SCIM}/Users`, userOfSize("big@example.com", 4097), auth)
        assert.strictEqual(over.status, 413)
        assert.deepStrictEqual(over.json.schemas, [ERROR_SCHEMA])
        assert.strictEqual(over.json.status, "413")
        assert.include(over.json.detail, "4096")
        const exact = yield* send(`${SCIM}/Users`, userOfSize("fits@example.com", 4096), auth)
        assert.strictEqual(exact.status, 201)
        const users = (yield* emulator.snapshot()).users.map((u) => u["userName"])
        assert.deepStrictEqual(users, ["DEFAULT/fits@example.com"])
        const bulk = yield* send(`${SCIM}/Bulk`, encoder.encode(`{"Operations":[],"x":"${"a".repeat(5000)}"}`), auth)
        assert.strictEqual(bulk.status, 413)
        const spc = yield* send(`${SCIM}/ServiceProviderConfig`, new Uint8Array(), auth, "GET")
        assert.strictEqual(spc.json.bulk.maxPayloadSize, 4096)
        // The token endpoint and the admin endpoints have the same limit.
        const tokenOver = yield* send("/t/acme/oauth2/token", encoder.encode(`grant_type=${"a".repeat(5000)}`), {
          "content-type": "application/x-www-form-urlencoded"
        })
        assert.strictEqual(tokenOver.status, 413)
        const seed = yield* send("/__emulator/seed", encoder.encode(`{"generateUsers":1,"x":"${"a".repeat(5000)}"}`))
        assert.strictEqual(seed.status, 413)
        assert.strictEqual((yield* emulator.snapshot()).users.length, 1)
      }).pipe(Effect.scoped))

    it.live("the default limit is 1 MiB", () =>
      Effect.gen(function*() {
        const [, send] = yield* face.make({})
        const auth = { authorization: `Bearer ${yield* token(send)}` }
        assert.strictEqual(AsgardeoEmulator.defaultMaxBodyBytes, 1_048_576)
        const over = yield* send(`${SCIM}/Users`, userOfSize("big@example.com", 1_048_577), auth)
        assert.strictEqual(over.status, 413)
        const exact = yield* send(`${SCIM}/Users`, userOfSize("mib@example.com", 1_048_576), auth)
        assert.strictEqual(exact.status, 201)
      }).pipe(Effect.scoped))

    it.live("bodies that are not JSON, not UTF-8 or nested too deep get 400 invalidSyntax, never 500", () =>
      Effect.gen(function*() {
        const [emulator, send] = yield* face.make({})
        const auth = { authorization: `Bearer ${yield* token(send)}` }
        const notUtf8 = Uint8Array.from([
          ...encoder.encode(`{"userName":"bad`),
          0xff,
          0xfe,
          ...encoder.encode(`@example.com","password":"Passw0rd1"}`)
        ])
        const cases: ReadonlyArray<readonly [string, string, Uint8Array<ArrayBuffer>]> = [
          ["POST", "/Users", deep(100_000)],
          ["POST", "/Users", notUtf8],
          ["POST", "/Users", encoder.encode("{")],
          ["POST", "/Users", encoder.encode("")],
          ["POST", "/Users", deep(65)],
          ["POST", "/Users/.search", deep(10_000)],
          ["POST", "/Groups", deep(10_000)],
          ["PATCH", `/Groups/3f2a9c1e-6b7d-4e8f-9a0b-1c2d3e4f5a6b`, deep(10_000)],
          ["POST", "/Bulk", encoder.encode(`{"Operations":${"[".repeat(50_000)}${"]".repeat(50_000)}}`)]
        ]
        for (const [method, path, body] of cases) {
          const answer = yield* send(`${SCIM}${path}`, body, auth, method)
          assert.strictEqual(answer.status, 400, `${method} ${path} ${body.length}`)
          assert.strictEqual(answer.json.scimType, "invalidSyntax", `${method} ${path}`)
          assert.deepStrictEqual(answer.json.schemas, [ERROR_SCHEMA])
        }
        // Nesting up to the limit is accepted (and kept).
        const nested = yield* send(`${SCIM}/Users`, deep(60), auth)
        assert.strictEqual(nested.status, 201)
        // Strings may hold brackets and escaped quotes.
        const tricky = yield* send(
          `${SCIM}/Users`,
          encoder.encode(
            JSON.stringify({ userName: "t@example.com", password: "Passw0rd1", x: `\\"${"[".repeat(500)}` })
          ),
          auth
        )
        assert.strictEqual(tricky.status, 201)
        // Admin endpoints: 400, not 500.
        const faults = yield* send("/__emulator/faults", deep(10_000))
        assert.strictEqual(faults.status, 400)
        const quirks = yield* send("/__emulator/quirks", encoder.encode("{"), {}, "PUT")
        assert.strictEqual(quirks.status, 400)
        assert.strictEqual((yield* emulator.snapshot()).users.length, 2)
        const counters = yield* emulator.counters
        assert.isUndefined(counters.byStatus["500"])
      }).pipe(Effect.scoped))
  })
}

interface Streamed {
  readonly status: number | undefined
  readonly body: string
  readonly sent: number
  readonly error: string | undefined
}

/**
 * Streams up to `total` bytes in 64 KiB chunks (chunked, or with a declared `contentLength`),
 * stopping as soon as an answer arrives, and resolves with the answer and the bytes sent.
 */
const stream = (url: string, total: number, headers: Record<string, string>, contentLength?: number) =>
  Effect.promise(() =>
    new Promise<Streamed>((resolve) => {
      const chunk = Buffer.alloc(64 * 1024, 0x20)
      let sent = 0
      let answered = false
      const request = http.request(url, {
        method: "POST",
        headers: {
          "content-type": "application/scim+json",
          ...headers,
          ...(contentLength === undefined ? {} : { "content-length": String(contentLength) })
        }
      })
      request.on("response", (response) => {
        answered = true
        let body = ""
        response.setEncoding("utf8")
        response.on("data", (d: string) => body += d)
        response.on("end", () => resolve({ status: response.statusCode, body, sent, error: undefined }))
        response.on("error", (e) => resolve({ status: response.statusCode, body, sent, error: e.message }))
      })
      request.on("error", (e) => {
        if (!answered) resolve({ status: undefined, body: "", sent, error: e.message })
      })
      const write = () => {
        while (!answered && sent < total) {
          sent += chunk.length
          if (!request.write(chunk)) return void request.once("drain", write)
        }
        if (!answered) request.end()
      }
      request.write("{\"Operations\":[],\"x\":\"")
      write()
    })
  )

describe("request bodies on the real server", () => {
  it.live(
    "a 200 MB body is refused with 413 without reading it: chunked, then with Content-Length",
    () =>
      Effect.gen(function*() {
        const emulator = yield* Effect.orDie(EmulatorServer.make({}))
        const send = overSocket(emulator)
        const auth = { authorization: `Bearer ${yield* token(send)}` }
        const total = 200 * 1024 * 1024
        const chunked = yield* stream(`${emulator.scimUrl}/Bulk`, total, auth)
        assert.strictEqual(chunked.status, 413, chunked.error)
        const body = JSON.parse(chunked.body)
        assert.deepStrictEqual(body.schemas, [ERROR_SCHEMA])
        assert.strictEqual(body.status, "413")
        // The answer came while the client was still sending: the server stopped reading at 1 MiB
        // (what was sent beyond it sits in socket buffers).
        assert.isBelow(chunked.sent, 64 * 1024 * 1024)
        const declared = yield* stream(`${emulator.scimUrl}/Bulk`, 64 * 1024, auth, total)
        assert.strictEqual(declared.status, 413, declared.error)
        assert.isAtMost(declared.sent, 64 * 1024)
        // The server goes on serving.
        const list = yield* send(`${SCIM}/Users`, new Uint8Array(), auth, "GET")
        assert.strictEqual(list.status, 200)
        const log = yield* emulator.log
        assert.deepStrictEqual(log.filter((e) => e.path.endsWith("/Bulk")).map((e) => e.status), [413, 413])
      }).pipe(Effect.scoped),
    60_000
  )
})

describe("EmulatorServer bind addresses", () => {
  const bind = (options: EmulatorServer.Options) =>
    Effect.exit(Effect.scoped(EmulatorServer.make({ port: 0, ...options })))

  it.live("a non-loopback address is refused with the default secret, before binding", () =>
    Effect.gen(function*() {
      for (
        const host of [
          "0.0.0.0",
          "::",
          "",
          "192.168.1.10",
          "10.0.0.1",
          "localhost.",
          "foo.localhost",
          "127.0.0.1.nip.io",
          "::ffff:127.0.0.1"
        ]
      ) {
        const exit = yield* bind({ host })
        assert.isTrue(Exit.isFailure(exit), host)
        if (Exit.isFailure(exit)) {
          const error = exit.cause._tag === "Fail" ? exit.cause.error : undefined
          assert.strictEqual(error?._tag, "BindRefused", host)
          assert.include(error?.message, "default app secret")
          assert.include(error?.message, "apps")
        }
      }
      const explicit = yield* bind({
        host: "0.0.0.0",
        apps: [{ clientId: "mine", clientSecret: AsgardeoEmulator.defaultCredentials.clientSecret }]
      })
      assert.isTrue(Exit.isFailure(explicit), "an app with the default secret, registered explicitly")
      const layer = yield* Effect.exit(Layer.build(EmulatorServer.layerServer({ host: "0.0.0.0" })).pipe(Effect.scoped))
      assert.isTrue(Exit.isFailure(layer), "layerServer fails at build")
    }))

  it.live("loopback addresses are allowed; a public address with a secret of one's own too", () =>
    Effect.gen(function*() {
      for (const host of ["127.0.0.1", "localhost", "127.0.0.2"]) {
        assert.isTrue(Exit.isSuccess(yield* bind({ host })), host)
      }
      for (const host of ["::1", "0:0:0:0:0:0:0:1", "[::1]", "LOCALHOST"]) {
        assert.isTrue(EmulatorServer.isLoopbackAddress(host), host)
      }
      const own = yield* Effect.scoped(Effect.gen(function*() {
        const emulator = yield* EmulatorServer.make({
          host: "0.0.0.0",
          apps: [{ clientId: "mine", clientSecret: "a secret of my own" }]
        })
        const port = new URL(emulator.baseUrl).port
        return yield* Effect.promise(() =>
          fetch(`http://127.0.0.1:${port}/t/acme/scim2/ServiceProviderConfig`).then((r) => r.status)
        )
      }))
      assert.strictEqual(own, 200)
    }))

  it("optionsFromArgs: --etag turns the ETag mode on; off without it", () => {
    assert.strictEqual(EmulatorServer.optionsFromArgs(["--etag", "--port", "0"]).etag, true)
    assert.isUndefined(EmulatorServer.optionsFromArgs(["--port", "0"]).etag)
  })

  it("optionsFromArgs takes the app secret from EMULATOR_CLIENT_SECRET only", () => {
    const options = EmulatorServer.optionsFromArgs(["--host", "0.0.0.0"], { EMULATOR_CLIENT_SECRET: "s3cret" })
    assert.strictEqual(options.host, "0.0.0.0")
    assert.deepStrictEqual(options.apps, [{ clientId: "emulator-client", clientSecret: "s3cret" }])
    assert.isUndefined(EmulatorServer.optionsFromArgs(["--host", "0.0.0.0"], {}).apps)
  })
})

describe("empty bodies", () => {
  it.effect("a POST without a body is read as an empty body, not as an unreadable one", () =>
    Effect.gen(function*() {
      const emulator = yield* AsgardeoEmulator.make()
      const response = yield* HttpClient.execute(
        HttpClientRequest.post(emulator.tokenUrl).pipe(
          HttpClientRequest.basicAuth("emulator-client", "emulator-secret")
        )
      ).pipe(Effect.provideService(HttpClient.HttpClient, emulator.client))
      const json: any = yield* response.json
      assert.strictEqual(response.status, 400)
      assert.strictEqual(json.error_description, "Missing grant_type parameter value")
    }))
})
