/**
 * Configuration of the client: which SCIM server, how to authenticate, and the timeout, retry
 * and rate settings. Bad configuration fails layer construction with a `ConfigError` that names
 * the setting, instead of a late 401.
 *
 * Two targets:
 * - Asgardeo (the default, {@link layer} and {@link layerConfig}): SCIM at
 *   `{baseUrl}/t/{organization}/scim2`, tokens from `{baseUrl}/t/{organization}/oauth2/token`
 *   with HTTP Basic client authentication, Asgardeo's scopes and quirks.
 * - Any RFC 7644 server ({@link layerGeneric}): a SCIM base URL with a static bearer token or
 *   an OAuth2 client-credentials token URL; no Asgardeo-only assumptions.
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Scopes from "./Scopes.js"
import * as Validation from "./Validation.js"

/**
 * A rate budget: at most `limit` requests in any `window`.
 *
 * @since 0.1.0
 * @category models
 */
export interface RateBudget {
  readonly limit: number
  readonly window: Duration.Duration
}

/**
 * Client-side rate budgets, one per bucket. Asgardeo publishes 200 requests per minute for
 * `/scim2/*` and for `/oauth2/*`, and 5 per minute for `/scim2/Bulk`, per source IP.
 *
 * @since 0.1.0
 * @category models
 */
export interface RateLimits {
  readonly scim: RateBudget
  readonly token: RateBudget
  readonly bulk: RateBudget
}

/**
 * Retry settings. Attempts count the first try.
 *
 * @since 0.1.0
 * @category models
 */
export interface RetryPolicy {
  /** Total attempts for a retryable failure, the first included. Default 4. */
  readonly maxAttempts: number
  /** First backoff delay; doubles each attempt, with full jitter. Default 200 ms. */
  readonly baseDelay: Duration.Duration
  /** Upper bound of one backoff delay. Default 10 s. */
  readonly maxDelay: Duration.Duration
  /** A 429 whose `Retry-After` is longer than this fails with `RateLimited` at once. Default 60 s. */
  readonly maxRetryAfter: Duration.Duration
  /**
   * How long one operation keeps retrying 429s (waiting in the rate limiter meanwhile) before it
   * fails with `RateLimited`. 429s are not counted as attempts. Default 2 minutes.
   */
  readonly maxRateLimitWait: Duration.Duration
}

/**
 * How the client authenticates.
 *
 * @since 0.1.0
 * @category models
 */
export type Auth =
  | {
    readonly _tag: "ClientCredentials"
    readonly tokenUrl: string
    readonly clientId: string
    readonly clientSecret: Redacted.Redacted<string>
    /** Scopes requested, space-separated on the wire. */
    readonly scopes: ReadonlyArray<string>
    /**
     * How an absent `scope` in the token response is read: Asgardeo omits it when nothing was
     * granted; a generic OAuth2 server may omit it when everything was.
     */
    readonly scopeSemantics: "asgardeo" | "oauth2"
    /** HTTP Basic (default, the documented way) or `client_secret_post`. Never both. */
    readonly clientAuthentication: "basic" | "post"
  }
  | {
    readonly _tag: "StaticToken"
    readonly token: Redacted.Redacted<string>
  }

/**
 * A filter capability profile name (see the `Filter` module).
 *
 * @since 0.1.0
 * @category models
 */
export type FilterProfileName = "asgardeoUsers" | "asgardeoGroups" | "rfc7644"

/**
 * The resolved configuration.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** `asgardeo` turns on Asgardeo's scopes, id format, quirks and options; `generic` is plain RFC 7644. */
  readonly target: "asgardeo" | "generic"
  /** The Asgardeo organization, or `undefined` on a generic target. */
  readonly organization: string | undefined
  /** The SCIM base URL, without trailing slash (`https://api.asgardeo.io/t/acme/scim2`). */
  readonly scimBaseUrl: string
  readonly auth: Auth
  /** Refresh a token `min(tokenRefreshBuffer, expires_in / 2)` before it expires. Default 300 s. */
  readonly tokenRefreshBuffer: Duration.Duration
  /** Timeout of one HTTP attempt. Default 30 s. */
  readonly timeout: Duration.Duration
  readonly retry: RetryPolicy
  /** Client-side rate budgets; `undefined` when off. On by default only for hosts on `asgardeo.io`. */
  readonly rateLimits: RateLimits | undefined
  /** The page size list calls send (Asgardeo caps `count` at 100). Default 100. */
  readonly pageSize: number
  /** The most list requests one stream may send before it fails with `PagingAborted`. Default 100,000. */
  readonly maxPageRequests: number
  /** Filter profiles for users and groups. */
  readonly filterProfiles: { readonly users: FilterProfileName; readonly groups: FilterProfileName }
  /**
   * The user store a bare name means, upper-cased (`DEFAULT`): users and groups created without a
   * `<STORE>/` prefix go there, and lookups of a bare name search only there. `undefined` on a
   * generic target, which has no stores.
   *
   * @since 0.2.0
   */
  readonly defaultUserStore: string | undefined
}

