/**
 * A generic pager for SCIM list endpoints that survives broken servers.
 *
 * Servers (WSO2 IS and Asgardeo among them) ignore `startIndex`, repeat the last page past the
 * end, report the page size (or 0, or a cap) as `totalResults`, return overlapping pages, and return
 * short pages in the middle of a list. So the pager:
 * - always sends `count`, starts at 1 and advances `startIndex` by the number of resources
 *   received (not by the page size);
 * - emits each resource at most once, deduplicating by id (resources without an id are emitted as
 *   they come: they cannot be deduplicated);
 * - ends only on an empty page, or on a page that brings no unseen id: never on a short page and
 *   never on `totalResults`;
 * - fails with `PagingAborted` when the request cap is reached before the end.
 *
 * It holds one page at a time; its memory grows only by the set of ids seen. It knows nothing of
 * HTTP: the client supplies `fetchPage`.
 *
 * {@link streamCursor} pages by RFC 9865 cursors instead (where a server offers them): it follows
 * `nextCursor` until a page has none, with the same request cap and deduplication, and fails
 * rather than loop when the server hands back a cursor already followed.
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { PagingAborted } from "./ScimError.js"

/**
 * One page of a list response.
 *
 * @since 0.1.0
 * @category models
 */
export interface Page<A> {
  readonly resources: ReadonlyArray<A>
  readonly totalResults?: number | undefined
  readonly startIndex?: number | undefined
  readonly itemsPerPage?: number | undefined
  /**
   * RFC 9865: the cursor of the next page; absent on the last page.
   *
   * @since 0.3.0
   */
  readonly nextCursor?: string | undefined
  /**
   * RFC 9865: the cursor of the previous page, where the server offers one.
   *
   * @since 0.3.0
   */
  readonly previousCursor?: string | undefined
}

/**
 * Options of `stream`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options<A, E, R> {
  /** The listed path, for errors (`/Users`). */
  readonly path: string
  /** The `count` sent with every request (100 on Asgardeo, which silently caps higher values). A positive integer. */
  readonly pageSize: number
  /** The most requests to make; reaching it before the end fails with `PagingAborted`. A positive integer. */
  readonly maxRequests: number
  /** Fetches the page at the 1-based `startIndex`, with `count` resources at most. */
  readonly fetchPage: (startIndex: number, count: number) => Effect.Effect<Page<A>, E, R>
  /** The id to deduplicate by; `undefined` for a resource without one. */
  readonly idOf: (a: A) => string | undefined
}

interface State {
  readonly startIndex: number
  readonly requests: number
  readonly emitted: number
}

const isPositiveInteger = (n: number): boolean => Number.isSafeInteger(n) && n > 0

const checkSizes = (path: string, pageSize: number, maxRequests: number) =>
  !isPositiveInteger(pageSize)
    ? new Cause.IllegalArgumentException(`Paging ${path}: pageSize must be a positive integer, got ${pageSize}`)
    : !isPositiveInteger(maxRequests)
    ? new Cause.IllegalArgumentException(`Paging ${path}: maxRequests must be a positive integer, got ${maxRequests}`)
    : undefined

/**
 * Streams every resource of a paged list exactly once (see the module comment for the rules).
 *
 * A page whose resources all carry ids already seen ends the stream (the server repeats itself
 * or ignores `startIndex`), and its resources without an id are dropped with it. A page made only
 * of resources without an id cannot be checked for repeats: paging goes on until an empty page
 * or the request cap.
 *
 * Dies with an `IllegalArgumentException` when `pageSize` or `maxRequests` is not a positive
 * integer. Every run of the stream starts afresh at `startIndex` 1.
 *
 * @since 0.1.0
 * @category streams
 */
export const stream = <A, E, R>(options: Options<A, E, R>): Stream.Stream<A, E | PagingAborted, R> =>
  Stream.suspend(() => {
    const { fetchPage, idOf, maxRequests, pageSize, path } = options
    const bad = checkSizes(path, pageSize, maxRequests)
    if (bad !== undefined) return Stream.die(bad)
    const seen = new Set<string>()
    return Stream.paginateChunkEffect<State, A, E | PagingAborted, R>(
      { startIndex: 1, requests: 0, emitted: 0 },
      (state) =>
        state.requests >= maxRequests
          ? Effect.fail(
            new PagingAborted({
              path,
              requests: state.requests,
              resources: state.emitted,
              reason: `the server did not signal the end within ${maxRequests} requests ` +
                "(it may ignore startIndex while returning new ids); raise maxRequests or narrow the filter"
            })
          )
          : Effect.map(fetchPage(state.startIndex, pageSize), (page) => {
            const resources = page.resources
            if (resources.length === 0) return [Chunk.empty<A>(), Option.none<State>()] as const
            const fresh: Array<A> = []
            let withId = 0
            let unseen = 0
            for (const resource of resources) {
              const id = idOf(resource)
              if (id === undefined) {
                fresh.push(resource)
                continue
              }
              withId++
              if (seen.has(id)) continue
              seen.add(id)
              unseen++
              fresh.push(resource)
            }
            if (withId > 0 && unseen === 0) return [Chunk.empty<A>(), Option.none<State>()] as const
            const next: State = {
              startIndex: state.startIndex + resources.length,
              requests: state.requests + 1,
              emitted: state.emitted + fresh.length
            }
            return [Chunk.unsafeFromArray(fresh), Option.some(next)] as const
          })
    )
  })

