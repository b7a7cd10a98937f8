// A scriptable mock HttpClient (HttpClient.make + HttpClientResponse.fromWeb): each test gives a
// handler from request to response, and reads the requests it received.
import type { AsgardeoConfig } from "@asgardeo-scim/core"
import { ScimClient, Scopes } from "@asgardeo-scim/core"
import { HttpClient, HttpClientError, HttpClientResponse } from "@effect/platform"
import { Effect, Layer, Redacted } from "effect"

export interface Received {
  readonly method: string
  readonly url: URL
  readonly headers: Record<string, string>
  readonly body: string
}

export interface Reply {
  readonly status: number
  readonly body?: unknown
  readonly text?: string
  readonly headers?: Record<string, string>
}

export type Handler = (req: Received) => Effect.Effect<Reply | "drop">

export const SECRET = "s3cr3t-client-secret-value"
export const ORG = "acme"
export const BASE = "https://api.asgardeo.io"

export const tokenReply = (
  token: string,
  expiresIn = 3600,
  scope: string | undefined = undefined
): Reply => ({
  status: 200,
  body: {
    access_token: token,
    token_type: "Bearer",
    expires_in: expiresIn,
    ...(scope !== undefined ? { scope } : {})
  }
})

export const makeMock = (handler: Handler) => {
  const received: Array<Received> = []
  const client = HttpClient.make((request, url, signal) =>
    Effect.gen(function*() {
      const body = request.body._tag === "Uint8Array"
        ? new TextDecoder().decode(request.body.body)
        : request.body._tag === "Raw"
        ? String(request.body.body)
        : ""
      const headers: Record<string, string> = { ...request.headers }
      const rec: Received = { method: request.method, url, headers, body }
      received.push(rec)
      // Like a real engine, an aborted request fails at once.
      const aborted = Effect.async<never, HttpClientError.RequestError>((resume) => {
        const onAbort = () =>
          resume(Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause: "aborted" })))
        if (signal.aborted) onAbort()
        else signal.addEventListener("abort", onAbort, { once: true })
        return Effect.sync(() => signal.removeEventListener("abort", onAbort))
      })
      const reply = yield* Effect.raceFirst(handler(rec), aborted)
      if (reply === "drop") {
        return yield* Effect.fail(
          new HttpClientError.RequestError({ request, reason: "Transport", cause: new Error("socket hang up") })
        )
      }
      const text = reply.text ?? (reply.body === undefined ? "" : JSON.stringify(reply.body))
      const init: ResponseInit = {
        status: reply.status,
        headers: { "content-type": "application/scim+json", ...reply.headers }
      }
      return HttpClientResponse.fromWeb(
        request,
        new Response(reply.status === 204 || text === "" ? null : text, init)
      )
    })
  )
  return { received, layer: Layer.succeed(HttpClient.HttpClient, client) }
}

export const isToken = (r: Received) => r.url.pathname.endsWith("/oauth2/token")
export const scimCalls = (received: ReadonlyArray<Received>) => received.filter((r) => !isToken(r))
export const tokenCalls = (received: ReadonlyArray<Received>) => received.filter(isToken)

/** A ScimClient layer on a mock: the token endpoint answers `tok-N` unless the handler takes it. */
export const clientLayer = (
  handler: Handler,
  options: Partial<AsgardeoConfig.Options> = {}
) => {
  let n = 0
  const mock = makeMock((req) =>
    isToken(req) && !(options as { handleToken?: boolean }).handleToken
      ? Effect.succeed(tokenReply(`tok-${++n}`, 3600, (options.scopes ?? allScopes).join(" ")))
      : handler(req)
  )
  const layer = ScimClient.layerAsgardeo({
    organization: ORG,
    clientId: "client-id",
    clientSecret: Redacted.make(SECRET),
    rateLimits: false,
    ...options
  }).pipe(Layer.provide(mock.layer))
  return { received: mock.received, layer }
}

export const allScopes: ReadonlyArray<string> = Scopes.all
