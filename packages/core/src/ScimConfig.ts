/**
 * Configuration of the client: which SCIM server and its dialect (a `Target`), how to
 * authenticate, and the timeout, retry and rate settings. Bad configuration fails layer
 * construction with a `ConfigError` that names the setting, instead of a late 401.
 *
 * - Asgardeo ({@link layer}, {@link layerConfig}): SCIM at `{baseUrl}/t/{organization}/scim2`,
 *   tokens from `{baseUrl}/t/{organization}/oauth2/token` with HTTP Basic client authentication,
 *   the `Target.asgardeo` dialect.
 * - Any RFC 7644 server ({@link layerGeneric}): a SCIM base URL with a static bearer token or an
 *   OAuth2 client-credentials token URL, the `Target.rfc7644` dialect or one of your own.
 *
 * This module was called `AsgardeoConfig`; that name stays as an alias (`AsgardeoConfig` module,
 * same tag, same functions).
 *
 * @since 0.2.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type * as Schedule from "effect/Schedule"
import type * as FilterProfile from "./FilterProfile.js"
import * as Make from "./internal/configMake.js"
import * as resolve from "./internal/configResolve.js"
import * as internal from "./internal/configValidation.js"
import type * as Retry from "./Retry.js"
import type * as Target from "./Target.js"

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
 * The resolved retry policy (see the `Retry` module).
 *
 * @since 0.1.0
 * @category models
 */
export type RetryPolicy = Retry.Policy

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
    /** HTTP Basic (default, the documented way) or `client_secret_post`. Never both. */
    readonly clientAuthentication: "basic" | "post"
  }
  | {
    readonly _tag: "StaticToken"
    readonly token: Redacted.Redacted<string>
  }

/**
 * A filter capability profile name (see the `FilterProfile` module).
 *
 * @since 0.1.0
 * @category models
 */
export type FilterProfileName = FilterProfile.ProfileName

/**
 * The resolved configuration.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The server's dialect: every decision that depends on the server reads it from here. */
  readonly target: Target.Target
  /** The Asgardeo organization, or `undefined` on a generic target. */
  readonly organization: string | undefined
  /** The SCIM base URL, without trailing slash (`https://api.asgardeo.io/t/acme/scim2`). */
  readonly scimBaseUrl: string
  readonly auth: Auth
  /**
   * On a server that issues a new token each time, a token is refreshed
   * `min(tokenRefreshBuffer, expires_in / 2)` before it expires, in the background. On one that
   * hands back its token until it expires (`target.tokens.reuse`, Asgardeo) there is no early
   * refresh. Default 300 s.
   */
  readonly tokenRefreshBuffer: Duration.Duration
  /** Timeout of one HTTP attempt. Default 30 s. */
  readonly timeout: Duration.Duration
  readonly retry: Retry.Policy
  /** Client-side rate budgets; `undefined` when off. On by default only for hosts on `asgardeo.io`. */
  readonly rateLimits: RateLimits | undefined
  /** The page size list calls send (at most `target.paging.maxCount`). Default 100. */
  readonly pageSize: number
  /** The most list requests one stream may send before it fails with `PagingAborted`. Default 100,000. */
  readonly maxPageRequests: number
  /** Applied to the program's `HttpClient` before the client uses it (see {@link CommonOptions}). */
  readonly transformClient: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
  /**
   * The user store a bare name means, upper-cased (`DEFAULT`): users and groups created without a
   * `<STORE>/` prefix go there, and lookups of a bare name search only there. `undefined` on a
   * server without user stores.
   *
   * @since 0.2.0
   */
  readonly defaultUserStore: string | undefined
  /**
   * The root organization's URL on Asgardeo (`https://api.asgardeo.io/t/acme`): the base of its
   * other APIs (`/api/server/v1/organizations`); `undefined` on a generic target.
   *
   * @since 0.4.0
   */
  readonly organizationUrl?: string | undefined
  /**
   * The sub-organization the client acts in, when it acts in one: SCIM requests go to
   * `{organizationUrl}/o/scim2` with a token from the organization-switch grant, and operations
   * need the `internal_org_*` scopes. `undefined` in the root organization.
   *
   * @since 0.4.0
   */
  readonly subOrganization?: SubOrganization | undefined
  /**
   * Which Asgardeo Roles API the `Roles` service uses: `"v2"` (`/v2/Roles`) or `"v3"`
   * (`/v3/Roles`, with its own user and group assignment endpoints). An application is authorized
   * for one of the two. `undefined`: `Roles` tells it from the scopes the token was granted (v3's
   * `internal_role_mgt_meta_create` / `_meta_update` without v2's `internal_role_mgt_create` /
   * `_update` mean v3; anything else v2). Always `undefined` on a generic target.
   *
   * @since 0.4.0
   */
  readonly rolesApi?: RolesApi | undefined
}

