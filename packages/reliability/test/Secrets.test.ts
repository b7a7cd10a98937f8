// Secrets against a server that reflects the request: the token endpoint and the SCIM endpoints
// answer 2xx, 4xx and 5xx bodies (text, HTML, JSON) that echo the method, URL, headers and body
// they received. No error, log line or span may carry the client secret (raw, form-encoded, in the
// Basic pair's base64, JSON-escaped, HTML-escaped), an access token or a user's password.
import { Patch } from "@asgardeo-scim/core"
import { Directory, Groups, Users } from "@asgardeo-scim/directory"
import { HttpClient, HttpClientResponse } from "@effect/platform"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Layer, Option, Redacted } from "effect"
import type { Sink } from "./support/capture.js"
import { makeSink, observability, renderings } from "./support/capture.js"
import { recorder } from "./support/results.js"

const results = recorder("secrets")
afterAll((file) => results.finish(file))

// Characters that every encoding changes: `+`, `&`, `%`, space, quotes, `<`, `/`, non-ASCII.
const secret = "Cl1ent+Secr&t %/\"<é>"
const clientId = "reflect client"
const password = "Pa$$ w+rd&%<\"x>"
const token = "reflected-access-token-0123456789"

const form = (s: string) => encodeURIComponent(s).replace(/%20/g, "+")
const utf8Base64 = (s: string) => btoa(String.fromCharCode(...new TextEncoder().encode(s)))
const html = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")
const encodings = (s: string) => [s, form(s), encodeURIComponent(s), JSON.stringify(s).slice(1, -1), html(s)]
const forbidden = [
  ...encodings(secret),
  ...encodings(password),
  utf8Base64(`${form(clientId)}:${form(secret)}`),
  token
]

type Format = "text" | "html" | "json" | "oauth"

/** An engine whose server echoes each request back. */
const reflecting = (endpoint: "token" | "scim", status: number, format: Format) =>
  HttpClient.make((request) =>
    Effect.sync(() => {
      const body = request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : ""
      const isToken = request.url.endsWith("/oauth2/token")
      if (isToken && endpoint === "scim") {
        return HttpClientResponse.fromWeb(
          request,
          new Response(
            JSON.stringify({ access_token: token, token_type: "Bearer", expires_in: 3600, scope: scopes.join(" ") }),
            { status: 200 }
          )
        )
      }
      const echo = `${request.method} ${request.url}\n${
        Object.entries(request.headers).map(([k, v]) => `${k}: ${v}`).join("\n")
      }\n\n${body}`
      const text = format === "text"
        ? echo
        : format === "html"
        ? `<html><head><title>Error ${status}</title></head><body><pre>${html(echo)}</pre></body></html>`
        : format === "json"
        ? JSON.stringify({ detail: echo, status: String(status), request: { headers: request.headers, body } })
        : JSON.stringify({ error: "invalid_request", error_description: echo })
      return HttpClientResponse.fromWeb(request, new Response(text, { status }))
    })
  )

const scopes = ["internal_user_mgt_create", "internal_user_mgt_list", "internal_user_mgt_update"]

const scopesWithGroups = [...scopes, "internal_group_mgt_create"]
const allScopes = scopesWithGroups.join(" ")

const layerFor = (engine: HttpClient.HttpClient, sink: Sink, granted: ReadonlyArray<string> = scopes) =>
  Directory.layerAsgardeo({
    organization: "acme",
    clientId,
    clientSecret: Redacted.make(secret),
    baseUrl: "https://reflect.example.com",
    rateLimits: false,
    scopes: granted,
    retry: { maxAttempts: 1 }
  }).pipe(
    Layer.provide(Layer.succeed(HttpClient.HttpClient, engine)),
    Layer.provide(observability(sink))
  )

const leaksIn = (sink: Sink, error: unknown): ReadonlyArray<string> => {
  const texts = [
    ...renderings(error),
    Cause.pretty(Cause.fail(error)),
    ...sink.lines,
    ...sink.spans.map((s) => `${s.name} ${JSON.stringify([...s.attributes])} ${JSON.stringify(s.events)} ${s.exit}`)
  ]
  return forbidden.filter((f) => texts.some((t) => t.includes(f))).map((f) => `${f.slice(0, 4)}…`)
}

const create = Effect.flatMap(
  Users.Users,
  (users) => users.create({ userName: "kim@example.com", email: "kim@example.com", password: Redacted.make(password) })
)

const patchPassword = Effect.flatMap(
  Users.Users,
  (users) => users.patch("0b7e4b1e-2f0c-4f4e-9a55-3c1d2e0f9a10", [Patch.setPassword(Redacted.make(password))])
)

const cases: ReadonlyArray<readonly [string, "token" | "scim", number, Format]> = [
  ["token 400 html", "token", 400, "html"],
  ["token 401 html", "token", 401, "html"],
  ["token 401 oauth json", "token", 401, "oauth"],
  ["token 400 oauth json", "token", 400, "oauth"],
  ["token 500 text", "token", 500, "text"],
  ["token 503 json", "token", 503, "json"],
  ["token 200 text", "token", 200, "text"],
  ["token 200 html", "token", 200, "html"],
  ["scim 200 text", "scim", 200, "text"],
  ["scim 201 html", "scim", 201, "html"],
  ["scim 400 json", "scim", 400, "json"],
  ["scim 400 html", "scim", 400, "html"],
  ["scim 409 text", "scim", 409, "text"],
  ["scim 500 text", "scim", 500, "text"],
  ["scim 502 html", "scim", 502, "html"]
]

