/**
 * The server's dialect as a value: every decision that depends on which SCIM server the client
 * talks to is a field of a `Target`, chosen once in the configuration, and read by the code that
 * needs it. No code branches on a target's name.
 *
 * - {@link asgardeo}: Asgardeo (WSO2 Identity Server): UUID ids, user stores (`DEFAULT/...`),
 *   its filter operators, deactivation through `urn:scim:wso2:schema` `accountDisabled`, at most
 *   100 Bulk operations, minimal answers to member writes, no group as a member of a group, scopes
 *   checked before sending, tokens handed back until they expire (so never refreshed early), its
 *   Roles API (`/v2/Roles`, `/v3/Roles`).
 * - {@link rfc7644}: any RFC 7644 server, assuming nothing beyond the RFC.
 * - {@link make}: a target of your own, starting from {@link rfc7644} (or another target) with the
 *   fields your server needs changed (see the example).
 *
 * @example
 * ```ts
 * import { Target } from "@asgardeo-scim/core"
 * import { Either } from "effect"
 *
 * // A server with numeric ids, no `or` in user filters and at most 50 Bulk operations.
 * export const Acme = Target.make({
 *   name: "acme-scim",
 *   encodeId: (id) => /^\d+$/.test(id) ? Either.right(id) : Either.left("Acme ids are numbers"),
 *   filters: { users: { ...Target.rfc7644.filters.users, or: false } },
 *   bulk: { maxOperations: 50 }
 * })
 * ```
 *
 * @since 0.2.0
 */
import * as Either from "effect/Either"
import * as Filter from "./Filter.js"
import * as FilterProfile from "./FilterProfile.js"
import * as Patch from "./Patch.js"
import * as Validation from "./Validation.js"

/**
 * User stores (Asgardeo's user-store domains): names carry their store as a prefix
 * (`PARTNERS/kim@example.com`).
 *
 * @since 0.2.0
 * @category models
 */
export interface UserStores {
  /** The primary store: a name without prefix is in it (`DEFAULT`). */
  readonly primary: string
  /** Whether list and search requests take a `domain` parameter restricting them to one store. */
  readonly domainParameter: boolean
}

/**
 * A server's dialect.
 *
 * @since 0.2.0
 * @category models
 */