/**
 * A sub-organization, by id (the organization's UUID, what the switch grant takes) or by name
 * (looked up once through the organizations API; it must name exactly one organization).
 *
 * @since 0.4.0
 * @category models
 */
export type SubOrganization = { readonly id: string } | { readonly name: string }

/**
 * A version of Asgardeo's Roles API.
 *
 * @since 0.4.0
 * @category models
 */
export type RolesApi = "v2" | "v3"

/**
 * @since 0.2.0
 * @category tags
 */
export class ScimConfig extends Context.Tag("@asgardeo-scim/core/AsgardeoConfig")<ScimConfig, Service>() {}

/**
 * Retry, rate and timeout settings shared by every target.
 *
 * @since 0.1.0
 * @category models
 */
export interface CommonOptions {
  readonly tokenRefreshBuffer?: Duration.DurationInput | undefined
  readonly timeout?: Duration.DurationInput | undefined
  /** The retry policy's numbers, and optionally the backoff `Schedule` of transient failures. */
  readonly retry?: Retry.Options | undefined
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
  /**
   * Applied to the program's `HttpClient` before the SCIM client and the token client use it:
   * headers (`HttpClient.mapRequest(HttpClientRequest.setHeader("x-request-source", "hr"))`), the
   * platform's own span (`HttpClient.withTracerDisabledWhen(() => false)` turns it on; the client
   * keeps it off by default: it costs about 50 µs a request, and when it is on the query values it
   * records, filters included, are redacted; a header of yours is recorded as sent unless you add
   * its name to `Headers.currentRedactedNames`). A transform that sends requests of its own
   * (`HttpClient.followRedirects`, a retry) runs them outside the per-attempt deadline: the
   * client needs neither. Proxies, agents and TLS settings are the engine's:
   * configure them on the engine's layer (`NodeHttpClient.layerUndiciWithoutDispatcher` with your
   * own `Dispatcher`, for instance), not here.
   *
   * @since 0.2.0
   */
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
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
  /**
   * Act inside a sub-organization of `organization` (Asgardeo B2B): `{ id }` or `{ name }`. The
   * application must be a Standard-Based application with the Client Credential and Organization
   * Switch grants, shared with the sub-organization (the M2M template cannot switch); by name it
   * also needs `internal_organization_view`. `scopes` may name the root or the `internal_org_*`
   * form; the switched token asks for the `internal_org_*` form.
   *
   * @since 0.4.0
   */
  readonly subOrganization?: SubOrganization | undefined
  /**
   * The Roles API the `Roles` service uses, `"v2"` or `"v3"` (see {@link Service.rolesApi}).
   * Default: told from the token's granted scopes, v2 where they do not tell.
   *
   * @since 0.4.0
   */
  readonly rolesApi?: RolesApi | undefined
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
  /**
   * The server's dialect. Default `Target.rfc7644`; `Target.make({ name, ... })` describes
   * another server.
   *
   * @since 0.2.0
   */
  readonly target?: Target.Target | undefined
  /** Shorthand for the target's filter profiles. */
  readonly filterProfiles?: { readonly users: FilterProfileName; readonly groups: FilterProfileName } | undefined
  /** The user store bare names mean, on a target with user stores. Default its primary store. */
  readonly defaultUserStore?: string | undefined
}

/**
 * Asgardeo's published limits: 200/min for SCIM and token, 5/min for Bulk.
 *
 * @since 0.1.0
 * @category constants
 */
