/**
 * The SCIM HTTP client: base URL, SCIM media types, bearer token, id checks, status-to-error
 * mapping, tolerant error bodies, retries, rate budgets, one span per operation.
 *
 * It runs over whatever `HttpClient.HttpClient` the program provides (`FetchHttpClient.layer`,
 * `NodeHttpClient.layerUndici`, the testkit emulator, a mock): it never picks an engine.
 *
 * Retry rules (`retry` in the configuration):
 * - 429: not an attempt. The shared `RateLimiter` is told (`onThrottle`): a `Retry-After` (seconds
 *   or HTTP date) pauses every fiber, and the adaptive send rate drops for every fiber; the
 *   request is retried after the `Retry-After` or a backoff, until it has been throttled for
 *   `maxRateLimitWait` (then `RateLimited`). A `Retry-After` above `maxRetryAfter` fails at once.
 * - 5xx (but 501) and transport errors: retried with backoff and jitter, `maxAttempts` attempts,
 *   for idempotent requests only (GET, PUT, DELETE, or a request that says it is idempotent). A
 *   POST is never retried on them: reconciliation belongs to the callers that can do it
 *   (`Users.ensure`). A DELETE retried after a transport error treats 404 as already deleted.
 * - 401: the refused token is dropped (compare-and-set) and the request retried with a new one,
 *   `maxAttempts` attempts in all; a 401 on a token another fiber already replaced costs no
 *   attempt. A static bearer token is never retried: its 401 is final.
 * - The retry machinery is built only after a failure: a call that succeeds pays nothing.
 *
 * Interrupting a call (a caller's timeout, `Stream.take` on paging, a race) aborts the request
 * in flight. Error bodies are scrubbed of every encoding of the client secret, the access token
 * and the passwords the request carried, and truncated.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as ParseResult from "effect/ParseResult"
import * as Random from "effect/Random"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as AccessToken from "./AccessToken.js"
import * as AsgardeoConfig from "./AsgardeoConfig.js"
import * as Deadlines from "./internal/deadlines.js"
import * as internal from "./internal/http.js"
import * as Redact from "./internal/redact.js"
import * as RetryState from "./internal/retryState.js"
import * as RateLimiter from "./RateLimiter.js"
import * as ScimError from "./ScimError.js"
import * as Validation from "./Validation.js"

/**
 * An HTTP method the client sends.
 *
 * @since 0.1.0
 * @category models
 */
export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE"

/**
 * One SCIM request.
 *
 * @since 0.1.0
 * @category models
 */
export interface Request {
  /** The operation name: the span name and what `MissingScope` reports (`Users.get`). */
  readonly operation: string
  /** The scope the operation needs on Asgardeo; checked against the token before sending. */
  readonly scope?: string | undefined
  readonly method: Method
  /** The path under the SCIM base URL: `/Users`, `/Groups/.search`, `/Bulk`. */
  readonly path: string
  /** A resource id, appended as one checked and encoded path segment. */
  readonly id?: string | undefined
  /** Query parameters; `undefined` values are left out. */
  readonly urlParams?: Readonly<Record<string, string | number | boolean | undefined>> | undefined
  /** A JSON body. */
  readonly body?: unknown
  /** The rate budget the request counts against. Default `scim`. */
  readonly bucket?: RateLimiter.Bucket | undefined
  /** Whether 5xx and transport errors may be retried. Default: true for GET, PUT and DELETE. */
  readonly idempotent?: boolean | undefined
}

/**
 * A successful response.
 *
 * @since 0.1.0
 * @category models
 */
export interface Response {
  readonly status: number
  /** The parsed JSON body, or `undefined` when the body was empty (204). */
  readonly body: unknown
  /** The `Location` header, when present. */
  readonly location: string | undefined
  /**
   * Scrubs a text derived from this answer (a decode error's description) of every secret the
   * request carried: the client secret, the access token, passwords in the body.
   */
  readonly scrub: (text: string) => string
}

/**
 * The errors `execute` can fail with.
 *
 * @since 0.1.0
 * @category models
 */
