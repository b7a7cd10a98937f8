/**
 * Listing and searching: `filter`, `domain` (one user store; without it every store),
 * `startIndex`, `count` (omitted: everything; 0: nothing; capped silently),
 * `attributes`/`excludedAttributes`, 501 for sorting, and the ListResponse shape (no
 * `Resources` on an empty page). With `quirks.cursorPaging`, RFC 9865 cursors too: a request with
 * `cursor` (empty for the first page) gets `nextCursor` (absent on the last page) and
 * `previousCursor`, and no `startIndex` (see `cursors.ts`).
 *
 * @internal
 */
import type * as Filter from "@asgardeo-scim/core/Filter"
import type { Ctx } from "./context.js"
import { renderOptions } from "./context.js"
import * as Cursors from "./cursors.js"
import { utf8Length } from "./exchange.js"
import type { Profile } from "./filter.js"
import {
  doubleDecode,
  parseFilter,
  predicate,
  predicateOnView,
  storedViewOf,
  userNameEquals,
  viewOf
} from "./filter.js"
import { keyIn, removeAt } from "./nested.js"
import type { JsonObject, Reply } from "./reply.js"
import { domainOf, EXTENSION_SCHEMAS, fail, isObject, LIST_SCHEMA } from "./reply.js"
import type { RenderOptions, Sized } from "./store.js"
import type { UserRecord } from "./store.js"
import { findUsersNamed, groupsOf, renderGroup, renderUserJson, renderUserShared, sized } from "./store.js"

/** @internal */
export interface ListParams {
  readonly filter: string | undefined
  readonly startIndex: number | undefined
  readonly count: number | undefined
  readonly attributes: ReadonlyArray<string> | undefined
  readonly excludedAttributes: ReadonlyArray<string> | undefined
  readonly domain: string | undefined
  readonly sorting: boolean
  /** RFC 9865 `cursor` (`""` for the first page); read only in cursor mode. */
  readonly cursor: string | undefined
}

const splitList = (value: string | undefined): ReadonlyArray<string> | undefined =>
  value === undefined ? undefined : value.split(",").map((s) => s.trim()).filter((s) => s !== "")

const toInt = (value: unknown): number | undefined => {
  if (value === undefined || value === null || value === "") return undefined
  const n = typeof value === "number" ? value : Number(value)
  return Number.isFinite(n) ? Math.trunc(n) : undefined
}

/** From a GET query string. @internal */
export const paramsFromQuery = (query: URLSearchParams, ctx: Ctx): ListParams => {
  const filter = query.get("filter") ?? undefined
  return {
    filter: filter !== undefined && ctx.quirks.doubleDecodeFilterPlus ? doubleDecode(filter) : filter,
    startIndex: toInt(query.get("startIndex") ?? undefined),
    count: toInt(query.get("count") ?? undefined),
    attributes: splitList(query.get("attributes") ?? undefined),
    excludedAttributes: splitList(query.get("excludedAttributes") ?? undefined),
    domain: query.get("domain") ?? undefined,
    sorting: query.has("sortBy") || query.has("sortOrder"),
    cursor: query.has("cursor") ? query.get("cursor") ?? "" : undefined
  }
}

const listOf = (value: unknown): ReadonlyArray<string> | undefined =>
  Array.isArray(value)
    ? value.filter((v): v is string => typeof v === "string")
    : typeof value === "string"
    ? splitList(value)
    : undefined

/** From a `.search` body. @internal */
export const paramsFromBody = (body: unknown): ListParams => {
  if (!isObject(body)) return fail(400, "The request body is not a JSON object.", "invalidSyntax")
  const filter = body["filter"]
  const domain = body["domain"]
  // Charon reads the filter as a string (`optString`): a number or an object is a filter that
  // does not parse, 400, never a search without a filter.
  if (filter !== undefined && filter !== null && typeof filter !== "string") {
    return fail(
      400,
      `The filter must be a string, got ${Array.isArray(filter) ? "array" : typeof filter}.`,
      "invalidFilter"
    )
  }
  return {
    filter: typeof filter === "string" ? filter : undefined,
    startIndex: toInt(body["startIndex"]),
    count: toInt(body["count"]),
    attributes: listOf(body["attributes"]),
    excludedAttributes: listOf(body["excludedAttributes"]),
    domain: typeof domain === "string" ? domain : undefined,
    sorting: body["sortBy"] !== undefined || body["sortOrder"] !== undefined,
    cursor: typeof body["cursor"] === "string" ? body["cursor"] : undefined
  }
}

