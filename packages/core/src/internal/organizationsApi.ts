/**
 * Asgardeo's organizations API (`/api/server/v1/organizations`): one page, the pages of a
 * listing, and the lookup of a sub-organization by name. Parameterized by a client's `execute`,
 * so the public `Organizations` service and the token layer (which looks a name up with the root
 * organization's client while it builds the sub-organization's) share it.
 *
 * @internal
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type * as ScimClient from "../ScimClient.js"
import * as ScimError from "../ScimError.js"
import * as Scopes from "../Scopes.js"
import * as Tolerant from "../Tolerant.js"

/** @internal */
export const path = "/api/server/v1/organizations"

/** @internal */
export const scope = Scopes.forOperation("Organizations.list")

/** @internal */
export const Organization = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  orgHandle: Schema.optional(Schema.String),
  status: Schema.optional(Schema.String),
  hasChildren: Schema.optional(Schema.Boolean),
  ref: Schema.optional(Schema.String),
  parentId: Schema.optional(Schema.String),
  attributes: Schema.optional(Schema.Array(Schema.Struct({ key: Schema.String, value: Schema.String })))
})

const Page = Schema.Struct({
  organizations: Schema.optional(Schema.NullOr(Schema.Array(Organization))),
  links: Schema.optional(
    Schema.NullOr(
      Schema.Array(Schema.Struct({ href: Schema.optional(Schema.String), rel: Schema.optional(Schema.String) }))
    )
  )
})

const decodePage = Tolerant.decodeUnknownEither(Page)

/** @internal */
export interface ListOptions {
  readonly filter?: string | undefined
  readonly limit?: number | undefined
  readonly recursive?: boolean | undefined
}

/** @internal */
export interface Page {
  readonly organizations: ReadonlyArray<typeof Organization.Type>
  /** The cursor of the next page, when there is one. */
  readonly after: string | undefined
  /** The cursor of the previous page, when there is one. */
  readonly before: string | undefined
}

/**
 * The cursor a link carries. A link is followed only as a cursor on our own URL: never as an
 * address (a hostile server could point it elsewhere and collect the bearer token). `undefined`:
 * no usable cursor (none, empty, or longer than a cursor a caller may pass back).
 */
const cursorOf = (href: string | undefined, name: "after" | "before"): string | undefined => {
  if (href === undefined) return undefined
  let url: URL
  try {
    url = new URL(href, "https://organizations.invalid")
  } catch {
    return undefined
  }
  const value = url.searchParams.get(name) ?? (name === "after" ? url.searchParams.get("next") : null)
  return value === null || value === "" || value.length > 2048 ? undefined : value
}

/** @internal */
export const listPage = (
  execute: ScimClient.Service["execute"],
  operation: string,
  options: ListOptions & { readonly after?: string | undefined; readonly before?: string | undefined }
): Effect.Effect<Page, ScimClient.Error> =>
  Effect.flatMap(
    execute({
      operation,
      api: "organization",
      scope,
      method: "GET",
      path,
      urlParams: {
        filter: options.filter,
        limit: options.limit,
        after: options.after,
        before: options.before,
        recursive: options.recursive
      }
    }),
    (response) => {
      const decoded = decodePage(response.body ?? {})
      if (Either.isLeft(decoded)) {
        return Effect.fail(
          new ScimError.InvalidResponse({
            method: "GET",
            path,
            status: response.status,
            reason: response.scrub(ParseResult.TreeFormatter.formatErrorSync(decoded.left))
          })
        )
      }
      const links = decoded.right.links ?? []
      const link = (rel: string) => links.find((l) => l.rel?.toLowerCase() === rel)
      const next = link("next")
      const after = cursorOf(next?.href, "after")
      // A next page that cannot be asked for is no last page: a listing (a lookup by name, a run
      // over every sub-organization) must not end there as if it were complete.
      if (next !== undefined && after === undefined) {
        return Effect.fail(
          new ScimError.InvalidResponse({
            method: "GET",
            path,
            status: response.status,
            reason: "the organizations API answered a next link without a usable cursor " +
              "(no after= or next= parameter, empty, or over 2048 characters)"
          })
        )
      }
      return Effect.succeed({
        organizations: decoded.right.organizations ?? [],
        after,
        before: cursorOf(link("previous")?.href, "before")
      })
    }
  )

