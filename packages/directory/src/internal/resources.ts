/**
 * The one implementation of create, get, replace, patch, delete, list, search and stream over a
 * resource endpoint: what `Resources.make`, `Users` and `Groups` are built on. A service adds
 * only what is its own through hooks (how a create body is built, what a replace or a PATCH must
 * also satisfy).
 *
 * @internal
 */
import * as Filter from "@asgardeo-scim/core/Filter"
import * as Patch from "@asgardeo-scim/core/Patch"
import type * as ScimClient from "@asgardeo-scim/core/ScimClient"
import * as ScimError from "@asgardeo-scim/core/ScimError"
import * as Validation from "@asgardeo-scim/core/Validation"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import type * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import type * as StrictSchemas from "../StrictSchemas.js"
import * as internal from "./common.js"
import * as Conditional from "./conditional.js"
import * as Listing from "./listing.js"
import * as Resolve from "./resolve.js"

/** The operations of a resource service. @internal */
export type Kind = "create" | "get" | "list" | "search" | "replace" | "patch" | "delete"

/** @internal */
export type WriteError =
  | ScimClient.Error
  | ScimError.InvalidInput
  | ScimError.Unsupported
  | ScimError.InvalidAttribute

/** @internal */
export type ListError = Listing.ListError

/** @internal */
export type Body = Record<string, unknown>

/** What a resource type is, for the shared implementation. @internal */
export interface Definition<A, I, P, PI> {
  readonly name: string
  readonly path: string
  readonly schema: Schema.Schema<A, I>
  readonly projection: Schema.Schema<P, PI>
  readonly scopes: { readonly [K in Kind]?: string | undefined }
  /** The core schema URN put first in `schemas` when a body has none. */
  readonly schemaUrn?: string | undefined
  /** The attribute whose value carries a user-store prefix on a target with stores (`userName`). */
  readonly nameAttribute?: string | undefined
  /** What filters on this endpoint may use, read from the target. */
  readonly filters: Filter.Profile
}

/** What a service adds to the shared rules. @internal */
export interface Hooks {
  /** Checks the input of `create` and builds the POST body (default: {@link checkedBody}). */
  readonly create?: ((operation: string, input: unknown) => Effect.Effect<Body, WriteError>) | undefined
  /** Checks a replacing body (already deep-checked, `meta` dropped) and gives the one to send. */
  readonly replace?: ((operation: string, body: Body) => Effect.Effect<Body, WriteError>) | undefined
  /** Further checks of decoded PATCH operations. */
  readonly patch?:
    | ((operation: string, operations: ReadonlyArray<Patch.PatchOperation>) => ScimError.InvalidInput | undefined)
    | undefined
  /** Strict mode, when provided: writes checked against discovery before they are sent, answers after. */
  readonly strict?: StrictSchemas.Service | undefined
}

