/**
 * OAuth2 client-credentials tokens, cached in the Layer; refreshed ahead of expiry on servers that
 * issue a new token each time (not on Asgardeo, which hands back the one it issued).
 *
 * The cache is a `SynchronizedRef` of a token state whose transitions are pure functions (fetched,
 * handed back, expired, invalidated, failed: see `internal/tokenState.ts`):
 *
 * - One token for the union of the configured scopes serves every operation by default; other
 *   scope sets get a token of their own.
 * - Single flight: any number of concurrent callers cause one token request (a `Deferred` they
 *   all wait for); the request runs in the layer's scope, so a caller's interruption does not
 *   cancel it for the others.
 * - A token is sent until its send-by time: the token request's send time plus `expires_in`,
 *   less `min(1 s, lifetime / 20)` (1 s on a server that hands back its tokens).
 * - On a server that issues a new token each time, it is refreshed `min(tokenRefreshBuffer,
 *   lifetime / 2)` before its send-by time, in the background, while callers keep using it.
 * - Asgardeo hands back the same still-valid token with its remaining lifetime in whole seconds,
 *   which can reach 0 or 1. There (and on any server once it is seen doing so) there is no early
 *   refresh; a token handed back keeps its first expiry; when it reaches its send-by time the next
 *   token request waits until the server surely let it expire (its lifetime plus a second of
 *   rounding), and callers wait with it. A caller never fails because the server re-sent a
 *   still-valid token.
 * - `invalidate(token)` is compare-and-set: N concurrent 401s on one token cause one request; it
 *   tells the caller whether the token was still the current one.
 * - Token requests go through the shared `RateLimiter` (bucket `token`) and the one retry loop of
 *   the client (the `Retry` module): transport errors, timeouts and 5xx wait on the backoff
 *   `Schedule`; a 429 waits its `Retry-After` and slows every fiber down. Errors keep the OAuth `error` and `error_description`
 *   only (scrubbed and bounded), never the raw body: a token endpoint or proxy may echo the
 *   request, client secret included.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Metric from "effect/Metric"
import type * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as Metrics from "./internal/metrics.js"
import * as SwitchToken from "./internal/switchToken.js"
import * as TokenCache from "./internal/tokenCache.js"
import * as Tracing from "./internal/tracing.js"
import * as RateLimiter from "./RateLimiter.js"
import * as ScimConfig from "./ScimConfig.js"
import type * as ScimError from "./ScimError.js"

/**
 * An access token and what it is good for.
 *
 * @since 0.1.0
 * @category models
 */
export interface Token {
  readonly value: Redacted.Redacted<string>
  /** The scopes granted, or `undefined` when they cannot be checked (a static bearer token). */
  readonly scopes: ReadonlySet<string> | undefined
  /** Epoch milliseconds after which the token must not be sent. */
  readonly expiresAt: number
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /**
   * A valid token for `scopes` (default: the configured scopes). Scopes that are a subset of the
   * configured ones are served by the shared token.
   */
  readonly get: (scopes?: ReadonlyArray<string>) => Effect.Effect<Token, ScimError.TokenFailure>
  /**
   * Drops `token` from the cache if it is still the cached one (after a 401). Succeeds with
   * whether it was: `false` means it had already been replaced (or cannot be refreshed).
   */
  readonly invalidate: (token: Token) => Effect.Effect<boolean>
  /** Whether tokens can be refreshed (false for a static bearer token: a 401 is final). */
  readonly refreshable: boolean
}

/**
 * @since 0.1.0
 * @category tags
 */
export class AccessToken extends Context.Tag("@asgardeo-scim/core/AccessToken")<AccessToken, Service>() {}

/**
 * Token requests sent.
 *
 * @since 0.1.0
 * @category metrics
 */
export const tokenRequests: Metric.Metric.Counter<number> = Metrics.tokenRequests

/**
 * Builds the token service. Needs a `Scope`: token requests run in it and stop with it. In a
 * sub-organization (`ScimConfig`'s `subOrganization`) its tokens come from the
 * organization-switch grant (see {@link makeSwitched}).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<
  Service,
  never,
  ScimConfig.ScimConfig | HttpClient.HttpClient | RateLimiter.RateLimiter | Scope.Scope
> = Effect.gen(function*() {
  const config = yield* ScimConfig.ScimConfig
  const auth = config.auth
  if (auth._tag === "StaticToken") {
    const token: Token = { value: auth.token, scopes: undefined, expiresAt: Number.POSITIVE_INFINITY }
    return AccessToken.of({
      get: () => Effect.succeed(token),
      invalidate: () => Effect.succeed(false),
      refreshable: false
    })
  }
  if (config.subOrganization !== undefined) return yield* makeSwitched(undefined)
  const engine = yield* HttpClient.HttpClient
  return AccessToken.of(
    yield* TokenCache.make({
      config,
      auth,
      client: Tracing.transformed(engine, config.transformClient),
      limiter: yield* RateLimiter.RateLimiter,
      scope: yield* Effect.scope
    }, TokenCache.clientCredentials(auth.scopes))
  )
})

/**
 * The token service of a sub-organization (`ScimConfig`'s `subOrganization`, which must be
 * set): tokens from the organization-switch grant, exchanged for root organization tokens of the
 * same application.
 *
 * - `root`: the root organization's token service to take root tokens from (one root token for a
 *   program that runs over many sub-organizations); `undefined` keeps a root token cache of its
 *   own (client credentials; with `internal_organization_view` when the sub-organization is given
 *   by name).
 * - Caching, single flight, send-by times, invalidation after a 401: as for the root. A switched
 *   token has no refresh token; a new one is derived from the root token (a fresh one once that
 *   has reached its send-by time).
 * - A name is looked up once, through the organizations API with the root token, and must name
 *   exactly one organization in the tree (`OrganizationNotFound`, `AmbiguousOrganization`).
 * - A refusal that blames the root token (`invalid_grant`, or a description naming the token)
 *   drops it (unless another switch with it already did: a root token shared by several
 *   sub-organizations) and tries once more with a fresh one; other refusals fail with
 *   `OrganizationSwitchFailed` (not shared, not a descendant, deactivated, the M2M template).
 * - The grant is `organization_switch`; a server that answers `unsupported_grant_type` is asked
 *   with the older `organization_switch_cc` from then on.
 * - The root token is scrubbed from every error, with the client secret.
 *
 * @since 0.4.0
 * @category constructors
 */
export const makeSwitched = (
  root: Service | undefined
): Effect.Effect<
  Service,
  never,
  ScimConfig.ScimConfig | HttpClient.HttpClient | RateLimiter.RateLimiter | Scope.Scope
> =>
  Effect.gen(function*() {
    const config = yield* ScimConfig.ScimConfig
    const auth = config.auth
    if (config.subOrganization === undefined || auth._tag !== "ClientCredentials") {
      return yield* Effect.dieMessage(
        "AccessToken.makeSwitched needs a sub-organization of an Asgardeo organization (ScimConfig's subOrganization)"
      )
    }
    const engine = yield* HttpClient.HttpClient
    return AccessToken.of(
      yield* SwitchToken.make(
        {
          config,
          auth,
          client: Tracing.transformed(engine, config.transformClient),
          limiter: yield* RateLimiter.RateLimiter,
          scope: yield* Effect.scope
        },
        engine,
        config.subOrganization,
        root
      )
    )
  })

/**
 * The token Layer (scoped: closing it stops token requests in flight).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<
  AccessToken,
  never,
  ScimConfig.ScimConfig | HttpClient.HttpClient | RateLimiter.RateLimiter
> = Layer.scoped(AccessToken, make)