/**
 * @since 0.1.0
 * @category tags
 */
export class AsgardeoConfig extends Context.Tag("@asgardeo-scim/core/AsgardeoConfig")<AsgardeoConfig, Service>() {}

/**
 * Retry, rate and timeout settings shared by both targets.
 *
 * @since 0.1.0
 * @category models
 */
export interface CommonOptions {
  readonly tokenRefreshBuffer?: Duration.DurationInput | undefined
  readonly timeout?: Duration.DurationInput | undefined
  readonly retry?: {
    readonly maxAttempts?: number | undefined
    readonly baseDelay?: Duration.DurationInput | undefined
    readonly maxDelay?: Duration.DurationInput | undefined
    readonly maxRetryAfter?: Duration.DurationInput | undefined
    readonly maxRateLimitWait?: Duration.DurationInput | undefined
  } | undefined
  /**
   * Client-side rate budgets. `false` turns them off; an object sets them (missing buckets take
   * Asgardeo's published values). Default: on for hosts on `asgardeo.io`, off elsewhere.
   */
  readonly rateLimits?:
    | false
    | {
      readonly scim?: { readonly limit: number; readonly window: Duration.DurationInput } | undefined
      readonly token?: { readonly limit: number; readonly window: Duration.DurationInput } | undefined
      readonly bulk?: { readonly limit: number; readonly window: Duration.DurationInput } | undefined
    }
    | undefined
  readonly pageSize?: number | undefined
  readonly maxPageRequests?: number | undefined
}

/**
 * Options of the Asgardeo target.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options extends CommonOptions {
  readonly organization: string
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
  /**
   * Default `https://api.asgardeo.io`. Plain `http://` is refused except to `localhost`,
   * `127.x.x.x` and `[::1]` (see {@link isLoopbackHost}).
   */
  readonly baseUrl?: string | undefined
  /** Scopes to request. Default: every scope the library uses (`Scopes.all`). */
  readonly scopes?: ReadonlyArray<string> | undefined
  readonly clientAuthentication?: "basic" | "post" | undefined
  /**
   * The user store a bare name means (see {@link Service.defaultUserStore}): letters, digits,
   * `.`, `_`, `-`. Default `DEFAULT`, Asgardeo's primary store.
   *
   * @since 0.2.0
   */
  readonly defaultUserStore?: string | undefined
}

/**
 * Options of a generic RFC 7644 target.
 *
 * @since 0.1.0
 * @category models
 */
export interface GenericOptions extends CommonOptions {
  /** The SCIM base URL, for example `https://scim.example.com/scim/v2`. */
  readonly scimBaseUrl: string
  readonly auth:
    | { readonly bearerToken: Redacted.Redacted<string> }
    | {
      readonly tokenUrl: string
      readonly clientId: string
      readonly clientSecret: Redacted.Redacted<string>
      readonly scopes?: ReadonlyArray<string> | undefined
      readonly clientAuthentication?: "basic" | "post" | undefined
    }
  /** Filter profiles; default `rfc7644` for both. */
  readonly filterProfiles?: { readonly users: FilterProfileName; readonly groups: FilterProfileName } | undefined
}

/**
 * Asgardeo's published limits: 200/min for SCIM and token, 5/min for Bulk.
 *
 * @since 0.1.0
 * @category constants
 */
export const asgardeoRateLimits: RateLimits = {
  scim: { limit: 200, window: Duration.minutes(1) },
  token: { limit: 200, window: Duration.minutes(1) },
  bulk: { limit: 5, window: Duration.minutes(1) }
}

