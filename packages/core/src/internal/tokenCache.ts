/**
 * The token cache behind `AccessToken`: single flight, send-by times, early refresh, handed-back
 * tokens, compare-and-set invalidation (see the `AccessToken` module), over one OAuth2 grant:
 * client credentials for an organization, the organization-switch grant for a sub-organization.
 *
 * @internal
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Metric from "effect/Metric"
import * as Redacted from "effect/Redacted"
import * as Scope from "effect/Scope"
import * as SynchronizedRef from "effect/SynchronizedRef"
import type * as AccessToken from "../AccessToken.js"
import type * as RateLimiter from "../RateLimiter.js"
import type * as ScimConfig from "../ScimConfig.js"
import * as ScimError from "../ScimError.js"
import type * as Target from "../Target.js"
import * as internal from "./http.js"
import { tokenRequests } from "./metrics.js"
import * as Redact from "./redact.js"
import * as RetryDriver from "./retryDriver.js"
import * as TokenState from "./tokenState.js"

/** One token request of a grant. @internal */
export interface GrantRequest {
  /** The form fields besides client authentication. */
  readonly fields: Readonly<Record<string, string>>
  /** The secrets the fields carry (a token being exchanged): scrubbed from what the server answers. */
  readonly secrets: ReadonlyArray<string>
  /**
   * A 4xx refusal of this request (`TokenError`): the error to fail with, and whether to try once
   * more with new fields (the credential the fields carried was refused and dropped).
   */
  readonly refused?: (
    error: ScimError.TokenError
  ) => Effect.Effect<{ readonly error: ScimError.TokenFailure; readonly retry: boolean }>
}

/** An OAuth2 grant the cache fetches tokens with. @internal */
export interface Grant {
  /** The span of one token fetch. */
  readonly span: string
  /** The scopes of the shared token: a request for a subset of them is served by it. */
  readonly scopes: ReadonlyArray<string>
  readonly request: (scopes: ReadonlyArray<string>) => Effect.Effect<GrantRequest, ScimError.TokenFailure>
}

/** The client-credentials grant (RFC 6749 §4.4). @internal */
export const clientCredentials = (scopes: ReadonlyArray<string>): Grant => ({
  span: "AccessToken.fetch",
  scopes,
  request: (wanted) =>
    Effect.succeed({
      fields: wanted.length > 0
        ? { grant_type: "client_credentials", scope: wanted.join(" ") }
        : { grant_type: "client_credentials" },
      secrets: []
    })
})

/** What a cache runs with. @internal */
export interface Dependencies {
  readonly config: ScimConfig.Service
  readonly auth: Extract<ScimConfig.Auth, { readonly _tag: "ClientCredentials" }>
  /** The program's client, transformed. */
  readonly client: HttpClient.HttpClient
  readonly limiter: RateLimiter.Service
  /** Where token requests run: they stop with it. */
  readonly scope: Scope.Scope
}

/**
 * RFC 6749 §5.2: `error` and `error_description` are printable ASCII without `"` and `\`. Scrubbed
 * whole, then cut: a secret echoed across the cut must not leave its first characters behind.
 */
const oauthText = (u: unknown, max: number, secrets: ReadonlyArray<string>): string | undefined => {
  if (typeof u !== "string" || u === "" || !/^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/.test(u)) return undefined
  const scrubbed = Redact.scrub(u, secrets)
  return scrubbed.length > max ? scrubbed.slice(0, max) : scrubbed
}

/** The OAuth error of a token endpoint answer: from a JSON object only, never from text or HTML. */
const oauthError = (text: string, secrets: ReadonlyArray<string>) => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return { error: undefined, errorDescription: undefined }
  }
  const o = typeof json === "object" && json !== null && !Array.isArray(json) ? json as Record<string, unknown> : {}
  return { error: oauthText(o.error, 64, secrets), errorDescription: oauthText(o.error_description, 300, secrets) }
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

type Inflight = Deferred.Deferred<AccessToken.Token, ScimError.TokenFailure>

