/**
 * The SCIM HTTP client: base URL, SCIM media types, bearer token, id checks, status-to-error
 * mapping, tolerant error bodies, retries, rate budgets, one span per operation.
 *
 * It runs over whatever `HttpClient.HttpClient` the program provides (`FetchHttpClient.layer`,
 * `NodeHttpClient.layerUndici`, the testkit emulator, a mock): it never picks an engine.
 *
 * Retry rules (`retry` in the configuration; the `Retry` module has the one loop behind them):
 * - 429: not an attempt. The shared `RateLimiter` is told (`onThrottle`): a `Retry-After` (seconds
 *   or HTTP date) pauses every fiber, and the adaptive send rate drops for every fiber; the
 *   request is retried after the `Retry-After` or a backoff, until it has been throttled for
 *   `maxRateLimitWait` (then `RateLimited`). A `Retry-After` above `maxRetryAfter` fails at once.
 * - 5xx (but 501), timeouts and transport errors: retried on the policy's backoff `Schedule` (by
 *   default `maxAttempts` attempts in all, equal jitter), for idempotent requests only (GET,
 *   PUT, DELETE, or a request that says it is idempotent). A POST is never retried on them: reconciliation belongs to the callers that can do it
 *   (`Users.ensure`). A DELETE retried after a transport error succeeds on a 404 (status 404:
 *   the first attempt deleted it, its answer was lost).
 * - 401: the refused token is dropped (compare-and-set) and the request retried with a new one,
 *   `max(2, maxAttempts)` attempts in all; a 401 on a token another fiber already replaced costs no
 *   attempt. A static bearer token is never retried: its 401 is final.
 * - The backoff schedule is stepped only after a failure: a call that succeeds pays nothing.
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
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import type * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as AccessToken from "./AccessToken.js"
import { cacheSuccess } from "./internal/cacheSuccess.js"
import * as Deadlines from "./internal/deadlines.js"
import * as internal from "./internal/http.js"
import * as RetryDriver from "./internal/retryDriver.js"
import * as Secrets from "./internal/secrets.js"
import * as Tracing from "./internal/tracing.js"
import * as RateLimiter from "./RateLimiter.js"
import * as RequestAbort from "./RequestAbort.js"
import type * as Retry from "./Retry.js"
import * as ScimConfig from "./ScimConfig.js"
import * as ScimError from "./ScimError.js"
import * as ServiceProviderConfig from "./ServiceProviderConfig.js"
import * as Target from "./Target.js"
import * as Tolerant from "./Tolerant.js"
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
  /** The scope the operation needs; checked against the token before sending where the target checks scopes. */
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
  /**
   * An entity tag (`meta.version`) sent as `If-Match`: the server writes only if the resource is
   * still at that version, and answers 412 (`PreconditionFailed`) otherwise. Printable ASCII
   * only (`InvalidInput` otherwise, before sending). A conditional request is never retried
   * after a 5xx or a lost answer (its outcome is unknown; a second attempt would see the version
   * the first wrote and answer 412).
   *
   * @since 0.3.0
   */
  readonly ifMatch?: string | undefined
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
   * The `ETag` header, when present: the version of the resource answered.
   *
   * @since 0.3.0
   */
  readonly etag?: string | undefined
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
 * The resolved settings a consumer of the client may read: no credential among them.
 *
 * @since 0.2.0
 * @category models
 */