export const asgardeoRateLimits: RateLimits = resolve.asgardeoRateLimits

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
export const defaultBaseUrl: typeof Make.defaultBaseUrl = Make.defaultBaseUrl

/**
 * Whether a host may be reached over plain `http://`: `localhost` itself, an IPv4 address in
 * `127.0.0.0/8` in dotted-decimal form, or `[::1]`. The argument is a hostname as `URL.hostname`
 * gives it (lower-cased, IPv4 normalised, IPv6 in brackets); run strings through `new URL`
 * first. Nothing that a resolver looks up counts: not `*.localhost`, not `localhost.`, not
 * `127.0.0.1.example.com`. Numeric spellings such as `http://2130706433/` are accepted only
 * because the URL parser rewrites them to `127.0.0.1` before anything connects.
 *
 * @since 0.2.0
 * @category validation
 */
export const isLoopbackHost: (hostname: string) => boolean = internal.isLoopbackHost

/**
 * Checks a URL: absolute, `https:` (or `http:` to a loopback host, see {@link isLoopbackHost}), no
 * credentials, query or fragment. Returns it as the URL parser normalised it, without trailing
 * slashes.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateUrl = internal.validateUrl

/**
 * Resolves and checks the options of the Asgardeo target.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Service, ConfigError.ConfigError> => Make.makeNamed(options, {})

/**
 * The configuration of a sub-organization of `root` (an Asgardeo root organization's
 * configuration): SCIM under `{organizationUrl}/o/scim2`, scopes in their `internal_org_*` form,
 * the same credentials, retry, rate and timeout settings. `subOrganization` is checked as the
 * option is (`{ id }` or `{ name }`).
 *
 * @since 0.4.0
 * @category constructors
 */
export const forSubOrganization = (
  root: Service,
  subOrganization: SubOrganization
): Effect.Effect<Service, ConfigError.ConfigError> =>
  Make.forSubOrganizationNamed(root, subOrganization, "subOrganization")

/**
 * Resolves and checks the options of a generic RFC 7644 target.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeGeneric = (options: GenericOptions): Effect.Effect<Service, ConfigError.ConfigError> =>
  Make.makeGeneric(options)

/**
 * The Asgardeo target from options.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<ScimConfig, ConfigError.ConfigError> =>
  Layer.effect(ScimConfig, make(options))

/**
 * A generic RFC 7644 target from options.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerGeneric = (options: GenericOptions): Layer.Layer<ScimConfig, ConfigError.ConfigError> =>
  Layer.effect(ScimConfig, makeGeneric(options))

/**
 * The options of {@link layerConfig}: each one a value, a `Config` that reads it, or for nested
 * options (`retry`, `rateLimits`) an object of values and `Config`s (`Config.Config.Wrap`, as
 * `PgClient.layerConfig` takes it).
 *
 * @since 0.2.0
 * @category models
 */
export type ConfigOptions = {
  readonly [K in keyof Options]?: ConfigValue<Options[K]>
}

/**
 * A value, a `Config` of it, or for a plain object of options an object of such (a superset of
 * `Config.Config.Wrap`: values and `Config`s may be mixed).
 *
 * @since 0.2.0
 * @category models
 */
export type ConfigValue<A> =
  | A
  | Config.Config<A>
  | Config.Config<NonNullable<A>>
  | ([NonNullable<A>] extends [
    | ReadonlyArray<unknown>
    | Redacted.Redacted
    | Duration.Duration
    | Schedule.Schedule<unknown, unknown>
    | ((...args: ReadonlyArray<never>) => unknown)
  ] ? never
    : NonNullable<A> extends object ? { readonly [K in keyof NonNullable<A>]?: ConfigValue<NonNullable<A>[K]> }
    : never)

/**
 * Where {@link layerConfig} reads the connection settings by default: `ASGARDEO_ORG`,
 * `ASGARDEO_CLIENT_ID`, `ASGARDEO_CLIENT_SECRET`, the optional `ASGARDEO_BASE_URL`, the
 * optional `ASGARDEO_USER_STORE` (the store bare names mean, default `DEFAULT`), the optional
 * `ASGARDEO_SUB_ORG` (a sub-organization to act in: an id if it is a UUID, a name otherwise) and
 * the optional `ASGARDEO_ROLES_API` (`v2` or `v3`, the Roles API; default: told from the granted
 * scopes).
 *
 * @since 0.2.0
 * @category constants
 */