export type Error =
  | ScimError.HttpError
  | ScimError.TokenFailure
  | ScimError.MissingScope
  | ScimError.InvalidId
  | ScimError.InvalidInput

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly config: AsgardeoConfig.Service
  /** Sends a request, with the retry rules of this module. */
  readonly execute: (request: Request) => Effect.Effect<Response, Error>
  /** Sends a request and decodes its 2xx body with `schema`; a mismatch is `InvalidResponse`. */
  readonly executeDecode: <A, I>(
    request: Request,
    schema: Schema.Schema<A, I>
  ) => Effect.Effect<A, Error>
  /** Checks a resource id for the target and encodes it as one path segment. */
  readonly encodeId: (id: string) => Either.Either<string, ScimError.InvalidId>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class ScimClient extends Context.Tag("@asgardeo-scim/core/ScimClient")<ScimClient, Service>() {}

/**
 * Requests sent (each attempt counts).
 *
 * @since 0.1.0
 * @category metrics
 */
export const requests = Metric.counter("asgardeo_scim_requests_total", {
  description: "SCIM requests sent, retries included",
  incremental: true
})

/**
 * Retries made (after 429, 5xx, transport errors or 401).
 *
 * @since 0.1.0
 * @category metrics
 */
export const retries = Metric.counter("asgardeo_scim_retries_total", {
  description: "SCIM request retries",
  incremental: true
})

/**
 * 429 answers received (token endpoint included).
 *
 * @since 0.1.0
 * @category metrics
 */