export interface Settings {
  /** The SCIM base URL, without trailing slash. */
  readonly scimBaseUrl: string
  /** The Asgardeo organization, or `undefined` on a generic server. */
  readonly organization: string | undefined
  /** The page size list calls send. */
  readonly pageSize: number
  /** The most list requests one stream may send. */
  readonly maxPageRequests: number
  /** The user store bare names mean, or `undefined` on a server without user stores. */
  readonly defaultUserStore: string | undefined
  /** The retry policy (reconciling callers such as `Users.ensure` use its backoff). */
  readonly retry: Retry.Policy
  /** Timeout of one HTTP attempt. */
  readonly timeout: Duration.Duration
  /** Whether tokens can be refreshed (false for a static bearer token). */
  readonly refreshableTokens: boolean
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /**
   * The server's dialect.
   *
   * @since 0.2.0
   */
  readonly target: Target.Target
  /**
   * The settings consumers need; never the credentials.
   *
   * @since 0.2.0
   */
  readonly settings: Settings
  /** Sends a request, with the retry rules of this module. */
  readonly execute: (request: Request) => Effect.Effect<Response, Error>
  /** Sends a request and decodes its 2xx body with `schema`; a mismatch is `InvalidResponse`. */
  readonly executeDecode: <A, I>(
    request: Request,
    schema: Schema.Schema<A, I>
  ) => Effect.Effect<A, Error>
  /** Checks a resource id for the target and encodes it as one path segment. */
  readonly encodeId: (id: string) => Either.Either<string, ScimError.InvalidId>
  /**
   * The server's `ServiceProviderConfig`, read once for the life of the client: concurrent
   * callers share one request and its answer; a 404 or 501 (no such endpoint) is kept too, any
   * other failure is not. Feature decisions read it through `ServiceProviderConfig.advertised`.
   *
   * @since 0.3.0
   */
  readonly serviceProviderConfig: Effect.Effect<ServiceProviderConfig.ServiceProviderConfig, Error>
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

/**
 * Checks an id for a target and encodes it as one path segment. The target's own rule decides
 * (`Target.uuidIds` on Asgardeo, `Target.anyPathSegment` elsewhere); a non-string is refused.
 * The names `"asgardeo"` and `"generic"` are accepted for compatibility and mean `Target.asgardeo`
 * and `Target.rfc7644`.
 *
 * @since 0.1.0
 * @category validation
 */
export const encodeId = (
  target: Target.Target | "asgardeo" | "generic",
  id: unknown
): Either.Either<string, ScimError.InvalidId> => {
  if (typeof id !== "string") {
    return Either.left(new ScimError.InvalidId({ id: String(id), reason: `expected a string, got ${typeof id}` }))
  }
  const rule = Target.isTarget(target) ? target : target === "asgardeo" ? Target.asgardeo : Target.rfc7644
  return Either.mapLeft(rule.encodeId(id), (reason) => new ScimError.InvalidId({ id, reason }))
}

const identity = <A>(a: A): A => a

const final = (answered: boolean) => <E>(error: E): RetryDriver.Failure<E> => ({ _tag: "Final", error, answered })

/**
 * Builds the client.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<
  Service,
  never,
  | ScimConfig.ScimConfig
  | AccessToken.AccessToken
  | RateLimiter.RateLimiter
  | HttpClient.HttpClient
  | Scope.Scope
> = Effect.gen(function*() {
  const config = yield* ScimConfig.ScimConfig
  const tokens = yield* AccessToken.AccessToken
  const limiter = yield* RateLimiter.RateLimiter
  const target = config.target
  // One span per operation: the platform client's own span costs time and records the full URL
  // (a program may turn it on through `transformClient`; its query values are then redacted).
  // Each attempt has a deadline that aborts its request (`RequestAbort`: through the engine when
  // it honors the protocol, by interruption otherwise); interrupting an attempt aborts it too.
  const engine = yield* HttpClient.HttpClient
  const client = Tracing.transformed(engine, config.transformClient)
  const base = config.scimBaseUrl
  const checkScopes = target.scopes.checked
  const withDeadline = Deadlines.make(config.timeout, yield* Effect.scope, RequestAbort.currentOf(engine))
  // What a server reflecting the request could echo: the client secret (and its Basic pair), the
  // static token; per request, the access token sent and the passwords in the body.
  const secrets: ReadonlyArray<string> = config.auth._tag === "ClientCredentials"
    ? Secrets.clientSecrets(config.auth.clientId, Redacted.value(config.auth.clientSecret))
    : [Redacted.value(config.auth.token)]

  const send = (
    request: Request,
    path: string,
    url: string,
    token: AccessToken.Token,
    body: string | undefined,
    secretsOf: () => ReadonlyArray<string>
  ) => {
    const req = HttpClientRequest.make(request.method)(url, {
      headers: request.ifMatch === undefined
        ? { accept: "application/scim+json, application/json" }
        : { accept: "application/scim+json, application/json", "if-match": request.ifMatch }
    }).pipe(
      HttpClientRequest.bearerToken(token.value),
      body === undefined ? identity : HttpClientRequest.bodyText(body, "application/scim+json")
    )
    return withDeadline(
      Effect.flatMap(client.execute(req), (response) =>
        Effect.map(
          response.text,
          (text): internal.Answer => ({
            status: response.status,
            text,
            location: response.headers["location"],
            retryAfter: response.headers["retry-after"],
            etag: response.headers["etag"]
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
        const id = encodeId(target, request.id)
        if (Either.isLeft(id)) return Effect.fail(id.left)
        path = `${path}/${id.right}`
      }
      const url = base + path + internal.encodeQuery(request.urlParams)
      // The one place bodies are serialized: Redacted values unwrapped, at most 1 MiB.
      const encoded = Validation.encodeBody(request.operation, request.body)
      if (Either.isLeft(encoded)) return Effect.fail(encoded.left)
      const body = encoded.right
      if (
        request.ifMatch !== undefined &&
        (typeof request.ifMatch !== "string" || !Validation.isEntityTag(request.ifMatch))
      ) {
        return Effect.fail(
          new ScimError.InvalidInput({
            operation: request.operation,
            field: "ifMatch",
            reason: Validation.entityTagRule
          })
        )
      }
      // A conditional write is never sent twice: if a first attempt landed and its answer was
      // lost, the next would find the version it changed and answer 412, a false conflict.
      const idempotent = request.ifMatch === undefined &&
        (request.idempotent ?? (request.method !== "POST" && request.method !== "PATCH"))

      // One attempt; what follows a failure is the retry loop's decision (`internal/retryDriver.ts`).
      const attempt = (context: RetryDriver.Context): Effect.Effect<Response, RetryDriver.Failure<Error>> =>
        Effect.flatMap(Effect.mapError(tokens.get(), final(false)), (token) => {
          if (checkScopes && request.scope !== undefined && token.scopes !== undefined) {
            if (!token.scopes.has(request.scope)) {
              return Effect.fail(
                final(false)(
                  new ScimError.MissingScope({
                    operation: request.operation,
                    scope: request.scope,
                    granted: [...token.scopes]
                  })
                )
              )
            }
          }
          const secretsOf = () => [...secrets, Redacted.value(token.value), ...Secrets.bodySecrets(request.body)]
          // When the request leaves, after the token was at hand: what a 429 is compared with.
          return Effect.flatMap(Clock.currentTimeMillis, (sentAt) =>
            Effect.zipRight(Metric.increment(requests), send(request, path, url, token, body, secretsOf)).pipe(
              Effect.matchEffect({
                // Transport error or timeout: no answer; its outcome is unknown.
                onFailure: (error): Effect.Effect<never, RetryDriver.Failure<Error>> =>
                  Effect.fail(
                    idempotent
                      ? { _tag: "Transient", error, input: error, answered: false, reason: error.reason }
                      : { _tag: "Final", error, answered: false }
                  ),
                onSuccess: (res): Effect.Effect<Response, RetryDriver.Failure<Error>> => {
                  if (res.status >= 200 && res.status < 300) {
                    return Effect.mapError(internal.decodeBody(request.method, path, res, secretsOf), final(true))
                  }
                  if (res.status === 404 && context.afterTransportError && request.method === "DELETE") {
                    // The earlier attempt deleted it; its answer was lost.
                    return Effect.succeed<Response>({
                      status: 404,
                      body: undefined,
                      location: undefined,
                      scrub: identity
                    })
                  }
                  return Effect.flatMap(
                    Clock.currentTimeMillis,
                    (now): Effect.Effect<never, RetryDriver.Failure<Error>> => {
                      const error = internal.statusError(request.method, path, res, now, secretsOf)
                      if (error._tag === "RateLimited") {
                        return Effect.zipRight(
                          Metric.increment(rateLimited),
                          Effect.fail(
                            { _tag: "Throttled", error, retryAfterMillis: error.retryAfterMillis, sentAt } as const
                          )
                        )
                      }
                      if (res.status === 401 && tokens.refreshable) {
                        // The refused token is dropped (compare-and-set); a 401 on a token another
                        // fiber already replaced costs no attempt.
                        return Effect.flatMap(
                          tokens.invalidate(token),
                          (wasCurrent) =>
                            Effect.fail({ _tag: "Unauthorized", error, wasCurrent } as const)
                        )
                      }
                      return Effect.fail(
                        error._tag === "ServerError" && idempotent
                          ? { _tag: "Transient", error, input: error, answered: true, reason: String(res.status) }
                          : { _tag: "Final", error, answered: true }
                      )
                    }
                  )
                }
              })
            ))
        })

      return RetryDriver.run({
        policy: config.retry,
        limiter,
        bucket: request.bucket ?? "scim",
        label: "SCIM request",
        retried: retries,
        attempt
      }).pipe(
        Effect.withSpan(request.operation, {
          kind: "client",
          captureStackTrace: false,
          attributes: { "http.request.method": request.method, "url.path": path, "scim.target": target.name }
        })
      )
    })

  const executeDecode = <A, I>(request: Request, schema: Schema.Schema<A, I>): Effect.Effect<A, Error> => {
    const decode = Tolerant.decodeUnknownEither(schema)
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

  // A server without the endpoint (404, 501) will not grow one: that answer is kept too.
  const serviceProviderConfig = yield* cacheSuccess(
    Effect.map(
      execute({ operation: "ServiceProviderConfig.get", method: "GET", path: "/ServiceProviderConfig" }),
      (res) => ServiceProviderConfig.decode(res.body)
    ),
    (error) => error._tag === "NotFound" || error._tag === "NotImplemented"
  )

  return ScimClient.of({
    target,
    settings: {
      scimBaseUrl: config.scimBaseUrl,
      organization: config.organization,
      pageSize: config.pageSize,
      maxPageRequests: config.maxPageRequests,
      defaultUserStore: config.defaultUserStore,
      retry: config.retry,
      timeout: config.timeout,
      refreshableTokens: tokens.refreshable
    },
    execute,
    executeDecode,
    encodeId: (id) => encodeId(target, id),
    serviceProviderConfig
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
  ScimConfig.ScimConfig | AccessToken.AccessToken | RateLimiter.RateLimiter | HttpClient.HttpClient
> = Layer.scoped(ScimClient, make)

/**
 * The client with its token cache and rate limiter, from `ScimConfig` and an `HttpClient`.
 * Scoped: closing it stops background token refreshes.
 *
 * @example
 * ```ts
 * import { ScimClient, ScimConfig } from "@asgardeo-scim/core"
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { Effect, Layer, Redacted } from "effect"
 *
 * // One SCIM request: the client adds the token, the SCIM media types, the retries and a span,
 * // and fails with a typed error (`ScimClient.Error`).
 * export const program = Effect.gen(function*() {
 *   const client = yield* ScimClient.ScimClient
 *   const response = yield* client.execute({
 *     operation: "ServiceProviderConfig.get",
 *     method: "GET",
 *     path: "/ServiceProviderConfig"
 *   })
 *   return response.body
 * })
 *
 * // The client of one Asgardeo organization, over undici.
 * export const ClientLive = ScimClient.layer.pipe(
 *   Layer.provide(ScimConfig.layer({
 *     organization: "acme",
 *     clientId: "my-client-id",
 *     clientSecret: Redacted.make("my-client-secret")
 *   })),
 *   Layer.provide(NodeHttpClient.layerUndici)
 * )
 *
 * export const main = () => Effect.runPromise(program.pipe(Effect.provide(ClientLive)))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<
  ScimClient | AccessToken.AccessToken | RateLimiter.RateLimiter,
  never,
  ScimConfig.ScimConfig | HttpClient.HttpClient
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
export const layerAsgardeo = (options: ScimConfig.Options) => layer.pipe(Layer.provideMerge(ScimConfig.layer(options)))

/**
 * The client for the Asgardeo target from `ASGARDEO_*` environment variables.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (overrides?: Parameters<typeof ScimConfig.layerConfig>[0]) =>
  layer.pipe(Layer.provideMerge(ScimConfig.layerConfig(overrides)))
