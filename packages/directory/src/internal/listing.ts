/**
 * List, search and stream for a resource type: the listing part of every `Resources` service
 * (`Users`, `Groups` and any resource type a caller defines).
 *
 * @internal
 */
import type * as Filter from "@asgardeo-scim/core/Filter"
import * as FilterMatch from "@asgardeo-scim/core/FilterMatch"
import * as Paging from "@asgardeo-scim/core/Paging"
import type * as ScimClient from "@asgardeo-scim/core/ScimClient"
import type * as ScimError from "@asgardeo-scim/core/ScimError"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import type * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as internal from "./common.js"

/** @internal */
export const isProjection = (options: unknown): boolean =>
  internal.isRecord(options) && (options.attributes !== undefined || options.excludedAttributes !== undefined)

const streamKeys = new Set(["filter", "domain", "sortBy", "sortOrder", "paging"])

const streamKeysChecked = (operation: string, options: unknown) => {
  if (options === undefined) return Effect.void
  if (!internal.isRecord(options)) return internal.fail(operation, "", "the options must be an object")
  const unknown = Object.keys(options).find((key) => !streamKeys.has(key))
  return unknown === undefined
    ? Effect.void
    : internal.fail(operation, unknown, "unknown option (a stream takes filter, domain, sortBy, sortOrder and paging)")
}

/**
 * How a stream pages: `"auto"` (the default) by cursors where the server advertises them (RFC
 * 9865 `pagination.cursor`), by index otherwise; `"index"` always by `startIndex`; `"cursor"`
 * always by cursors, refused with `Unsupported` before any list request where not advertised.
 *
 * @internal
 */
export type PagingMethod = "auto" | "index" | "cursor"

/** The page size and method a stream uses: cursors (and the server's page size cap) or index. */
const chooseMethod = (
  operation: string,
  client: ScimClient.Service,
  options: unknown
): Effect.Effect<
  { readonly cursor: false } | { readonly cursor: true; readonly maxPageSize: number | undefined },
  ScimClient.Error | ScimError.InvalidInput | ScimError.Unsupported
> => {
  const paging: unknown = internal.isRecord(options) ? options.paging : undefined
  if (paging !== undefined && paging !== "auto" && paging !== "index" && paging !== "cursor") {
    return internal.fail(operation, "paging", "expected \"auto\", \"index\" or \"cursor\"")
  }
  if (paging === "index" || (paging !== "cursor" && client.target.paging.cursor === "never")) {
    return Effect.succeed({ cursor: false })
  }
  const support = internal.cursorSupport(client)
  return paging === "cursor"
    ? Effect.flatMap(support, (s) =>
      s.refused === undefined
        ? Effect.succeed({ cursor: true, maxPageSize: s.maxPageSize } as const)
        : Effect.fail(internal.cursorsUnsupported(operation, s.refused)))
    // auto: a configuration that cannot be read leaves index paging, which every server has.
    : Effect.map(
      Effect.orElseSucceed(support, () => ({ refused: "unreadable" }) as const),
      (s) =>
        s.refused === undefined ? { cursor: true, maxPageSize: s.maxPageSize } as const : { cursor: false } as const
    )
}

/** @internal */
export type ListError =
  | ScimClient.Error
  | ScimError.InvalidInput
  | ScimError.InvalidFilter
  | ScimError.UnsupportedFilter
  | ScimError.Unsupported

/**
 * What an endpoint was found to lack, remembered for the life of the service (one client): a
 * server is asked once, and later requests go straight to what it offers.
 *
 * @internal
 */
export interface Lacks {
  /** POST `.search` answered 404 or 501: searches go by GET with the same query instead. */
  readonly search: boolean
  /** A filter by name answered 501 or 400 `invalidFilter`: lookups page unfiltered and match here. */
  readonly filters: boolean
}

/**
 * Whether an answer to a list request says the server does not filter at all (501) or cannot
 * read the filter (400 `invalidFilter`): for a lookup's own `eq` filter, that the server lacks
 * filtering.
 *
 * @internal
 */
