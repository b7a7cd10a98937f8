/**
 * Every module of `@asgardeo-scim/core` as a namespace: `import { ScimClient, ScimConfig } from "@asgardeo-scim/core"`.
 * Each module is also an entry point of its own (`@asgardeo-scim/core/ScimClient`).
 *
 * @since 0.1.0
 */

/**
 * The former name of `ScimConfig`, kept as an alias.
 *
 * @since 0.1.0
 */
export * as AsgardeoConfig from "./AsgardeoConfig.js"

/**
 * @since 0.2.0
 */
export * as ScimConfig from "./ScimConfig.js"

/**
 * @since 0.2.0
 */
export * as Target from "./Target.js"

/**
 * @since 0.2.0
 */
export * as Retry from "./Retry.js"

/**
 * How the client's per-attempt deadline aborts a request, whatever the engine: an engine marked
 * with `RequestAbort.mark` registers an abort in the attempt's `Handle` (no fiber per request);
 * any other is aborted by interruption.
 *
 * @since 0.3.0
 */
export * as RequestAbort from "./RequestAbort.js"

/**
 * @since 0.1.0
 */
export * as ScimError from "./ScimError.js"

/**
 * What every error class shares (a namespaced `Schema.TaggedError`, a type id, a message computed
 * from the fields), written once: `ScimError` and hr's `HrError` are built with it.
 *
 * @since 0.2.0
 */
export * as ErrorClass from "./ErrorClass.js"

/**
 * @since 0.1.0
 */
export * as Scopes from "./Scopes.js"

/**
 * @since 0.1.0
 */
export * as AccessToken from "./AccessToken.js"

/**
 * @since 0.1.0
 */
export * as Discovery from "./Discovery.js"

/**
 * @since 0.3.0
 */
export * as SchemaCheck from "./SchemaCheck.js"

/**
 * @since 0.1.0
 */
export * as RateLimiter from "./RateLimiter.js"

/**
 * @since 0.1.0
 */
export * as ScimClient from "./ScimClient.js"

/**
 * @since 0.1.0
 */
export * as Paging from "./Paging.js"

/**
 * @since 0.1.0
 */
export * as Patch from "./Patch.js"

/**
 * @since 0.1.0
 */
export * as Filter from "./Filter.js"

/**
 * What a SCIM target supports in filters, and checking a filter against it before sending: the
 * built-in profiles (`asgardeoUsers`, `asgardeoGroups`, `asgardeoRoles`, `rfc7644`) and `check`. Also exported by
 * `Filter` under the same names.
 *
 * @since 0.2.0
 */
export * as FilterProfile from "./FilterProfile.js"

/**
 * A `Filter` evaluated against a resource here (RFC 7644 §3.4.2.2), for servers that do not
 * filter: `matches`.
 *
 * @since 0.3.0
 */
export * as FilterMatch from "./FilterMatch.js"

/**
 * @since 0.2.0
 */
export * as Validation from "./Validation.js"

/**
 * Decoding what a server answers without losing what the schema does not name, at about the
 * cost of the known fields.
 *
 * @since 0.3.0
 */
export * as Tolerant from "./Tolerant.js"

/**
 * A server's `ServiceProviderConfig`: which optional features it offers, read once per client.
 *
 * @since 0.3.0
 */
export * as ServiceProviderConfig from "./ServiceProviderConfig.js"

/**
 * Asgardeo's organizations API (B2B): the sub-organizations, paged by cursor, by id and by name.
 *
 * @since 0.4.0
 */
export * as Organizations from "./Organizations.js"

/**
 * Acting inside a B2B sub-organization: its configuration and switched tokens from the root's.
 *
 * @since 0.4.0
 */
export * as SubOrganization from "./SubOrganization.js"
