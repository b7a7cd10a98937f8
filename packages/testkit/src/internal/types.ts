/**
 * The emulator's public models, its control service's tag and its error, in a module of their
 * own: the internal modules import them from here, and `AsgardeoEmulator` re-exports them, so no
 * internal module imports the public module that imports it.
 *
 * @internal
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import type * as Effect from "effect/Effect"

/**
 * A registered client application: its credentials, the scopes it is authorized for, and
 * optionally its own token lifetime in seconds, its grants, template, sharing with
 * sub-organizations and organization.
 *
 * @since 0.1.0
 * @category models
 */
export interface App {
  readonly clientId: string
  readonly clientSecret: string
  /** Default: every scope of the emulator's table. */
  readonly scopes?: ReadonlyArray<string> | undefined
  readonly expiresIn?: number | undefined
  /**
   * The grant types enabled on the app. Default both: `["client_credentials", "organization_switch"]`
   * (`organization_switch` also allows the older `organization_switch_cc`).
   *
   * @since 0.4.0
   */
  readonly grants?: ReadonlyArray<"client_credentials" | "organization_switch"> | undefined
  /**
   * The console template the app was created from. An `"m2m"` app cannot use the
   * organization-switch grant whatever `grants` says (Asgardeo's M2M template only allows
   * client_credentials). Default `"standard"`.
   *
   * @since 0.4.0
   */
  readonly template?: "m2m" | "standard" | undefined
  /**
   * The sub-organizations the app is shared with: `"all"` (those created later included) or a
   * list of sub-organization ids or names (exactly those, not their descendants). Default `"all"`.
   *
   * @since 0.4.0
   */
  readonly sharedWith?: "all" | ReadonlyArray<string> | undefined
  /**
   * The root organization the app is registered in: it can switch only into that organization's
   * sub-organizations. Default the default organization.
   *
   * @since 0.4.0
   */
  readonly organization?: string | undefined
  /**
   * The application's resource id (as in `/api/server/v1/applications/{id}`): what an
   * application-audience role names in `audience.value`. Default: a stable UUID derived from the
   * `clientId`.
   *
   * @since 0.4.0
   */
  readonly id?: string | undefined
  /** The application's display name (a role's `audience.display`). Default: the `clientId`. @since 0.4.0 */
  readonly name?: string | undefined
  /**
   * The Roles API the app is authorized for. Asgardeo cannot authorize an app for both the
   * "SCIM2 Roles V1/V2 API" and the "SCIM2 Roles V3 API": `"v2"` drops the v3-only role scopes
   * (`internal_role_mgt_meta_create`, `_meta_update`) from the app's scopes, `"v3"` the v2-only
   * ones (`internal_role_mgt_create`, `_update`, `_permissions_update`), so a client can tell
   * the version from the scopes it is granted. Default: both (the emulator's default app holds
   * both sets).
   *
   * @since 0.4.0
   */
  readonly rolesApi?: "v2" | "v3" | undefined
}

/**
 * A B2B sub-organization to create (`Options.subOrganizations`, `createSubOrganization`).
 *
 * @since 0.4.0
 * @category models
 */
export interface SubOrganizationSeed {
  /** A UUID. Default: derived from the root organization and the name, the same on every run. */
  readonly id?: string | undefined
  readonly name: string
  /** The id or name of the parent sub-organization. Default: the root organization. */
  readonly parent?: string | undefined
  /** The root organization's name. Default: the default organization. */
  readonly root?: string | undefined
  /** Default: the name in lower case without anything but letters and digits (`ABC Builders` → `abcbuilders`). */
  readonly handle?: string | undefined
  /** Default `"ACTIVE"`. */
  readonly status?: "ACTIVE" | "DISABLED" | undefined
  readonly attributes?: Readonly<Record<string, string>> | undefined
}

/**
 * A B2B sub-organization as the control service reports it. `parentId` is the root
 * organization's id (`organizationId(root)`) for a child of the root.
 *
 * @since 0.4.0
 * @category models
 */
export interface SubOrganization {
  readonly id: string
  readonly name: string
  readonly handle: string
  readonly parentId: string
  readonly root: string
  readonly status: "ACTIVE" | "DISABLED"
  readonly attributes: Readonly<Record<string, string>>
}