const ALWAYS = new Set(["id", "schemas"])

/** Splits `urn:...:Ext:attr.sub` or `attr.sub` into object keys. */
const keysOf = (attribute: string): ReadonlyArray<string> => {
  const lower = attribute.toLowerCase()
  for (const urn of EXTENSION_SCHEMAS) {
    if (lower === urn.toLowerCase()) return [urn]
    if (lower.startsWith(`${urn.toLowerCase()}:`)) return [urn, ...attribute.slice(urn.length + 1).split(".")]
  }
  const core = /^urn:ietf:params:scim:schemas:core:2\.0:(user|group):/i.exec(attribute)
  return (core === null ? attribute : attribute.slice(core[0].length)).split(".")
}

const pick = (source: JsonObject, target: JsonObject, keys: ReadonlyArray<string>): void => {
  const [head, ...tail] = keys
  if (head === undefined) return
  const key = keyIn(source, head)
  if (key === undefined) return
  const value = source[key]
  if (tail.length === 0 || value === undefined) {
    if (value !== undefined) target[key] = value
    return
  }
  if (Array.isArray(value)) {
    target[key] = value.map((item) => {
      if (!isObject(item)) return item
      const existing: JsonObject = {}
      pick(item, existing, tail)
      return existing
    })
    return
  }
  if (isObject(value)) {
    const child = isObject(target[key]) ? target[key] : {}
    pick(value, child, tail)
    target[key] = child
  }
}

/** Applies `attributes` / `excludedAttributes` (`id` is always returned). @internal */
export const project = (
  resource: JsonObject,
  attributes: ReadonlyArray<string> | undefined,
  excluded: ReadonlyArray<string> | undefined
): JsonObject => {
  if (attributes !== undefined && attributes.length > 0) {
    const out: JsonObject = {}
    for (const k of Object.keys(resource)) if (ALWAYS.has(k)) out[k] = resource[k]!
    for (const attribute of attributes) pick(resource, out, keysOf(attribute))
    return out
  }
  if (excluded !== undefined && excluded.length > 0) {
    const out = { ...resource }
    for (const attribute of excluded) removeAt(out, keysOf(attribute), { keep: ALWAYS, intoArrays: true })
    return out
  }
  return resource
}

/** A cursor-mode page's cursors (`undefined`: an index page, with `startIndex`). @internal */
export interface PageCursors {
  readonly next: string | undefined
  readonly previous: string | undefined
}

const cursorFields = (cursors: PageCursors): JsonObject => ({
  ...(cursors.next === undefined ? {} : { nextCursor: cursors.next }),
  ...(cursors.previous === undefined ? {} : { previousCursor: cursors.previous })
})

/** @internal */
export const listResponse = (
  ctx: Ctx,
  total: number,
  startIndex: number,
  page: ReadonlyArray<JsonObject>,
  cursors?: PageCursors
): JsonObject => ({
  totalResults: ctx.quirks.totalResultsIsPageSize ? page.length : total,
  ...(cursors === undefined ? { startIndex } : {}),
  itemsPerPage: page.length,
  schemas: [LIST_SCHEMA],
  ...(cursors === undefined ? {} : cursorFields(cursors)),
  ...(page.length === 0 ? {} : { Resources: [...page] })
})

/** A page in cursor mode: where it starts and its query, or `undefined` for index paging. */
interface CursorPage {
  readonly offset: number
  readonly query: string
}

