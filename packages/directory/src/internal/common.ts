/**
 * Shared helpers of the directory services.
 *
 * @internal
 */
import * as Filter from "@asgardeo-scim/core/Filter"
import * as Paging from "@asgardeo-scim/core/Paging"
import type * as Patch from "@asgardeo-scim/core/Patch"
import type * as ScimClient from "@asgardeo-scim/core/ScimClient"
import * as ScimError from "@asgardeo-scim/core/ScimError"
import * as ServiceProviderConfig from "@asgardeo-scim/core/ServiceProviderConfig"
import * as Tolerant from "@asgardeo-scim/core/Tolerant"
import * as Validation from "@asgardeo-scim/core/Validation"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

/** @internal */
export const invalid = (operation: string, field: string, reason: string) =>
  new ScimError.InvalidInput({ operation, field, reason })

/** @internal */
export const fail = (operation: string, field: string, reason: string) => Effect.fail(invalid(operation, field, reason))

/**
 * The value a PATCH operation writes to an attribute (lower-case, as `Validation.attributeOfPath`
 * names it: `username`, `displayname`), if it writes one: by its path, or as a key of a path-less
 * value.
 *
 * @internal
 */
export const writtenValueOf = (op: Patch.PatchOperation, attribute: string): unknown => {
  if (op.op === "remove") return undefined
  if (op.path !== undefined) return Validation.attributeOfPath(op.path) === attribute ? op.value : undefined
  if (!isRecord(op.value)) return undefined
  const key = Object.keys(op.value).find((k) => Validation.attributeOfPath(k) === attribute)
  return key === undefined ? undefined : op.value[key]
}

/** @internal */
export const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/** Runs the deep check (`Validation.decodeJson`), failing with `InvalidInput`. @internal */
export const decodeJson = (operation: string, value: unknown, options?: Validation.JsonOptions) =>
  Either.mapLeft(Validation.decodeJson(value, options), (p) => invalid(operation, p.field, p.reason))

/** Turns a Schema parse error on input into `InvalidInput` naming the first field at fault. @internal */
export const parseErrorToInput = (operation: string, error: ParseResult.ParseError): ScimError.InvalidInput => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  const first = issues[0]
  return invalid(operation, first ? first.path.map(String).join(".") : "", first ? first.message : error.message)
}

/** Decodes input with a Schema, failing with `InvalidInput`. @internal */
export const decodeInput = <A, I>(operation: string, schema: Schema.Schema<A, I>) => {
  const decode = Schema.decodeUnknownEither(schema, { errors: "first", onExcessProperty: "error" })
  return (input: unknown): Either.Either<A, ScimError.InvalidInput> =>
    Either.mapLeft(decode(input), (e) => parseErrorToInput(operation, e))
}

/** A page of a list call. @since 0.1.0 @category models */
export interface ListResult<A> {
  readonly resources: ReadonlyArray<A>
  /** As the server reported it: unreliable on Asgardeo (it can be the page size). */
  readonly totalResults: number | undefined
  readonly startIndex: number | undefined
  readonly itemsPerPage: number | undefined
  /**
   * RFC 9865: the cursor of the next page (pass it as `cursor`); absent on the last page and
   * from servers without cursors.
   *
   * @since 0.3.0
   */
  readonly nextCursor?: string | undefined
  /**
   * RFC 9865: the cursor of the previous page, where the server gives one.
   *
   * @since 0.3.0
   */
  readonly previousCursor?: string | undefined
}

/** Options shared by the list calls. @internal */
export interface ListOptions {
  readonly startIndex?: number | undefined
  readonly count?: number | undefined
  readonly filter?: string | Filter.Filter | undefined
  readonly attributes?: ReadonlyArray<string> | undefined
  readonly excludedAttributes?: ReadonlyArray<string> | undefined
  readonly domain?: string | undefined
  readonly sortBy?: string | undefined
  readonly sortOrder?: "ascending" | "descending" | undefined
  readonly cursor?: string | undefined
}

