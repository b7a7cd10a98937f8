/**
 * The organizations API (asgardeo-rbac-orgs.md 2.4), read side:
 *
 * - `GET /t/{root}/api/server/v1/organizations[/{id}]` with a root token and
 *   `internal_organization_view`: the root organization's sub-organizations;
 * - `GET /t/{root}/o/api/server/v1/organizations[/{id}]` with a switched token and
 *   `internal_org_organization_view`: the sub-organizations below the switched one (a scope seen
 *   only in third-party configurations: unconfirmed).
 *
 * Lists are JSON, not SCIM: `{links, organizations}`, newest first (by creation time, then
 * creation order; Asgardeo's order is unconfirmed), `limit` 10 by default, keyset cursors
 * `after`/`before` (opaque base64 of a creation time and position, as Asgardeo's are base64 of a
 * time), `recursive=true` for the whole subtree (default: direct children), `filter` on `id`,
 * `name`, `parentId`, `status`, `created`, `lastModified` and `attributes.<key>` with `eq co sw ew`
 * (case-insensitive), and `ge le gt lt` on `name`, `created`, `lastModified`, joined by `and`.
 * Errors: `{code: "ORG-600xx", message, description, traceId}` with the server's codes;
 * 401 and 403 have no body.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import type { Engine } from "./engine.js"
import type { Answer, Handler, Routes } from "./exchange.js"
import * as exchange from "./exchange.js"
import { childrenOf, descendantsOf, isBelow } from "./organizations.js"
import { admit, viewpoint } from "./orgFace.js"
import { scopeTable } from "./scopes.js"
import type { Store, SubOrgRecord } from "./store.js"
import { iso, newId } from "./store.js"

/** The default page size (Asgardeo's is unconfirmed). @internal */
export const defaultLimit = 10

/** An error of the organizations API, thrown inside a handler and answered at its edge. */
class OrgApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly description: string
  ) {
    super(description)
  }
}

const failWith = (status: number, code: string, title: string, description: string): never => {
  throw new OrgApiFailure(status, code, title, description)
}

const badFilter = (): never =>
  failWith(400, "60022", "Unable to retrieve organizations.", "Invalid format used for filtering.")

const badCursor = (): never =>
  failWith(400, "60026", "Unable to retrieve organizations.", "Invalid cursor used for pagination.")

const answerOf = (e: OrgApiFailure): Answer =>
  exchange.json(e.status, { code: `ORG-${e.code}`, message: e.title, description: e.description, traceId: newId() })

/** The newest first; creation order breaks ties. */
const order = (a: SubOrgRecord, b: SubOrgRecord): number => b.created - a.created || b.seq - a.seq

interface Position {
  readonly created: number
  readonly seq: number
}

const encodeCursor = (o: SubOrgRecord): string => btoa(`${iso(o.created)}|${o.seq}`)

const decodeCursor = (cursor: string): Position => {
  let text: string
  try {
    text = atob(cursor)
  } catch {
    return badCursor()
  }
  const m = /^(.+)\|(\d+)$/.exec(text)
  const created = m === null ? NaN : Date.parse(m[1]!)
  return m === null || Number.isNaN(created) ? badCursor() : { created, seq: Number(m[2]) }
}

/** Whether `o` comes after the position in the list's order. */
const isAfter = (o: SubOrgRecord, p: Position): boolean =>
  o.created < p.created || (o.created === p.created && o.seq < p.seq)

type Predicate = (o: SubOrgRecord) => boolean

const TIMES = new Set(["created", "lastModified"])
const TEXTS = new Set(["id", "name", "parentId", "status"])
const ORDERED = new Set(["name", "created", "lastModified"])

const textOf = (o: SubOrgRecord, attribute: string): string | undefined => {
  if (attribute.startsWith("attributes.")) return o.attributes[attribute.slice(11)]
  switch (attribute) {
    case "id":
      return o.id
    case "name":
      return o.name
    case "parentId":
      return o.parentId
    case "status":
      return o.status
    case "created":
      return iso(o.created)
    default:
      return iso(o.lastModified)
  }
}

const compare = (op: string, a: string | number, b: string | number): boolean => {
  switch (op) {
    case "ge":
      return a >= b
    case "le":
      return a <= b
    case "gt":
      return a > b
    default:
      return a < b
  }
}

const expression = (text: string): Predicate => {
  // Trimmed first: a lazy `(.+?)\s*$` is quadratic on a long run of white space.
  const m = /^(\S+)\s+(\S+)\s+(.+)$/.exec(text.trim())
  if (m === null) return badFilter()
  const attribute = m[1]!
  const rawOp = m[2]!
  const rawValue = m[3]!
  if (!TEXTS.has(attribute) && !TIMES.has(attribute) && !/^attributes\.[^.]+$/.test(attribute)) {
    return failWith(
      400,
      "60023",
      "Unsupported filter attribute.",
      `The filter attribute '${attribute}' is not supported.`
    )
  }
  const op = rawOp.toLowerCase()
  const value = /^".*"$/.test(rawValue) ? rawValue.slice(1, -1) : rawValue
  if (["ge", "le", "gt", "lt"].includes(op)) {
    if (!ORDERED.has(attribute)) return badFilter()
    if (TIMES.has(attribute)) {
      const time = Date.parse(value)
      if (Number.isNaN(time)) return badFilter()
      return (o) => compare(op, attribute === "created" ? o.created : o.lastModified, time)
    }
    return (o) => compare(op, o.name.toLowerCase(), value.toLowerCase())
  }
  const wanted = value.toLowerCase()
  const test = op === "eq"
    ? (s: string) => s === wanted
    : op === "co"
    ? (s: string) => s.includes(wanted)
    : op === "sw"
    ? (s: string) => s.startsWith(wanted)
    : op === "ew"
    ? (s: string) => s.endsWith(wanted)
    : badFilter()
  return (o) => {
    const actual = textOf(o, attribute)
    return actual !== undefined && test(actual.toLowerCase())
  }
}