/**
 * Asgardeo's primary user store: where a name returned without a `<STORE>/` prefix lives, and the
 * default of `defaultUserStore`.
 *
 * @since 0.2.0
 * @category constants
 */
export const primaryUserStore = "DEFAULT"

/**
 * The default Asgardeo API host.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultBaseUrl = "https://api.asgardeo.io"

const invalid = (name: string, message: string) => ConfigError.InvalidData([name], message)

const validateUserStore = (name: string, value: unknown): Either.Either<string, ConfigError.ConfigError> =>
  value === undefined
    ? Either.right(primaryUserStore)
    : typeof value === "string" && Validation.isUserStoreDomain(value.trim())
    ? Either.right(value.trim().toUpperCase())
    : Either.left(
      invalid(
        name,
        `${name} must be a user-store domain (letters, digits, '.', '_' or '-', at most ${Validation.maxDomainLength}), ` +
          `got ${typeof value === "string" ? JSON.stringify(value.slice(0, 80)) : typeof value}`
      )
    )

const octet = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)"
const loopbackIPv4 = new RegExp(`^127\\.${octet}\\.${octet}\\.${octet}$`)

/**
 * Whether a host may be reached over plain `http://`: `localhost` itself, an IPv4 address in
 * `127.0.0.0/8` in dotted-decimal form, or `[::1]`. The argument is a hostname as `URL.hostname`
 * gives it (lower-cased, IPv4 normalised, IPv6 in brackets); run strings through `new URL`
 * first. Nothing that a resolver looks up counts: not `*.localhost`, not `localhost.` (a fully
 * qualified name the resolver may send to DNS), not `127.0.0.1.example.com`. Numeric spellings
 * such as `http://2130706433/` or `http://0x7f.1/` are accepted only because the URL parser
 * rewrites them to `127.0.0.1` before anything connects.
 *
 * @since 0.2.0
 * @category validation
 */
export const isLoopbackHost = (hostname: string): boolean => {
  if (typeof hostname !== "string") return false
  const host = hostname.toLowerCase()
  return host === "localhost" || host === "[::1]" || loopbackIPv4.test(host)
}