/** The validated form of list options. @internal */
export interface PreparedList {
  readonly startIndex: number | undefined
  readonly count: number
  readonly filter: Filter.Filter | undefined
  readonly attributes: ReadonlyArray<string> | undefined
  readonly excludedAttributes: ReadonlyArray<string> | undefined
  readonly domain: string | undefined
  readonly sortBy: string | undefined
  readonly sortOrder: "ascending" | "descending" | undefined
  readonly cursor: string | undefined
}

const listKeys = new Set([
  "startIndex",
  "count",
  "filter",
  "attributes",
  "excludedAttributes",
  "domain",
  "sortBy",
  "sortOrder",
  "cursor"
])

/** The longest cursor accepted from a caller (RFC 9865 cursors are opaque, short strings). @internal */
export const maxCursorLength = 4096

/**
 * Whether the server can be paged by RFC 9865 cursors: `refused` says why not (the target says
 * never, with no request; or its `ServiceProviderConfig`, read once per client, lacks
 * `pagination.cursor`), else the server's `maxPageSize`. The one decision for `list({ cursor })`
 * and `stream({ paging })`, which refuse with `Unsupported` (feature `cursor paging`).
 *
 * @internal
 */
export const cursorSupport = (
  client: ScimClient.Service
): Effect.Effect<
  { readonly refused: string } | { readonly refused: undefined; readonly maxPageSize: number | undefined },
  Exclude<ScimClient.Error, ScimError.NotFound | ScimError.NotImplemented>
> =>
  client.target.paging.cursor === "never"
    ? Effect.succeed({ refused: `${client.target.name} pages by index only; page by startIndex` })
    : Effect.map(
      ServiceProviderConfig.advertised(client.serviceProviderConfig),
      (spc) =>
        spc.pagination.cursor
          ? { refused: undefined, maxPageSize: spc.pagination.maxPageSize }
          : {
            refused: spc === ServiceProviderConfig.none
              ? "it has no ServiceProviderConfig to say it does; page by startIndex"
              : "its ServiceProviderConfig has no pagination.cursor; page by startIndex"
          }
    )

/** The refusal of cursor paging where the server does not offer it. @internal */
export const cursorsUnsupported = (operation: string, reason: string) =>
  new ScimError.Unsupported({ operation, feature: "cursor paging", reason })

/**
 * Whether the server says it does not filter: its `ServiceProviderConfig` (read once per client)
 * has a `filter` object with `supported` false. Never read where the target assumes filtering
 * (Asgardeo); a configuration that is absent, unreadable or silent on `filter` says nothing (the
 * lookup filters, and a refusal is found out then).
 *
 * @internal
 */
export const filtersAdvertisedOff = (client: ScimClient.Service): Effect.Effect<boolean> =>
  client.target.filters.support === "assumed"
    ? Effect.succeed(false)
    : Effect.map(
      Effect.orElseSucceed(client.serviceProviderConfig, () => ServiceProviderConfig.none),
      (spc) => isRecord(spc.raw.filter) && !spc.filter.supported
    )

/** Validates list options before any request is sent. @internal */
export const prepareList = (
  operation: string,
  client: ScimClient.Service,
  profile: Filter.Profile,
  options: ListOptions | undefined
): Effect.Effect<
  PreparedList,
  | ScimClient.Error
  | ScimError.InvalidInput
  | ScimError.InvalidFilter
  | ScimError.UnsupportedFilter
  | ScimError.Unsupported
