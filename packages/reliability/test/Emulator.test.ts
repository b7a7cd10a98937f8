// The emulator under hostile clients, on both faces: bodies over the limit (a 200 MB body must
// be refused with 413 without being buffered), bodies that are not JSON or nested too deep (400
// invalidSyntax, never 500), and the refusal to listen on a public address with the default
// secret.
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import * as EmulatorServer from "@asgardeo-scim/testkit/EmulatorServer"
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Option } from "effect"
import * as http from "node:http"
import { recorder } from "./support/results.js"

const results = recorder("emulator")
afterAll((file) => results.finish(file))

const encoder = new TextEncoder()
const MiB = 1024 * 1024

interface Answer {
  readonly status: number
  readonly json: any
}

type Send = (path: string, body: Uint8Array<ArrayBuffer>, method?: "POST" | "PATCH" | "PUT") => Effect.Effect<Answer>

const parse = (status: number, text: string): Answer => {
  try {
    return { status, json: JSON.parse(text) }
  } catch {
    return { status, json: undefined }
  }
}

const basic = `Basic ${
  btoa(`${AsgardeoEmulator.defaultCredentials.clientId}:${AsgardeoEmulator.defaultCredentials.clientSecret}`)
}`
const tokenForm = encoder.encode(
  `grant_type=client_credentials&scope=${encodeURIComponent(AsgardeoEmulator.allScopes.join(" "))}`
)

/** A face: how to send raw bytes (with a token) to an emulator. */
const faces = {
  "in process": (emulator: AsgardeoEmulator.AsgardeoEmulator.Service) => {
    const raw = (
      path: string,
      body: Uint8Array<ArrayBuffer>,
      method: "POST" | "PATCH" | "PUT",
      auth: string,
      type: string
    ) =>
      Effect.gen(function*() {
        const request = HttpClientRequest.make(method)(`${emulator.baseUrl}${path}`).pipe(
          HttpClientRequest.bodyUint8Array(body, type),
          HttpClientRequest.setHeader("authorization", auth)
        )
        const response = yield* Effect.orDie(HttpClient.execute(request))
        return parse(response.status, yield* Effect.orDie(response.text))
      }).pipe(Effect.provideService(HttpClient.HttpClient, emulator.client))
    return Effect.map(
      raw("/t/acme/oauth2/token", tokenForm, "POST", basic, "application/x-www-form-urlencoded"),
      (t): Send => (path, body, method = "POST") =>
        raw(path, body, method, `Bearer ${t.json.access_token}`, "application/scim+json")
    )
  },
  "server": (emulator: AsgardeoEmulator.AsgardeoEmulator.Service) => {
    const raw = (path: string, body: Uint8Array<ArrayBuffer>, method: string, auth: string, type: string) =>
      Effect.promise(async () => {
        const response = await fetch(`${emulator.baseUrl}${path}`, {
          method,
          headers: { authorization: auth, "content-type": type },
          body
        })
        return parse(response.status, await response.text())
      })
    return Effect.map(
      raw("/t/acme/oauth2/token", tokenForm, "POST", basic, "application/x-www-form-urlencoded"),
      (t): Send => (path, body, method = "POST") =>
        raw(path, body, method, `Bearer ${t.json.access_token}`, "application/scim+json")
    )
  }
} as const

const start = (face: keyof typeof faces) =>
  Effect.gen(function*() {
    const emulator = face === "server"
      ? yield* Effect.orDie(EmulatorServer.make())
      : yield* AsgardeoEmulator.make()
    return { emulator, send: yield* faces[face](emulator) }
  })

const S = "/t/acme/scim2"
const uuid = "3f2a9c1e-6b7d-4e8f-9a0b-1c2d3e4f5a6b"
const endpoints: ReadonlyArray<readonly [string, "POST" | "PATCH" | "PUT"]> = [
  [`${S}/Users`, "POST"],
  [`${S}/Users/.search`, "POST"],
  [`${S}/Users/${uuid}`, "PUT"],
  [`${S}/Users/${uuid}`, "PATCH"],
  [`${S}/Groups`, "POST"],
  [`${S}/Groups/${uuid}`, "PATCH"],
  [`${S}/Bulk`, "POST"]
]

const nested = (depth: number) => encoder.encode(`{"Operations":[],"x":${"[".repeat(depth)}${"]".repeat(depth)}}`)

interface Streamed {
  readonly status: number | undefined
  readonly body: string
  readonly sent: number
}

/** Sends up to `total` bytes in 64 KiB chunks, stopping when the answer arrives. */
const stream = (url: string, token: string, total: number, declared?: number) =>
  Effect.promise(() =>
    new Promise<Streamed>((resolve) => {
      const chunk = Buffer.alloc(64 * 1024, 0x20)
      let sent = 0
      let answered = false
      const request = http.request(url, {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/scim+json",
          ...(declared === undefined ? {} : { "content-length": String(declared) })
        }
      })
      request.on("response", (response) => {
        answered = true
        let body = ""
        response.setEncoding("utf8")
        response.on("data", (d: string) => body += d)
        response.on("end", () => resolve({ status: response.statusCode, body, sent }))
      })
      request.on("error", () => {
        if (!answered) resolve({ status: undefined, body: "", sent })
      })
      const write = () => {
        while (!answered && sent < total) {
          sent += chunk.length
          if (!request.write(chunk)) return void request.once("drain", write)
        }
        if (!answered) request.end()
      }
      write()
    })
  )