/**
 * What `updateApp` may change on a registered app.
 *
 * @since 0.4.0
 * @category models
 */
export type AppPatch = Partial<
  Pick<App, "scopes" | "expiresIn" | "grants" | "template" | "sharedWith" | "organization">
>

/**
 * Switches for Asgardeo behaviours that vary between builds or are unconfirmed.
 *
 * @since 0.1.0
 * @category models
 */
export interface Quirks {
  /** Return `emails` as bare strings (`["kim@x.com"]`). Default false. */
  readonly emailsAsStrings: boolean
  /** Report `totalResults` as the page size. Default false. */
  readonly totalResultsIsPageSize: boolean
  /** In GET query strings, turn `+` into a space and URL-decode each word again. Default false. */
  readonly doubleDecodeFilterPlus: boolean
  /** How adding an existing member or removing an absent one is answered. Default "ok". */
  readonly memberConflict: "ok" | "error"
  /** Group PATCH answers 200 with the group, or 204 (unless `attributes` is given). Default "group". */
  readonly groupPatchResponse: "group" | "noContent"
  /** The silent cap on `count`. Default 100. */
  readonly maxCount: number
  /** Bulk `maxOperations`; more gives 413. Default 100. */
  readonly maxBulkOperations: number
  /**
   * The organization's user stores, as Asgardeo's secondary stores: `["DEFAULT", "PARTNERS"]`.
   * `DEFAULT` is the primary store (a name without prefix is in it). Users and groups are created
   * and seeded in any of them (`PARTNERS/kim@example.com`), the same name in two stores being two
   * resources; `domain` on GET and `.search` lists one store; a bare `userName eq` value matches
   * in every store, a qualified one (`eq`/`sw`) only in its store. `POST` of a name in any other
   * store is refused with 400 (seeding users writes directly and does not check). Default
   * `["DEFAULT"]`.
   */
  readonly userStores: ReadonlyArray<string>
  /**
   * How a reused token's remaining lifetime is rounded to whole seconds in `expires_in`: `"up"`
   * (a token with 0.3 s left says 1) or `"down"` (it says 0). Default "up".
   */
  readonly expiresInRounding: "up" | "down"
  /**
   * Ignore the `domain` parameter of GET and `.search` (list every store), as a broken or older
   * server might: for testing that clients check the store of what comes back. Default false.
   *
   * @since 0.2.0
   */
  readonly ignoreDomainParameter: boolean
  /**
   * Opt-in RFC 9865 cursor paging, which Asgardeo does not have: the ServiceProviderConfig
   * advertises `pagination` (`cursor` and `index` true, `defaultPaginationMethod` `"index"`,
   * `maxPageSize` the `maxCount` cap, `cursorTimeout`), and a list or `.search` with `cursor`
   * (empty for the first page) answers opaque `nextCursor` (absent on the last page) and
   * `previousCursor`, without `startIndex`. A cursor not issued for that query answers 400
   * `invalidCursor`; one older than `cursorTimeoutSeconds`, 400 `expiredCursor`; `cursor` with
   * `startIndex`, 400 `invalidValue`. Without `cursor`, lists page by index as before. Default false.
   *
   * @since 0.3.0
   */
  readonly cursorPaging: boolean
  /** Seconds a cursor stays valid in cursor mode (emulator time). Default 600. @since 0.3.0 */
  readonly cursorTimeoutSeconds: number
  /**
   * Roles v2: besides `internal_role_mgt_create` / `_update`, a POST, PUT or PATCH whose body
   * touches `users`, `groups` or `permissions` also needs `internal_role_mgt_users_update`,
   * `_groups_update` or `_permissions_update` (403 otherwise), as newer Asgardeo code checks
   * (which scope each check needs is unconfirmed). Default false.
   *
   * @since 0.4.0
   */
  readonly strictV2RoleScopes: boolean
}

/**
 * Rate limits per minute and bucket (`/scim2/*`, `/oauth2/*`, `/scim2/Bulk`). `timeScale: 60`
 * makes a minute of budget last one second.
 *
 * @since 0.1.0
 * @category models
 */