> =>
  Effect.gen(function*() {
    if (options !== undefined && !isRecord(options)) return yield* fail(operation, "", "the options must be an object")
    const o: ListOptions = options ?? {}
    for (const key of Object.keys(o)) {
      if (!listKeys.has(key)) return yield* fail(operation, key, "unknown option")
    }
    const { settings, target } = client
    if (o.startIndex !== undefined && !(Number.isSafeInteger(o.startIndex) && o.startIndex >= 1)) {
      return yield* fail(operation, "startIndex", "must be an integer of at least 1")
    }
    if (o.count !== undefined && !(Number.isSafeInteger(o.count) && o.count >= 0)) {
      return yield* fail(operation, "count", "must be a non-negative integer")
    }
    const maxCount = target.paging.maxCount
    if (o.count !== undefined && maxCount !== undefined && o.count > maxCount) {
      return yield* fail(
        operation,
        "count",
        `the server caps count at ${maxCount} without telling (Asgardeo does): use stream for more`
      )
    }
    if (o.domain !== undefined) {
      if (target.userStores?.domainParameter !== true) {
        return yield* fail(
          operation,
          "domain",
          "domain (a user store) is an Asgardeo-only option: this server has none"
        )
      }
      if (typeof o.domain !== "string" || !Validation.isUserStoreDomain(o.domain)) {
        return yield* fail(
          operation,
          "domain",
          `a user store domain is letters, digits, '.', '_' or '-', at most ${Validation.maxDomainLength}`
        )
      }
    }
    for (const key of ["attributes", "excludedAttributes"] as const) {
      const value = o[key]
      if (value === undefined) continue
      if (!Array.isArray(value) || value.length === 0) {
        return yield* fail(operation, key, "expected a non-empty array of attribute paths")
      }
      for (let i = 0; i < value.length; i++) {
        const a: unknown = value[i]
        if (typeof a !== "string" || !Filter.isAttributePath(a)) {
          return yield* fail(operation, `${key}.${i}`, "not an attribute path")
        }
      }
    }
    if (o.attributes !== undefined && o.excludedAttributes !== undefined) {
      return yield* fail(operation, "attributes", "give attributes or excludedAttributes, not both")
    }
    // Read once and decoded at run time, whatever the types say: a string is parsed, anything else
    // must be a well-formed Filter (InvalidFilter otherwise, before any request). Absent: no filter.
    const input: unknown = o.filter
    const filter = input === undefined ? undefined : yield* Filter.fromInput(input, profile, {
      bareValues: target.filters.bareValues
    })
    const sortBy: unknown = o.sortBy
    const sortOrder: unknown = o.sortOrder
    if (sortBy !== undefined && (typeof sortBy !== "string" || !Filter.isAttributePath(sortBy))) {
      return yield* fail(operation, "sortBy", "not an attribute path")
    }
    if (sortOrder !== undefined && sortOrder !== "ascending" && sortOrder !== "descending") {
      return yield* fail(operation, "sortOrder", "expected \"ascending\" or \"descending\"")
    }
    if (sortOrder !== undefined && sortBy === undefined) {
      return yield* fail(operation, "sortOrder", "sortOrder needs sortBy")
    }
    const cursor: unknown = o.cursor
    if (cursor !== undefined) {
      if (typeof cursor !== "string" || cursor.length > maxCursorLength || Validation.hasControlCharacter(cursor)) {
        return yield* fail(
          operation,
          "cursor",
          `expected a cursor string (a nextCursor the server gave, or "" for the first page), at most ${maxCursorLength} characters`
        )
      }
      if (o.startIndex !== undefined) return yield* fail(operation, "cursor", "give cursor or startIndex, not both")
    }
    if (sortBy !== undefined && target.paging.sort === "never") {
      return yield* Effect.fail(
        new ScimError.Unsupported({
          operation,
          feature: "sort",
          reason: `${target.name} answers 501 to sortBy; sort the results in the program`
        })
      )
    }
    // Every check of the caller's input is above: only then the server's configuration is read.
    if (sortBy !== undefined) {
      yield* ServiceProviderConfig.ensureSupported(client.serviceProviderConfig, {
        operation,
        feature: "sort",
        instead: "sort the results in the program"
      })
    }
    if (cursor !== undefined) {
      const support = yield* cursorSupport(client)
      if (support.refused !== undefined) return yield* Effect.fail(cursorsUnsupported(operation, support.refused))
    }
    return {
      startIndex: o.startIndex,
      count: o.count ?? settings.pageSize,
      filter,
      attributes: o.attributes,
      excludedAttributes: o.excludedAttributes,
      domain: o.domain,
      sortBy,
      sortOrder,
      cursor
    }
  })