/** A token cache over `grant`. @internal */
export const make = (
  { auth, client, config, limiter, scope }: Dependencies,
  grant: Grant
): Effect.Effect<AccessToken.Service> =>
  Effect.gen(function*() {
    const tokenPath = new URL(auth.tokenUrl).pathname
    const timeout = config.timeout
    const policy: TokenState.Policy = {
      knownToReuse: config.target.tokens.reuse,
      bufferMillis: Duration.toMillis(config.tokenRefreshBuffer)
    }
    const secret = Redacted.value(auth.clientSecret)
    const basic = `${Redact.formEncode(auth.clientId)}:${Redact.formEncode(secret)}`
    // Everything a reflecting token endpoint could echo that is secret: the secret, the Basic pair.
    const clientSecrets = [secret, basic, Redact.base64(basic)]
    const configuredScopes = new Set(grant.scopes)
    const state = yield* SynchronizedRef.make(TokenState.empty<Inflight>())

    // Released while callers wait: fail them loudly instead of leaving them waiting forever.
    yield* Scope.addFinalizer(
      scope,
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

    const postOnce = (
      fields: Readonly<Record<string, string>>,
      scopes: ReadonlyArray<string>,
      sentAt: number,
      extra: ReadonlyArray<string>
    ) => {
      const form: Record<string, string> = { ...fields }
      if (auth.clientAuthentication === "post") {
        form.client_id = auth.clientId
        form.client_secret = secret
      }
      const secrets = extra.length === 0 ? clientSecrets : [...clientSecrets, ...extra]
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
                ? Effect.fail(
                  new ScimError.InvalidResponse({ method: "POST", path: tokenPath, status, reason: parsed })
                )
                : Effect.succeed({ ...parsed, sentAt, receivedAt: now })
            }
            return Effect.fail(
              tokenResponseError(status, text, tokenPath, internal.parseRetryAfter(retryAfter, now), secrets)
            )
          })
        )
      )
    }

    // One token request of the grant; a refusal the grant can answer (a credential it carried was
    // refused and dropped) is tried once more with a fresh one.
    const fetchOnce = (
      scopes: ReadonlyArray<string>,
      again: boolean
    ): Effect.Effect<TokenState.Received, ScimError.TokenFailure> =>
      Effect.flatMap(grant.request(scopes), (request) =>
        Effect.flatMap(
          Effect.zipLeft(Clock.currentTimeMillis, Metric.increment(tokenRequests)),
          (sentAt) =>
            Effect.catchIf(
              postOnce(request.fields, scopes, sentAt, request.secrets),
              (error): error is ScimError.TokenError =>
                error._tag === "TokenError" && error.status < 500 && request.refused !== undefined,
              (error) =>
                request.refused === undefined ? Effect.fail(error) : Effect.flatMap(
                  request.refused(error),
                  (outcome) => outcome.retry && !again ? fetchOnce(scopes, true) : Effect.fail(outcome.error)
                )
            )
        ))

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
        attempt: () => Effect.mapError(fetchOnce(scopes, false), classify)
      }).pipe(Effect.withSpan(grant.span, { attributes: { "oauth.scope_count": scopes.length } }))

    const keyOf = (scopes: ReadonlyArray<string>) => [...scopes].sort().join(" ")
    const defaultScopes = grant.scopes
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
    ): Effect.Effect<AccessToken.Token, ScimError.TokenFailure> =>
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
    const slowGet = (
      key: string,
      wanted: ReadonlyArray<string>
    ): Effect.Effect<AccessToken.Token, ScimError.TokenFailure> =>
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
              const deferred = yield* Deferred.make<AccessToken.Token, ScimError.TokenFailure>()
              yield* Effect.forkIn(runFetch(key, wanted, deferred, decision.serve !== undefined), scope)
              const next = TokenState.setEntry(s, key, TokenState.started(entry, deferred))
              return [
                decision.serve !== undefined ? Effect.succeed(decision.serve) : Deferred.await(deferred),
                next
              ] as const
            }
          }
        })))

    const get = (scopes?: ReadonlyArray<string>): Effect.Effect<AccessToken.Token, ScimError.TokenFailure> => {
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

    const invalidate = (token: AccessToken.Token): Effect.Effect<boolean> =>
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

    return { get, invalidate, refreshable: true } satisfies AccessToken.Service
  })