export interface Target {
  /** A name for spans and messages. Never compared by the library. */
  readonly name: string
  /** Checks a resource id and encodes it as one path segment, or says why it cannot be one. */
  readonly encodeId: (id: string) => Either.Either<string, string>
  /** The server's user stores, or `undefined` when it has none (a `/` is then an ordinary character). */
  readonly userStores: UserStores | undefined
  /** What a new userName must be: an email address (Asgardeo's default), or any non-empty string. */
  readonly userNameFormat: "email" | "any"
  readonly filters: {
    /** What user filters may use; anything else fails with `UnsupportedFilter` before sending. */
    readonly users: FilterProfile.Profile
    /** What group filters may use. */
    readonly groups: FilterProfile.Profile
    /** Whether raw filter strings may use unquoted and single-quoted values, as the server does. */
    readonly bareValues: boolean
    /** Whether a filter must go through POST `.search` rather than the query string. */
    readonly viaSearch: (filter: Filter.Filter) => boolean
    /**
     * Whether lookups by name may rely on the server filtering: `"assumed"`, always (Asgardeo;
     * no configuration read for it); `"advertised"`, unless its `ServiceProviderConfig` says
     * `filter.supported` false, where lookups page the list and match names client-side. Either
     * way a filter the server refuses (501, 400 `invalidFilter`) is found out and remembered.
     * Absent: `"advertised"`.
     *
     * @since 0.3.0
     */
    readonly support?: "advertised" | "assumed" | undefined
  }
  /** The PATCH operation that activates or deactivates a user. */
  readonly deactivation: (active: boolean) => Patch.PatchOperation
  readonly bulk: {
    /** The most operations one Bulk request may hold whatever the server advertises (a documented cap). */
    readonly maxOperations: number | undefined
    /** Whether batch helpers use Bulk by default (`bulk: "auto"`). */
    readonly preferInBatches: boolean
  }
  readonly paging: {
    /** The server's silent cap on `count`: a larger `count` is refused before sending. */
    readonly maxCount: number | undefined
    /**
     * Whether lists may be sorted (`sortBy`): `"advertised"`, where the server's
     * `ServiceProviderConfig` says `sort.supported`; `"never"`, refused before any request (Asgardeo
     * answers 501 and says so). Absent: `"advertised"`.
     */
    readonly sort?: "advertised" | "never" | undefined
    /**
     * Whether lists may be paged by RFC 9865 cursors: `"advertised"`, where the server's
     * `ServiceProviderConfig` says `pagination.cursor` (then `stream` uses them by default);
     * `"never"`, index paging only, the configuration never read for it (Asgardeo has no cursors
     * on SCIM). Absent: `"advertised"`.
     *
     * @since 0.3.0
     */
    readonly cursor?: "advertised" | "never" | undefined
  }
  readonly members: {
    /** Query parameters that ask for a minimal answer to a member write, when the server honours them. */
    readonly minimalAnswer: Readonly<Record<string, string>> | undefined
    /**
     * Whether a group may be a member of a group (RFC 7643 §4.2 leaves it to the server). Where it
     * may, a member id that is no user is looked up as a group, and members are written with
     * their `type` (`User` or `Group`); where it may not (Asgardeo), a member typed `Group` is
     * refused before any request and members are written as `{ value, display }` only, the form
     * the server documents. Absent: allowed.
     *
     * @since 0.3.0
     */
    readonly nestedGroups?: boolean | undefined
  }
  readonly users: {
    /** Whether `askPassword` (an invitation) and `verifyEmail` exist. */
    readonly invitations: boolean
    /** Whether a new user needs a password or an invitation. */
    readonly passwordOrInvitation: boolean
  }
  readonly scopes: {
    /** Whether tokens say which scopes they grant, so operations are checked before sending. */
    readonly checked: boolean
    /** What a token response without `scope` means: nothing granted, or everything requested. */
    readonly absentMeans: "none" | "requested"
  }
  readonly tokens: {
    /**
     * Whether the token endpoint hands back its still-valid token when asked again: then tokens
     * are never refreshed early (asking early only gets the same token back).
     */
    readonly reuse: boolean
  }
  /**
   * Which roles API the server has: `"asgardeo"`, Asgardeo's (WSO2's) SCIM Roles API at
   * `/v2/Roles` and `/v3/Roles` (the directory's `Roles` service); `"none"`, no roles API (every
   * `Roles` operation fails with `Unsupported` before sending). RFC 7644 defines no roles
   * endpoint. Absent: `"none"`.
   *
   * @since 0.4.0
   */
  readonly roles?: "asgardeo" | "none" | undefined
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * Any id that is one path segment: not empty, not `.` or `..`, no `/`, `\` or control character.
 *
 * @since 0.2.0
 * @category ids
 */
export const anyPathSegment = (id: string): Either.Either<string, string> => {
  if (id.trim() === "") return Either.left("the id is empty")
  if (id === "." || id === "..") return Either.left("'.' and '..' are not ids")
  if (id.includes("/") || id.includes("\\")) return Either.left("an id cannot contain '/' or '\\'")
  if (Validation.hasControlCharacter(id)) return Either.left("an id cannot contain control characters")
  return Either.right(encodeURIComponent(id))
}

/**
 * UUID ids (Asgardeo), lower-cased.
 *
 * @since 0.2.0
 * @category ids
 */
export const uuidIds = (id: string): Either.Either<string, string> =>
  uuid.test(id) ? Either.right(id.toLowerCase()) : Either.left("Asgardeo resource ids are UUIDs")

/**
 * Asgardeo (WSO2 Identity Server).
 *
 * @since 0.2.0
 * @category targets
 */
export const asgardeo: Target = {
  name: "asgardeo",
  encodeId: uuidIds,
  userStores: { primary: "DEFAULT", domainParameter: true },
  userNameFormat: "email",
  filters: {
    users: FilterProfile.profiles.asgardeoUsers,
    groups: FilterProfile.profiles.asgardeoGroups,
    bareValues: true,
    viaSearch: Filter.needsSearch,
    support: "assumed"
  },
  deactivation: (active) => Patch.setAccountDisabled(!active),
  bulk: { maxOperations: 100, preferInBatches: true },
  paging: { maxCount: 100, sort: "never", cursor: "never" },
  // WSO2 resolves every member as a user (by `display`, then checks the id); nested groups are not
  // implemented (wso2/product-is#10995).
  members: { minimalAnswer: { attributes: "id" }, nestedGroups: false },
  users: { invitations: true, passwordOrInvitation: true },
  scopes: { checked: true, absentMeans: "none" },
  tokens: { reuse: true },
  roles: "asgardeo"
}

/**
 * Any RFC 7644 server, assuming nothing beyond the RFC.
 *
 * @since 0.2.0
 * @category targets
 */
export const rfc7644: Target = {
  name: "rfc7644",
  encodeId: anyPathSegment,
  userStores: undefined,
  userNameFormat: "any",
  filters: {
    users: FilterProfile.profiles.rfc7644,
    groups: FilterProfile.profiles.rfc7644,
    bareValues: false,
    viaSearch: () => false,
    support: "advertised"
  },
  deactivation: Patch.setActive,
  bulk: { maxOperations: undefined, preferInBatches: false },
  paging: { maxCount: undefined, sort: "advertised", cursor: "advertised" },
  // RFC 7644 §3.5.2 allows `attributes` on PATCH, but servers apply it unevenly (SCIMMY applies
  // the PATCH to the projected group and drops the member added): ask for nothing special.
  members: { minimalAnswer: undefined, nestedGroups: true },
  users: { invitations: false, passwordOrInvitation: false },
  scopes: { checked: false, absentMeans: "requested" },
  tokens: { reuse: false },
  roles: "none"
}

/**
 * The fields of a target to change, each optional; nested groups are merged one level deep.
 *
 * @since 0.2.0
 * @category models
 */
export type Overrides = {
  readonly [K in keyof Target]?: Target[K] extends (...args: ReadonlyArray<never>) => unknown ? Target[K]
    : Target[K] extends object | undefined ? Partial<NonNullable<Target[K]>> | undefined
    : Target[K]
}

const nested = <A extends object>(base: A | undefined, over: Partial<A> | undefined): A | undefined =>
  over === undefined ? base : { ...(base as A), ...over }

/**
 * A target of your own: `from` (default {@link rfc7644}) with the given fields changed.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = (overrides: Overrides & { readonly name: string }, from: Target = rfc7644): Target => ({
  name: overrides.name,
  encodeId: overrides.encodeId ?? from.encodeId,
  userStores: "userStores" in overrides
    ? overrides.userStores === undefined
      ? undefined
      : nested(from.userStores ?? { primary: "PRIMARY", domainParameter: false }, overrides.userStores)
    : from.userStores,
  userNameFormat: overrides.userNameFormat ?? from.userNameFormat,
  filters: nested(from.filters, overrides.filters)!,
  deactivation: overrides.deactivation ?? from.deactivation,
  bulk: nested(from.bulk, overrides.bulk)!,
  paging: nested(from.paging, overrides.paging)!,
  members: nested(from.members, overrides.members)!,
  users: nested(from.users, overrides.users)!,
  scopes: nested(from.scopes, overrides.scopes)!,
  tokens: nested(from.tokens, overrides.tokens)!,
  roles: "roles" in overrides ? overrides.roles : from.roles
})

/**
 * Whether a value is a target (an object with the functions a target has); anything else, `null`
 * included, is not.
 *
 * @since 0.2.0
 * @category guards
 */
export const isTarget = (u: unknown): u is Target =>
  typeof u === "object" && u !== null && typeof (u as Target).encodeId === "function" &&
  typeof (u as Target).deactivation === "function"

/**
 * Operations per Bulk request: the server's advertised `maxOperations` within the target's cap;
 * 100 (Asgardeo's documented limit) when neither says. The one rule for `Bulk` and the batch
 * helpers.
 *
 * @since 0.2.0
 * @category bulk
 */
export const bulkLimit = (target: Target, advertised: number | undefined): number => {
  const offered = advertised !== undefined && Number.isSafeInteger(advertised) && advertised > 0
    ? advertised
    : undefined
  const cap = target.bulk.maxOperations
  return cap === undefined ? offered ?? defaultBulkOperations : Math.min(offered ?? cap, cap)
}

/**
 * Operations per Bulk request when neither the target nor the server says: Asgardeo's documented
 * limit.
 *
 * @since 0.2.0
 * @category bulk
 */
export const defaultBulkOperations = 100

const isProfile = (u: unknown): boolean =>
  typeof u === "object" && u !== null && (u as FilterProfile.Profile).operators instanceof Set

const positiveOrUndefined = (u: unknown): boolean => u === undefined || (Number.isSafeInteger(u) && (u as number) > 0)

/**
 * What is wrong with a value given as a target, as `[field, reason]`, or `undefined` when it is a
 * well-formed target. Configuration checks it when a layer is built.
 *
 * @since 0.2.0
 * @category guards
 */
export const problem = (u: unknown): readonly [string, string] | undefined => {
  if (typeof u !== "object" || u === null) return ["", "an object (Target.make builds one)"]
  const t = u as Partial<Target>
  if (typeof t.name !== "string" || t.name.trim() === "") return ["name", "a non-empty string"]
  if (typeof t.encodeId !== "function") return ["encodeId", "a function"]
  if (typeof t.deactivation !== "function") return ["deactivation", "a function"]
  if (t.userStores !== undefined) {
    if (typeof t.userStores !== "object" || t.userStores === null) return ["userStores", "an object or undefined"]
    if (!Validation.isUserStoreDomain(t.userStores.primary)) return ["userStores.primary", "a user-store name"]
  }
  if (t.userNameFormat !== "email" && t.userNameFormat !== "any") return ["userNameFormat", "\"email\" or \"any\""]
  if (typeof t.filters !== "object" || t.filters === null) return ["filters", "an object"]
  if (!isProfile(t.filters.users)) return ["filters.users", "a filter profile"]
  if (!isProfile(t.filters.groups)) return ["filters.groups", "a filter profile"]
  if (typeof t.filters.viaSearch !== "function") return ["filters.viaSearch", "a function"]
  if (t.filters.support !== undefined && t.filters.support !== "advertised" && t.filters.support !== "assumed") {
    return ["filters.support", "\"advertised\", \"assumed\" or undefined"]
  }
  if (typeof t.bulk !== "object" || t.bulk === null) return ["bulk", "an object"]
  if (!positiveOrUndefined(t.bulk.maxOperations)) return ["bulk.maxOperations", "a positive integer or undefined"]
  if (typeof t.paging !== "object" || t.paging === null) return ["paging", "an object"]
  if (!positiveOrUndefined(t.paging.maxCount)) return ["paging.maxCount", "a positive integer or undefined"]
  if (t.paging.sort !== undefined && t.paging.sort !== "advertised" && t.paging.sort !== "never") {
    return ["paging.sort", "\"advertised\", \"never\" or undefined"]
  }
  if (t.paging.cursor !== undefined && t.paging.cursor !== "advertised" && t.paging.cursor !== "never") {
    return ["paging.cursor", "\"advertised\", \"never\" or undefined"]
  }
  if (typeof t.members !== "object" || t.members === null) return ["members", "an object"]
  if (t.members.nestedGroups !== undefined && typeof t.members.nestedGroups !== "boolean") {
    return ["members.nestedGroups", "a boolean or undefined"]
  }
  if (typeof t.users !== "object" || t.users === null) return ["users", "an object"]
  if (typeof t.scopes !== "object" || t.scopes === null) return ["scopes", "an object"]
  if (t.scopes.absentMeans !== "none" && t.scopes.absentMeans !== "requested") {
    return ["scopes.absentMeans", "\"none\" or \"requested\""]
  }
  if (typeof t.tokens !== "object" || t.tokens === null) return ["tokens", "an object"]
  if (t.roles !== undefined && t.roles !== "asgardeo" && t.roles !== "none") {
    return ["roles", "\"asgardeo\", \"none\" or undefined"]
  }
  return undefined
}
