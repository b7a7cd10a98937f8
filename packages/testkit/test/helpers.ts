import { Scopes } from "@asgardeo-scim/core"
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { Effect } from "effect"
import { AsgardeoEmulator } from "../src/index.js"

export const ORG = "/t/acme"
export const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

/** Runs `effect` with an in-process emulator (its HttpClient face) built from `options`. */
export const withEmulator = <A, E>(effect: Effect.Effect<A, E, any>, options?: AsgardeoEmulator.Options) =>
  Effect.provide(effect, AsgardeoEmulator.layerClient(options)) as Effect.Effect<A, E>
export const SCIM = "/t/acme/scim2"

export interface Answer {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly text: string
  readonly json: any
}

const answer = (response: {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly text: Effect.Effect<string, unknown>
}) =>
  Effect.map(Effect.orDie(response.text), (text): Answer => {
    let json: any = undefined
    try {
      json = text === "" ? undefined : JSON.parse(text)
    } catch {
      json = undefined
    }
    return { status: response.status, headers: response.headers, text, json }
  })

const basic = (id: string, secret: string) => `Basic ${btoa(`${id}:${secret}`)}`

/** POST /oauth2/token with HTTP Basic. */
export const tokenRequest = (
  form: Record<string, string>,
  options: {
    readonly clientId?: string
    readonly clientSecret?: string
    readonly org?: string
    readonly basic?: boolean
  } = {}
) =>
  Effect.gen(function*() {
    const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
    const client = yield* HttpClient.HttpClient
    let request = HttpClientRequest.post(`${emulator.baseUrl}/t/${options.org ?? "acme"}/oauth2/token`).pipe(
      HttpClientRequest.bodyUrlParams(form)
    )
    if (options.basic !== false) {
      request = HttpClientRequest.setHeader(
        request,
        "authorization",
        basic(
          options.clientId ?? emulator.credentials.clientId,
          options.clientSecret ?? emulator.credentials.clientSecret
        )
      )
    }
    return yield* answer(yield* client.execute(request))
  })

/** A token with the given scopes (default: all). */
export const token = (scopes: ReadonlyArray<string> = AsgardeoEmulator.allScopes, org = "acme") =>
  Effect.map(
    tokenRequest({ grant_type: "client_credentials", scope: scopes.join(" ") }, { org }),
    (a) => a.json.access_token as string
  )

/** Any request; `path` is relative to the origin. */
export const call = (
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
  path: string,
  options: {
    readonly token?: string | undefined
    readonly body?: unknown
    readonly query?: Record<string, string>
    readonly headers?: Record<string, string>
  } = {}
) =>
  Effect.gen(function*() {
    const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
    const client = yield* HttpClient.HttpClient
    let request = HttpClientRequest.make(method)(`${emulator.baseUrl}${path}`)
    if (options.query !== undefined) request = HttpClientRequest.setUrlParams(request, options.query)
    if (options.token !== undefined) request = HttpClientRequest.bearerToken(request, options.token)
    if (options.body !== undefined) request = HttpClientRequest.bodyUnsafeJson(request, options.body)
    if (options.headers !== undefined) request = HttpClientRequest.setHeaders(request, options.headers)
    return yield* answer(yield* client.execute(request))
  })

/** Calls with a fresh all-scope token. */
export const scim = (
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
  path: string,
  options: {
    readonly body?: unknown
    readonly query?: Record<string, string>
    readonly headers?: Record<string, string>
  } = {}
) => Effect.flatMap(token(), (t) => call(method, `${SCIM}${path}`, { ...options, token: t }))

export const newUser = (name: string, extra: Record<string, unknown> = {}) => ({
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
  userName: name,
  password: "Passw0rd1",
  emails: [{ value: name.includes("@") ? name : `${name}@example.com`, primary: true }],
  name: { givenName: "Given", familyName: "Family" },
  ...extra
})

export const createUser = (name: string, extra: Record<string, unknown> = {}) =>
  Effect.map(scim("POST", "/Users", { body: newUser(name, extra) }), (a) => {
    if (a.status !== 201) throw new Error(`create ${name}: ${a.status} ${a.text}`)
    return a.json as { id: string; userName: string }
  })

/** The default app's registration, to list next to other apps in `Options.apps`. */
export const defaultApp = { clientId: "emulator-client", clientSecret: "emulator-secret" } as const

/** The `internal_org_` name of each scope (core's rule), for switched tokens. */
export const orgScopes = (scopes: ReadonlyArray<string>) => scopes.map(Scopes.inOrganization)

/**
 * POST /oauth2/token with `grant_type=organization_switch` (or `grant`), HTTP Basic as the
 * default app unless `options` say otherwise.
 */
export const switchRequest = (
  rootToken: string,
  organizationId: string,
  scopes: ReadonlyArray<string> | undefined,
  options: Parameters<typeof tokenRequest>[1] & { readonly grant?: string } = {}
) =>
  tokenRequest({
    grant_type: options.grant ?? "organization_switch",
    token: rootToken,
    switching_organization: organizationId,
    ...(scopes === undefined ? {} : { scope: scopes.join(" ") })
  }, options)

/** A root token of the default app with every scope, switched into a sub-organization with every org scope. */
export const switchedToken = (organizationId: string, scopes: ReadonlyArray<string> = AsgardeoEmulator.allScopes) =>
  Effect.gen(function*() {
    const root = yield* token()
    const answer = yield* switchRequest(root, organizationId, scopes)
    if (answer.status !== 200) throw new Error(`switch: ${answer.status} ${answer.text}`)
    return answer.json.access_token as string
  })