/** `name co ABC and status eq ACTIVE`: `and` only (`or` is ORG-60024). */
const parseFilter = (filter: string | null): Predicate => {
  if (filter === null || filter.trim() === "") return () => true
  if (/\sor\s/i.test(filter)) {
    return failWith(400, "60024", "Unsupported filter.", "The complex query used for filtering is not supported.")
  }
  // One white space character each side (each part is trimmed): `\s+and\s+` is quadratic on long runs.
  const predicates = filter.split(/\sand\s/i).map(expression)
  return (o) => predicates.every((p) => p(o))
}

const parseLimit = (limit: string | null): number => {
  if (limit === null) return defaultLimit
  if (/^\d+$/.test(limit.trim())) return Number(limit.trim())
  return failWith(400, "60025", "Invalid pagination parameters.", "'limit' must be a whole number, not negative.")
}

const attributesOf = (o: SubOrgRecord) => {
  const entries = Object.entries(o.attributes)
  return entries.length === 0 ? {} : { attributes: entries.map(([key, value]) => ({ key, value })) }
}

interface Request {
  readonly store: Store
  readonly base: string
  /** `/api/server/v1/organizations` or `/o/api/server/v1/organizations`. */
  readonly prefix: string
  readonly query: URLSearchParams
}

const list = ({ base, prefix, query, store }: Request): Answer => {
  const limit = parseLimit(query.get("limit"))
  const matches = parseFilter(query.get("filter"))
  const recursive = query.get("recursive")?.toLowerCase() === "true"
  const after = query.get("after")
  const before = query.get("before")
  if (after !== null && before !== null) return badCursor()
  const all = (recursive ? descendantsOf(store, base) : childrenOf(store, base)).filter(matches).sort(order)
  let start = 0
  let end = Math.min(limit, all.length)
  if (after !== null) {
    const position = decodeCursor(after)
    start = all.findIndex((o) => isAfter(o, position))
    if (start === -1) start = all.length
    end = Math.min(start + limit, all.length)
  } else if (before !== null) {
    const position = decodeCursor(before)
    end = all.findIndex((o) =>
      o.created < position.created || (o.created === position.created && o.seq <= position.seq)
    )
    if (end === -1) end = all.length
    start = Math.max(0, end - limit)
  }
  const page = all.slice(start, end)
  const link = (rel: "next" | "previous", cursor: string) => {
    const params = new URLSearchParams({ limit: String(limit) })
    if (query.get("recursive") !== null) params.set("recursive", String(recursive))
    if (query.get("filter") !== null) params.set("filter", query.get("filter")!)
    params.set(rel === "next" ? "after" : "before", cursor)
    return { href: `${prefix}?${params.toString()}`, rel }
  }
  const links = [
    ...(page.length > 0 && end < all.length ? [link("next", encodeCursor(page[page.length - 1]!))] : []),
    ...(page.length > 0 && start > 0 ? [link("previous", encodeCursor(page[0]!))] : [])
  ]
  return exchange.json(200, {
    links,
    organizations: page.map((o) => ({
      id: o.id,
      name: o.name,
      orgHandle: o.handle,
      status: o.status,
      hasChildren: childrenOf(store, o.id).length > 0,
      ref: `${prefix}/${o.id}`,
      ...attributesOf(o)
    }))
  })
}

const get = ({ base, prefix, store }: Request, id: string): Answer => {
  const o = store.subOrgs.get(id.toLowerCase())
  if (o === undefined || (o.id !== base && !isBelow(store, o.id, base))) {
    return failWith(404, "60015", "Invalid organization.", `Organization with ID: ${id} doesn't exist.`)
  }
  return exchange.json(200, {
    id: o.id,
    name: o.name,
    orgHandle: o.handle,
    status: o.status,
    created: iso(o.created),
    lastModified: iso(o.lastModified),
    type: "TENANT",
    parent: { id: o.parentId, ref: `${prefix}/${o.parentId}` },
    ...attributesOf(o)
  })
}

const handler = (engine: Engine, sub: boolean, answer: (request: Request, id: string) => Answer): Handler => (input) =>
  Effect.flatMap(
    input.now === undefined ? Clock.currentTimeMillis : Effect.succeed(input.now),
    (now) =>
      Effect.map(Ref.get(engine.store), (store) => {
        const root = input.params["org"] ?? ""
        if (!store.orgs.has(root)) {
          return answerOf(
            new OrgApiFailure(
              404,
              "60054",
              "Organization not found for the tenant",
              `Organization for the tenant domain ${root} not found.`
            )
          )
        }
        const token = admit(store, root, input.request.headers["authorization"], now, sub)
        if (typeof token === "string") return exchange.empty(401)
        input.info.clientId = token.clientId
        if (!token.scopes.has(scopeTable["Organizations.view"])) return exchange.empty(403)
        const request: Request = {
          store,
          base: viewpoint(root, token),
          prefix: `${sub ? "/o" : ""}/api/server/v1/organizations`,
          query: input.request.query
        }
        try {
          return answer(request, input.params["id"] ?? "")
        } catch (e) {
          if (e instanceof OrgApiFailure) return answerOf(e)
          throw e
        }
      })
  )

/** Adds the organizations API to the table, on both faces. @internal */
export const routes = (table: Routes, engine: Engine): void => {
  for (const sub of [false, true]) {
    const path = `/t/:org${sub ? "/o" : ""}/api/server/v1/organizations` as const
    table.on("GET", path, handler(engine, sub, list))
    table.on("GET", `${path}/:id`, handler(engine, sub, get))
  }
}