/**
 * Options of `streamCursor`: those of `stream`, with a page fetched by cursor.
 *
 * @since 0.3.0
 * @category models
 */
export interface CursorOptions<A, E, R> extends Omit<Options<A, E, R>, "fetchPage"> {
  /** Fetches the page at `cursor` (`""` for the first page), with `count` resources at most. */
  readonly fetchPage: (cursor: string, count: number) => Effect.Effect<Page<A>, E, R>
}

interface CursorState {
  readonly cursor: string
  readonly requests: number
  readonly emitted: number
  /** Non-empty pages in a row that brought no new resource. */
  readonly stale: number
  /** The smallest `totalResults` a page reported (creates during the stream raise later ones). */
  readonly total: number | undefined
}

/** Non-empty pages in a row without a new resource after which a cursor stream stops. */
const maxStalePages = 3

/** A cursor as remembered: a short digest, so that a long run holds little (FNV-1a, 2 × 32 bits). */
const digest = (s: string): string => {
  let a = 0x811c9dc5
  let b = 0x01000193
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    a = Math.imul(a ^ c, 0x01000193)
    b = Math.imul(b ^ c, 0x5bd1e995)
  }
  return `${(a >>> 0).toString(36)}.${(b >>> 0).toString(36)}.${s.length}`
}

/**
 * Streams every resource of a cursor-paged list (RFC 9865) exactly once: the first request
 * sends an empty `cursor`, each next one the page's `nextCursor`; a page without `nextCursor`
 * (or with an empty one) is the last.
 *
 * Resources are deduplicated by id as in {@link stream}. A `nextCursor` already followed in this
 * run fails with `PagingAborted` (the server would serve the same pages for ever), as does
 * reaching `maxRequests` before the last page. A failure of `fetchPage` (an expired cursor is a
 * `BadRequest` with `scimType` `expiredCursor`) ends the stream with that failure: it never
 * starts again from the first page by itself.
 *
 * Dies with an `IllegalArgumentException` when `pageSize` or `maxRequests` is not a positive
 * integer. Every run of the stream starts afresh with an empty cursor.
 *
 * @example
 * ```ts
 * import { Paging } from "@asgardeo-scim/core"
 * import { Chunk, Effect, Stream } from "effect"
 *
 * const pages: Record<string, Paging.Page<{ id: string }>> = {
 *   "": { resources: [{ id: "a" }, { id: "b" }], nextCursor: "c2" },
 *   c2: { resources: [{ id: "c" }] }
 * }
 * const all = Stream.runCollect(Paging.streamCursor({
 *   path: "/Users",
 *   pageSize: 2,
 *   maxRequests: 10,
 *   fetchPage: (cursor) => Effect.succeed(pages[cursor]!),
 *   idOf: (u) => u.id
 * }))
 * assert.deepStrictEqual(Chunk.toArray(Effect.runSync(all)).map((u) => u.id), ["a", "b", "c"])
 * ```
 *
 * @since 0.3.0
 * @category streams
 */