export const refusesFilter = (error: { readonly _tag: string; readonly scimType?: string | undefined }): boolean =>
  error._tag === "NotImplemented" || (error._tag === "BadRequest" && error.scimType?.toLowerCase() === "invalidfilter")

/** Whether a filter uses what servers commonly lack: `pr`, `not`, a value path. */
const usesOptional = (f: Filter.Filter): boolean => {
  switch (f._tag) {
    case "Present":
    case "Not":
    case "ValuePath":
      return true
    case "And":
    case "Or":
      return usesOptional(f.left) || usesOptional(f.right)
    case "Compare":
      return false
  }
}

/** @internal */
export const make = <A extends { readonly id: string }, I, P, PI>(options: {
  /** The name operations are called by (`Users`: `Users.list`, `Users.search`, `Users.stream`). */
  readonly name: string
  /** The endpoint (`/Users`). */
  readonly path: string
  readonly client: ScimClient.Service
  readonly profile: Filter.Profile
  readonly schema: Schema.Schema<A, I>
  readonly projection: Schema.Schema<P, PI>
  /** The scopes a GET list and a POST `.search` need, where known. */
  readonly scopes: { readonly list: string | undefined; readonly search: string | undefined }
}) =>
  Effect.map(Ref.make<Lacks>({ search: false, filters: false }), (lacks) => {
    const { client, name, path, profile, scopes } = options
    const { settings, target } = client
    const listName = `${name}.list`
    const searchName = `${name}.search`

    const decode =
      (request: ScimClient.Request, listOptions: unknown) =>
      (res: ScimClient.Response): Effect.Effect<internal.ListResult<A | P>, ScimError.InvalidResponse> =>
        isProjection(listOptions)
          ? internal.decodeList(request.method, request.path, res, options.projection)
          : internal.decodeList(request.method, request.path, res, options.schema)

    const runList = (
      operation: string,
      listOptions: unknown
    ): Effect.Effect<internal.ListResult<A | P>, ListError> =>
      Effect.flatMap(
        internal.prepareList(operation, client, profile, listOptions as internal.ListOptions | undefined),
        (p) => {
          const get: ScimClient.Request = {
            operation,
            scope: scopes.list,
            method: "GET",
            path,
            urlParams: internal.queryParams(p)
          }
          // Filters the server would misread in a query string (Asgardeo's parser turns `+` into a
          // space and decodes `%` again) go through POST .search, with a JSON body.
          const viaSearch = operation === searchName ||
            (p.filter !== undefined && target.filters.viaSearch(p.filter))
          if (!viaSearch) return Effect.flatMap(client.execute(get), decode(get, listOptions))
          const post: ScimClient.Request = {
            operation,
            scope: scopes.search,
            method: "POST",
            path: `${path}/.search`,
            body: internal.searchBody(p),
            idempotent: true
          }
          // A server without POST .search (404, 501) is asked the same query by GET, then and
          // from then on; not where the target documents .search (Asgardeo), nor for a filter the
          // target says must not go in a query string.
          const byGet = Effect.flatMap(client.execute(get), decode(get, listOptions))
          const mayFallBack = target.filters.support !== "assumed" &&
            !(p.filter !== undefined && target.filters.viaSearch(p.filter))
          if (!mayFallBack) return Effect.flatMap(client.execute(post), decode(post, listOptions))
          const missing = (e: { readonly _tag: string }) => e._tag === "NotFound" || e._tag === "NotImplemented"
          return Effect.flatMap(Ref.get(lacks), (l) =>
            l.search ? byGet : client.execute(post).pipe(
              Effect.flatMap(decode(post, listOptions)),
              Effect.catchIf(missing, () =>
                Effect.zipRight(
                  Effect.zipRight(
                    Ref.update(lacks, (known) => ({ ...known, search: true })),
                    Effect.annotateCurrentSpan("scim.fallback", "GET instead of POST .search")
                  ),
                  byGet
                ))
            ))
        }
      )

    const stream = (
      streamOptions?: {
        readonly filter?: string | Filter.Filter | undefined
        readonly domain?: string | undefined
        readonly sortBy?: string | undefined
        readonly sortOrder?: "ascending" | "descending" | undefined
        readonly paging?: PagingMethod | undefined
      }
    ): Stream.Stream<A, ListError | ScimError.PagingAborted> =>
      Stream.unwrap(Effect.gen(function*() {
        const operation = `${name}.stream`
        // The caller's options as given (plain JavaScript may pass anything): a filter passed in
        // place of the options, a misspelt key or another list option is refused, never dropped.
        yield* streamKeysChecked(operation, streamOptions)
        const { paging: _paging, ...listOptions } = internal.isRecord(streamOptions) ? streamOptions : {}
        const p = yield* internal.prepareList(
          operation,
          client,
          profile,
          streamOptions === undefined ? undefined : listOptions as internal.ListOptions
        )
        const method = yield* chooseMethod(operation, client, streamOptions)
        const base = {
          ...(p.filter !== undefined ? { filter: p.filter } : {}),
          ...(p.domain !== undefined ? { domain: p.domain } : {}),
          ...(p.sortBy !== undefined ? { sortBy: p.sortBy } : {}),
          ...(p.sortOrder !== undefined ? { sortOrder: p.sortOrder } : {})
        }
        const pages = (query: internal.ListOptions): Stream.Stream<A, ListError | ScimError.PagingAborted> => {
          const page = (more: internal.ListOptions) =>
            runList(listName, { ...query, ...more }) as Effect.Effect<internal.ListResult<A>, ListError>
          return method.cursor
            ? Paging.streamCursor({
              path,
              pageSize: Math.min(settings.pageSize, method.maxPageSize ?? settings.pageSize),
              maxRequests: settings.maxPageRequests,
              fetchPage: (cursor, count) => page({ cursor, count }),
              idOf: (a) => a.id
            })
            : Paging.stream({
              path,
              pageSize: settings.pageSize,
              maxRequests: settings.maxPageRequests,
              fetchPage: (startIndex, count) => page({ startIndex, count }),
              idOf: (a) => a.id
            })
        }
        const filter = p.filter
        // Where the target documents its filters (Asgardeo), or without a filter: the server filters.
        if (filter === undefined || target.filters.support === "assumed") return pages(base)
        // A server that does not filter (its configuration, or a 501 remembered): the whole list,
        // filtered here (FilterMatch).
        const { filter: _sent, ...unfiltered } = base
        const here = () => Stream.filter(pages(unfiltered), (a) => FilterMatch.matches(filter, a))
        if ((yield* Ref.get(lacks)).filters || (yield* internal.filtersAdvertisedOff(client))) return here()
        // Otherwise the server's filter; refused on the first page (501, or 400 invalidFilter for an
        // operator it lacks, `pr` say), the stream starts again on the whole list, filtered here.
        const emitted = yield* Ref.make(false)
        return pages(base).pipe(
          Stream.tap(() => Ref.set(emitted, true)),
          Stream.catchAll((e) =>
            Stream.unwrap(Effect.map(Ref.get(emitted), (started) => {
              // A 501 says the server does not filter; a 400 invalidFilter says so only for what
              // servers commonly lack (`pr`, `not`, value paths): for a plain comparison it more
              // likely names the caller's mistake (a misspelt attribute), which stands.
              const lacking = e._tag === "NotImplemented" || (refusesFilter(e) && usesOptional(filter))
              if (started || !lacking) return Stream.fail(e)
              const remembered = e._tag === "NotImplemented"
                ? Ref.update(lacks, (l) => ({ ...l, filters: true }))
                : Effect.void
              return Stream.unwrap(Effect.as(remembered, here()))
            }))
          )
        )
      }))

    return { runList, stream, lacks }
  })
