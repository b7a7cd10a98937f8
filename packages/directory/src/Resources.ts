/**
 * One generic service for any SCIM resource type: create, get, replace, patch, delete, list,
 * search and stream over an endpoint, a `Schema` for the resource, a `Schema` for projected
 * answers and the scopes each operation needs (as python's scim2-client has one client for every
 * resource type). `Users` and `Groups` are built on it and add only what is theirs; `make` gives
 * the same service, with the same guarantees, for another endpoint (a custom `/Devices`):
 *
 * - input decoded at run time, failing with a typed error before any request: ids through the
 *   target's id rule (`client.encodeId`: `InvalidId`), bodies through core's deep check
 *   (`Validation.decodeJson`: control characters, lengths, depth, passwords `Redacted` only),
 *   PATCH operations through `Patch.decodeOperations`, list options through the same checks as
 *   `Users.list` (`InvalidInput`, `InvalidFilter`, `UnsupportedFilter`);
 * - every answer decoded with the definition's `Schema` (`InvalidResponse`, scrubbed of the
 *   request's secrets); a write answered 204 reads the resource again;
 * - one span per request, named by the operation (`Devices.patch`), and the scope named by the
 *   definition checked against the token where the target checks scopes.
 *
 * @example
 * import { Resources } from "@asgardeo-scim/directory"
 * import { Effect, Schema } from "effect"
 *
 * const Device = Schema.Struct({ id: Schema.String, serial: Schema.String }, { key: Schema.String, value: Schema.Unknown })
 *
 * const program = Effect.gen(function*() {
 *   const devices = yield* Resources.make({
 *     name: "Devices",
 *     path: "/Devices",
 *     schema: Device,
 *     projection: Resources.Projected
 *   })
 *   const device = yield* devices.create({ serial: "SN-1" })
 *   return yield* devices.get(device.id)
 * })
 *
 * @since 0.2.0
 */
import type * as Filter from "@asgardeo-scim/core/Filter"
import type * as Patch from "@asgardeo-scim/core/Patch"
import * as ScimClient from "@asgardeo-scim/core/ScimClient"
import * as ScimError from "@asgardeo-scim/core/ScimError"
import * as Scopes from "@asgardeo-scim/core/Scopes"
import type * as Target from "@asgardeo-scim/core/Target"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import * as Group from "./Group.js"
import type * as common from "./internal/common.js"
import type * as Listing from "./internal/listing.js"
import * as internal from "./internal/resources.js"
import * as StrictSchemas from "./StrictSchemas.js"
import * as User from "./User.js"

/**
 * A page of a list call.
 *
 * @since 0.2.0
 * @category models
 */
export type ListResult<A> = common.ListResult<A>

/**
 * Options of `list` and `search`. `count` defaults to the configured `pageSize` (100); `filter`
 * is a string or a `Filter`, decoded at run time (anything else fails with `InvalidFilter` before
 * any request); `domain` (a user store) only where the target has user stores (Asgardeo).
 * `sortBy` (an attribute path) and `sortOrder` (`"ascending"`, the default, or `"descending"`)
 * only where the server advertises sorting (`ServiceProviderConfig` `sort.supported`, read once
 * per client): elsewhere, Asgardeo among them (it answers 501), they fail with `Unsupported`
 * before the list request is sent. `cursor` (RFC 9865: `""` for the first page, then the
 * `nextCursor` of the page before) only where the server advertises cursor paging
 * (`pagination.cursor`), and not with `startIndex`; elsewhere it fails with `Unsupported` before
 * the list request.
 *
 * @since 0.2.0
 * @category models
 */
export interface ListOptions extends Sorting {
  readonly startIndex?: number | undefined
  readonly count?: number | undefined
  readonly filter?: string | Filter.Filter | undefined
  readonly domain?: string | undefined
  /** @since 0.3.0 */
  readonly cursor?: string | undefined
}

/**
 * Sorting (RFC 7644 §3.4.2.3), where the server advertises it.
 *
 * @since 0.3.0
 * @category models
 */
export interface Sorting {
  readonly sortBy?: string | undefined
  readonly sortOrder?: "ascending" | "descending" | undefined
}

/**
 * `attributes` or `excludedAttributes`: the resources then guarantee only `id`.
 *
 * @since 0.2.0
 * @category models
 */
export type Projection =
  | { readonly attributes: ReadonlyArray<string>; readonly excludedAttributes?: undefined }
  | { readonly excludedAttributes: ReadonlyArray<string>; readonly attributes?: undefined }