export const streamCursor = <A, E, R>(options: CursorOptions<A, E, R>): Stream.Stream<A, E | PagingAborted, R> =>
  Stream.suspend(() => {
    const { fetchPage, idOf, maxRequests, pageSize, path } = options
    const bad = checkSizes(path, pageSize, maxRequests)
    if (bad !== undefined) return Stream.die(bad)
    const seen = new Set<string>()
    const followed = new Set<string>([digest("")])
    const aborted = (state: CursorState, reason: string) =>
      new PagingAborted({ path, requests: state.requests, resources: state.emitted, reason })
    return Stream.paginateChunkEffect<CursorState, A, E | PagingAborted, R>(
      { cursor: "", requests: 0, emitted: 0, stale: 0, total: undefined },
      (state) =>
        state.requests >= maxRequests
          ? Effect.fail(aborted(
            state,
            `the server still gave a nextCursor after ${maxRequests} requests; raise maxRequests or narrow the filter`
          ))
          : Effect.flatMap(fetchPage(state.cursor, pageSize), (page) => {
            const fresh: Array<A> = []
            for (const resource of page.resources) {
              const id = idOf(resource)
              if (id !== undefined) {
                if (seen.has(id)) continue
                seen.add(id)
              }
              fresh.push(resource)
            }
            const chunk = Chunk.fromIterable(fresh)
            const next = page.nextCursor
            const done: CursorState = {
              cursor: state.cursor,
              requests: state.requests + 1,
              emitted: state.emitted + fresh.length,
              stale: page.resources.length > 0 && fresh.length === 0 ? state.stale + 1 : 0,
              total: page.totalResults === undefined
                ? state.total
                : Math.min(page.totalResults, state.total ?? Number.POSITIVE_INFINITY)
            }
            if (next === undefined || next === "") {
              // The last page by its cursor; a total the stream did not reach says the server
              // ended early (it advertises cursors but pages by index, say): not a silent cut.
              const total = done.total
              if (total !== undefined && done.emitted < total) {
                return Effect.fail(aborted(
                  done,
                  `the server gave no nextCursor after ${done.emitted} of its ${total} resources ` +
                    "(it may not page by cursor: use paging: \"index\")"
                ))
              }
              return Effect.succeed([chunk, Option.none<CursorState>()] as const)
            }
            if (done.stale >= maxStalePages) {
              return Effect.fail(aborted(
                done,
                `${maxStalePages} pages in a row brought no new resource (the server serves the same page for ever)`
              ))
            }
            const key = digest(next)
            if (followed.has(key)) {
              return Effect.fail(aborted(
                done,
                "the server handed back a cursor already followed (it would serve the same pages for ever)"
              ))
            }
            followed.add(key)
            return Effect.succeed([chunk, Option.some<CursorState>({ ...done, cursor: next })] as const)
          })
    )
  })

const toCount = (u: unknown): number | undefined => {
  if (typeof u === "number") return Number.isFinite(u) ? u : undefined
  if (typeof u === "string" && u.trim() !== "") {
    const n = Number(u)
    return Number.isFinite(n) ? n : undefined
  }
  return undefined
}

const toCursor = (u: unknown): string | undefined => (typeof u === "string" && u !== "" ? u : undefined)

/**
 * The longest RFC 9865 cursor the library sends or accepts from a server.
 *
 * @since 0.3.0
 * @category constants
 */
export const maxCursorLength = 4096

/**
 * Reads a SCIM ListResponse tolerantly into a `Page`: an absent (or null) `Resources` is an empty
 * page (a lower-case `resources` is accepted too); `totalResults`, `startIndex` and `itemsPerPage`
 * may be numbers, numeric strings or absent (anything else reads as absent); RFC 9865's
 * `nextCursor` and `previousCursor` are read when they are non-empty strings. Fails with a reason
 * when the body is not a JSON object or `Resources` is not an array.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeListResponse = (raw: unknown): Either.Either<Page<unknown>, string> => {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return Either.left(
      `the list response is not a JSON object (got ${
        raw === null ? "null" : Array.isArray(raw) ? "an array" : `a ${typeof raw}`
      })`
    )
  }
  const body = raw as Record<string, unknown>
  const rawResources = body.Resources ?? body.resources
  if (rawResources !== undefined && rawResources !== null && !Array.isArray(rawResources)) {
    return Either.left(`Resources is not an array (got ${typeof rawResources})`)
  }
  const resources: ReadonlyArray<unknown> = Array.isArray(rawResources) ? rawResources : []
  const next = toCursor(body.nextCursor)
  const previous = toCursor(body.previousCursor)
  // A cursor goes back to the server in a query string: the server's own, but checked here, so
  // that a bad one is the server's fault (InvalidResponse), not the caller's.
  for (const [name, cursor] of [["nextCursor", next], ["previousCursor", previous]] as const) {
    if (cursor !== undefined && (cursor.length > maxCursorLength || /[\u0000-\u001f\u007f-\u009f]/.test(cursor))) {
      return Either.left(
        `${name} is not a cursor that can be sent back (control characters, or over ${maxCursorLength})`
      )
    }
  }
  return Either.right({
    resources,
    totalResults: toCount(body.totalResults),
    startIndex: toCount(body.startIndex),
    itemsPerPage: toCount(body.itemsPerPage),
    ...(next === undefined ? {} : { nextCursor: next }),
    ...(previous === undefined ? {} : { previousCursor: previous })
  })
}
