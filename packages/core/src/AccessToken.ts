/**
 * OAuth2 client-credentials tokens, cached in the Layer and refreshed ahead of expiry.
 *
 * - One token for the union of the configured scopes serves every operation by default.
 * - Single flight: any number of concurrent callers cause one token request.
 * - A token is refreshed `min(tokenRefreshBuffer, expires_in / 2)` before it expires, in the
 *   background while it is still valid; callers keep using it meanwhile.
 * - Asgardeo hands back the same still-valid token (with a shorter `expires_in`) when asked
 *   again, so refreshing ahead only gets it back: on the Asgardeo target (and on any server once
 *   it is seen doing so) the token is kept, and the next token request waits for its real expiry.
 *   A token handed back keeps its first expiry (a rounded-up `expires_in` cannot extend it).
 * - `invalidate(token)` is compare-and-set: N concurrent 401s on one token cause one request.
 * - Never an expired token: expiry is counted from the moment the token request was sent, less a
 *   safety margin of `min(1 s, lifetime / 20)` for the request's own trip to the server.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberId from "effect/FiberId"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as Random from "effect/Random"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as AsgardeoConfig from "./AsgardeoConfig.js"
import * as internal from "./internal/http.js"
import * as RateLimiter from "./RateLimiter.js"
import * as ScimError from "./ScimError.js"

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
  /** Drops `token` from the cache if it is still the cached one (after a 401). */
  readonly invalidate: (token: Token) => Effect.Effect<void>
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
export const tokenRequests = Metric.counter("asgardeo_scim_token_requests_total", {
  description: "Token requests sent to the token endpoint",
  incremental: true
})

interface Entry {
  token: Token | undefined
  refreshAt: number
  inflight: Deferred.Deferred<Token, ScimError.TokenFailure> | undefined
  /** The last token received (kept after it expires): a server handing it back cannot extend it. */
  last: Fetched | undefined
  /** The server hands back a still-valid token when asked again: refreshing ahead only gets it back. */
  reuses: boolean
}

/** A token and the server's expiry as estimated from the send time (the token stops being sent earlier). */
interface Fetched {
  readonly token: Token
  readonly serverExpiry: number
}

/** Time kept between a token's last use and its expiry, for the request's own trip. */
const safetyMargin = (lifetimeMillis: number): number => Math.min(1000, Math.max(0, lifetimeMillis) / 20)

/** How long after a reused token's estimated expiry to ask for the next one (clock skew, latency). */
const reuseSkew = (fetched: Fetched): number => Math.max(50, fetched.serverExpiry - fetched.token.expiresAt)

const tokenResponseError = (
  status: number,
  text: string,
  path: string,
  retryAfterMillis: number | undefined
): ScimError.TokenFailure => {
  const body = internal.parseErrorBody(text)
  const error = body.error ?? (status === 429 ? "rate_limited" : status >= 500 ? "server_error" : `http_${status}`)
  const errorDescription = body.errorDescription ?? (body.error === undefined ? body.detail : undefined)
  if (error === "invalid_client") {
    return new ScimError.InvalidClient({ status, error, ...(errorDescription ? { errorDescription } : {}) })
  }
  if (status === 429) {
    return new ScimError.RateLimited({
      method: "POST",
      path,
      status,
      detail: errorDescription ?? error,
      ...(retryAfterMillis !== undefined ? { retryAfterMillis } : {})
    })
  }
  return new ScimError.TokenError({ status, error, ...(errorDescription ? { errorDescription } : {}) })
}