/**
 * Options of `stream`: a filter, a user store, and sorting as in `list`, and how to page:
 * `paging: "auto"` (the default) pages by RFC 9865 cursors where the server advertises them
 * (`ServiceProviderConfig` `pagination.cursor`, read once per client; never on Asgardeo) and by
 * `startIndex` otherwise; `"index"` always by `startIndex`; `"cursor"` always by cursors, failing
 * with `Unsupported` before any list request where they are not advertised.
 *
 * @since 0.2.0
 * @category models
 */
export interface StreamOptions extends Sorting {
  readonly filter?: string | Filter.Filter | undefined
  readonly domain?: string | undefined
  /** @since 0.3.0 */
  readonly paging?: PagingMethod | undefined
}

/**
 * How `stream` pages (see `StreamOptions`).
 *
 * @since 0.3.0
 * @category models
 */
export type PagingMethod = Listing.PagingMethod

/**
 * A raw PATCH operation (any op case; validated before sending).
 *
 * @since 0.2.0
 * @category models
 */
export interface RawOperation {
  readonly op: string
  readonly path?: string | undefined
  readonly value?: unknown
}

/**
 * Errors of requests that take validated input.
 *
 * @since 0.2.0
 * @category errors
 */
export type WriteError = internal.WriteError

/**
 * Errors of list, search and lookups.
 *
 * @since 0.2.0
 * @category errors
 */
export type ListError = internal.ListError

/**
 * The operations of a resource service, as the keys of `Definition.scopes`.
 *
 * @since 0.2.0
 * @category models
 */
export type Kind = internal.Kind

/**
 * A resource type. `name` names the operations (`Devices.create`: span names, errors);
 * `path` is the endpoint (`/Devices`); `schema` decodes every resource the server answers (keep
 * unknown keys with a record rest, so a get-modify-replace loses nothing); `projection` decodes
 * answers to a projected `get` or `list` (only `id` is sure to be there). `scopes` names, for each
 * operation, the operation of core's `Scopes.byOperation` whose scope it needs (`Users.create`);
 * an operation left out sends without a scope check. `schemaUrn` is put first in `schemas` when a
 * body has none. `nameAttribute` is the attribute that carries a user-store prefix on a target
 * with user stores (`userName` of a user): what precedes its first `/` must then be a store.
 * `filters` reads the filter profile from the target (default: the target's user profile).
 *
 * @since 0.2.0
 * @category models
 */
export interface Definition<A extends { readonly id: string }, I, P extends { readonly id: string }, PI> {
  readonly name: string
  readonly path: string
  readonly schema: Schema.Schema<A, I>
  readonly projection: Schema.Schema<P, PI>
  readonly scopes?: { readonly [K in Kind]?: Scopes.Operation | undefined } | undefined
  readonly schemaUrn?: string | undefined
  readonly nameAttribute?: string | undefined
  readonly filters?: ((target: Target.Target) => Filter.Profile) | undefined
}

/**
 * The service `make` gives for a definition of resources `A` (projected: `P`).
 *
 * @since 0.2.0
 * @category models
 */