export interface RateLimits {
  readonly enabled: boolean
  readonly window: "fixed" | "sliding"
  readonly timeScale: number
  /** Send `Retry-After` with 429. Default true. */
  readonly retryAfter: boolean
  readonly limits: { readonly scim: number; readonly oauth: number; readonly bulk: number }
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The default organization. Default "acme". */
  readonly organization?: string | undefined
  /** More organizations served next to the default one. */
  readonly organizations?: ReadonlyArray<string> | undefined
  /**
   * B2B sub-organizations, each with its own users and groups, served under `/t/{root}/o/...`
   * to tokens of the organization-switch grant. A parent must come before its children.
   *
   * @since 0.4.0
   */
  readonly subOrganizations?: ReadonlyArray<SubOrganizationSeed> | undefined
  /**
   * Default: one app `emulator-client` / `emulator-secret` with every scope (root and
   * `internal_org_`). An app's omitted fields make it ready for B2B tests: standard template,
   * both grants, shared with every sub-organization, registered in the default organization.
   */
  readonly apps?: ReadonlyArray<App> | undefined
  /** Token lifetime in seconds. Default 3600. */
  readonly tokenExpiresIn?: number | undefined
  /** The origin of the in-process face. Default `https://emulator.invalid` (`AsgardeoEmulator.defaultBaseUrl`). */
  readonly baseUrl?: string | undefined
  readonly quirks?: Partial<Quirks> | undefined
  readonly rateLimits?: Partial<RateLimits> | undefined
  /**
   * Request bodies over this many bytes are answered 413 with a SCIM error (on the server face
   * without reading the rest of the body). Also the `bulk.maxPayloadSize` of the
   * ServiceProviderConfig. Default 1,048,576 (1 MiB, Asgardeo's value).
   *
   * @since 0.2.0
   */
  readonly maxBodyBytes?: number | undefined
  /**
   * The ETag mode (RFC 7644 §3.14; Asgardeo has none): the ServiceProviderConfig says
   * `etag.supported`, every resource answered carries `meta.version` (a weak entity tag over its
   * full rendering) and a single resource's answer an `ETag` header, and a PUT, PATCH or DELETE
   * whose `If-Match` names neither the current version nor `*` is answered 412 without changing
   * anything. Bulk operations take no `If-Match`. Default false.
   *
   * @since 0.3.0
   */
  readonly etag?: boolean | undefined
  /**
   * More permissions (API scopes) a role may hold, besides every scope of the emulator's table
   * and `internal_login`; a role naming any other is refused (400 `invalidValue`).
   *
   * @since 0.4.0
   */
  readonly permissions?: ReadonlyArray<string> | undefined
}

/**
 * What a fault does.
 *
 * - `Latency`: wait before answering (adds up with other faults).
 * - `Status`: answer this status (429, 5xx, ...) with a SCIM error body, or `body` as text.
 * - `Drop`: close the connection without an answer, `before` applying the request or `after`
 *   applying it (the lost-response case).
 * - `MalformedBody`: apply the request, then answer a truncated JSON body.
 * - `Garbage`: answer an HTML page (default status 200) instead.
 *
 * @since 0.1.0
 * @category faults
 */
export type FaultAction =
  | { readonly _tag: "Latency"; readonly millis: number }
  | {
    readonly _tag: "Status"
    readonly status: number
    readonly retryAfter?: number | undefined
    readonly body?: string | undefined
  }
  | { readonly _tag: "Drop"; readonly phase: "before" | "after" }
  | { readonly _tag: "MalformedBody" }
  | { readonly _tag: "Garbage"; readonly status?: number | undefined; readonly body?: string | undefined }

/**
 * Which requests a fault applies to. `path` is matched against the full path and the path
 * relative to `/t/{org}`; `*` matches anything (`"/scim2/Users*"`, `"/oauth2/token"`).
 * `times`: only the next N matching requests. `percentage` (0–100) with `seed`: a deterministic
 * share of them.
 *
 * @since 0.1.0
 * @category faults
 */
export interface FaultMatch {
  readonly method?: string | undefined
  readonly path?: string | RegExp | undefined
  readonly times?: number | undefined
  readonly percentage?: number | undefined
  readonly seed?: number | undefined
}

/**
 * @since 0.1.0
 * @category faults
 */
export interface Fault extends FaultMatch {
  readonly action: FaultAction
}