/** The generic service, with the pieces its builders reuse. @internal */
export interface Built<A, P> {
  readonly create: (input: unknown) => Effect.Effect<A, WriteError>
  readonly get: (id: string, options?: unknown) => Effect.Effect<A | P, ScimClient.Error | ScimError.InvalidInput>
  readonly getFull: (id: string) => Effect.Effect<A, ScimClient.Error>
  readonly replace: (id: string, input: unknown, options?: unknown) => Effect.Effect<A, WriteError>
  readonly patch: (id: string, operations: unknown, options?: unknown) => Effect.Effect<A, WriteError>
  /** Reads, applies `f`, replaces with `If-Match`; again on 412, up to `maxAttempts`. */
  readonly update: <E = never, R = never>(
    id: string,
    f: (current: A) => unknown,
    options?: unknown
  ) => Effect.Effect<A, WriteError | E, R>
  /** PATCH without reading the resource back. */
  readonly patchRaw: (
    operation: string,
    id: string,
    operations: unknown,
    options?: {
      readonly idempotent?: boolean | undefined
      readonly urlParams?: ScimClient.Request["urlParams"]
      readonly ifMatch?: string | undefined
    }
  ) => Effect.Effect<ScimClient.Response, WriteError>
  readonly delete: (id: string, options?: unknown) => Effect.Effect<void, WriteError>
  readonly runList: (operation: string, options: unknown) => Effect.Effect<internal.ListResult<A | P>, ListError>
  readonly list: (options?: unknown) => Effect.Effect<internal.ListResult<A | P>, ListError>
  readonly search: (options?: unknown) => Effect.Effect<internal.ListResult<A | P>, ListError>
  /** The one resource a checked name names (`Resolve.find`), paging by the configured size. */
  readonly findOne: <X>(options: {
    readonly wanted: Resolve.Wanted
    readonly attribute: "userName" | "displayName"
    readonly nameOf: (a: A) => string | undefined
    readonly ambiguous: (candidates: ReadonlyArray<A>) => X
    readonly refine?: ReadonlyArray<Filter.Filter> | undefined
  }) => Effect.Effect<Option.Option<A>, ListError | X | ScimError.PagingAborted>
  readonly stream: (options?: {
    readonly filter?: string | Filter.Filter | undefined
    readonly domain?: string | undefined
  }) => Stream.Stream<A, ListError | ScimError.PagingAborted>
}

/** Why a name's store prefix is refused. @internal */
export const storePrefixReason = "the part before '/' is read as a user store: letters, digits, '.', '_' or '-'"

/**
 * On a target with user stores, what precedes the first `/` of a written name must be a store.
 *
 * @internal
 */
export const checkStorePrefix = (
  client: ScimClient.Service,
  operation: string,
  field: string,
  name: unknown
): ScimError.InvalidInput | undefined => {
  if (client.target.userStores === undefined || typeof name !== "string") return undefined
  const store = Validation.splitDomain(name).domain
  return store !== undefined && !Validation.isUserStoreDomain(store)
    ? internal.invalid(operation, field, storePrefixReason)
    : undefined
}

/** `schemas` as given, or the core URN and the extension URNs the body holds. @internal */
export const withSchemas = (body: Body, schemaUrn: string | undefined): Body => ({
  ...body,
  schemas: Array.isArray(body.schemas) && body.schemas.length > 0
    ? body.schemas
    : [...(schemaUrn === undefined ? [] : [schemaUrn]), ...Object.keys(body).filter((k) => k.startsWith("urn:"))]
})

/** A body through the deep check, `meta` (the server's) dropped. @internal */
export const checkedBody = (
  operation: string,
  input: unknown
): Either.Either<Body, ScimError.InvalidInput> => {
  if (!internal.isRecord(input)) return Either.left(internal.invalid(operation, "", "expected a resource object"))
  if (typeof input.then === "function" || Effect.isEffect(input)) {
    // A Promise or an Effect has no keys of its own: spread, it would be an empty resource.
    return Either.left(internal.invalid(operation, "", "expected a resource object, got a Promise or an Effect"))
  }
  const { meta: _meta, ...rest } = input
  return Either.map(internal.decodeJson(operation, rest), (json) => (internal.isRecord(json) ? json : {}))
}

/**
 * Builds the shared service for a definition (with the memory of what its endpoint lacks: see
 * `Listing.Lacks`). @internal
 */
export const build = <A extends { readonly id: string }, I, P, PI>(
  client: ScimClient.Service,
  definition: Definition<A, I, P, PI>,
  hooks: Hooks = {}
): Effect.Effect<Built<A, P>> =>
  Effect.map(
    Listing.make({
      name: definition.name,
      path: definition.path,
      client,
      profile: definition.filters,
      schema: definition.schema,
      projection: definition.projection,
      scopes: { list: definition.scopes.list, search: definition.scopes.search }
    }),
    (listing) => builtOn(client, definition, hooks, listing)
  )