describe("secrets against a server that reflects the request", () => {
  let tried = 0
  for (const [name, endpoint, status, format] of cases) {
    for (const [op, effect] of [["Users.create", create], ["Users.patch", patchPassword]] as const) {
      it.effect(`${name}: ${op}`, () => {
        const sink = makeSink()
        return Effect.gen(function*() {
          const exit = yield* Effect.exit(effect)
          assert.isTrue(Exit.isFailure(exit), "a reflected body is never a success")
          if (Exit.isSuccess(exit)) return
          const error = Option.getOrElse(Cause.failureOption(exit.cause), () => Cause.squash(exit.cause))
          if (endpoint === "scim") {
            assert.include(
              ["BadRequest", "Conflict", "ServerError", "InvalidResponse"],
              (error as { _tag: string })._tag
            )
          }
          const leaks = leaksIn(sink, error)
          assert.deepStrictEqual(leaks, [], `${name}: ${String(error)}`)
          tried++
        }).pipe(Effect.provide(layerFor(reflecting(endpoint, status, format), sink)))
      })
    }
  }

  it.effect("the scrubbed body still says what went wrong", () => {
    const sink = makeSink()
    return Effect.gen(function*() {
      const error = yield* Effect.flip(create)
      assert.strictEqual(error._tag, "BadRequest")
      if (error._tag === "BadRequest") {
        assert.include(error.body ?? "", "POST https://reflect.example.com/t/acme/scim2/Users")
      }
    }).pipe(Effect.provide(layerFor(reflecting("scim", 400, "text"), sink)))
  })

  it.effect("a created user echoed back with its password: the User returned holds no password", () => {
    const sink = makeSink()
    // The server answers 201 with the request body it got (password included) plus an id.
    const echoing = HttpClient.make((request) =>
      Effect.sync(() => {
        if (request.url.endsWith("/oauth2/token")) {
          return HttpClientResponse.fromWeb(
            request,
            new Response(
              JSON.stringify({ access_token: token, token_type: "Bearer", expires_in: 3600, scope: scopes.join(" ") }),
              { status: 200 }
            )
          )
        }
        const body = request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : "{}"
        const user = { ...JSON.parse(body), id: "0b7e4b1e-2f0c-4f4e-9a55-3c1d2e0f9a10" }
        return HttpClientResponse.fromWeb(request, new Response(JSON.stringify(user), { status: 201 }))
      })
    )
    return Effect.gen(function*() {
      const user = yield* create
      assert.isFalse("password" in user)
      assert.notInclude(JSON.stringify(user), password)
      assert.notInclude(JSON.stringify(user), JSON.stringify(password).slice(1, -1))
    }).pipe(Effect.provide(layerFor(echoing, sink)))
  })

  // A 2xx whose JSON is not the resource: the decode error describes what arrived.
  for (
    const [name, shape, status, op] of [
      ["201 with the echo as a JSON string", (echo: string) => echo, 201, "create"],
      ["200 list whose Resources hold the echo", (echo: string) => ({ Resources: [echo] }), 200, "list"],
      ["201 group create with the echo as a JSON string", (echo: string) => echo, 201, "group"]
    ] as const
  ) {
    it.effect(`a 2xx JSON answer that is not the resource: ${name}`, () => {
      const sink = makeSink()
      const engine = HttpClient.make((request) =>
        Effect.sync(() => {
          const body = request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : ""
          if (request.url.endsWith("/oauth2/token")) {
            return HttpClientResponse.fromWeb(
              request,
              new Response(
                JSON.stringify({ access_token: token, token_type: "Bearer", expires_in: 3600, scope: allScopes }),
                { status: 200 }
              )
            )
          }
          const echo = `${request.method} ${request.url}\n${
            Object.entries(request.headers).map(([k, v]) => `${k}: ${v}`).join("\n")
          }\n\n${body}`
          return HttpClientResponse.fromWeb(request, new Response(JSON.stringify(shape(echo)), { status }))
        })
      )
      const effect: Effect.Effect<unknown, { readonly _tag: string }, Users.Users | Groups.Groups> = op === "create"
        ? create
        : op === "list"
        ? Effect.flatMap(Users.Users, (users) => users.list({ filter: "userName eq \"kim@example.com\"" }))
        : Effect.flatMap(Groups.Groups, (groups) => groups.create({ displayName: "Team" }))
      return Effect.gen(function*() {
        const error = yield* Effect.flip(effect)
        assert.strictEqual(error._tag, "InvalidResponse")
        assert.deepStrictEqual(leaksIn(sink, error), [])
        tried++
      }).pipe(Effect.provide(layerFor(engine, sink, scopesWithGroups)))
    })
  }

  afterAll(() => {
    results.observe(
      "secrets.reflected",
      tried,
      "no encoding of the client secret, the Basic pair, the access token or a password in any error, log or span"
    )
  })
})