/**
 * @since 0.1.0
 * @category models
 */
export interface LogEntry {
  readonly method: string
  readonly path: string
  readonly query: string
  /** `undefined` when the connection was dropped. */
  readonly status: number | undefined
  /** Clock time in milliseconds. */
  readonly time: number
  readonly clientId: string | undefined
  /** The faults applied (`Latency`, `Status(503)`, `Drop(after)`, ...). */
  readonly faults: ReadonlyArray<string>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Counters {
  readonly requests: number
  readonly tokenRequests: number
  readonly tokensIssued: number
  readonly rateLimited: number
  readonly faultsApplied: number
  readonly dropped: number
  /** `"GET /scim2/Users/{id}"` -> count */
  readonly byEndpoint: Readonly<Record<string, number>>
  /** `"200"`, `"429"`, `"dropped"` -> count */
  readonly byStatus: Readonly<Record<string, number>>
}

/**
 * A JSON value as stored and returned by the emulator.
 *
 * @since 0.1.0
 * @category models
 */
export type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }

/**
 * @since 0.1.0
 * @category models
 */
export type JsonObject = { readonly [key: string]: Json }

/**
 * A user for direct seeding: `userName` (the `DEFAULT/` prefix is added when missing; another
 * store of the `userStores` quirk may be given, `PARTNERS/kim@example.com`) plus any SCIM
 * attributes. No password policy is applied.
 *
 * @since 0.1.0
 * @category models
 */
export interface SeedUser {
  readonly userName: string
  readonly password?: string | undefined
  readonly [attribute: string]: unknown
}

/**
 * @since 0.1.0
 * @category models
 */