describe("emulator under hostile clients", () => {
  it.live("emulator.body-too-large", () =>
    Effect.gen(function*() {
      let tried = 0
      for (const face of ["in process", "server"] as const) {
        const { emulator, send } = yield* start(face)
        for (const [path, method] of endpoints) {
          const answer = yield* send(path, new Uint8Array(MiB + 1).fill(0x20), method)
          tried++
          assert.strictEqual(answer.status, 413, `${face} ${method} ${path}`)
          assert.strictEqual(answer.json?.status, "413")
        }
        assert.strictEqual((yield* emulator.snapshot()).users.length, 0)
      }
      // 200 MB to the real server, chunked and with a declared Content-Length: refused without
      // reading it (the answer arrives while the client is still sending), and the server lives on.
      const { emulator, send } = yield* start("server")
      const token = (yield* Effect.promise(() =>
        fetch(emulator.tokenUrl, {
          method: "POST",
          headers: { authorization: basic, "content-type": "application/x-www-form-urlencoded" },
          body: tokenForm
        }).then((r) => r.json())
      )).access_token as string
      const chunked = yield* stream(`${emulator.scimUrl}/Bulk`, token, 200 * MiB)
      const declared = yield* stream(`${emulator.scimUrl}/Bulk`, token, 64 * 1024, 200 * MiB)
      tried += 2
      assert.strictEqual(chunked.status, 413)
      assert.strictEqual(JSON.parse(chunked.body).status, "413")
      assert.isBelow(chunked.sent, 64 * MiB)
      assert.strictEqual(declared.status, 413)
      const after = yield* send(`${S}/Users/.search`, encoder.encode("{}"))
      assert.strictEqual(after.status, 200)
      results.observe(
        "emulator.body-too-large",
        tried,
        `413 with a SCIM error every time; the 200 MB body answered after ${
          Math.round(chunked.sent / MiB)
        } MiB sent; server still serving`
      )
    }).pipe(Effect.scoped), 60_000)

  it.live("emulator.bad-json", () =>
    Effect.gen(function*() {
      const bodies = [
        encoder.encode("{\"userName\":"),
        encoder.encode(""),
        encoder.encode("<html><body>hi</body></html>"),
        Uint8Array.from([...encoder.encode("{\"userName\":\"a"), 0xc3, 0x28, ...encoder.encode("\"}")]),
        Uint8Array.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00])
      ]
      let tried = 0
      for (const face of ["in process", "server"] as const) {
        const { emulator, send } = yield* start(face)
        for (const [path, method] of endpoints) {
          for (const body of bodies) {
            const answer = yield* send(path, body, method)
            tried++
            assert.strictEqual(answer.status, 400, `${face} ${method} ${path}`)
            assert.strictEqual(answer.json?.scimType, "invalidSyntax", `${face} ${method} ${path}`)
          }
        }
        assert.isUndefined((yield* emulator.counters).byStatus["500"])
      }
      results.observe("emulator.bad-json", tried, "400 invalidSyntax every time, never 500")
    }).pipe(Effect.scoped))

  it.live("emulator.deep-json", () =>
    Effect.gen(function*() {
      let tried = 0
      for (const face of ["in process", "server"] as const) {
        const { emulator, send } = yield* start(face)
        for (const [path, method] of endpoints) {
          for (const depth of [65, 1_000, 100_000]) {
            const answer = yield* send(path, nested(depth), method)
            tried++
            assert.strictEqual(answer.status, 400, `${face} ${method} ${path} depth ${depth}`)
            assert.strictEqual(answer.json?.scimType, "invalidSyntax")
          }
        }
        assert.isUndefined((yield* emulator.counters).byStatus["500"])
      }
      results.observe("emulator.deep-json", tried, "400 invalidSyntax every time, never 500")
    }).pipe(Effect.scoped))

  it.live("emulator.public-bind-default-secret", () =>
    Effect.gen(function*() {
      const hosts = ["0.0.0.0", "::", "", "192.168.1.10", "10.0.0.1", "foo.localhost"]
      for (const host of hosts) {
        const exit = yield* Effect.exit(Effect.scoped(EmulatorServer.make({ host, port: 0 })))
        assert.isTrue(Exit.isFailure(exit), host)
        const error = Exit.isFailure(exit) ? Cause.failureOption(exit.cause) : Option.none()
        assert.isTrue(Option.isSome(error) && error.value._tag === "BindRefused", host)
      }
      // With a secret of one's own, a public address is allowed.
      const own = yield* Effect.exit(Effect.scoped(EmulatorServer.make({
        host: "0.0.0.0",
        port: 0,
        apps: [{ clientId: "mine", clientSecret: "a-secret-of-my-own" }]
      })))
      assert.isTrue(Exit.isSuccess(own))
      results.observe(
        "emulator.public-bind-default-secret",
        hosts.length,
        "BindRefused before binding every time; allowed with a secret of one's own"
      )
    }))
})