const window = (
  ctx: Ctx,
  params: ListParams,
  cursor: CursorPage | undefined
): { readonly start: number; readonly count: number | undefined } => {
  const start = cursor === undefined ? Math.max(1, params.startIndex ?? 1) : cursor.offset + 1
  // A cursor page always has a size: the `count` asked for, else the cap (the advertised page size).
  const asked = params.count ?? (cursor === undefined ? undefined : ctx.quirks.maxCount)
  const count = asked === undefined ? undefined : Math.min(Math.max(0, asked), ctx.quirks.maxCount)
  return { start, count }
}

/** The cursor page a request asks for, in cursor mode (400 for a bad or expired cursor). */
const cursorPage = (ctx: Ctx, params: ListParams, kind: string): CursorPage | undefined => {
  if (!ctx.quirks.cursorPaging || params.cursor === undefined) return undefined
  if (params.startIndex !== undefined) {
    return fail(400, "A request pages by cursor or by startIndex, not both.", "invalidValue")
  }
  const query = Cursors.queryKey(kind, params.filter, domainParameter(ctx, params))
  return Cursors.decode(params.cursor, query, ctx.now, ctx.quirks.cursorTimeoutSeconds)
}

/** The cursors of a page of `count` from `cursor.offset`, of `total` records. */
const pageCursors = (ctx: Ctx, cursor: CursorPage, count: number, total: number): PageCursors => ({
  next: cursor.offset + count < total && count > 0
    ? Cursors.encode(cursor.offset + count, cursor.query, ctx.now)
    : undefined,
  previous: cursor.offset > 0 ? Cursors.encode(Math.max(0, cursor.offset - count), cursor.query, ctx.now) : undefined
})

/** The user store `domain` restricts a list to (none when the quirk ignores the parameter). */
const domainParameter = (ctx: Ctx, params: ListParams): string | undefined =>
  ctx.quirks.ignoreDomainParameter ? undefined : params.domain?.toUpperCase()

/** Whether `attributes`/`excludedAttributes` change what `project` returns. */
const projects = (params: ListParams): boolean =>
  (params.attributes !== undefined && params.attributes.length > 0) ||
  (params.excludedAttributes !== undefined && params.excludedAttributes.length > 0)

const LIST_SCHEMAS = JSON.stringify([LIST_SCHEMA])

/**
 * `JSON.stringify(listResponse(ctx, total, startIndex, page))` from the page's JSON texts, with
 * its length in UTF-8 bytes (from theirs: the page's text is never scanned).
 */
const listResponseJson = (
  ctx: Ctx,
  total: number,
  startIndex: number,
  page: ReadonlyArray<Sized>,
  cursors: PageCursors | undefined
): Sized => {
  const after = cursors === undefined ? "" : JSON.stringify(cursorFields(cursors)).slice(1, -1)
  const head = `{"totalResults":${JSON.stringify(ctx.quirks.totalResultsIsPageSize ? page.length : total)},` +
    (cursors === undefined ? `"startIndex":${JSON.stringify(startIndex)},` : "") +
    `"itemsPerPage":${page.length},"schemas":${LIST_SCHEMAS}${after === "" ? "" : `,${after}`}`
  if (page.length === 0) return sized(`${head}}`)
  const open = `${head},"Resources":[`
  let bytes = utf8Length(open) + page.length + 1 // the commas between the resources, "]" and "}"
  for (const resource of page) bytes += resource.bytes
  return { json: `${open}${page.map((resource) => resource.json).join(",")}]}`, bytes }
}

/** The records a list reads: a store's map or the users a name index found. */
interface Records<R> {
  readonly size: number
  readonly values: () => Iterable<R>
}

/** How a list renders its records: as objects, and (when it can) straight to JSON text. */
interface Renderer<R> {
  readonly object: (record: R) => JsonObject
  readonly json?: ((record: R) => Sized) | undefined
}

/**
 * One page of a list: the records that pass the `domain` and the filter, counted, and the
 * window `startIndex`/`count` of them rendered and projected. Only the records in the window
 * are rendered; without a projection, straight to JSON text when the renderer can.
 */
