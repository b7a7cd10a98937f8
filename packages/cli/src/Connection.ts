/**
 * Where commands send their requests: a real Asgardeo organization from `ASGARDEO_ORG`,
 * `ASGARDEO_CLIENT_ID`, `ASGARDEO_CLIENT_SECRET` (and optional `ASGARDEO_BASE_URL`) or the
 * matching flags, or, with `--emulator`, the embedded in-memory emulator. The optional
 * `ASGARDEO_USER_STORE` names the user store bare names mean (default `DEFAULT`).
 *
 * `--sub-org` (or `ASGARDEO_SUB_ORG`; with `--emulator` the flag only) acts inside a B2B
 * sub-organization of the organization: core's `subOrganization` option, from
 * `ScimConfig.subOrganizationOf` (a UUID is an id, anything else a name). On a generic target the
 * flag is a usage error, and the variable is not read (it is an Asgardeo setting, as
 * `ASGARDEO_USER_STORE` is).
 *
 * Any other SCIM 2.0 server (a generic target, core's `ScimConfig.layerGeneric` with the
 * `Target.rfc7644` dialect): `--scim-url` / `SCIM_BASE_URL` with a static bearer token
 * (`--bearer-token` / `SCIM_TOKEN`) or OAuth2 client credentials (`--token-url` /
 * `SCIM_TOKEN_URL`, `--client-id` / `SCIM_CLIENT_ID`, `--client-secret` / `SCIM_CLIENT_SECRET`, and the
 * optional `SCIM_SCOPES`: the scopes to request, separated by spaces or commas).
 * `--scim-url` or `--org` on the command line picks the target; without either, the environment
 * does (both `SCIM_BASE_URL` and `ASGARDEO_ORG` set: a usage error).
 *
 * The HTTP engine (`NodeHttpClient.layerUndici`) and the emulator come from the `Backend`
 * service, which loads them with a dynamic `import()` when a command first needs them.
 *
 * @since 0.1.0
 */
import * as ScimConfig from "@asgardeo-scim/core/ScimConfig"
import * as Validation from "@asgardeo-scim/core/Validation"
import * as Directory from "@asgardeo-scim/directory/Directory"
import type * as AsgardeoRoles from "@asgardeo-scim/hr/AsgardeoRoles"
import * as HrDirectory from "@asgardeo-scim/hr/HrDirectory"
import * as RoleMapping from "@asgardeo-scim/hr/RoleMapping"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as BackendService from "./Backend.js"
import { Backend } from "./Backend.js"
import { CliError, Usage } from "./ExitCode.js"

/**
 * The services a connected command can use.
 *
 * @since 0.1.0
 * @category models
 */
export type Services =
  | Directory.Services
  | HrDirectory.HrDirectory
  | ScimConfig.ScimConfig
  | HttpClient.HttpClient

/**
 * The parsed connection flags.
 *
 * @since 0.1.0
 * @category models
 */
export interface Flags {
  readonly org: Option.Option<string>
  readonly clientId: Option.Option<string>
  readonly clientSecret: Option.Option<Redacted.Redacted<string>>
  readonly baseUrl: Option.Option<string>
  /** @since 0.3.0 */
  readonly scimUrl: Option.Option<string>
  /** @since 0.3.0 */
  readonly bearerToken: Option.Option<Redacted.Redacted<string>>
  /** @since 0.3.0 */
  readonly tokenUrl: Option.Option<string>
  /**
   * `--sub-org`: a sub-organization to act in, by id or name (`undefined` or none: the
   * organization itself, or `ASGARDEO_SUB_ORG`).
   *
   * @since 0.4.0
   */
  readonly subOrg?: Option.Option<string> | undefined
  readonly emulator: boolean
}

const fromEnv = (flag: Option.Option<string>, name: string) =>
  Option.isSome(flag)
    ? Effect.succeed(flag)
    : Config.option(Config.string(name)).pipe(Effect.orElseSucceed(Option.none))

const set = (value: Option.Option<string>): value is Option.Some<string> =>
  Option.isSome(value) && value.value.trim() !== ""

/**
 * The one error for every required setting not set (none given as a flag nor in the environment),
 * each named with its flag: a run shows all that is missing, not one a run.
 */
const missingSettings = (missing: ReadonlyArray<{ readonly name: string; readonly flag: string }>) =>
  new CliError({
    code: Usage,
    message: `configuration: ${list(missing.map((m) => m.name))} ${missing.length === 1 ? "is" : "are"} not set. ` +
      `Export ${missing.length === 1 ? "it" : "them"} or pass ${list(missing.map((m) => m.flag))} ` +
      "(or try the embedded emulator with --emulator)"
  })

