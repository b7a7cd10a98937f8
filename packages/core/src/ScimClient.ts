/**
 * The SCIM HTTP client: base URL, SCIM media types, bearer token, id checks, status-to-error
 * mapping, tolerant error bodies, retries, rate budgets, one span per operation.
 *
 * It runs over whatever `HttpClient.HttpClient` the program provides (`FetchHttpClient.layer`,
 * `NodeHttpClient.layerUndici`, the testkit emulator, a mock): it never picks an engine.
 *
 * Retry rules:
 * - 429: waits for `Retry-After` (seconds or HTTP date) and pauses the shared rate limiter for
 *   that long, so every fiber waits; without the header, exponential backoff with jitter. A
 *   `Retry-After` above `maxRetryAfter` fails at once with `RateLimited`.
 * - 5xx and transport errors: retried for idempotent requests only (GET, PUT, DELETE, or a
 *   request that says it is idempotent). A POST is never retried on them: reconciliation belongs
 *   to the callers that can do it (`Users.ensure`). A DELETE retried after a transport error
 *   treats 404 as already deleted.
 * - 401: the token is invalidated (compare-and-set) and the request retried once.
 * - The retry machinery is built only after a transient error: a call that succeeds pays nothing.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as AccessToken from "./AccessToken.js"
import * as AsgardeoConfig from "./AsgardeoConfig.js"
import * as Deadlines from "./internal/deadlines.js"
import * as internal from "./internal/http.js"
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
  // Each attempt runs in a Scope of its own: closing it aborts the request (the timeout).
  const client = (yield* HttpClient.HttpClient).pipe(
    HttpClient.withTracerDisabledWhen(() => true),
    HttpClient.withScope
  )
  const base = config.scimBaseUrl
  const checkScopes = config.target === "asgardeo"
  const retry = config.retry
  const maxRetryAfterMillis = Duration.toMillis(retry.maxRetryAfter)
  const withDeadline = Deadlines.make(config.timeout, yield* Effect.scope)
  const secrets: Array<string> = config.auth._tag === "ClientCredentials"
    ? [Redacted.value(config.auth.clientSecret)]
    : [Redacted.value(config.auth.token)]

  interface Attempt {
    readonly status: number
    readonly text: string
    readonly location: string | undefined
    readonly retryAfter: string | undefined
  }

  const send = (request: Request, path: string, url: string, token: AccessToken.Token, body: string | undefined) => {
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
              ? internal.describeRequestError(error, [...secrets, Redacted.value(token.value)])
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

      const attempt = (
        n: number,
        refreshed: boolean,
        afterTransportError: boolean
      ): Effect.Effect<Response, Error> =>
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
            return Effect.zipRight(Metric.increment(requests), send(request, path, url, token, body)).pipe(
              Effect.matchEffect({
                onFailure: (error) => {
                  // Transport error or timeout.
                  if (!idempotent || n >= retry.maxAttempts) return Effect.fail(error)
                  return retryAfter(n, undefined, error._tag).pipe(
                    Effect.zipRight(attempt(n + 1, refreshed, true))
                  )
                },
                onSuccess: (res) => {
                  if (res.status >= 200 && res.status < 300) {
                    return decodeBody(request, path, res)
                  }
                  if (res.status === 404 && afterTransportError && request.method === "DELETE") {
                    // The earlier attempt deleted it; its answer was lost.
                    return Effect.succeed<Response>({ status: 204, body: undefined, location: undefined })
                  }
                  if (res.status === 401 && !refreshed) {
                    return Effect.zipRight(
                      Effect.zipRight(tokens.invalidate(token), Metric.increment(retries)),
                      attempt(n, true, afterTransportError)
                    )
                  }
                  return Effect.flatMap(Effect.clockWith((clock) => clock.currentTimeMillis), (now) => {
                    const error = statusError(request, path, res, now, token)
                    if (res.status === 429) {
                      return Effect.zipRight(
                        Metric.increment(rateLimited),
                        error.retryAfterMillis !== undefined && error.retryAfterMillis > maxRetryAfterMillis ||
                          n >= retry.maxAttempts
                          ? Effect.fail(error.error)
                          : retryAfter(n, error.retryAfterMillis, "429").pipe(
                            Effect.zipRight(attempt(n + 1, refreshed, afterTransportError))
                          )
                      )
                    }
                    if (res.status >= 500 && res.status !== 501 && idempotent && n < retry.maxAttempts) {
                      return retryAfter(n, undefined, String(res.status)).pipe(
                        Effect.zipRight(attempt(n + 1, refreshed, afterTransportError))
                      )
                    }
                    return Effect.fail(error.error)
                  })
                }
              })
            )
          }))

      return attempt(1, false, false).pipe(
        Effect.withSpan(request.operation, {
          kind: "client",
          captureStackTrace: false,
          attributes: { "http.request.method": request.method, "url.path": path, "scim.target": config.target }
        })
      )
    })

  // Waits before a retry: the server's Retry-After (pausing every fiber), or a backoff.
  const retryAfter = (n: number, retryAfterMillis: number | undefined, reason: string) =>
    Effect.gen(function*() {
      const delay = retryAfterMillis ?? (yield* AccessToken.backoff(retry, n))
      if (reason === "429") yield* limiter.pause(Duration.millis(delay))
      yield* Metric.increment(retries)
      yield* Effect.logDebug(`SCIM request failed (${reason}), retry ${n} in ${delay} ms`)
      if (reason !== "429") yield* Effect.sleep(Duration.millis(delay))
    })

  const decodeBody = (request: Request, path: string, res: Attempt): Effect.Effect<Response, Error> => {
    const text = res.text.trim()
    if (text === "") return Effect.succeed({ status: res.status, body: undefined, location: res.location })
    try {
      return Effect.succeed({ status: res.status, body: JSON.parse(text), location: res.location })
    } catch {
      return Effect.fail(
        new ScimError.InvalidResponse({
          method: request.method,
          path,
          status: res.status,
          reason: "the body is not JSON",
          body: internal.scrub(res.text, secrets)
        })
      )
    }
  }

  const statusError = (request: Request, path: string, res: Attempt, now: number, token: AccessToken.Token) => {
    const body = internal.scrub(res.text, [...secrets, Redacted.value(token.value)])
    const parsed = internal.parseErrorBody(body)
    const retryAfterMillis = res.status === 429 ? internal.parseRetryAfter(res.retryAfter, now) : undefined
    return {
      retryAfterMillis,
      error: ScimError.fromStatus({
        method: request.method,
        path,
        status: res.status,
        scimType: parsed.scimType,
        detail: parsed.detail,
        body: body === "" ? undefined : body,
        retryAfterMillis
      })
    }
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
          reason: ParseResult.TreeFormatter.formatErrorSync(decoded.left)
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
