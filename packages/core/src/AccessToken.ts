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
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as SynchronizedRef from "effect/SynchronizedRef"
import * as internal from "./internal/http.js"
import * as Redact from "./internal/redact.js"
import * as RetryDriver from "./internal/retryDriver.js"
import * as TokenState from "./internal/tokenState.js"
import * as Tracing from "./internal/tracing.js"
import * as RateLimiter from "./RateLimiter.js"
import * as ScimConfig from "./ScimConfig.js"
import * as ScimError from "./ScimError.js"
import type * as Target from "./Target.js"

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
export const tokenRequests = Metric.counter("asgardeo_scim_token_requests_total", {
  description: "Token requests sent to the token endpoint",
  incremental: true
})

/** RFC 6749 §5.2: `error` and `error_description` are printable ASCII without `"` and `\`. */
const oauthText = (u: unknown, max: number): string | undefined =>
  typeof u === "string" && u !== "" && /^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/.test(u) ? u.slice(0, max) : undefined

/** The OAuth error of a token endpoint answer: from a JSON object only, never from text or HTML. */
const oauthError = (text: string, secrets: ReadonlyArray<string>) => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return { error: undefined, errorDescription: undefined }
  }
  const o = typeof json === "object" && json !== null && !Array.isArray(json) ? json as Record<string, unknown> : {}
  const error = oauthText(o.error, 64)
  const description = oauthText(o.error_description, 300)
  return {
    error: error === undefined ? undefined : Redact.scrub(error, secrets),
    errorDescription: description === undefined ? undefined : Redact.scrub(description, secrets)
  }
}

const tokenResponseError = (
  status: number,
  text: string,
  path: string,
  retryAfterMillis: number | undefined,
  secrets: ReadonlyArray<string>
): ScimError.TokenFailure => {
  const { error, errorDescription } = oauthError(text, secrets)
  const details = { ...(error ? { error } : {}), ...(errorDescription ? { errorDescription } : {}) }
  if (error === "invalid_client") return new ScimError.InvalidClient({ status, error, ...details })
  if (status === 429) {
    const detail = errorDescription ?? error
    return new ScimError.RateLimited({
      method: "POST",
      path,
      status,
      ...(detail !== undefined ? { detail } : {}),
      ...(retryAfterMillis !== undefined ? { retryAfterMillis } : {})
    })
  }
  return new ScimError.TokenError({ status, ...details })
}

/** What a 2xx token answer holds, or why it is not a token response. */
const parseTokenResponse = (
  text: string,
  requested: ReadonlyArray<string>,
  absentMeans: Target.Target["scopes"]["absentMeans"]
): Omit<TokenState.Received, "sentAt" | "receivedAt"> | string => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return "the token response is not JSON"
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return "the token response is not a JSON object"
  }
  const o = json as Record<string, unknown>
  if (typeof o.access_token !== "string" || o.access_token === "") return "the token response has no access_token"
  if (o.token_type !== undefined && (typeof o.token_type !== "string" || o.token_type.toLowerCase() !== "bearer")) {
    return "token_type is not Bearer"
  }
  let expiresIn = 300
  if (o.expires_in !== undefined) {
    expiresIn = typeof o.expires_in === "string" && o.expires_in.trim() !== ""
      ? Number(o.expires_in)
      : typeof o.expires_in === "number"
      ? o.expires_in
      : Number.NaN
    if (!Number.isFinite(expiresIn) || expiresIn < 0) return "expires_in is not a non-negative number"
  }
  let scopes: ReadonlySet<string>
  if (typeof o.scope === "string") {
    scopes = new Set(o.scope.split(/\s+/).filter((s) => s !== ""))
  } else if (o.scope === undefined || o.scope === null) {
    // Asgardeo omits `scope` when nothing was granted; RFC 6749 §5.1 when all were.
    scopes = absentMeans === "none" ? new Set() : new Set(requested)
  } else {
    return "scope is not a string"
  }
  return { value: Redacted.make(o.access_token), scopes, lifetimeMillis: expiresIn * 1000 }
}

/** After this many answers in a row that are already expired on arrival, the token endpoint is broken. */
const maxUnusable = 5

const closedError = () =>
  new Error(
    "AccessToken: the token layer's scope is closed. Provide the layer to the whole program " +
      "(Layer.provide / ManagedRuntime), not to an effect that returns another effect."
  )

type Inflight = Deferred.Deferred<Token, ScimError.TokenFailure>