const list = (items: ReadonlyArray<string>): string =>
  items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`

/**
 * Client settings shared by both targets.
 *
 * @since 0.1.0
 * @category models
 */
export type ClientOptions = Omit<ScimConfig.Options, "organization" | "clientId" | "clientSecret" | "baseUrl">

/** The HR service a connection provides, over the directory's services. */
type HrLayer<E> = Layer.Layer<HrDirectory.HrDirectory, E, Directory.Services | ScimConfig.ScimConfig>

/** Role groups (`RoleMapping`'s default): the HR service of every command but `--role-mapping`. */
const hrGroups: HrLayer<never> = HrDirectory.layer.pipe(Layer.provide(RoleMapping.layer()))

/**
 * The sub-organization option for `--sub-org`, else (`env`) for `ASGARDEO_SUB_ORG`: none when the
 * variable is blank; a blank flag is a usage error.
 */
const subOrganization = (flags: Flags, env: boolean) =>
  Effect.gen(function*() {
    const flag = flags.subOrg ?? Option.none()
    if (Option.isSome(flag) && !set(flag)) return yield* Effect.fail(usage("--sub-org is empty"))
    const value = env ? yield* fromEnv(flag, "ASGARDEO_SUB_ORG") : flag
    return set(value) ? { subOrganization: ScimConfig.subOrganizationOf(value.value) } : {}
  })

/**
 * The directory and HR services for the flags.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  flags: Flags,
  options: ClientOptions = {}
): Layer.Layer<Services, CliError | ConfigError.ConfigError, Backend> => connect(flags, options, hrGroups)

/**
 * The directory and HR services for the flags, the HR service in roles mode: each HR role one of
 * Asgardeo's roles (`HrDirectory.layerRoles`, for `hr ... --role-mapping`). Building it looks
 * every mapped role up (`MissingRole`, `AmbiguousRole`, or the directory's error); with
 * `rolesOptions.ensure` it creates the missing ones (`hr setup --role-mapping`).
 *
 * @since 0.4.0
 * @category layers
 */
export const layerRoles = (
  flags: Flags,
  mapping: AsgardeoRoles.Mapping,
  options: ClientOptions = {},
  rolesOptions?: AsgardeoRoles.Options
): Layer.Layer<Services, CliError | ConfigError.ConfigError | AsgardeoRoles.ResolveError, Backend> =>
  connect(flags, options, HrDirectory.layerRoles(mapping, rolesOptions))

const connect = <E>(
  flags: Flags,
  options: ClientOptions,
  hr: HrLayer<E>
): Layer.Layer<Services, CliError | ConfigError.ConfigError | E, Backend> =>
  Layer.unwrapEffect(Effect.gen(function*() {
    const backend = yield* Backend
    if (flags.emulator) {
      const emu = yield* backend.embedded
      // The flag only: the environment's ASGARDEO_SUB_ORG names a sub-organization of a real one.
      const inSubOrganization = yield* subOrganization(flags, false)
      return hr.pipe(
        Layer.provideMerge(Directory.layerAsgardeo({
          rateLimits: false,
          ...options,
          organization: emu.organization,
          clientId: emu.credentials.clientId,
          clientSecret: Redacted.make(emu.credentials.clientSecret),
          baseUrl: emu.baseUrl,
          ...inSubOrganization
        })),
        Layer.provideMerge(Layer.succeed(HttpClient.HttpClient, emu.client))
      )
    }
    if (yield* isGeneric(flags)) return yield* generic(flags, options, backend, hr)
    const organization = yield* fromEnv(flags.org, "ASGARDEO_ORG")
    const clientId = yield* fromEnv(flags.clientId, "ASGARDEO_CLIENT_ID")
    const clientSecret = Option.isSome(flags.clientSecret)
      ? Option.some(Redacted.value(flags.clientSecret.value))
      : yield* fromEnv(Option.none(), "ASGARDEO_CLIENT_SECRET")
    if (!set(organization) || !set(clientId) || !set(clientSecret)) {
      return yield* Effect.fail(missingSettings([
        ...(set(organization) ? [] : [{ name: "ASGARDEO_ORG", flag: "--org" }]),
        ...(set(clientId) ? [] : [{ name: "ASGARDEO_CLIENT_ID", flag: "--client-id" }]),
        ...(set(clientSecret) ? [] : [{ name: "ASGARDEO_CLIENT_SECRET", flag: "--client-secret" }])
      ]))
    }
    const baseUrl = yield* fromEnv(flags.baseUrl, "ASGARDEO_BASE_URL")
    const userStore = Option.filter(yield* fromEnv(Option.none(), "ASGARDEO_USER_STORE"), (s) => s.trim() !== "")
    if (Option.isSome(userStore) && !Validation.isUserStoreDomain(userStore.value.trim())) {
      return yield* Effect.fail(
        new CliError({
          code: Usage,
          message: "configuration: ASGARDEO_USER_STORE must be a user-store domain " +
            "(letters, digits, '.', '_' or '-'), e.g. DEFAULT or PARTNERS"
        })
      )
    }
    const inSubOrganization = yield* subOrganization(flags, true)
    return hr.pipe(
      Layer.provideMerge(Directory.layerAsgardeo({
        ...(Option.isSome(userStore) ? { defaultUserStore: userStore.value.trim() } : {}),
        ...options,
        organization: organization.value,
        clientId: clientId.value,
        clientSecret: Redacted.make(clientSecret.value),
        baseUrl: Option.getOrUndefined(Option.filter(baseUrl, (u) => u.trim() !== "")),
        ...inSubOrganization
      })),
      Layer.provideMerge(backend.httpClient)
    )
  }))

const usage = (message: string) => new CliError({ code: Usage, message: `configuration: ${message}` })

/**
 * Whether the flags and the environment name a generic target: `--scim-url` on the command line,
 * or `SCIM_BASE_URL` set without `--org`. Both targets in the environment and neither flag given
 * is a usage error (which one was meant cannot be told).
 */
const isGeneric = (flags: Flags) =>
  Effect.gen(function*() {
    if (set(flags.scimUrl)) {
      if (set(flags.org)) return yield* Effect.fail(usage("--org and --scim-url name two targets: pass one"))
      return true
    }
    if (set(flags.org)) return false
    const scim = set(yield* fromEnv(Option.none(), "SCIM_BASE_URL"))
    if (scim && set(yield* fromEnv(Option.none(), "ASGARDEO_ORG"))) {
      return yield* Effect.fail(
        usage("both SCIM_BASE_URL and ASGARDEO_ORG are set: pass --scim-url or --org to pick the target")
      )
    }
    return scim
  })

/** The generic target (`Target.rfc7644`) for the flags: a bearer token or client credentials. */
const generic = <E>(flags: Flags, options: ClientOptions, backend: BackendService.Service, hr: HrLayer<E>) =>
  Effect.gen(function*() {
    const scimBaseUrl = yield* fromEnv(flags.scimUrl, "SCIM_BASE_URL")
    if (!set(scimBaseUrl)) return yield* Effect.fail(usage("--scim-url (or SCIM_BASE_URL) is empty"))
    // A flag beats the environment: --bearer-token leaves SCIM_TOKEN_URL aside, --token-url SCIM_TOKEN.
    if (Option.isSome(flags.bearerToken) && set(flags.tokenUrl)) {
      return yield* Effect.fail(usage("--bearer-token and --token-url are two ways to authenticate: pass one"))
    }
    const token = Option.isSome(flags.bearerToken)
      ? Option.some(Redacted.value(flags.bearerToken.value))
      : set(flags.tokenUrl)
      ? Option.none()
      : yield* fromEnv(Option.none(), "SCIM_TOKEN")
    const tokenUrl = Option.isSome(flags.bearerToken) ? Option.none() : yield* fromEnv(flags.tokenUrl, "SCIM_TOKEN_URL")
    if (set(token) && set(tokenUrl)) {
      return yield* Effect.fail(
        usage(
          "SCIM_TOKEN and SCIM_TOKEN_URL are both set: unset one, or pick one with --bearer-token or --token-url"
        )
      )
    }
    if (Option.isSome(flags.org) || Option.isSome(flags.baseUrl)) {
      return yield* Effect.fail(usage("--org and --base-url are Asgardeo settings: with --scim-url, leave them out"))
    }
    if (flags.subOrg !== undefined && Option.isSome(flags.subOrg)) {
      return yield* Effect.fail(
        usage("--sub-org acts inside an Asgardeo sub-organization: a generic SCIM server (--scim-url) has none")
      )
    }
    let auth: ScimConfig.GenericOptions["auth"]
    if (set(token)) {
      auth = { bearerToken: Redacted.make(token.value) }
    } else {
      const clientId = yield* fromEnv(flags.clientId, "SCIM_CLIENT_ID")
      const clientSecret = Option.isSome(flags.clientSecret)
        ? Option.some(Redacted.value(flags.clientSecret.value))
        : yield* fromEnv(Option.none(), "SCIM_CLIENT_SECRET")
      if (!set(tokenUrl) || !set(clientId) || !set(clientSecret)) {
        if (!set(tokenUrl)) {
          return yield* Effect.fail(
            usage(
              "SCIM_TOKEN is not set. Export it or pass --bearer-token (or a token URL with client credentials: " +
                "SCIM_TOKEN_URL, SCIM_CLIENT_ID and SCIM_CLIENT_SECRET, or --token-url, --client-id and --client-secret)"
            )
          )
        }
        return yield* Effect.fail(missingSettings([
          ...(set(clientId) ? [] : [{ name: "SCIM_CLIENT_ID", flag: "--client-id" }]),
          ...(set(clientSecret) ? [] : [{ name: "SCIM_CLIENT_SECRET", flag: "--client-secret" }])
        ]))
      }
      const scopes = Option.getOrElse(yield* fromEnv(Option.none(), "SCIM_SCOPES"), () => "")
        .split(/[\s,]+/).filter((scope) => scope !== "")
      auth = {
        tokenUrl: tokenUrl.value,
        clientId: clientId.value,
        clientSecret: Redacted.make(clientSecret.value),
        ...(scopes.length > 0 ? { scopes } : {})
      }
    }
    return hr.pipe(
      Layer.provideMerge(Directory.layerGeneric({ ...options, scimBaseUrl: scimBaseUrl.value.trim(), auth })),
      Layer.provideMerge(backend.httpClient)
    )
  })