export interface Service<A, P> {
  /** POST {path}. Never retried; a 409 fails with `Conflict`; the server assigns the `id`. */
  readonly create: (resource: { readonly [key: string]: unknown }) => Effect.Effect<A, WriteError>
  /** GET {path}/{id}, projected with `attributes` or `excludedAttributes`. */
  readonly get: {
    (id: string, options: Projection): Effect.Effect<P, ScimClient.Error | ScimError.InvalidInput>
    (id: string): Effect.Effect<A, ScimClient.Error>
  }
  /**
   * PUT {path}/{id} with the whole resource (`meta` is dropped). With `ifMatch`, only if the
   * resource is still at that version (`PreconditionFailed` otherwise).
   */
  readonly replace: (
    id: string,
    resource: A | { readonly [key: string]: unknown },
    options?: WriteOptions
  ) => Effect.Effect<A, WriteError>
  /**
   * PATCH {path}/{id}. Returns the resource (read again when the server answers 204). With
   * `ifMatch`, only if the resource is still at that version.
   */
  readonly patch: (
    id: string,
    operations: ReadonlyArray<Patch.PatchOperation | RawOperation>,
    options?: WriteOptions
  ) => Effect.Effect<A, WriteError>
  /**
   * Reads the resource, gives it to `f` (a value or an `Effect`), and replaces it with what `f`
   * returns, sent with `If-Match` its version: when someone else wrote in between (412), reads
   * and applies `f` again, up to `maxAttempts` (default 3; `PreconditionFailed` after that). On
   * a server without ETags it fails with `Unsupported` before anything is read, unless
   * `unconditional: true` (then the last writer wins).
   *
   * @since 0.3.0
   */
  readonly update: <E = never, R = never>(
    id: string,
    f: (current: A) => Replacement<A> | Effect.Effect<Replacement<A>, E, R>,
    options?: UpdateOptions
  ) => Effect.Effect<A, WriteError | E, R>
  /** DELETE {path}/{id}. With `ifMatch`, only if the resource is still at that version. */
  readonly delete: (id: string, options?: WriteOptions) => Effect.Effect<void, WriteError>
  /** GET {path} (or POST {path}/.search where the target sends that filter by POST). */
  readonly list: {
    (options: ListOptions & Projection): Effect.Effect<ListResult<P>, ListError>
    (options?: ListOptions): Effect.Effect<ListResult<A>, ListError>
  }
  /** POST {path}/.search with a SearchRequest body. */
  readonly search: {
    (options: ListOptions & Projection): Effect.Effect<ListResult<P>, ListError>
    (options?: ListOptions): Effect.Effect<ListResult<A>, ListError>
  }
  /**
   * Every resource, all pages, once each (core `Paging.stream`): one page is held at a time, and
   * memory grows only by the set of ids seen.
   */
  readonly stream: (options?: StreamOptions) => Stream.Stream<A, ListError | ScimError.PagingAborted>
}

/**
 * What `update`'s function returns: the whole resource to write (the one it was given, changed).
 *
 * @since 0.3.0
 * @category models
 */
export type Replacement<A> = A | { readonly [key: string]: unknown }

/**
 * Options of a conditional `replace`, `patch` or `delete`: `ifMatch` is the version read
 * (`meta.version`, which reads keep, or the `ETag` header); the server writes only if the resource
 * is still at it, and answers 412 (`PreconditionFailed`) otherwise. Only where the server
 * advertises `etag.supported` (`Unsupported` elsewhere, before sending: the server would ignore
 * it).
 *
 * @since 0.3.0
 * @category models
 */
export interface WriteOptions {
  readonly ifMatch?: string | undefined
}

/**
 * Options of `update`: `unconditional: true` lets it write without `If-Match` on a server
 * without ETags (the last writer wins; where the server has ETags it still sends one);
 * `maxAttempts` (1 to 10, default 3) bounds the reads and writes when others keep writing.
 *
 * @since 0.3.0
 * @category models
 */
export interface UpdateOptions {
  readonly unconditional?: boolean | undefined
  readonly maxAttempts?: number | undefined
}

/**
 * What a projected answer guarantees: an `id`; every other key is kept.
 *
 * @since 0.2.0
 * @category schemas
 */
export const Projected = Schema.Struct(
  { id: Schema.String },
  Schema.Record({ key: Schema.String, value: Schema.Unknown })
)

/**
 * @since 0.2.0
 * @category models
 */
export interface Projected extends Schema.Schema.Type<typeof Projected> {}

/**
 * `/Users` as a plain resource type: the generic operations without `Users`' own rules (no
 * `NewUser` input: bodies are raw SCIM, checked by the deep check; a userName's store prefix is
 * checked on targets with user stores).
 *
 * @since 0.2.0
 * @category definitions
 */
export const users: Definition<
  User.User,
  typeof User.User.Encoded,
  User.Projection,
  typeof User.Projection.Encoded
> = {
  name: "Users",
  path: "/Users",
  schema: User.User,
  projection: User.Projection,
  schemaUrn: User.CoreUrn,
  nameAttribute: "userName",
  filters: (target) => target.filters.users,
  scopes: {
    create: "Users.create",
    get: "Users.get",
    list: "Users.list",
    search: "Users.search",
    replace: "Users.replace",
    patch: "Users.patch",
    delete: "Users.delete"
  }
}

/**
 * `/Groups` as a plain resource type: the generic operations without `Groups`' own rules (no
 * member lookups: `members` are sent as given).
 *
 * @since 0.2.0
 * @category definitions
 */
export const groups: Definition<
  Group.Group,
  typeof Group.Group.Encoded,
  Group.Projection,
  typeof Group.Projection.Encoded
