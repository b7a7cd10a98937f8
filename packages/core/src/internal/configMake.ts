/**
 * The bodies of `ScimConfig`'s constructors: the Asgardeo target, a sub-organization of it, and a
 * generic RFC 7644 target, each option checked and named in its `ConfigError`.
 *
 * @internal
 */
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as FilterProfile from "../FilterProfile.js"
import type { Auth, GenericOptions, Options, Service } from "../ScimConfig.js"
import * as Scopes from "../Scopes.js"
import * as Target from "../Target.js"
import * as resolve from "./configResolve.js"
import * as internal from "./configValidation.js"

/** @internal */
export const defaultBaseUrl = "https://api.asgardeo.io"

/** What errors call each connection setting: the option's name where the caller gave it. */
export type Names = {
  readonly [
    K in "organization" | "clientId" | "clientSecret" | "baseUrl" | "defaultUserStore" | "subOrganization" | "rolesApi"
  ]?: string
}

/** @internal */
export const makeNamed = (options: Options, names: Names): Effect.Effect<Service, ConfigError.ConfigError> =>
  Effect.gen(function*() {
    const org = names.organization ?? "ASGARDEO_ORG"
    const organization = yield* internal.validateNonEmpty(org, options.organization)
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(organization)) {
      return yield* Effect.fail(
        internal.invalid(org, `${org} must be an organization name (letters, digits, '.', '_', '-')`)
      )
    }
    const clientId = yield* internal.validateNonEmpty(names.clientId ?? "ASGARDEO_CLIENT_ID", options.clientId)
    const clientSecret = yield* internal.validateSecret(
      names.clientSecret ?? "ASGARDEO_CLIENT_SECRET",
      options.clientSecret
    )
    const baseUrl = yield* internal.validateUrl(
      names.baseUrl ?? "ASGARDEO_BASE_URL",
      options.baseUrl ?? defaultBaseUrl
    )
    const target = Target.asgardeo
    const common = yield* resolve.common(options, new URL(baseUrl).hostname, target)
    const given = yield* internal.validateScopes("scopes", options.scopes ?? Scopes.all)
    const defaultUserStore = yield* internal.validateUserStore(
      names.defaultUserStore ?? "defaultUserStore",
      options.defaultUserStore
    )
    const rolesApi = yield* internal.validateRolesApi(names.rolesApi ?? "rolesApi", options.rolesApi)
    const organizationUrl = `${baseUrl}/t/${organization}`
    const root: Service = {
      target,
      organization,
      scimBaseUrl: `${organizationUrl}/scim2`,
      organizationUrl,
      auth: {
        _tag: "ClientCredentials",
        tokenUrl: `${baseUrl}/t/${organization}/oauth2/token`,
        clientId,
        clientSecret,
        scopes: given,
        clientAuthentication: yield* internal.validateClientAuthentication(
          "clientAuthentication",
          options.clientAuthentication
        )
      },
      ...common,
      defaultUserStore,
      rolesApi
    }
    return options.subOrganization === undefined
      ? root
      : yield* forSubOrganizationNamed(root, options.subOrganization, names.subOrganization ?? "subOrganization")
  })

/** @internal */
export const forSubOrganizationNamed = (
  root: Service,
  subOrganization: unknown,
  name: string
): Effect.Effect<Service, ConfigError.ConfigError> =>
  Effect.gen(function*() {
    const auth = root.auth
    if (root.organizationUrl === undefined || auth._tag !== "ClientCredentials" || root.subOrganization !== undefined) {
      return yield* Effect.fail(
        internal.invalid(
          name,
          `${name} needs the configuration of an Asgardeo root organization with client credentials`
        )
      )
    }
    const checked = yield* internal.validateSubOrganization(name, subOrganization)
    return {
      ...root,
      scimBaseUrl: `${root.organizationUrl}/o/scim2`,
      subOrganization: checked,
      // In a sub-organization every scope is asked for in its `internal_org_*` form.
      auth: { ...auth, scopes: Array.from(new Set(auth.scopes.map(Scopes.inOrganization))) }
    }
  })

/** @internal */
export const makeGeneric = (options: GenericOptions): Effect.Effect<Service, ConfigError.ConfigError> =>
  Effect.gen(function*() {
    const scimBaseUrl = yield* internal.validateUrl("scimBaseUrl", options.scimBaseUrl)
    const base = options.target ?? Target.rfc7644
    const targetProblem = Target.problem(base)
    if (targetProblem !== undefined) {
      const [field, reason] = targetProblem
      const name = field === "" ? "target" : `target.${field}`
      return yield* Effect.fail(internal.invalid(name, `${name} must be ${reason}`))
    }
    const profiles = options.filterProfiles
    const target = profiles === undefined ? base : Target.make({
      name: base.name,
      filters: {
        users: FilterProfile.profileByName(profiles.users),
        groups: FilterProfile.profileByName(profiles.groups)
      }
    }, base)
    const common = yield* resolve.common(options, new URL(scimBaseUrl).hostname, target)
    const auth: Auth = "bearerToken" in options.auth
      ? { _tag: "StaticToken", token: yield* internal.validateSecret("auth.bearerToken", options.auth.bearerToken) }
      : {
        _tag: "ClientCredentials",
        tokenUrl: yield* internal.validateUrl("auth.tokenUrl", options.auth.tokenUrl),
        clientId: yield* internal.validateNonEmpty("auth.clientId", options.auth.clientId),
        clientSecret: yield* internal.validateSecret("auth.clientSecret", options.auth.clientSecret),
        scopes: yield* internal.validateScopes("auth.scopes", options.auth.scopes ?? []),
        clientAuthentication: yield* internal.validateClientAuthentication(
          "auth.clientAuthentication",
          options.auth.clientAuthentication
        )
      }
    const defaultUserStore = target.userStores === undefined
      ? undefined
      : options.defaultUserStore === undefined
      ? target.userStores.primary
      : yield* internal.validateUserStore("defaultUserStore", options.defaultUserStore)
    return {
      target,
      organization: undefined,
      scimBaseUrl,
      auth,
      ...common,
      defaultUserStore
    } satisfies Service
  })