/**
 * Builds the token service. Needs a `Scope`: token requests run in it and stop with it.
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
  const scope = yield* Effect.scope
  const limiter = yield* RateLimiter.RateLimiter
  const client = Tracing.transformed(yield* HttpClient.HttpClient, config.transformClient)
  const tokenPath = new URL(auth.tokenUrl).pathname
  const timeout = config.timeout
  const policy: TokenState.Policy = {
    knownToReuse: config.target.tokens.reuse,
    bufferMillis: Duration.toMillis(config.tokenRefreshBuffer)
  }
  const secret = Redacted.value(auth.clientSecret)
  const basic = `${Redact.formEncode(auth.clientId)}:${Redact.formEncode(secret)}`
  // Everything a reflecting token endpoint could echo that is secret: the secret, the Basic pair.
  const secrets = [secret, basic, Redact.base64(basic)]
  const configuredScopes = new Set(auth.scopes)
  const state = yield* SynchronizedRef.make(TokenState.empty<Inflight>())

  // Released while callers wait: fail them loudly instead of leaving them waiting forever.
  yield* Effect.addFinalizer(() =>
    SynchronizedRef.updateEffect(state, (s) =>
      Effect.as(
        Effect.forEach(
          s.entries.values(),
          (e) => e.inflight === undefined ? Effect.void : Deferred.die(e.inflight, closedError()),
          {
            discard: true
          }
        ),
        { ...s, closed: true }
      ))
  )

  const baseRequest = HttpClientRequest.post(auth.tokenUrl).pipe(
    HttpClientRequest.setHeader("accept", "application/json"),
    auth.clientAuthentication === "basic"
      ? HttpClientRequest.setHeader("authorization", `Basic ${Redact.base64(basic)}`)
      : (r) => r
  )

  const fetchOnce = (scopes: ReadonlyArray<string>, sentAt: number) => {
    const form: Record<string, string> = { grant_type: "client_credentials" }
    if (scopes.length > 0) form.scope = scopes.join(" ")
    if (auth.clientAuthentication === "post") {
      form.client_id = auth.clientId
      form.client_secret = secret
    }
    return client.execute(HttpClientRequest.bodyUrlParams(baseRequest, form)).pipe(
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
              ? internal.describeRequestError(error, secrets)
              : "the response could not be read"
          })
        )),
      Effect.flatMap(({ retryAfter, status, text }) =>
        Effect.flatMap(Clock.currentTimeMillis, (now): Effect.Effect<TokenState.Received, ScimError.TokenFailure> => {
          if (status >= 200 && status < 300) {
            const parsed = parseTokenResponse(text, scopes, config.target.scopes.absentMeans)
            return typeof parsed === "string"
              ? Effect.fail(new ScimError.InvalidResponse({ method: "POST", path: tokenPath, status, reason: parsed }))
              : Effect.succeed({ ...parsed, sentAt, receivedAt: now })
          }
          return Effect.fail(
            tokenResponseError(status, text, tokenPath, internal.parseRetryAfter(retryAfter, now), secrets)
          )
        })
      )
    )
  }

  const classify = (error: ScimError.TokenFailure): RetryDriver.Failure<ScimError.TokenFailure> => {
    switch (error._tag) {
      case "RateLimited":
        return { _tag: "Throttled", error, retryAfterMillis: error.retryAfterMillis }
      case "TransportError":
        return { _tag: "Transient", error, input: error, answered: false, reason: error.reason }
      case "TokenError":
        return error.status >= 500
          ? { _tag: "Transient", error, input: error, answered: true, reason: String(error.status) }
          : { _tag: "Final", error, answered: true }
      default:
        return { _tag: "Final", error, answered: true }
    }
  }

  // One token request, through the client's one retry loop and the shared limiter.
  const fetchToken = (scopes: ReadonlyArray<string>): Effect.Effect<TokenState.Received, ScimError.TokenFailure> =>
    RetryDriver.run({
      policy: config.retry,
      limiter,
      bucket: "token",
      label: "token request",
      attempt: () =>
        Effect.flatMap(
          Effect.zipLeft(Clock.currentTimeMillis, Metric.increment(tokenRequests)),
          (sentAt) => Effect.mapError(fetchOnce(scopes, sentAt), classify)
        )
    }).pipe(Effect.withSpan("AccessToken.fetch", { attributes: { "oauth.scope_count": scopes.length } }))

  const keyOf = (scopes: ReadonlyArray<string>) => [...scopes].sort().join(" ")
  const defaultScopes = auth.scopes
  const defaultKey = keyOf(defaultScopes)

  const modifyEntry = <A>(
    key: string,
    f: (entry: TokenState.Entry<Inflight>) => readonly [A, TokenState.Entry<Inflight>]
  ) =>
    SynchronizedRef.modify(state, (s) => {
      const [a, next] = f(TokenState.entry(s, key, policy))
      return [a, TokenState.setEntry(s, key, next)] as const
    })

  // Asks until a usable token arrives: waits first when the server would only hand back the
  // token that just reached its send-by time.
  const fetchUsable = (
    key: string,
    scopes: ReadonlyArray<string>,
    n: number
  ): Effect.Effect<Token, ScimError.TokenFailure> =>
    Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const wait = TokenState.waitBeforeAsking(
        TokenState.entry(yield* SynchronizedRef.get(state), key, policy),
        now,
        n > 1
      )
      if (wait > 0) yield* Effect.sleep(Duration.millis(wait))
      const answer = yield* fetchToken(scopes)
      const outcome = yield* modifyEntry(key, (entry) => TokenState.received(entry, answer, policy))
      if (outcome._tag === "Usable") return outcome.token
      if (n >= maxUnusable) {
        return yield* Effect.fail(
          new ScimError.InvalidResponse({
            method: "POST",
            path: tokenPath,
            status: 200,
            reason: `the token endpoint answered ${n} times with a token that had already expired`
          })
        )
      }
      return yield* fetchUsable(key, scopes, n + 1)
    })

  const runFetch = (key: string, scopes: ReadonlyArray<string>, deferred: Inflight, background: boolean) =>
    fetchUsable(key, scopes, 1).pipe(
      Effect.exit,
      Effect.flatMap((exit) =>
        Effect.zipRight(
          Effect.flatMap(Clock.currentTimeMillis, (now) =>
            modifyEntry(key, (entry) => [
              undefined,
              entry.inflight === deferred ? TokenState.settled(entry, now, background && Exit.isFailure(exit)) : entry
            ])),
          Deferred.done(deferred, exit)
        )
      ),
      Effect.onInterrupt(() => Deferred.die(deferred, closedError()))
    )

  // Under the lock: decide again, and start a token request when one is needed.
  const slowGet = (key: string, wanted: ReadonlyArray<string>): Effect.Effect<Token, ScimError.TokenFailure> =>
    Effect.flatten(SynchronizedRef.modifyEffect(state, (s) =>
      Effect.gen(function*() {
        if (s.closed) return [Effect.die(closedError()), s] as const
        const now = yield* Clock.currentTimeMillis
        const entry = TokenState.entry(s, key, policy)
        const decision = TokenState.decide(entry, now)
        switch (decision._tag) {
          case "Serve":
            return [Effect.succeed(decision.token), s] as const
          case "Await":
            return [Deferred.await(decision.inflight), s] as const
          case "Fetch": {
            const deferred = yield* Deferred.make<Token, ScimError.TokenFailure>()
            yield* Effect.forkIn(runFetch(key, wanted, deferred, decision.serve !== undefined), scope)
            const next = TokenState.setEntry(s, key, TokenState.started(entry, deferred))
            return [
              decision.serve !== undefined ? Effect.succeed(decision.serve) : Deferred.await(deferred),
              next
            ] as const
          }
        }
      })))

  const get = (scopes?: ReadonlyArray<string>): Effect.Effect<Token, ScimError.TokenFailure> => {
    const wanted = scopes === undefined || scopes.every((s) => configuredScopes.has(s)) ? defaultScopes : scopes
    const key = wanted === defaultScopes ? defaultKey : keyOf(wanted)
    // The common case without the lock: a token to serve.
    return Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Effect.flatMap(SynchronizedRef.get(state), (s) => {
        const entry = s.entries.get(key)
        if (entry !== undefined && !s.closed) {
          const decision = TokenState.decide(entry, now)
          if (decision._tag === "Serve") return Effect.succeed(decision.token)
        }
        return slowGet(key, wanted)
      }))
  }

  const invalidate = (token: Token): Effect.Effect<boolean> =>
    SynchronizedRef.modify(state, (s) => {
      let found = false
      let next = s
      for (const [key, entry] of s.entries) {
        const [was, updated] = TokenState.invalidated(entry, token)
        if (was) {
          found = true
          next = TokenState.setEntry(next, key, updated)
        }
      }
      return [found, next] as const
    })

  return AccessToken.of({ get, invalidate, refreshable: true })
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