> = {
  name: "Groups",
  path: "/Groups",
  schema: Group.Group,
  projection: Group.Projection,
  schemaUrn: Group.CoreUrn,
  nameAttribute: "displayName",
  filters: (target) => target.filters.groups,
  scopes: {
    create: "Groups.create",
    get: "Groups.get",
    list: "Groups.list",
    search: "Groups.search",
    replace: "Groups.replace",
    patch: "Groups.patch",
    delete: "Groups.delete"
  }
}

const namePattern = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/
const pathPattern = /^(?:\/[A-Za-z][A-Za-z0-9._-]{0,63}){1,4}$/
const kinds: ReadonlyArray<Kind> = ["create", "get", "list", "search", "replace", "patch", "delete"]

/**
 * The shared implementation for a definition, on a client already at hand.
 *
 * @internal
 */
export const build = <A extends { readonly id: string }, I, P extends { readonly id: string }, PI>(
  client: ScimClient.Service,
  definition: Definition<A, I, P, PI>,
  hooks?: internal.Hooks
): Effect.Effect<internal.Built<A, P>> =>
  internal.build(client, {
    name: definition.name,
    path: definition.path,
    schema: definition.schema,
    projection: definition.projection,
    // Each operation sends the scope its named operation needs (`Users.create`: internal_user_mgt_create).
    scopes: Object.fromEntries(
      Object.entries(definition.scopes ?? {}).map((
        [kind, op]
      ) => [kind, op === undefined ? undefined : Scopes.byOperation[op]])
    ),
    schemaUrn: definition.schemaUrn,
    nameAttribute: definition.nameAttribute,
    filters: (definition.filters ?? ((target) => target.filters.users))(client.target)
  }, hooks)

/**
 * The service for a resource type. The definition is checked first (it may come from plain
 * JavaScript): a `name` that is not an identifier, a `path` that is not `/Name`, schemas that are
 * not `Schema`s or scopes that are not operation names fail with `InvalidInput` (operation
 * `Resources.make`).
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = <A extends { readonly id: string }, I, P extends { readonly id: string }, PI>(
  definition: Definition<A, I, P, PI>
): Effect.Effect<Service<A, P>, ScimError.InvalidInput, ScimClient.ScimClient> =>
  Effect.gen(function*() {
    const fail = (field: string, reason: string) =>
      Effect.fail(new ScimError.InvalidInput({ operation: "Resources.make", field, reason }))
    const d: unknown = definition
    if (typeof d !== "object" || d === null) return yield* fail("", "expected a resource definition object")
    if (typeof definition.name !== "string" || !namePattern.test(definition.name)) {
      return yield* fail("name", "expected an identifier (letters, digits, '_' or '-'; a letter first)")
    }
    if (typeof definition.path !== "string" || !pathPattern.test(definition.path)) {
      return yield* fail("path", "expected an endpoint path such as /Devices")
    }
    if (!Schema.isSchema(definition.schema)) return yield* fail("schema", "expected a Schema")
    if (!Schema.isSchema(definition.projection)) return yield* fail("projection", "expected a Schema")
    const scopes: unknown = definition.scopes
    if (scopes !== undefined) {
      if (typeof scopes !== "object" || scopes === null) return yield* fail("scopes", "expected an object")
      for (const [key, value] of Object.entries(scopes)) {
        if (!kinds.includes(key as Kind)) return yield* fail(`scopes.${key}`, "not an operation of the service")
        if (value !== undefined && (typeof value !== "string" || !Object.hasOwn(Scopes.byOperation, value))) {
          return yield* fail(`scopes.${key}`, "expected an operation name of Scopes.byOperation (Users.create)")
        }
      }
    }
    if (definition.filters !== undefined && typeof definition.filters !== "function") {
      return yield* fail("filters", "expected a function of the target")
    }
    const client = yield* ScimClient.ScimClient
    const strict = Option.getOrUndefined(yield* Effect.serviceOption(StrictSchemas.StrictSchemas))
    const built = yield* build(client, definition, { strict })
    return {
      create: built.create,
      get: built.get as Service<A, P>["get"],
      replace: built.replace,
      patch: built.patch,
      update: built.update as Service<A, P>["update"],
      delete: built.delete,
      list: built.list as Service<A, P>["list"],
      search: built.search as Service<A, P>["search"],
      stream: built.stream
    }
  })