export const rateLimited = Metric.counter("asgardeo_scim_rate_limited_total", {
  description: "429 Too Many Requests answers received",
  incremental: true
})

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * Checks an id: a UUID on Asgardeo; elsewhere anything but empty, `.`, `..`, `/`, `\` or control
 * characters. Returns it encoded as one path segment.
 *
 * @since 0.1.0
 * @category validation
 */
export const encodeId = (target: "asgardeo" | "generic", id: unknown): Either.Either<string, ScimError.InvalidId> => {
  if (typeof id !== "string") {
    return Either.left(new ScimError.InvalidId({ id: String(id), reason: `expected a string, got ${typeof id}` }))
  }
  if (target === "asgardeo") {
    return uuid.test(id) ? Either.right(id.toLowerCase()) : Either.left(
      new ScimError.InvalidId({ id, reason: "Asgardeo resource ids are UUIDs" })
    )
  }
  if (id === "" || id.trim() === "") return Either.left(new ScimError.InvalidId({ id, reason: "the id is empty" }))
  if (id === "." || id === "..") {
    return Either.left(new ScimError.InvalidId({ id, reason: "'.' and '..' are not ids" }))
  }
  if (id.includes("/") || id.includes("\\")) {
    return Either.left(new ScimError.InvalidId({ id, reason: "an id cannot contain '/' or '\\'" }))
  }
  if (Validation.hasControlCharacter(id)) {
    return Either.left(new ScimError.InvalidId({ id, reason: "an id cannot contain control characters" }))
  }
  return Either.right(encodeURIComponent(id))
}

const encodeQuery = (params: Request["urlParams"]): string => {
  if (params === undefined) return ""
  let query = ""
  for (const key in params) {
    const value = params[key]
    if (value === undefined) continue
    query += `${query === "" ? "?" : "&"}${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`
  }
  return query
}

const identity = (text: string): string => text

/**
 * RFC 7643 §4.1.1: a password is never returned. A server that echoes one anyway (a reflecting
 * proxy, a broken build) does not get it into a resource, or a list's resources, the caller
 * receives, logs or writes back. The parsed body is ours: changed in place.
 */
const withoutPasswords = (body: unknown): unknown => {
  if (typeof body !== "object" || body === null) return body
  if ("password" in body) delete (body as { password?: unknown }).password
  const resources = (body as { Resources?: unknown }).Resources
  if (Array.isArray(resources)) {
    for (const r of resources) if (typeof r === "object" && r !== null && "password" in r) delete r.password
  }
  return body
}

/** The client secret, its HTTP Basic pair and the pair's base64: what a reflecting server may echo. */
const clientSecrets = (clientId: string, secret: string): ReadonlyArray<string> => {
  const basic = `${Redact.formEncode(clientId)}:${Redact.formEncode(secret)}`
  return [secret, basic, Redact.base64(basic)]
}

/**
 * The secrets of a request body: every `Redacted` value (unwrapped), every string under a
 * `password` key and the value of a PATCH operation on `password`, at any depth. They must not
 * come back in errors.
 */
const bodySecrets = (body: unknown): ReadonlyArray<string> => {
  const out: Array<string> = []
  const seen = new Set<unknown>()
  const walk = (u: unknown, key: string): void => {
    if (typeof u === "string" || typeof u === "number") {
      if (key.toLowerCase() === "password") out.push(String(u))
      return
    }
    if (typeof u !== "object" || u === null || seen.has(u)) return
    seen.add(u)
    if (Redacted.isRedacted(u)) {
      const value: unknown = Redacted.value(u)
      if (typeof value === "string") out.push(value)
      return
    }
    if (Array.isArray(u)) {
      for (const v of u) walk(v, key)
      return
    }
    const o = u as Record<string, unknown>
    // A PATCH operation on the password: { op, path: "password", value }.
    const patchesPassword = typeof o.path === "string" && /(^|[.:])password$/i.test(o.path)
    for (const [k, v] of Object.entries(o)) walk(v, patchesPassword && k === "value" ? "password" : k)
  }
  walk(body, "")
  return out
}

/**
 * Builds the client.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<
  Service,
  never,
  | AsgardeoConfig.AsgardeoConfig
  | AccessToken.AccessToken
  | RateLimiter.RateLimiter
  | HttpClient.HttpClient
  | Scope.Scope
> = Effect.gen(function*() {
  const config = yield* AsgardeoConfig.AsgardeoConfig
  const tokens = yield* AccessToken.AccessToken
  const limiter = yield* RateLimiter.RateLimiter
  // One span per operation: the platform client's own span costs time and records the full URL.
  // Each attempt runs in a Scope of its own: closing it aborts the request (the timeout, an
  // interruption).
  const client = (yield* HttpClient.HttpClient).pipe(
    HttpClient.withTracerDisabledWhen(() => true),
    HttpClient.withScope
  )
  const base = config.scimBaseUrl
  const checkScopes = config.target === "asgardeo"
  const policy = AccessToken.retryPolicy(config.retry)
  const withDeadline = Deadlines.make(config.timeout, yield* Effect.scope)
  // What a server reflecting the request could echo: the client secret (and its Basic pair), the
  // static token; per request, the access token sent and the passwords in the body.
  const secrets: ReadonlyArray<string> = config.auth._tag === "ClientCredentials"
    ? clientSecrets(config.auth.clientId, Redacted.value(config.auth.clientSecret))
    : [Redacted.value(config.auth.token)]

  interface Attempt {
    readonly status: number
    readonly text: string
    readonly location: string | undefined
    readonly retryAfter: string | undefined
  }

  const send = (
    request: Request,
    path: string,
    url: string,
    token: AccessToken.Token,
    body: string | undefined,
    secretsOf: () => ReadonlyArray<string>
  ) => {
    let req = HttpClientRequest.make(request.method)(url, {
      headers: {
        accept: "application/scim+json, application/json",
        authorization: `Bearer ${Redacted.value(token.value)}`
      }
    })
    if (body !== undefined) req = HttpClientRequest.bodyText(req, body, "application/scim+json")
    return withDeadline(
      Effect.flatMap(client.execute(req), (response) =>
        Effect.map(
          response.text,
          (text): Attempt => ({
            status: response.status,
            text,
            location: response.headers["location"],
            retryAfter: response.headers["retry-after"]
          })
        )),
      () => new ScimError.TransportError({ method: request.method, path, reason: "Timeout" })
    ).pipe(
      Effect.catchTag("RequestError", "ResponseError", (error) =>
        Effect.fail(
          new ScimError.TransportError({
            method: request.method,
            path,
            reason: "Transport",
            description: error._tag === "RequestError"
              ? internal.describeRequestError(error, secretsOf())
              : "the response body could not be read"
          })
        ))
    )
  }

  const execute = (request: Request): Effect.Effect<Response, Error> =>
    Effect.suspend(() => {
      let path = request.path
      if (request.id !== undefined) {
        const id = encodeId(config.target, request.id)
        if (Either.isLeft(id)) return Effect.fail(id.left)
        path = `${path}/${id.right}`
      }
      const url = base + path + encodeQuery(request.urlParams)
      // The one place bodies are serialized: Redacted values unwrapped, at most 1 MiB.
      const encoded = Validation.encodeBody(request.operation, request.body)
      if (Either.isLeft(encoded)) return Effect.fail(encoded.left)
      const body = encoded.right
      const bucket = request.bucket ?? "scim"
      const idempotent = request.idempotent ?? (request.method !== "POST" && request.method !== "PATCH")

      const attempt = (retries: RetryState.State, afterTransportError: boolean): Effect.Effect<Response, Error> =>
        Effect.flatMap(limiter.acquire(bucket), () =>
          Effect.flatMap(tokens.get(), (token) => {
            if (checkScopes && request.scope !== undefined && token.scopes !== undefined) {
              if (!token.scopes.has(request.scope)) {
                return Effect.fail(
                  new ScimError.MissingScope({
                    operation: request.operation,
                    scope: request.scope,
                    granted: [...token.scopes]
                  })
                )
              }
            }
            const secretsOf = () => [...secrets, Redacted.value(token.value), ...bodySecrets(request.body)]
            const again = (next: RetryState.Next, reason: string, error: Error, transportError: boolean) =>
              next._tag === "Fail" ? Effect.fail(error) : Effect.zipRight(
                wait(next.delayMillis, reason),
                attempt(next.state, transportError)
              )
            const answered = (res: Attempt): Effect.Effect<Response, Error> => {
              if (res.status >= 200 && res.status < 300) return decodeBody(request, path, res, secretsOf)
              if (res.status === 404 && afterTransportError && request.method === "DELETE") {
                // The earlier attempt deleted it; its answer was lost.
                return Effect.succeed<Response>({ status: 204, body: undefined, location: undefined, scrub: identity })
              }
              return Effect.flatMap(Clock.currentTimeMillis, (now) => {
                const error = statusError(request, path, res, now, secretsOf)
                if (res.status === 401 && tokens.refreshable) {
                  // A refused token is dropped (compare-and-set) and the request retried with the
                  // next one; a 401 on a token another fiber already replaced costs no attempt.
                  return Effect.flatMap(
                    tokens.invalidate(token),
                    (wasCurrent) =>
                      again(RetryState.unauthorized(retries, policy, wasCurrent), "401", error, afterTransportError)
                  )
                }
                if (res.status >= 500 && res.status !== 501 && idempotent) {
                  return Effect.flatMap(
                    Random.next,
                    (r) =>
                      again(RetryState.transient(retries, policy, r), String(res.status), error, afterTransportError)
                  )
                }
                return Effect.fail(error)
              })
            }
            return Effect.flatMap(Clock.currentTimeMillis, (sentAt) =>
              Effect.zipRight(Metric.increment(requests), send(request, path, url, token, body, secretsOf)).pipe(
                Effect.matchEffect({
                  onFailure: (error) =>
                    // Transport error or timeout: no answer to learn from.
                    idempotent
                      ? Effect.flatMap(
                        Random.next,
                        (r) => again(RetryState.transient(retries, policy, r), error.reason, error, true)
                      )
                      : Effect.fail(error),
                  onSuccess: (res) => {
                    if (res.status === 429) {
                      return Effect.flatMap(Clock.currentTimeMillis, (now) => {
                        const error = statusError(request, path, res, now, secretsOf)
                        const retryAfterMillis = error._tag === "RateLimited" ? error.retryAfterMillis : undefined
                        return Effect.all([
                          Metric.increment(rateLimited),
                          limiter.onThrottle(bucket, {
                            sentAt,
                            ...(retryAfterMillis !== undefined ? { retryAfter: Duration.millis(retryAfterMillis) } : {})
                          }),
                          Random.next
                        ]).pipe(Effect.flatMap(([, , r]) =>
                          again(
                            RetryState.throttled(retries, policy, now, retryAfterMillis, r),
                            "429",
                            error,
                            afterTransportError
                          )
                        ))
                      })
                    }
                    return Effect.zipRight(limiter.onSuccess(bucket), answered(res))
                  }
                })
              ))
          }))

      return attempt(RetryState.initial, false).pipe(
        Effect.withSpan(request.operation, {
          kind: "client",
          captureStackTrace: false,
          attributes: { "http.request.method": request.method, "url.path": path, "scim.target": config.target }
        })
      )
    })

  const wait = (delayMillis: number, reason: string) =>
    Effect.zipRight(
      Effect.zipRight(
        Metric.increment(retries),
        Effect.logDebug(`SCIM request failed (${reason}), retry in ${delayMillis} ms`)
      ),
      delayMillis > 0 ? Effect.sleep(Duration.millis(delayMillis)) : Effect.void
    )

  const decodeBody = (
    request: Request,
    path: string,
    res: Attempt,
    secretsOf: () => ReadonlyArray<string>
  ): Effect.Effect<Response, Error> => {
    const scrub = (text: string) => internal.scrub(text, secretsOf())
    const text = res.text.trim()
    if (text === "") return Effect.succeed({ status: res.status, body: undefined, location: res.location, scrub })
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      return Effect.fail(
        new ScimError.InvalidResponse({
          method: request.method,
          path,
          status: res.status,
          reason: "the body is not JSON",
          body: scrub(res.text)
        })
      )
    }
    return Effect.succeed({ status: res.status, body: withoutPasswords(body), location: res.location, scrub })
  }

  const statusError = (
    request: Request,
    path: string,
    res: Attempt,
    now: number,
    secretsOf: () => ReadonlyArray<string>
  ) => {
    const body = internal.scrub(res.text, secretsOf())
    const parsed = internal.parseErrorBody(body)
    const retryAfterMillis = res.status === 429 ? internal.parseRetryAfter(res.retryAfter, now) : undefined
    return ScimError.fromStatus({
      method: request.method,
      path,
      status: res.status,
      scimType: parsed.scimType,
      detail: parsed.detail,
      body: body === "" ? undefined : body,
      retryAfterMillis
    })
  }

  const executeDecode = <A, I>(request: Request, schema: Schema.Schema<A, I>): Effect.Effect<A, Error> => {
    const decode = Schema.decodeUnknownEither(schema, { onExcessProperty: "preserve" })
    return Effect.flatMap(execute(request), (response) => {
      const decoded = decode(response.body)
      return Either.isRight(decoded) ? Effect.succeed(decoded.right) : Effect.fail(
        new ScimError.InvalidResponse({
          method: request.method,
          path: request.id === undefined ? request.path : `${request.path}/${request.id}`,
          status: response.status,
          reason: response.scrub(ParseResult.TreeFormatter.formatErrorSync(decoded.left))
        })
      )
    })
  }

  return ScimClient.of({
    config,
    execute,
    executeDecode,
    encodeId: (id) => encodeId(config.target, id)
  })
})

/**
 * The client alone; needs `AccessToken` and `RateLimiter`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWithoutDependencies: Layer.Layer<
  ScimClient,
  never,
  AsgardeoConfig.AsgardeoConfig | AccessToken.AccessToken | RateLimiter.RateLimiter | HttpClient.HttpClient
> = Layer.scoped(ScimClient, make)

/**
 * The client with its token cache and rate limiter, from `AsgardeoConfig` and an `HttpClient`.
 * Scoped: closing it stops background token refreshes.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<
  ScimClient | AccessToken.AccessToken | RateLimiter.RateLimiter,
  never,
  AsgardeoConfig.AsgardeoConfig | HttpClient.HttpClient
> = layerWithoutDependencies.pipe(
  Layer.provideMerge(AccessToken.layer),
  Layer.provideMerge(RateLimiter.layer)
)

/**
 * The client for the Asgardeo target from options: `ScimClient.layerAsgardeo({ organization, ... })`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerAsgardeo = (options: AsgardeoConfig.Options) =>
  layer.pipe(Layer.provideMerge(AsgardeoConfig.layer(options)))

/**
 * The client for the Asgardeo target from `ASGARDEO_*` environment variables.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (overrides?: Parameters<typeof AsgardeoConfig.layerConfig>[0]) =>
  layer.pipe(Layer.provideMerge(AsgardeoConfig.layerConfig(overrides)))