const parseTokenResponse = (
  text: string,
  path: string,
  requested: ReadonlyArray<string>,
  semantics: "asgardeo" | "oauth2",
  sentAt: number
): Fetched | ScimError.InvalidResponse => {
  const invalid = (reason: string) => new ScimError.InvalidResponse({ method: "POST", path, status: 200, reason })
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return invalid("the token response is not JSON")
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return invalid("the token response is not a JSON object")
  }
  const o = json as Record<string, unknown>
  if (typeof o.access_token !== "string" || o.access_token === "") {
    return invalid("the token response has no access_token")
  }
  if (o.token_type !== undefined && (typeof o.token_type !== "string" || o.token_type.toLowerCase() !== "bearer")) {
    return invalid(`token_type ${JSON.stringify(o.token_type)} is not Bearer`)
  }
  let expiresIn: number
  if (o.expires_in === undefined) {
    expiresIn = 300
  } else {
    expiresIn = typeof o.expires_in === "string" ? Number(o.expires_in) : (o.expires_in as number)
    if (typeof expiresIn !== "number" || !Number.isFinite(expiresIn) || expiresIn < 0) {
      return invalid("expires_in is not a non-negative number")
    }
  }
  let scopes: ReadonlySet<string>
  if (typeof o.scope === "string") {
    scopes = new Set(o.scope.split(/\s+/).filter((s) => s !== ""))
  } else if (o.scope === undefined || o.scope === null) {
    // Asgardeo omits `scope` when nothing was granted; a generic server when all were.
    scopes = semantics === "asgardeo" ? new Set() : new Set(requested)
  } else {
    return invalid("scope is not a string")
  }
  const lifetime = expiresIn * 1000
  return {
    token: { value: Redacted.make(o.access_token), scopes, expiresAt: sentAt + lifetime - safetyMargin(lifetime) },
    serverExpiry: sentAt + lifetime
  }
}

