// A scriptable mock HttpClient (ideas from core's test/utils/MockServer.ts): each test gives a
// handler from request to reply and reads the requests received.
import { type ScimConfig, Scopes, type Target } from "@asgardeo-scim/core"
import { Directory, type Directory as D } from "@asgardeo-scim/directory"
import { HttpClient, HttpClientError, HttpClientResponse } from "@effect/platform"
import { Effect, Layer, Redacted } from "effect"

export interface Received {
  readonly method: string
  readonly url: URL
  readonly headers: Record<string, string>
  readonly body: string
  readonly json: unknown
}

export interface Reply {
  readonly status: number
  readonly body?: unknown
  readonly text?: string
  readonly headers?: Record<string, string>
}

export type Handler = (req: Received) => Reply | "drop"

export const GENERIC_BASE = "https://scim.example.com/v2"

const makeMock = (handler: Handler, granted: ReadonlyArray<string> = Scopes.all) => {
  const received: Array<Received> = []
  const tokenRequests: Array<Received> = []
  const client = HttpClient.make((request, url) =>
    Effect.gen(function*() {
      const body = request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : ""
      let json: unknown = undefined
      try {
        json = body === "" ? undefined : JSON.parse(body)
      } catch {
        json = undefined
      }
      const rec: Received = { method: request.method, url, headers: { ...request.headers }, body, json }
      const isToken = url.pathname.endsWith("/oauth2/token")
      if (isToken) tokenRequests.push(rec)
      else received.push(rec)
      const reply = isToken
        ? {
          status: 200,
          body: { access_token: "tok", token_type: "Bearer", expires_in: 3600, scope: granted.join(" ") }
        }
        : handler(rec)
      if (reply === "drop") {
        return yield* Effect.fail(
          new HttpClientError.RequestError({ request, reason: "Transport", cause: new Error("socket hang up") })
        )
      }
      const text = reply.text ?? (reply.body === undefined ? "" : JSON.stringify(reply.body))
      return HttpClientResponse.fromWeb(
        request,
        new Response(reply.status === 204 || text === "" ? null : text, {
          status: reply.status,
          headers: { "content-type": "application/scim+json", ...reply.headers }
        })
      )
    })
  )
  return { received, tokenRequests, layer: Layer.succeed(HttpClient.HttpClient, client) }
}

/** The directory on a generic target over a mock. */
export const generic = (
  handler: Handler,
  options: {
    readonly pageSize?: number
    readonly maxPageRequests?: number
    readonly retry?: { readonly maxAttempts?: number }
    readonly target?: Target.Target
  } = {}
) => {
  const mock = makeMock(handler)
  const layer: Layer.Layer<D.Services> = Directory.layerGeneric({
    scimBaseUrl: GENERIC_BASE,
    auth: { bearerToken: Redacted.make("static-token") },
    retry: { maxAttempts: 1 },
    ...options
  }).pipe(Layer.orDie, Layer.provide(mock.layer))
  return { received: mock.received, layer }
}

/** The directory on an Asgardeo target over a mock (the token endpoint is answered here). */
export const asgardeo = (
  handler: Handler,
  options: {
    readonly pageSize?: number
    readonly defaultUserStore?: string
    readonly rolesApi?: "v2" | "v3"
    readonly subOrganization?: { readonly id: string }
    /** The scopes the token endpoint grants (default `Scopes.all`). */
    readonly granted?: ReadonlyArray<string>
  } = {}
) => {
  const { granted, ...config } = options
  const mock = makeMock(handler, granted)
  const layer: Layer.Layer<D.Services | ScimConfig.ScimConfig> = Directory.layerAsgardeo({
    organization: "acme",
    clientId: "client",
    clientSecret: Redacted.make("secret"),
    rateLimits: false,
    retry: { maxAttempts: 1 },
    ...config
  }).pipe(Layer.orDie, Layer.provide(mock.layer))
  /** The mock engine itself, for what builds layers of its own on it (`forEachSubOrganization`). */
  return { received: mock.received, tokenRequests: mock.tokenRequests, layer, http: mock.layer }
}

export const userJson = (id: string, userName: string, extra: Record<string, unknown> = {}) => ({
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
  id,
  userName,
  ...extra
})

export const spc = (maxOperations = 1000, maxPayloadSize = 1048576) => ({
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
  patch: { supported: true },
  bulk: { supported: true, maxOperations, maxPayloadSize },
  filter: { supported: true, maxResults: 200 },
  changePassword: { supported: false },
  sort: { supported: false },
  etag: { supported: false },
  authenticationSchemes: []
})