const builtOn = <A extends { readonly id: string }, I, P, PI>(
  client: ScimClient.Service,
  definition: Definition<A, I, P, PI>,
  hooks: Hooks,
  listing: Effect.Effect.Success<ReturnType<typeof Listing.make<A, I, P, PI>>>
): Built<A, P> => {
  const { name, path, schema, scopes } = definition
  const nameAttribute = definition.nameAttribute
  const written = nameAttribute === undefined ? undefined : nameAttribute.toLowerCase()

  /** A request to `{path}/{id}`. */
  const byId = (
    operation: string,
    method: ScimClient.Method,
    id: string,
    more: Pick<ScimClient.Request, "scope" | "body" | "idempotent" | "urlParams" | "ifMatch">
  ) => client.execute({ operation, method, path, id, ...more })

  const strict = hooks.strict
  /** Strict mode's check of a write (none without it), then the request. */
  const strictly = <X, E>(operation: string, write: StrictSchemas.Write, send: Effect.Effect<X, E>) =>
    strict === undefined ? send : Effect.zipRight(strict.checkWrite(operation, path, write), send)
  /** A resource answered, through strict mode's response check when it is on. */
  const decode = <X, XI>(
    operation: string,
    method: string,
    p: string,
    res: ScimClient.Response,
    s: Schema.Schema<X, XI>
  ) => {
    const decoded = internal.decodeResource(method, p, res, s)
    return strict === undefined || res.body === undefined ? decoded : Effect.zipRight(
      strict.checkResponse({
        operation,
        endpoint: path,
        method,
        path: p,
        status: res.status,
        body: res.body,
        written: method !== "GET"
      }),
      decoded
    )
  }

  /** The answer to a write: the resource it carries, or the resource read again (204). */
  const afterWrite = (method: string, id: string, res: ScimClient.Response) =>
    res.body === undefined
      ? getFull(id)
      : decode(
        `${name}.${method === "PUT" ? "replace" : "patch"}`,
        method,
        internal.pathById(client, path, id),
        res,
        schema
      )

  const defaultCreate = (operation: string, input: unknown): Effect.Effect<Body, WriteError> => {
    const body = checkedBody(operation, input)
    if (Either.isLeft(body)) return Effect.fail(body.left)
    if (body.right.id !== undefined) return internal.fail(operation, "id", "the server assigns the id")
    const bad = checkStorePrefix(client, operation, nameAttribute ?? "", body.right[nameAttribute ?? ""])
    return bad === undefined ? Effect.succeed(withSchemas(body.right, definition.schemaUrn)) : Effect.fail(bad)
  }

  const create = (input: unknown): Effect.Effect<A, WriteError> => {
    const operation = `${name}.create`
    return Effect.flatMap(
      Effect.suspend(() => (hooks.create ?? defaultCreate)(operation, input)),
      (body) =>
        strictly(
          operation,
          { _tag: "create", body },
          client.execute({ operation, scope: scopes.create, method: "POST", path, body }).pipe(
            Effect.flatMap((res) => decode(operation, "POST", path, res, schema))
          )
        )
    )
  }

  const get = (id: string, options?: unknown) =>
    Effect.suspend((): Effect.Effect<A | P, ScimClient.Error | ScimError.InvalidInput> => {
      const operation = `${name}.get`
      const projection = Listing.isProjection(options)
      const o = projection ? (options as Record<string, unknown>) : {}
      for (const key of ["attributes", "excludedAttributes"] as const) {
        const value = o[key]
        if (value === undefined) continue
        if (!Array.isArray(value) || value.some((a) => typeof a !== "string" || !Filter.isAttributePath(a))) {
          return internal.fail(operation, key, "expected an array of attribute paths")
        }
      }
      const request: ScimClient.Request = {
        operation,
        scope: scopes.get,
        method: "GET",
        path,
        id,
        urlParams: projection
          ? {
            attributes: (o.attributes as ReadonlyArray<string> | undefined)?.join(","),
            excludedAttributes: (o.excludedAttributes as ReadonlyArray<string> | undefined)?.join(",")
          }
          : undefined
      }
      return Effect.flatMap(
        client.execute(request),
        (res): Effect.Effect<A | P, ScimClient.Error> =>
          decode<A | P, unknown>(
            operation,
            "GET",
            internal.pathById(client, path, id),
            res,
            (projection ? definition.projection : schema) as Schema.Schema<A | P, unknown>
          )
      )
    })

  const getFull = (id: string): Effect.Effect<A, ScimClient.Error> =>
    Effect.flatMap(
      client.execute({ operation: `${name}.get`, scope: scopes.get, method: "GET", path, id }),
      (res) => decode(`${name}.get`, "GET", internal.pathById(client, path, id), res, schema)
    )

  /** The replacing body, checked (before anything is sent). */
  const replacement = (operation: string, id: string, input: unknown): Effect.Effect<Body, WriteError> =>
    Effect.suspend((): Effect.Effect<Body, WriteError> => {
      const body = checkedBody(operation, input)
      if (Either.isLeft(body)) return Effect.fail(body.left)
      if (body.right.id !== undefined && body.right.id !== id) {
        return internal.fail(operation, "id", "the body's id differs from the id replaced")
      }
      return hooks.replace === undefined ? Effect.succeed(body.right) : hooks.replace(operation, body.right)
    }).pipe(Effect.flatMap((body) => {
      const bad = nameAttribute === undefined
        ? undefined
        : checkStorePrefix(client, operation, nameAttribute, body[nameAttribute])
      if (bad !== undefined) return Effect.fail(bad)
      const sent = withSchemas(body, definition.schemaUrn)
      return strictly(operation, { _tag: "replace", body: sent }, Effect.succeed(sent))
    }))

  /** PUT of a checked body, with `If-Match` when given. */
  const put = (operation: string, id: string, body: Body, ifMatch: string | undefined) =>
    Effect.flatMap(
      byId(operation, "PUT", id, { scope: scopes.replace, body, ifMatch }),
      (res) => afterWrite("PUT", id, res)
    )

  const replace = (id: string, input: unknown, options?: unknown): Effect.Effect<A, WriteError> => {
    const operation = `${name}.replace`
    return Effect.flatMap(
      replacement(operation, id, input),
      (body) => Effect.flatMap(Conditional.ifMatch(client, operation, options), (tag) => put(operation, id, body, tag))
    )
  }

  const update = <E, R>(
    id: string,
    f: (current: A) => unknown,
    options?: unknown
  ): Effect.Effect<A, WriteError | E, R> => {
    const operation = `${name}.update`
    return Effect.gen(function*() {
      if (typeof id !== "string") return yield* internal.fail(operation, "id", "expected a string")
      const checked = client.encodeId(id)
      if (Either.isLeft(checked)) return yield* Effect.fail(checked.left)
      if (typeof f !== "function") return yield* internal.fail(operation, "f", "expected a function of the resource")
      const o = yield* Conditional.updateOptions(operation, options)
      const conditional = yield* Conditional.updateIsConditional(client, operation, o)
      for (let attempt = 1;; attempt++) {
        const current = yield* getFull(id)
        const version = (current as { readonly meta?: { readonly version?: unknown } }).meta?.version
        if (conditional && (typeof version !== "string" || !Validation.isEntityTag(version))) {
          return yield* Effect.fail(
            new ScimError.InvalidResponse({
              method: "GET",
              path: internal.pathById(client, path, id),
              status: 200,
              reason: typeof version === "string"
                ? "the resource's meta.version cannot be sent back as If-Match"
                : "the server advertises ETags but sent no meta.version or ETag for the resource"
            })
          )
        }
        const wanted: unknown = f(current)
        if (internal.isRecord(wanted) && typeof wanted.then === "function") {
          return yield* internal.fail(operation, "f", "f returned a Promise: return the resource, or an Effect")
        }
        const next = Effect.isEffect(wanted) ? yield* (wanted as Effect.Effect<unknown, E, R>) : wanted
        const body = yield* replacement(operation, id, next)
        const written = yield* Effect.either(put(operation, id, body, conditional ? version as string : undefined))
        if (written._tag === "Right") return written.right
        if (written.left._tag !== "PreconditionFailed" || attempt >= o.maxAttempts) {
          return yield* Effect.fail(written.left)
        }
        yield* Effect.annotateCurrentSpan("scim.update.attempts", attempt + 1)
      }
    }).pipe(Effect.withSpan(operation, { attributes: { "scim.update.attempts": 1 } }))
  }

  const patchRaw: Built<A, P>["patchRaw"] = (operation, id, operations, options) =>
    Effect.suspend((): Effect.Effect<ScimClient.Response, WriteError> => {
      const ops = Either.flatMap(
        Patch.decodeOperations(operations, { operation }),
        (ops) => Patch.request(ops, { operation })
      )
      if (Either.isLeft(ops)) return Effect.fail(ops.left)
      const extra = hooks.patch?.(operation, ops.right.Operations)
      if (extra !== undefined) return Effect.fail(extra)
      // A name written by PATCH follows the rule of create and replace.
      for (let i = 0; written !== undefined && i < ops.right.Operations.length; i++) {
        const value = internal.writtenValueOf(ops.right.Operations[i]!, written)
        const bad = checkStorePrefix(client, operation, `Operations.${i}.value`, value)
        if (bad !== undefined) return Effect.fail(bad)
      }
      return strictly(
        operation,
        { _tag: "patch", operations: ops.right.Operations },
        byId(operation, "PATCH", id, {
          scope: scopes.patch,
          body: ops.right,
          idempotent: options?.idempotent ?? Patch.isIdempotent(ops.right.Operations),
          urlParams: options?.urlParams,
          ifMatch: options?.ifMatch
        })
      )
    })

  const patch = (id: string, operations: unknown, options?: unknown) => {
    const operation = `${name}.patch`
    return Effect.flatMap(
      Effect.flatMap(
        Conditional.ifMatch(client, operation, options),
        (tag) => patchRaw(operation, id, operations, { ifMatch: tag })
      ),
      (res) => afterWrite("PATCH", id, res)
    )
  }

  const del = (id: string, options?: unknown) => {
    const operation = `${name}.delete`
    return Effect.flatMap(
      Conditional.ifMatch(client, operation, options),
      (tag) => Effect.asVoid(byId(operation, "DELETE", id, { scope: scopes.delete, ifMatch: tag }))
    )
  }

  return {
    create,
    get,
    getFull,
    replace,
    patch,
    update,
    patchRaw,
    delete: del,
    runList: listing.runList,
    list: (options) => listing.runList(`${name}.list`, options),
    search: (options) => listing.runList(`${name}.search`, options),
    findOne: (options) =>
      Resolve.find({
        ...options,
        path,
        pageSize: client.settings.pageSize,
        maxRequests: client.settings.maxPageRequests,
        fetchPage: (p) => listing.runList(`${name}.list`, p) as Effect.Effect<internal.ListResult<A>, ListError>,
        // A target whose filters are assumed (Asgardeo documents them) never pages the whole list:
        // a refused filter is the caller's error there.
        ...(client.target.filters.support === "assumed" ? {} : {
          unfiltered: {
            known: Effect.flatMap(
              Ref.get(listing.lacks),
              (l) => l.filters ? Effect.succeed(true) : internal.filtersAdvertisedOff(client)
            ),
            refuses: (e: ListError): boolean => Listing.refusesFilter(e),
            lacks: (e: ListError): boolean => e._tag === "NotImplemented",
            remember: Ref.update(listing.lacks, (l) => ({ ...l, filters: true }))
          }
        })
      }),
    stream: listing.stream
  }
}