/**
 * Checks a URL: absolute, `https:` (or `http:` to a loopback host, see {@link isLoopbackHost}), no
 * credentials, query or fragment. Returns it as the URL parser normalised it, without trailing
 * slashes.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateUrl = (name: string, value: string): Either.Either<string, ConfigError.ConfigError> => {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return Either.left(invalid(name, `${name} is not an absolute URL`))
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return Either.left(invalid(name, `${name} must use https:// (got ${url.protocol})`))
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    return Either.left(
      invalid(
        name,
        `${name} uses plain http:// to ${url.hostname}: only loopback hosts (localhost, 127.x.x.x, [::1]) may use http, use https://`
      )
    )
  }
  if (url.username !== "" || url.password !== "") {
    return Either.left(invalid(name, `${name} must not carry credentials`))
  }
  if (url.search !== "" || url.hash !== "") {
    return Either.left(invalid(name, `${name} must not have a query string or fragment`))
  }
  return Either.right(url.toString().replace(/\/+$/, ""))
}

const validateNonEmpty = (name: string, value: unknown): Either.Either<string, ConfigError.ConfigError> =>
  typeof value !== "string" || value.trim() === ""
    ? Either.left(ConfigError.MissingData([name], `${name} is missing or empty`))
    : Either.right(value.trim())

const validatePositiveInt = (
  name: string,
  value: number | undefined,
  fallback: number
): Either.Either<number, ConfigError.ConfigError> =>
  value === undefined
    ? Either.right(fallback)
    : Number.isInteger(value) && value > 0
    ? Either.right(value)
    : Either.left(invalid(name, `${name} must be a positive integer (got ${String(value)})`))

const validateDuration = (
  name: string,
  value: Duration.DurationInput | undefined,
  fallback: Duration.Duration
): Either.Either<Duration.Duration, ConfigError.ConfigError> => {
  if (value === undefined) return Either.right(fallback)
  const decoded = Duration.decodeUnknown(value)
  if (decoded._tag === "None" || Duration.toMillis(decoded.value) < 0) {
    return Either.left(invalid(name, `${name} is not a valid duration`))
  }
  return Either.right(decoded.value)
}

const resolveCommon = (
  options: CommonOptions,
  host: string
): Effect.Effect<
  Pick<Service, "tokenRefreshBuffer" | "timeout" | "retry" | "rateLimits" | "pageSize" | "maxPageRequests">,
  ConfigError.ConfigError
> =>
  Effect.gen(function*() {
    const tokenRefreshBuffer = yield* validateDuration(
      "tokenRefreshBuffer",
      options.tokenRefreshBuffer,
      Duration.seconds(300)
    )
    const timeout = yield* validateDuration("timeout", options.timeout, Duration.seconds(30))
    const retry: RetryPolicy = {
      maxAttempts: yield* validatePositiveInt("retry.maxAttempts", options.retry?.maxAttempts, 4),
      baseDelay: yield* validateDuration("retry.baseDelay", options.retry?.baseDelay, Duration.millis(200)),
      maxDelay: yield* validateDuration("retry.maxDelay", options.retry?.maxDelay, Duration.seconds(10)),
      maxRetryAfter: yield* validateDuration(
        "retry.maxRetryAfter",
        options.retry?.maxRetryAfter,
        Duration.seconds(60)
      ),
      maxRateLimitWait: yield* validateDuration(
        "retry.maxRateLimitWait",
        options.retry?.maxRateLimitWait,
        Duration.minutes(2)
      )
    }
    let rateLimits: RateLimits | undefined
    if (options.rateLimits === false) {
      rateLimits = undefined
    } else if (options.rateLimits === undefined) {
      rateLimits = host === "asgardeo.io" || host.endsWith(".asgardeo.io") ? asgardeoRateLimits : undefined
    } else {
      const budget = (key: keyof RateLimits) =>
        Effect.gen(function*() {
          const given = (options.rateLimits as Exclude<CommonOptions["rateLimits"], false | undefined>)[key]
          if (given === undefined) return asgardeoRateLimits[key]
          return {
            limit: yield* validatePositiveInt(`rateLimits.${key}.limit`, given.limit, 1),
            window: yield* validateDuration(`rateLimits.${key}.window`, given.window, Duration.minutes(1))
          }
        })
      rateLimits = { scim: yield* budget("scim"), token: yield* budget("token"), bulk: yield* budget("bulk") }
    }
    const pageSize = yield* validatePositiveInt("pageSize", options.pageSize, 100)
    const maxPageRequests = yield* validatePositiveInt("maxPageRequests", options.maxPageRequests, 100_000)
    return { tokenRefreshBuffer, timeout, retry, rateLimits, pageSize, maxPageRequests }
  })

const validateScopes = (name: string, scopes: ReadonlyArray<string>) =>
  scopes.every((s) => typeof s === "string" && /^[\x21\x23-\x5B\x5D-\x7E]+$/.test(s))
    ? Either.right(Array.from(new Set(scopes)))
    : Either.left(invalid(name, `${name} must be non-empty scope tokens without spaces or quotes`))

const validateSecret = (
  name: string,
  value: unknown
): Either.Either<Redacted.Redacted<string>, ConfigError.ConfigError> => {
  if (Redacted.isRedacted(value)) {
    const raw = Redacted.value(value)
    return typeof raw === "string" && raw.trim() !== "" ?
      Either.right(value as Redacted.Redacted<string>) :
      Either.left(
        ConfigError.MissingData([name], `${name} is missing or empty`)
      )
  }
  if (typeof value === "string" && value.trim() !== "") return Either.right(Redacted.make(value))
  return Either.left(ConfigError.MissingData([name], `${name} is missing or empty`))
}

/**
 * Resolves and checks the options of the Asgardeo target.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Service, ConfigError.ConfigError> =>
  Effect.gen(function*() {
    const organization = yield* validateNonEmpty("ASGARDEO_ORG", options.organization)
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(organization)) {
      return yield* Effect.fail(
        invalid("ASGARDEO_ORG", "ASGARDEO_ORG must be an organization name (letters, digits, '.', '_', '-')")
      )
    }
    const clientId = yield* validateNonEmpty("ASGARDEO_CLIENT_ID", options.clientId)
    const clientSecret = yield* validateSecret("ASGARDEO_CLIENT_SECRET", options.clientSecret)
    const baseUrl = yield* validateUrl("ASGARDEO_BASE_URL", options.baseUrl ?? defaultBaseUrl)
    const host = new URL(baseUrl).hostname
    const common = yield* resolveCommon(options, host)
    const scopes = yield* validateScopes("scopes", options.scopes ?? Scopes.all)
    const defaultUserStore = yield* validateUserStore("defaultUserStore", options.defaultUserStore)
    return {
      target: "asgardeo",
      organization,
      scimBaseUrl: `${baseUrl}/t/${organization}/scim2`,
      auth: {
        _tag: "ClientCredentials",
        tokenUrl: `${baseUrl}/t/${organization}/oauth2/token`,
        clientId,
        clientSecret,
        scopes,
        scopeSemantics: "asgardeo",
        clientAuthentication: options.clientAuthentication ?? "basic"
      },
      ...common,
      pageSize: Math.min(common.pageSize, 100),
      filterProfiles: { users: "asgardeoUsers", groups: "asgardeoGroups" },
      defaultUserStore
    } satisfies Service
  })

/**
 * Resolves and checks the options of a generic RFC 7644 target.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeGeneric = (options: GenericOptions): Effect.Effect<Service, ConfigError.ConfigError> =>
  Effect.gen(function*() {
    const scimBaseUrl = yield* validateUrl("scimBaseUrl", options.scimBaseUrl)
    const host = new URL(scimBaseUrl).hostname
    const common = yield* resolveCommon(options, host)
    let auth: Auth
    if ("bearerToken" in options.auth) {
      auth = { _tag: "StaticToken", token: yield* validateSecret("auth.bearerToken", options.auth.bearerToken) }
    } else {
      auth = {
        _tag: "ClientCredentials",
        tokenUrl: yield* validateUrl("auth.tokenUrl", options.auth.tokenUrl),
        clientId: yield* validateNonEmpty("auth.clientId", options.auth.clientId),
        clientSecret: yield* validateSecret("auth.clientSecret", options.auth.clientSecret),
        scopes: yield* validateScopes("auth.scopes", options.auth.scopes ?? []),
        scopeSemantics: "oauth2",
        clientAuthentication: options.auth.clientAuthentication ?? "basic"
      }
    }
    return {
      target: "generic",
      organization: undefined,
      scimBaseUrl,
      auth,
      ...common,
      filterProfiles: options.filterProfiles ?? { users: "rfc7644", groups: "rfc7644" },
      defaultUserStore: undefined
    } satisfies Service
  })

/**
 * The Asgardeo target from options.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<AsgardeoConfig, ConfigError.ConfigError> =>
  Layer.effect(AsgardeoConfig, make(options))

/**
 * A generic RFC 7644 target from options.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerGeneric = (options: GenericOptions): Layer.Layer<AsgardeoConfig, ConfigError.ConfigError> =>
  Layer.effect(AsgardeoConfig, makeGeneric(options))

/**
 * The Asgardeo target from the environment: `ASGARDEO_ORG`, `ASGARDEO_CLIENT_ID`,
 * `ASGARDEO_CLIENT_SECRET`, the optional `ASGARDEO_BASE_URL` and the optional
 * `ASGARDEO_USER_STORE` (the store bare names mean, default `DEFAULT`). A missing, empty or bad
 * variable fails with a `ConfigError` that names it. Other settings come from `overrides`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  overrides: Omit<Options, "organization" | "clientId" | "clientSecret" | "baseUrl"> = {}
): Layer.Layer<AsgardeoConfig, ConfigError.ConfigError> =>
  Layer.effect(
    AsgardeoConfig,
    Effect.gen(function*() {
      const organization = yield* Config.string("ASGARDEO_ORG")
      const clientId = yield* Config.string("ASGARDEO_CLIENT_ID")
      const clientSecret = yield* Config.redacted("ASGARDEO_CLIENT_SECRET")
      const baseUrl = yield* Config.option(Config.string("ASGARDEO_BASE_URL"))
      const userStore = yield* Config.option(Config.string("ASGARDEO_USER_STORE"))
      const defaultUserStore = userStore._tag === "Some" && userStore.value.trim() !== ""
        ? yield* validateUserStore("ASGARDEO_USER_STORE", userStore.value)
        : overrides.defaultUserStore
      return yield* make({
        ...overrides,
        organization,
        clientId,
        clientSecret,
        baseUrl: baseUrl._tag === "Some" && baseUrl.value.trim() !== "" ? baseUrl.value.trim() : undefined,
        defaultUserStore
      })
    })
  )
