/**
 * List, search and stream for a resource type: the listing part of every `Resources` service
 * (`Users`, `Groups` and any resource type a caller defines).
 *
 * @internal
 */
import type * as Filter from "@asgardeo-scim/core/Filter"
import * as Paging from "@asgardeo-scim/core/Paging"
import type * as ScimClient from "@asgardeo-scim/core/ScimClient"
import type * as ScimError from "@asgardeo-scim/core/ScimError"
import * as Effect from "effect/Effect"
import type * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as internal from "./common.js"

/** @internal */
export const isProjection = (options: unknown): boolean =>
  internal.isRecord(options) && (options.attributes !== undefined || options.excludedAttributes !== undefined)

const streamKeys = new Set(["filter", "domain", "sortBy", "sortOrder"])

const streamKeysChecked = (operation: string, options: unknown) => {
  if (options === undefined) return Effect.void
  if (!internal.isRecord(options)) return internal.fail(operation, "", "the options must be an object")
  const unknown = Object.keys(options).find((key) => !streamKeys.has(key))
  return unknown === undefined
    ? Effect.void
    : internal.fail(operation, unknown, "unknown option (a stream takes filter, domain, sortBy and sortOrder)")
}

/** @internal */
export type ListError =
  | ScimClient.Error
  | ScimError.InvalidInput
  | ScimError.InvalidFilter
  | ScimError.UnsupportedFilter
  | ScimError.Unsupported

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
}) => {
  const { client, name, path, profile, scopes } = options
  const { settings, target } = client
  const listName = `${name}.list`
  const searchName = `${name}.search`

  const runList = (
    operation: string,
    listOptions: unknown
  ): Effect.Effect<internal.ListResult<A | P>, ListError> =>
    Effect.flatMap(
      internal.prepareList(operation, client, profile, listOptions as internal.ListOptions | undefined),
      (p) => {
        // Filters the server would misread in a query string (Asgardeo's parser turns `+` into a
        // space and decodes `%` again) go through POST .search, with a JSON body.
        const viaSearch = operation === searchName ||
          (p.filter !== undefined && target.filters.viaSearch(p.filter))
        const request: ScimClient.Request = viaSearch
          ? {
            operation,
            scope: scopes.search,
            method: "POST",
            path: `${path}/.search`,
            body: internal.searchBody(p),
            idempotent: true
          }
          : {
            operation,
            scope: scopes.list,
            method: "GET",
            path,
            urlParams: internal.queryParams(p)
          }
        return Effect.flatMap(
          client.execute(request),
          (res): Effect.Effect<internal.ListResult<A | P>, ScimError.InvalidResponse> =>
            isProjection(listOptions)
              ? internal.decodeList(request.method, request.path, res, options.projection)
              : internal.decodeList(request.method, request.path, res, options.schema)
        )
      }
    )

  const stream = (
    streamOptions?: {
      readonly filter?: string | Filter.Filter | undefined
      readonly domain?: string | undefined
      readonly sortBy?: string | undefined
      readonly sortOrder?: "ascending" | "descending" | undefined
    }
  ): Stream.Stream<A, ListError | ScimError.PagingAborted> =>
    Stream.unwrap(Effect.map(
      // The caller's options as given (plain JavaScript may pass anything): a filter passed in
      // place of the options, a misspelt key or another list option is refused, never dropped.
      Effect.zipRight(
        streamKeysChecked(`${name}.stream`, streamOptions),
        internal.prepareList(`${name}.stream`, client, profile, streamOptions as internal.ListOptions | undefined)
      ),
      (p) =>
        Paging.stream({
          path,
          pageSize: settings.pageSize,
          maxRequests: settings.maxPageRequests,
          fetchPage: (startIndex, count) =>
            runList(listName, {
              startIndex,
              count,
              ...(p.filter !== undefined ? { filter: p.filter } : {}),
              ...(p.domain !== undefined ? { domain: p.domain } : {}),
              ...(p.sortBy !== undefined ? { sortBy: p.sortBy } : {}),
              ...(p.sortOrder !== undefined ? { sortOrder: p.sortOrder } : {})
            }) as Effect.Effect<internal.ListResult<A>, ListError>,
          idOf: (a) => a.id
        })
    ))

  return { runList, stream }
}