const listPage = <R>(
  ctx: Ctx,
  params: ListParams,
  kind: string,
  records: Records<R>,
  nameOf: (record: R) => string,
  render: Renderer<R>,
  test: ((record: R) => boolean) | undefined
): Reply => {
  const cursor = cursorPage(ctx, params, kind)
  const { count, start } = window(ctx, params, cursor)
  const none = cursor === undefined ? undefined : { next: undefined, previous: undefined }
  if (count === 0) return { status: 200, body: listResponse(ctx, 0, start, [], none) }
  const domain = domainParameter(ctx, params)
  const inWindow: Array<R> = []
  let total = 0
  const end = count === undefined ? Infinity : start - 1 + count
  // Every record counts when nothing selects: past the window only the count is needed.
  const all = domain === undefined && test === undefined ? records.size : undefined
  for (const record of records.values()) {
    if (domain !== undefined && domainOf(nameOf(record)) !== domain) continue
    if (test !== undefined && !test(record)) continue
    total++
    if (total >= start && total <= end) inWindow.push(record)
    else if (all !== undefined && total > end) {
      total = all
      break
    }
  }
  const cursors = cursor === undefined ? undefined : pageCursors(ctx, cursor, count ?? 0, total)
  const json = render.json
  if (json !== undefined && !projects(params)) {
    const answer = listResponseJson(ctx, total, start, inWindow.map(json), cursors)
    return { status: 200, text: answer.json, textBytes: answer.bytes, contentType: "application/scim+json" }
  }
  const page = inWindow.map((r) => project(render.object(r), params.attributes, params.excludedAttributes))
  return { status: 200, body: listResponse(ctx, total, start, page, cursors) }
}

/** The filter of a list, parsed for `profile`; sorting is refused first (501). */
const parsedFilter = (params: ListParams, profile: Profile) => {
  if (params.sorting) return fail(501, "Sorting is not supported")
  return params.filter === undefined ? undefined : parseFilter(params.filter, profile)
}

/**
 * A filter's test of a user, on the view of the user as rendered: the stored resource's view
 * (cached) with the user's groups; with `emailsAsStrings` the whole rendered user's view.
 */
const userTest = (ctx: Ctx, filter: Filter.Filter, options: RenderOptions): (user: UserRecord) => boolean => {
  const test = predicateOnView(filter)
  if (options.emailsAsStrings) return (user) => test(viewOf(renderUserShared(ctx.org, user, options), "") as object)
  return (user) => {
    const stored = storedViewOf(user.resource)
    const groups = groupsOf(ctx.org, user, options.baseUrl)
    return test(groups === undefined ? stored : { ...stored, groups: viewOf(groups, "groups") })
  }
}

/** @internal */
export const listUsers = (ctx: Ctx, params: ListParams): Reply => {
  const filter = parsedFilter(params, "users")
  const options = renderOptions(ctx)
  // `userName eq "x"` is answered from the name index; the filter then needs no test.
  const byName = filter === undefined ? undefined : userNameEquals(filter)
  const records: Records<UserRecord> = byName === undefined ? ctx.org.users : new Set(findUsersNamed(ctx.org, byName))
  return listPage(
    ctx,
    params,
    "Users",
    records,
    (user) => String(user.resource["userName"]),
    {
      object: (user) => renderUserShared(ctx.org, user, options),
      json: (user) => renderUserJson(ctx.org, user, options)
    },
    filter === undefined || byName !== undefined ? undefined : userTest(ctx, filter, options)
  )
}

/** @internal */
export const listGroups = (ctx: Ctx, params: ListParams): Reply => {
  const filter = parsedFilter(params, "groups")
  const options = renderOptions(ctx)
  const test = filter === undefined ? undefined : predicate(filter)
  return listPage(
    ctx,
    params,
    "Groups",
    ctx.org.groups,
    (group) => String(group.resource["displayName"]),
    { object: (group) => renderGroup(group, options) },
    test === undefined ? undefined : (group) => test(renderGroup(group, options))
  )
}

/** @internal */
export type ListProfile = Profile