/** Query parameters for GET. @internal */
export const queryParams = (p: PreparedList) => ({
  filter: p.filter === undefined ? undefined : Filter.print(p.filter),
  startIndex: p.startIndex,
  count: p.count,
  attributes: p.attributes?.join(","),
  excludedAttributes: p.excludedAttributes?.join(","),
  domain: p.domain,
  sortBy: p.sortBy,
  sortOrder: p.sortOrder,
  cursor: p.cursor
})

/** A SearchRequest body for POST `.search`. @internal */
export const searchBody = (p: PreparedList) => ({
  schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
  ...(p.filter === undefined ? {} : { filter: Filter.print(p.filter) }),
  ...(p.startIndex === undefined ? {} : { startIndex: p.startIndex }),
  count: p.count,
  ...(p.attributes === undefined ? {} : { attributes: p.attributes }),
  ...(p.excludedAttributes === undefined ? {} : { excludedAttributes: p.excludedAttributes }),
  ...(p.domain === undefined ? {} : { domain: p.domain }),
  ...(p.sortBy === undefined ? {} : { sortBy: p.sortBy }),
  ...(p.sortOrder === undefined ? {} : { sortOrder: p.sortOrder }),
  ...(p.cursor === undefined ? {} : { cursor: p.cursor })
})

/** Decodes a ListResponse and each resource. @internal */
export const decodeList = <A, I>(
  method: string,
  path: string,
  response: ScimClient.Response,
  schema: Schema.Schema<A, I>
): Effect.Effect<ListResult<A>, ScimError.InvalidResponse> => {
  const page = Paging.decodeListResponse(response.body ?? {})
  if (Either.isLeft(page)) {
    return Effect.fail(
      new ScimError.InvalidResponse({ method, path, status: response.status, reason: response.scrub(page.left) })
    )
  }
  const decode = Tolerant.decodeUnknownEither(schema)
  const resources: Array<A> = []
  for (let i = 0; i < page.right.resources.length; i++) {
    const r = decode(page.right.resources[i])
    if (Either.isLeft(r)) {
      return Effect.fail(
        new ScimError.InvalidResponse({
          method,
          path,
          status: response.status,
          // The formatter prints the values it got: scrubbed of the request's secrets, bounded.
          reason: response.scrub(`Resources.${i}: ${ParseResult.TreeFormatter.formatErrorSync(r.left)}`)
        })
      )
    }
    resources.push(r.right)
  }
  return Effect.succeed({
    resources,
    totalResults: page.right.totalResults,
    startIndex: page.right.startIndex,
    itemsPerPage: page.right.itemsPerPage,
    ...(page.right.nextCursor === undefined ? {} : { nextCursor: page.right.nextCursor }),
    ...(page.right.previousCursor === undefined ? {} : { previousCursor: page.right.previousCursor })
  })
}

/**
 * The path a request by id went to, as the client's own errors name it (`/Users/{id}`): errors
 * about the answer say where it came from. @internal
 */
export const pathById = (client: ScimClient.Service, path: string, id: string): string =>
  `${path}/${Either.getOrElse(client.encodeId(id), () => id)}`

/**
 * A resource's body with the answer's `ETag` as its `meta.version` when it has none (RFC 7644
 * §3.14: they are the same value; some servers send only the header).
 *
 * @internal
 */
export const withVersion = (body: unknown, etag: string | undefined): unknown => {
  if (etag === undefined || !isRecord(body)) return body
  const meta = isRecord(body.meta) ? body.meta : {}
  return typeof meta.version === "string" ? body : { ...body, meta: { ...meta, version: etag } }
}

/** Decodes a body that must be a resource. @internal */
export const decodeResource = <A, I>(
  method: string,
  path: string,
  response: ScimClient.Response,
  schema: Schema.Schema<A, I>
): Effect.Effect<A, ScimError.InvalidResponse> => {
  const r = Tolerant.decodeUnknownEither(schema)(withVersion(response.body, response.etag))
  return Either.isRight(r) ? Effect.succeed(r.right) : Effect.fail(
    new ScimError.InvalidResponse({
      method,
      path,
      status: response.status,
      reason: response.body === undefined
        ? "the response has no body"
        : response.scrub(ParseResult.TreeFormatter.formatErrorSync(r.left))
    })
  )
}