interface State {
  readonly after: string | undefined
  readonly seen: ReadonlySet<string>
  /** The ids of the organizations streamed so far. */
  readonly ids: ReadonlySet<string>
  readonly pages: number
  readonly resources: number
}

/**
 * Every organization of a listing, following the `next` cursors; at most `maxPages` requests, and
 * a cursor seen twice ends the stream with `PagingAborted` (a server looping on one page). An
 * organization answered again on a later page (an id already streamed) is not streamed twice: a
 * program run for each organization runs once in each.
 *
 * @internal
 */
export const stream = (
  execute: ScimClient.Service["execute"],
  operation: string,
  options: ListOptions,
  maxPages: number
): Stream.Stream<typeof Organization.Type, ScimClient.Error | ScimError.PagingAborted> =>
  Stream.paginateChunkEffect<
    State,
    typeof Organization.Type,
    ScimClient.Error | ScimError.PagingAborted,
    never
  >(
    { after: undefined, seen: new Set<string>(), ids: new Set<string>(), pages: 0, resources: 0 },
    (state): Effect.Effect<
      readonly [Chunk.Chunk<typeof Organization.Type>, Option.Option<State>],
      ScimClient.Error | ScimError.PagingAborted
    > =>
      Effect.flatMap(listPage(execute, operation, { ...options, after: state.after }), (page) => {
        const pages = state.pages + 1
        const resources = state.resources + page.organizations.length
        const ids = new Set(state.ids)
        const fresh: Array<typeof Organization.Type> = []
        for (const o of page.organizations) {
          if (ids.has(o.id)) continue
          ids.add(o.id)
          fresh.push(o)
        }
        const chunk = Chunk.fromIterable(fresh)
        if (page.after === undefined || page.organizations.length === 0) {
          return Effect.succeed([chunk, Option.none()] as const)
        }
        if (state.seen.has(page.after) || pages >= maxPages) {
          return Effect.fail(
            new ScimError.PagingAborted({
              path,
              requests: pages,
              resources,
              reason: state.seen.has(page.after)
                ? "the organizations API answered a cursor it had already answered"
                : `more than ${maxPages} pages`
            })
          )
        }
        return Effect.succeed(
          [
            chunk,
            Option.some({ after: page.after, seen: new Set([...state.seen, page.after]), ids, pages, resources })
          ] as const
        )
      })
  )

/**
 * The one organization with exactly this name, anywhere below the organization. A name that
 * cannot be written as a filter value (`and`, quotes) is matched over the whole listing.
 *
 * @internal
 */
export const findByName = (
  execute: ScimClient.Service["execute"],
  operation: string,
  name: string,
  maxPages: number
): Effect.Effect<
  typeof Organization.Type,
  ScimClient.Error | ScimError.PagingAborted | ScimError.OrganizationNotFound | ScimError.AmbiguousOrganization
> => {
  const filterable = !/\s(and|or)\s|["\\]/i.test(name)
  return stream(
    execute,
    operation,
    { recursive: true, limit: 100, ...(filterable ? { filter: `name eq ${name}` } : {}) },
    maxPages
  ).pipe(
    Stream.filter((o) => o.name === name),
    Stream.take(11),
    Stream.runCollect,
    Effect.flatMap((found): Effect.Effect<
      typeof Organization.Type,
      ScimError.OrganizationNotFound | ScimError.AmbiguousOrganization
    > => {
      const all = Chunk.toReadonlyArray(found)
      const [first] = all
      if (all.length === 1 && first !== undefined) return Effect.succeed(first)
      return all.length === 0
        ? Effect.fail(new ScimError.OrganizationNotFound({ operation, name }))
        : Effect.fail(
          new ScimError.AmbiguousOrganization({
            operation,
            name,
            candidates: all.map((o) => ({ id: o.id, name: o.name }))
          })
        )
    })
  )
}