/**
 * Builds the token service. Needs a `Scope`: background refreshes run in it and stop with it.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<
  Service,
  never,
  AsgardeoConfig.AsgardeoConfig | HttpClient.HttpClient | RateLimiter.RateLimiter | Scope.Scope
> = Effect.gen(function*() {
  const config = yield* AsgardeoConfig.AsgardeoConfig
  const auth = config.auth
  if (auth._tag === "StaticToken") {
    const token: Token = { value: auth.token, scopes: undefined, expiresAt: Number.POSITIVE_INFINITY }
    return AccessToken.of({ get: () => Effect.succeed(token), invalidate: () => Effect.void })
  }
  const scope = yield* Effect.scope
  const limiter = yield* RateLimiter.RateLimiter
  const client = (yield* HttpClient.HttpClient).pipe(HttpClient.withTracerDisabledWhen(() => true))
  const tokenPath = new URL(auth.tokenUrl).pathname
  const bufferMillis = Duration.toMillis(config.tokenRefreshBuffer)
  const timeout = config.timeout
  const retry = config.retry
  const secret = Redacted.value(auth.clientSecret)
  const configuredScopes = new Set(auth.scopes)
  const entries = new Map<string, Entry>()

  const baseRequest = HttpClientRequest.post(auth.tokenUrl).pipe(
    HttpClientRequest.setHeader("accept", "application/json"),
    auth.clientAuthentication === "basic"
      ? HttpClientRequest.setHeader(
        "authorization",
        `Basic ${internal.base64(`${internal.formEncode(auth.clientId)}:${internal.formEncode(secret)}`)}`
      )
      : (r) => r
  )

  const fetchOnce = (scopes: ReadonlyArray<string>, sentAt: number) => {
    const form: Record<string, string> = { grant_type: "client_credentials" }
    if (scopes.length > 0) form.scope = scopes.join(" ")
    if (auth.clientAuthentication === "post") {
      form.client_id = auth.clientId
      form.client_secret = secret
    }
    const request = HttpClientRequest.bodyUrlParams(baseRequest, form)
    return client.execute(request).pipe(
      Effect.flatMap((response) =>
        Effect.map(
          Effect.orElseSucceed(response.text, () => ""),
          (text) => ({ status: response.status, text, retryAfter: response.headers["retry-after"] })
        )
      ),
      Effect.timeoutFail({
        duration: timeout,
        onTimeout: () => new ScimError.TransportError({ method: "POST", path: tokenPath, reason: "Timeout" })
      }),
      Effect.catchTag("RequestError", "ResponseError", (error) =>
        Effect.fail(
          new ScimError.TransportError({
            method: "POST",
            path: tokenPath,
            reason: "Transport",
            description: error._tag === "RequestError"
              ? internal.describeRequestError(error, [secret])
              : "the response could not be read"
          })
        )),
      Effect.flatMap(({ retryAfter, status, text }) => {
        if (status >= 200 && status < 300) {
          const parsed = parseTokenResponse(text, tokenPath, scopes, auth.scopeSemantics, sentAt)
          return parsed instanceof ScimError.InvalidResponse ? Effect.fail(parsed) : Effect.succeed(parsed)
        }
        return Effect.flatMap(Clock.currentTimeMillis, (now) =>
          Effect.fail(
            tokenResponseError(
              status,
              internal.scrub(text, [secret]),
              tokenPath,
              internal.parseRetryAfter(retryAfter, now)
            )
          ))
      })
    )
  }

  const isTransient = (error: ScimError.TokenFailure): boolean =>
    error._tag === "TransportError" || error._tag === "RateLimited" ||
    (error._tag === "TokenError" && error.status >= 500)

  const fetchToken = (scopes: ReadonlyArray<string>): Effect.Effect<Fetched, ScimError.TokenFailure> => {
    const attempt = (n: number): Effect.Effect<Fetched, ScimError.TokenFailure> =>
      Effect.gen(function*() {
        yield* limiter.acquire("token")
        const sentAt = yield* Clock.currentTimeMillis
        yield* Metric.increment(tokenRequests)
        return yield* fetchOnce(scopes, sentAt)
      }).pipe(Effect.catchIf(isTransient, (error) =>
        Effect.gen(function*() {
          if (n >= retry.maxAttempts) return yield* Effect.fail(error)
          const retryAfter = error._tag === "RateLimited" ? error.retryAfterMillis : undefined
          if (retryAfter !== undefined && retryAfter > Duration.toMillis(retry.maxRetryAfter)) {
            return yield* Effect.fail(error)
          }
          const delay = retryAfter ?? (yield* backoff(retry, n))
          if (error._tag === "RateLimited") yield* limiter.pause(Duration.millis(delay))
          yield* Effect.logDebug(`token request failed (${error._tag}), retry ${n} in ${delay} ms`)
          yield* Effect.sleep(Duration.millis(delay))
          return yield* attempt(n + 1)
        })))
    return attempt(1).pipe(
      Effect.withSpan("AccessToken.fetch", { attributes: { "oauth.scope_count": scopes.length } })
    )
  }

  const keyOf = (scopes: ReadonlyArray<string>) => [...scopes].sort().join(" ")
  const defaultScopes = auth.scopes
  const defaultKey = keyOf(defaultScopes)

  // Asks for a token. When the server is known to hand back the token it issued until that
  // expires, waits for the real expiry first (asking earlier only gets the same token back). A
  // token handed back keeps its first expiry; one that is already past our send-by time means the
  // server still counted it valid a moment ago: wait for its expiry and ask again (bounded).
  const fetchFresh = (
    entry: Entry,
    scopes: ReadonlyArray<string>,
    n = 1
  ): Effect.Effect<Fetched, ScimError.TokenFailure> =>
    Effect.gen(function*() {
      const last = entry.last
      if (entry.reuses && last !== undefined) {
        const now = yield* Clock.currentTimeMillis
        const wait = last.serverExpiry + reuseSkew(last) - now
        if (wait > 0 && now >= last.token.expiresAt) yield* Effect.sleep(Duration.millis(wait))
      }
      const fetched = yield* fetchToken(scopes)
      if (last === undefined || Redacted.value(last.token.value) !== Redacted.value(fetched.token.value)) {
        return fetched
      }
      entry.reuses = true
      const kept: Fetched = {
        token: { ...fetched.token, expiresAt: Math.min(last.token.expiresAt, fetched.token.expiresAt) },
        serverExpiry: Math.min(last.serverExpiry, fetched.serverExpiry)
      }
      entry.last = kept
      const now = yield* Clock.currentTimeMillis
      if (kept.token.expiresAt > now) return kept
      if (n >= 5) {
        return yield* Effect.fail(
          new ScimError.TokenError({
            status: 200,
            error: "expired_token_reissued",
            errorDescription: "the token endpoint keeps answering with a token that has expired"
          })
        )
      }
      return yield* fetchFresh(entry, scopes, n + 1)
    })

  const startFetch = (entry: Entry, scopes: ReadonlyArray<string>, background: boolean) => {
    const deferred = Deferred.unsafeMake<Token, ScimError.TokenFailure>(FiberId.none)
    entry.inflight = deferred
    return fetchFresh(entry, scopes).pipe(
      Effect.exit,
      Effect.flatMap((exit) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) => {
          entry.inflight = undefined
          if (Exit.isSuccess(exit)) {
            const token = exit.value.token
            const lifetime = token.expiresAt - now
            entry.refreshAt = entry.reuses
              // The server hands back the token it issued: it will not issue another before expiry.
              ? token.expiresAt
              : token.expiresAt - Math.min(bufferMillis, Math.max(0, lifetime) / 2)
            entry.token = token
            entry.last = exit.value
          } else if (background && entry.token !== undefined) {
            // Keep the still-valid token; try again later, not on every call.
            entry.refreshAt = now + Math.min(30_000, Math.max(0, entry.token.expiresAt - now) / 2)
          }
          return Deferred.done(deferred, Exit.map(exit, (f) => f.token))
        })
      ),
      Effect.forkIn(scope),
      Effect.tap((fiber) =>
        Effect.sync(() =>
          fiber.addObserver((exit) => {
            // Forked into a closed scope (the layer was released while still in use): fail the
            // waiting callers loudly instead of leaving them waiting forever.
            if (Exit.isInterrupted(exit)) {
              entry.inflight = undefined
              Deferred.unsafeDone(
                deferred,
                Exit.die(
                  new Error(
                    "AccessToken: the token layer's scope is closed. Provide the layer to the whole program " +
                      "(Layer.provide / ManagedRuntime), not to an effect that returns another effect."
                  )
                )
              )
            }
          })
        )
      ),
      Effect.as(deferred)
    )
  }

  const get = (scopes?: ReadonlyArray<string>): Effect.Effect<Token, ScimError.TokenFailure> => {
    const wanted = scopes === undefined || scopes.every((s) => configuredScopes.has(s)) ? defaultScopes : scopes
    const key = wanted === defaultScopes ? defaultKey : keyOf(wanted)
    return Effect.flatMap(Clock.currentTimeMillis, (now) => {
      let entry = entries.get(key)
      if (entry === undefined) {
        // Asgardeo is known to hand back a still-valid token: no early refresh there.
        entry = {
          token: undefined,
          refreshAt: 0,
          inflight: undefined,
          last: undefined,
          reuses: auth.scopeSemantics === "asgardeo"
        }
        entries.set(key, entry)
      }
      const token = entry.token
      if (token !== undefined && now < entry.refreshAt) return Effect.succeed(token)
      const valid = token !== undefined && now < token.expiresAt
      if (entry.inflight !== undefined) {
        return valid ? Effect.succeed(token) : Deferred.await(entry.inflight)
      }
      if (valid) {
        // Refresh in the background; the current token is still good.
        return Effect.as(startFetch(entry, wanted, true), token)
      }
      entry.token = undefined
      return Effect.flatMap(startFetch(entry, wanted, false), Deferred.await)
    })
  }

  const invalidate = (token: Token): Effect.Effect<void> =>
    Effect.sync(() => {
      for (const entry of entries.values()) {
        if (entry.token !== undefined && Redacted.value(entry.token.value) === Redacted.value(token.value)) {
          entry.token = undefined
          entry.refreshAt = 0
        }
      }
    })

  return AccessToken.of({ get, invalidate })
})

/**
 * Exponential backoff with equal jitter: a random delay in `[cap / 2, cap]`, where
 * `cap = min(maxDelay, baseDelay * 2^(n-1))` for the n-th failed attempt.
 *
 * @since 0.1.0
 * @category retry
 */
export const backoff = (retry: AsgardeoConfig.RetryPolicy, attempt: number): Effect.Effect<number> => {
  const cap = Math.min(Duration.toMillis(retry.maxDelay), Duration.toMillis(retry.baseDelay) * 2 ** (attempt - 1))
  return Effect.map(Random.next, (r) => Math.round(cap / 2 + (r * cap) / 2))
}

/**
 * The token Layer (scoped: closing it stops any background refresh).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<
  AccessToken,
  never,
  AsgardeoConfig.AsgardeoConfig | HttpClient.HttpClient | RateLimiter.RateLimiter
> = Layer.scoped(AccessToken, make)