export const defaultConfig: ConfigOptions = {
  organization: Config.string("ASGARDEO_ORG"),
  clientId: Config.string("ASGARDEO_CLIENT_ID"),
  clientSecret: Config.redacted("ASGARDEO_CLIENT_SECRET"),
  baseUrl: Config.string("ASGARDEO_BASE_URL").pipe(Config.option, Config.map(blankToUndefined)),
  defaultUserStore: Config.string("ASGARDEO_USER_STORE").pipe(Config.option, Config.map(blankToUndefined)),
  subOrganization: Config.string("ASGARDEO_SUB_ORG").pipe(
    Config.option,
    Config.map((o) => {
      const value = blankToUndefined(o)
      return value === undefined ? undefined : subOrganizationOf(value)
    })
  ),
  rolesApi: Config.string("ASGARDEO_ROLES_API").pipe(
    Config.option,
    Config.map((option) => blankToUndefined(option) as RolesApi | undefined)
  )
}

const defaultNames: ReadonlyArray<readonly [keyof Make.Names, string]> = [
  ["organization", "ASGARDEO_ORG"],
  ["clientId", "ASGARDEO_CLIENT_ID"],
  ["clientSecret", "ASGARDEO_CLIENT_SECRET"],
  ["baseUrl", "ASGARDEO_BASE_URL"],
  ["defaultUserStore", "ASGARDEO_USER_STORE"],
  ["subOrganization", "ASGARDEO_SUB_ORG"],
  ["rolesApi", "ASGARDEO_ROLES_API"]
]

/**
 * A sub-organization named in text (`ASGARDEO_SUB_ORG`, the CLI's `--sub-org`): a UUID is an id,
 * anything else a name (an organization whose name is a UUID is reached with `{ name }`).
 *
 * @since 0.4.0
 * @category constructors
 */
export const subOrganizationOf = (text: string): SubOrganization =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text.trim())
    ? { id: text.trim().toLowerCase() }
    : { name: text.trim() }

function blankToUndefined(option: Option.Option<string>): string | undefined {
  return option._tag === "Some" && option.value.trim() !== "" ? option.value.trim() : undefined
}

/**
 * The Asgardeo target from `Config`, as Effect's own clients take it (`PgClient.layerConfig`):
 * every option a plain value or a `Config`; the connection settings default to
 * {@link defaultConfig} (`ASGARDEO_*` environment variables). A missing, empty or bad variable
 * fails with a `ConfigError` that names it.
 *
 * @example
 * ```ts
 * import { ScimConfig } from "@asgardeo-scim/core"
 * import { Config } from "effect"
 *
 * // The defaults: ASGARDEO_ORG, ASGARDEO_CLIENT_ID, ASGARDEO_CLIENT_SECRET, ...
 * export const FromEnvironment = ScimConfig.layerConfig()
 * // Other variable names, and a setting in code.
 * export const Custom = ScimConfig.layerConfig({
 *   organization: Config.string("IDP_TENANT"),
 *   clientSecret: Config.redacted("IDP_SECRET"),
 *   timeout: "10 seconds"
 * })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options: ConfigOptions | Config.Config<ConfigOptions> = {}
): Layer.Layer<ScimConfig, ConfigError.ConfigError> =>
  Layer.effect(
    ScimConfig,
    Effect.gen(function*() {
      const given = (yield* resolve.fromConfig(options)) as Record<string, unknown>
      const resolved = (yield* resolve.fromConfig({ ...defaultConfig, ...given })) as Record<string, unknown>
      // An error names the option where the caller gave it, the environment variable otherwise.
      const names: Record<string, string> = {}
      for (const [key, variable] of defaultNames) names[key] = key in given ? key : variable
      return yield* Make.makeNamed(resolved as unknown as Options, names)
    })
  )
