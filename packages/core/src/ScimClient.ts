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
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import type * as Metric from "effect/Metric"
import type * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as AccessToken from "./AccessToken.js"
import * as Client from "./internal/client.js"
import * as Metrics from "./internal/metrics.js"
import * as RateLimiter from "./RateLimiter.js"
import type * as Retry from "./Retry.js"
import * as ScimConfig from "./ScimConfig.js"
import type * as ScimError from "./ScimError.js"
import type * as ServiceProviderConfig from "./ServiceProviderConfig.js"
import type * as Target from "./Target.js"

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
  /**
   * Which API the path is under: `"scim"` (default, the SCIM base URL) or `"organization"`,
   * Asgardeo's organization URL (`https://api.asgardeo.io/t/acme`, under `/o` in a
   * sub-organization) for its other APIs (`/api/server/v1/organizations`). On a generic target an
   * `"organization"` request fails with `InvalidInput` before sending.
   *
   * @since 0.4.0
   */
  readonly api?: "scim" | "organization" | undefined
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
  /**
   * The sub-organization the client acts in (see `ScimConfig.Service.subOrganization`).
   *
   * @since 0.4.0
   */
  readonly subOrganization?: ScimConfig.SubOrganization | undefined
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
  /**
   * The scope an operation's table scope (`Scopes.byOperation`) is checked as: itself in the root
   * organization, its `internal_org_*` form in a sub-organization. For code that checks a token's
   * scopes itself (Bulk's per-operation scopes).
   *
   * @since 0.4.0
   */
  readonly scopeOf: (scope: string) => string
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
export const requests: Metric.Metric.Counter<number> = Metrics.requests

/**
 * Retries made (after 429, 5xx, transport errors or 401).
 *
 * @since 0.1.0
 * @category metrics
 */
export const retries: Metric.Metric.Counter<number> = Metrics.retries

/**
 * 429 answers received (token endpoint included).
 *
 * @since 0.1.0
 * @category metrics
 */
export const rateLimited: Metric.Metric.Counter<number> = Metrics.rateLimited

/**
 * Checks an id for a target and encodes it as one path segment. The target's own rule decides
 * (`Target.uuidIds` on Asgardeo, `Target.anyPathSegment` elsewhere); a non-string is refused.
 * The names `"asgardeo"` and `"generic"` are accepted for compatibility and mean `Target.asgardeo`
 * and `Target.rfc7644`.
 *
 * @since 0.1.0
 * @category validation
 */
export const encodeId: (
  target: Target.Target | "asgardeo" | "generic",
  id: unknown
) => Either.Either<string, ScimError.InvalidId> = Client.encodeId

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
  return ScimClient.of(
    yield* Client.make({
      config: yield* ScimConfig.ScimConfig,
      tokens: yield* AccessToken.AccessToken,
      limiter: yield* RateLimiter.RateLimiter,
      engine: yield* HttpClient.HttpClient
    })
  )
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