export interface SeedGroup {
  /** `Engineering` (in `DEFAULT`) or `PARTNERS/Engineering` (a store of the `userStores` quirk). */
  readonly displayName: string
  /** userNames (without prefix: in `DEFAULT`) or user ids. */
  readonly members?: ReadonlyArray<string> | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Snapshot {
  readonly users: ReadonlyArray<JsonObject>
  readonly groups: ReadonlyArray<JsonObject>
  readonly memberships: ReadonlyArray<{ readonly groupId: string; readonly userId: string }>
  /** Every role as `GET /scim2/v2/Roles/{id}` answers it (users included). @since 0.4.0 */
  readonly roles: ReadonlyArray<JsonObject>
}

/**
 * A role for direct seeding (`AsgardeoEmulator.Service.seedRoles`), checked as `POST
 * /scim2/v2/Roles` checks it: a name without `/`, unique in its audience; an audience of the
 * organization (the default) or of a registered app (`{ type: "application", value: app id }`);
 * known permissions; existing user and group ids.
 *
 * @since 0.4.0
 * @category models
 */
export interface SeedRole {
  readonly displayName: string
  readonly audience?: { readonly type: "organization" | "application"; readonly value?: string | undefined } | undefined
  /** Scope names (`internal_login`, `internal_user_mgt_view`, ...). */
  readonly permissions?: ReadonlyArray<string> | undefined
  /** User ids. */
  readonly users?: ReadonlyArray<string> | undefined
  /** Group ids. */
  readonly groups?: ReadonlyArray<string> | undefined
}

/**
 * A direct state write failed (duplicate name, invalid input, unknown organization).
 *
 * @since 0.1.0
 * @category errors
 */
export class EmulatorError extends Data.TaggedError("EmulatorError")<{
  readonly status: number
  readonly detail: string
}> {
  /** @since 0.1.0 */
  override get message(): string {
    return `${this.status}: ${this.detail}`
  }
}

/**
 * The control service of a running emulator.
 *
 * @since 0.1.0
 * @category tags
 */
export class AsgardeoEmulator extends Context.Tag("@asgardeo-scim/testkit/AsgardeoEmulator")<
  AsgardeoEmulator,
  AsgardeoEmulator.Service
>() {}

/**
 * @since 0.1.0
 * @category models
 */
export declare namespace AsgardeoEmulator {
  /**
   * @since 0.1.0
   * @category models
   */
  export interface Service {
    /** The origin: `https://emulator.invalid` in process, `http://127.0.0.1:<port>` for the server. */
    readonly baseUrl: string
    /** The default organization. */
    readonly organization: string
    readonly organizations: ReadonlyArray<string>
    /** `{baseUrl}/t/{organization}/oauth2/token` */
    readonly tokenUrl: string
    /** `{baseUrl}/t/{organization}/scim2` */
    readonly scimUrl: string
    /** The first registered app. */
    readonly credentials: { readonly clientId: string; readonly clientSecret: string }
    /** An `HttpClient` answered in process by this emulator (also for the server face). */
    readonly client: HttpClient.HttpClient
    // `organization` in the options below: a root organization's name (default: the default
    // organization) or, since 0.4.0, a sub-organization's id.
    readonly seedUsers: (
      users: Iterable<SeedUser>,
      options?: { readonly organization?: string | undefined }
    ) => Effect.Effect<ReadonlyArray<{ readonly id: string; readonly userName: string }>, EmulatorError>
    readonly seedGroups: (
      groups: Iterable<SeedGroup>,
      options?: { readonly organization?: string | undefined }
    ) => Effect.Effect<ReadonlyArray<{ readonly id: string; readonly displayName: string }>, EmulatorError>
    /** Creates a user through the same checks as `POST /Users`. */
    readonly createUser: (
      user: JsonObject,
      options?: { readonly organization?: string | undefined }
    ) => Effect.Effect<JsonObject, EmulatorError>
    /** Direct writes of roles (checked like `POST /scim2/v2/Roles`); all or none are stored. @since 0.4.0 */
    readonly seedRoles: (
      roles: Iterable<SeedRole>,
      options?: { readonly organization?: string | undefined }
    ) => Effect.Effect<ReadonlyArray<{ readonly id: string; readonly displayName: string }>, EmulatorError>
    readonly snapshot: (
      options?: { readonly organization?: string | undefined }
    ) => Effect.Effect<Snapshot, EmulatorError>
    /** Empties every organization and restores the options' apps, quirks and rate limits. Clears faults and the log. */
    readonly reset: Effect.Effect<void>
    /** Returns the fault's id. */
    readonly injectFault: (fault: Fault) => Effect.Effect<number>
    readonly removeFault: (id: number) => Effect.Effect<void>
    readonly clearFaults: Effect.Effect<void>
    readonly expireAllTokens: Effect.Effect<void>
    readonly setRateLimits: (limits: Partial<RateLimits>) => Effect.Effect<RateLimits>
    readonly setQuirks: (quirks: Partial<Quirks>) => Effect.Effect<Quirks>
    readonly log: Effect.Effect<ReadonlyArray<LogEntry>>
    readonly counters: Effect.Effect<Counters>
    /** Clears the log and the counters. */
    readonly clearLog: Effect.Effect<void>
    /**
     * The id of a root organization (`acme`): a UUID derived from its name, the same on every run.
     *
     * @since 0.4.0
     */
    readonly organizationId: (organization: string) => string
    /**
     * Every sub-organization, of every root organization, in the order they were created.
     *
     * @since 0.4.0
     */
    readonly subOrganizations: Effect.Effect<ReadonlyArray<SubOrganization>>
    /**
     * Creates a sub-organization (as `Options.subOrganizations` does). Fails with 400 (invalid
     * seed, a parent that is disabled), 404 (unknown root or parent) or 409 (the id, name or
     * handle is taken in that root organization).
     *
     * @since 0.4.0
     */
    readonly createSubOrganization: (seed: SubOrganizationSeed) => Effect.Effect<SubOrganization, EmulatorError>
    /**
     * Activates or disables a sub-organization. As Asgardeo: one with active children cannot be
     * disabled, and one under a disabled parent cannot be activated (400). Tokens already switched
     * into it keep working until they expire.
     *
     * @since 0.4.0
     */
    readonly setSubOrganizationStatus: (
      id: string,
      status: "ACTIVE" | "DISABLED"
    ) => Effect.Effect<SubOrganization, EmulatorError>
    /**
     * Changes a registered app until `reset`: share or unshare it, change its grants, template,
     * scopes or token lifetime. Answers the app as it now is; 404 for an unknown client id.
     *
     * @since 0.4.0
     */
    readonly updateApp: (clientId: string, patch: AppPatch) => Effect.Effect<App, EmulatorError>
  }
}
