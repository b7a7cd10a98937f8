/**
 * A third-party SCIM 2.0 peer for interoperability tests: a real SCIMMY server (scimmy 1.3.5 +
 * scimmy-routers 1.3.2 on Express 4) listening on 127.0.0.1, port 0, inside the test process.
 *
 * SCIMMY does the protocol work (schema validation and coercion, PatchOp, ListResponse sorting and
 * paging, Bulk orchestration, discovery endpoints, Error bodies). This file supplies in-memory stores
 * behind SCIMMY's `ingress` / `egress` / `degress` handlers, a bearer-token check, uniqueness and
 * member checks, derived `User.groups`, a request log, and shims (search for "SHIM") for two upstream
 * filter bugs (`Filter.match` throws on a missing complex attribute; URN-prefixed filter attributes
 * never match) and one Bulk bug (only the last of several bulkId references in one operation is
 * resolved). Express is pinned to 4: scimmy-routers casts startIndex/count by mutating
 * `req.query`, which Express 5 re-creates on every access (scimmyjs/scimmy-routers#36), so paging
 * would be silently ignored there.
 *
 * Deviations observed against this server in default mode, which a client must survive:
 * - POST answers 201 without a `Location` header (the URL is only in `meta.location`).
 * - 401 has no `WWW-Authenticate` header. Error bodies carry `status` as a string ("401", "409").
 * - PATCH answers 204 with no body when the operations changed nothing (200 + resource otherwise);
 *   RFC 7644 allows it, but a client must not expect a body.
 * - Resources projected with `attributes=` lack `schemas` and `meta` (`{"id", "userName"}` only).
 * - Filtering is case-sensitive everywhere, `userName` included (caseExact=false in the schema):
 *   `userName eq "ALICE"` does not find `alice`, while uniqueness here is case-insensitive, so
 *   "look up by userName, create when absent" can get 409 on the create.
 * - `startIndex` past the end of the results returns the FIRST page again (with the right
 *   totalResults) instead of an empty page: a pager that does not stop on totalResults loops.
 * - `itemsPerPage` echoes the requested `count` (20 by default, also on an empty or short page) rather
 *   than the number of resources in the page. `count` is not capped at SPC `filter.maxResults`.
 * - `co` / `sw` / `ew` compare against `String(value)`, so a missing attribute is the string
 *   "undefined": `title co "ndef"` matches every user WITHOUT a title.
 * - Filter strings with `\"` and redundant parentheses `((x))` answer 400 invalidFilter.
 * - `userName eq` (no value) is "no match" in raw SCIMMY; behind the shims it is 400 invalidFilter.
 * - PATCH `replace` `name` with `{givenName}` drops the other sub-attributes of `name`; PATCH paths
 *   prefixed with the core URN answer 400 invalidPath; `add` to the enterprise `manager.value` when
 *   there is no manager answers 400 noTarget; Entra-style `"active": "False"` answers 400 invalidValue.
 * - Bulk: statuses are strings; more than `maxOperations` (10 here) answers 413 for the whole request.
 *   A forward `bulkId` reference (op 1 refers to op 2) makes SCIMMY POST the referencing resource
 *   twice (once without the reference, then again with it, as a second create): here the second
 *   create hits the uniqueness check, so that operation reports 409 and a copy WITHOUT the reference
 *   stays behind. Backward references work.
 * - No ETag / `meta.version`, no changePassword; `/Me` answers 501 (switched off here).
 * - `meta.location` comes from a process-wide base path (SCIMMY keeps it in static state, and
 *   scimmy-routers sets it at the start of every request). The handlers here set it again right
 *   before SCIMMY reads it, but two servers busy at the same instant in one process could still, rarely,
 *   report each other's port in `meta.location` (member and group `$ref`s are always right).
 *
 * `strict: true` (see `layerStrict`) switches on RFC fix-ups, all cheap: `Location` on 201,
 * `WWW-Authenticate` on 401, `schemas` put back on projected resources, case-insensitive `userName`
 * filtering, an empty page past the end, `itemsPerPage` = resources in the page, `count` capped at
 * `filter.maxResults`, and forward `bulkId` references that work. The shims are on in both modes.
 */
import { Context, Effect, Layer } from "effect"
import type { Scope } from "effect"
import express from "express"
import type { NextFunction, Request, Response } from "express"
import { randomUUID } from "node:crypto"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import SCIMMY from "scimmy"
import SCIMMYRouters from "scimmy-routers"

// -----------------------------------------------------------------------------
// public API
// -----------------------------------------------------------------------------

export interface RequestLogEntry {
  readonly method: string
  /** path without the query string, e.g. `/scim/v2/Users` */
  readonly path: string
  /** path with the query string as received */
  readonly url: string
  /** 0 until the response head is written */
  readonly status: number
}

export interface ScimmyServer {
  /** e.g. `http://127.0.0.1:PORT/scim/v2` (no trailing slash) */
  readonly baseUrl: string
  readonly token: string
  readonly strict: boolean
  /** SPC `bulk.maxOperations` */
  readonly maxOperations: number
  /** a snapshot of every request that reached the server, oldest first */
  readonly requests: ReadonlyArray<RequestLogEntry>
  /** clears the stores and the request log */
  readonly reset: () => void
  /** clears the request log only */
  readonly clearRequests: () => void
  /** stored users as raw records (no derived `groups`; `password` included), deep copies */
  readonly users: () => ReadonlyArray<unknown>
  /** stored groups as raw records, deep copies */
  readonly groups: () => ReadonlyArray<unknown>
}

export interface Options {
  /** RFC fix-ups, see the comment at the top of this file. Default false. */
  readonly strict?: boolean
  /** bearer token; default `scimmy-test-token` */
  readonly token?: string
  /**
   * Features taken away, as servers without them answer: `search`, POST `.search` answers 404;
   * `filters`, a `filter` in the query string answers 501, and the ServiceProviderConfig says
   * `filter.supported` false (`"advertised"`) or still true (`"unadvertised"`). Default: nothing
   * taken away.
   */
  readonly lacks?: { readonly search?: boolean; readonly filters?: "advertised" | "unadvertised" }
}

export class Scimmy extends Context.Tag("test/Scimmy")<Scimmy, ScimmyServer>() {}

export const DEFAULT_TOKEN = "scimmy-test-token"
export const MAX_OPERATIONS = 10
export const MAX_RESULTS = 200
export const BASE_PATH = "/scim/v2"

export const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
export const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
export const ENTERPRISE_USER_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
const BULK_REQUEST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"

// -----------------------------------------------------------------------------
// stores
// -----------------------------------------------------------------------------

type Json = Record<string, any>

interface Instance {
  readonly users: Map<string, Json>
  readonly groups: Map<string, Json>
  readonly strict: boolean
  /** `http://127.0.0.1:PORT/scim/v2`, known once the server listens */
  readonly baseUrl: () => string
}

/** what the router's `context` hands to every handler: the instance, plus per-HTTP-request state */
interface HandlerContext {
  readonly inst: Instance
  /** ids created during this HTTP request (a Bulk request runs many writes with one context) */
  readonly created: Set<string>
  /** the operations of the Bulk request being served, if it is one (for the bulkId shim) */
  readonly bulkOperations: ReadonlyArray<Json>
}

const clone = <A>(a: A): A => JSON.parse(JSON.stringify(a))
const now = () => new Date().toISOString()
const lower = (s: unknown) => (typeof s === "string" ? s.toLowerCase() : s)
const isPlainObject = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)
const scimError = (status: number, scimType: string | null, detail: string) =>
  // SCIMMY's typings declare scimType as string, but null is what it uses for "no scimType"
  new SCIMMY.Types.Error(status, scimType as string, detail)

/** the instance whose router is handling this request (SCIMMY passes the router's `context` result) */
const contextOf = (ctx: unknown): HandlerContext => {
  if (isPlainObject(ctx) && ctx.created instanceof Set && isPlainObject(ctx.inst)) return ctx as HandlerContext
  throw scimError(500, null, "ScimmyServer: handler called without an instance context")
}
const instanceOf = (ctx: unknown): Instance => contextOf(ctx).inst

/**
 * SCIMMY builds `meta.location` from a static (process-wide) base path, which scimmy-routers sets at
 * the start of each request. Handlers set it again just before they return, right before SCIMMY
 * reads it, so that two servers in one process rarely see each other's port.
 */
const pinBasepath = (inst: Instance) => {
  SCIMMY.Resources.User.basepath(inst.baseUrl())
  SCIMMY.Resources.Group.basepath(inst.baseUrl())
}

/** a user as served: the stored record plus `groups` derived from group membership */
const userView = (inst: Instance, user: Json): Json => {
  const groupsBase = `${inst.baseUrl()}/Groups`
  const groups = [...inst.groups.values()]
    .filter((g) => Array.isArray(g.members) && g.members.some((m: Json) => m.value === user.id))
    .map((g) => ({ value: g.id, display: g.displayName, $ref: `${groupsBase}/${g.id}`, type: "direct" }))
  // the password is write-only: SCIMMY would drop it on the way out, but it must not be filterable either
  const { password: _password, ...rest } = clone(user)
  return { ...rest, ...(groups.length > 0 ? { groups } : {}) }
}

/** a group as served: members get `type`, `$ref` and `display` filled in from the referenced resource */
const groupView = (inst: Instance, group: Json): Json => {
  const usersBase = `${inst.baseUrl()}/Users`
  const groupsBase = `${inst.baseUrl()}/Groups`
  const out = clone(group)
  if (Array.isArray(out.members)) {
    out.members = out.members.map((m: Json) => {
      const user = inst.users.get(m.value)
      const group = user === undefined ? inst.groups.get(m.value) : undefined
      return {
        ...m,
        type: user !== undefined ? "User" : "Group",
        $ref: user !== undefined ? `${usersBase}/${m.value}` : `${groupsBase}/${m.value}`,
        display: m.display ?? user?.displayName ?? user?.userName ?? group?.displayName
      }
    })
  }
  return out
}

// -----------------------------------------------------------------------------
// filtering: SCIMMY's own Filter.match, on a "matchable view" of each record, with two shims
// -----------------------------------------------------------------------------

/**
 * SHIM for upstream bug 3: URN-prefixed filter attributes never match raw objects.
 * SCIMMY parses `urn:...:enterprise:2.0:User:employeeNumber eq "E-1"` into the key
 * `urn:...:enterprise:2.0:User:employeeNumber` (and `...:User:manager.value` into
 * `{"urn:...:User:manager": {value}}`), then looks that key up on the raw object, where the data sits
 * under `urn:...:enterprise:2.0:User` -> `employeeNumber`. So the view also carries every extension
 * sub-attribute under its fully qualified name, and every core attribute under `<core schema id>:name`.
 */
const addUrnAliases = (view: Json, coreSchema: string): Json => {
  const out: Json = { ...view }
  for (const [key, value] of Object.entries(view)) {
    if (key.toLowerCase().startsWith("urn:")) {
      if (isPlainObject(value)) {
        for (const [sub, subValue] of Object.entries(value)) out[`${key}:${sub}`] = subValue
      }
    } else if (key !== "schemas") {
      out[`${coreSchema}:${key}`] = value
    }
  }
  return out
}

const findKey = (obj: Json, attr: string): string | undefined =>
  Object.keys(obj).find((k) => k.toLowerCase() === attr.toLowerCase())

/**
 * SHIM for upstream bug 2: `Filter.match` throws on a missing complex attribute.
 * For an expression that dives into a complex attribute (`name.givenName sw "A"` is
 * `{name: {givenName: ["sw", "A"]}}`), SCIMMY calls `Object.entries(value.name)`, which throws
 * "Cannot convert undefined or null to object" when `name` is absent, and the request fails with 400.
 * Before matching one filter branch, every attribute that branch dives into is filled in on the view
 * (`{}` for a sub-attribute filter, `[]` for an and-list of value filters) so a missing attribute
 * compares like a missing simple attribute does in SCIMMY. The fill is done per `or` branch so that
 * `name pr` in another branch still sees the attribute as absent.
 */
const fillDives = (view: Json, branch: Json): Json => {
  const out: Json = { ...view }
  for (const [attr, expr] of Object.entries(branch)) {
    const isDive = isPlainObject(expr)
    const isValueFilterList = Array.isArray(expr) && expr.some(isPlainObject)
    if (!isDive && !isValueFilterList) continue
    const key = findKey(out, attr)
    const actual = key === undefined ? undefined : out[key]
    if (actual === undefined || actual === null) {
      if (key !== undefined) delete out[key]
      out[attr] = isDive ? {} : []
    } else if (isDive && isPlainObject(actual)) {
      out[key!] = fillDives(actual, expr)
    } else if (isDive && Array.isArray(actual)) {
      out[key!] = actual.map((item) => (isPlainObject(item) ? fillDives(item, expr) : item))
    }
  }
  return out
}

/** strict mode: userName is caseExact=false, so compare it lower-cased on both sides */
const lowerUserNameExpressions = (branch: Json): Json => {
  const out: Json = {}
  for (const [attr, expr] of Object.entries(branch)) {
    if (attr.toLowerCase() === "username" && Array.isArray(expr)) {
      const one = (e: unknown) => (Array.isArray(e) ? e.map(lower) : e)
      out[attr] = expr.some(Array.isArray) ? expr.map(one) : one(expr)
    } else {
      out[attr] = expr
    }
  }
  return out
}

const makeMatcher = (inst: Instance, filter: SCIMMY.Types.Filter, coreSchema: string) => {
  // The Filter is an array of `or` branches; each is a plain (proxied) object. Clone them to plain
  // JSON, then build one SCIMMY Filter per branch. Re-validation happens here: an expression without a
  // value (`userName eq`) becomes a TypeError, reported as 400 invalidFilter (raw SCIMMY: no match).
  const branches: Array<{ expr: Json; filter: SCIMMY.Types.Filter }> = []
  for (const raw of clone(Array.from(filter)) as Array<Json>) {
    const expr = inst.strict ? lowerUserNameExpressions(raw) : raw
    try {
      branches.push({ expr, filter: new SCIMMY.Types.Filter([expr]) })
    } catch (e) {
      throw scimError(400, "invalidFilter", e instanceof Error ? e.message : String(e))
    }
  }
  return (record: Json): boolean => {
    let view = addUrnAliases(record, coreSchema)
    if (inst.strict) {
      const key = findKey(view, "userName")
      if (key !== undefined) view = { ...view, [key]: lower(view[key]) }
    }
    return branches.some(({ expr, filter }) => filter.match([fillDives(view, expr)]).length > 0)
  }
}

/** shared egress logic: by id (404 if unknown), or every record matching the filter */
const egressList = (
  inst: Instance,
  resource: SCIMMY.Types.Resource,
  store: Map<string, Json>,
  view: (record: Json) => Json,
  coreSchema: string
): Json | Array<Json> => {
  if (resource.id !== undefined) {
    const record = store.get(resource.id)
    if (record === undefined) throw scimError(404, null, `Resource ${resource.id} not found`)
    return view(record)
  }
  const all = [...store.values()].map(view)
  const matched = resource.filter === undefined ? all : all.filter(makeMatcher(inst, resource.filter, coreSchema))
  if (inst.strict && resource.constraints !== undefined) {
    const constraints = resource.constraints
    // strict: cap count at filter.maxResults (SCIMMY serves any count)
    if (typeof constraints.count === "number" && constraints.count > MAX_RESULTS) constraints.count = MAX_RESULTS
    // strict: startIndex past the end gives an empty page (SCIMMY serves page 1 again). ListResponse
    // only slices when Resources.length >= startIndex, so an empty array with an explicit
    // totalResults comes out as it should.
    if (typeof constraints.startIndex === "number" && constraints.startIndex > matched.length) {
      Object.assign(constraints, { totalResults: matched.length })
      return []
    }
  }
  return matched
}

// -----------------------------------------------------------------------------
// handlers
// -----------------------------------------------------------------------------

/**
 * SHIM (a fourth upstream bug, found while writing this harness): when one Bulk operation refers to
 * SEVERAL bulkIds (a group whose members are `bulkId:u1` and `bulkId:u2`), SCIMMY's BulkRequest
 * substitutes each reference into a fresh copy of the ORIGINAL data, so only the last one is resolved
 * and the others arrive here as the literal string "bulkId:u1". SCIMMY has already waited for every
 * referenced operation, so the ids exist: find the operation with that bulkId in the request body and
 * the resource it created in this HTTP request (by its unique userName / displayName).
 */
const resolveBulkIds = (ctx: HandlerContext, value: unknown): unknown => {
  if (typeof value === "string") {
    const match = /^bulkId:(.+)$/.exec(value)
    if (match === null || ctx.bulkOperations.length === 0) return value
    const op = ctx.bulkOperations.find((o) =>
      String(o.method).toUpperCase() === "POST" && o.bulkId === match[1] && isPlainObject(o.data)
    )
    if (op === undefined) return value
    const [store, key] = String(op.path).startsWith("/Groups")
      ? [ctx.inst.groups, "displayName"]
      : [ctx.inst.users, "userName"]
    const wanted = lower(op.data[key])
    const found = [...ctx.created].map((id) => store.get(id)).find((r) => r !== undefined && lower(r[key]) === wanted)
    return found?.id ?? value
  }
  if (Array.isArray(value)) return value.map((v) => resolveBulkIds(ctx, v))
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveBulkIds(ctx, v)]))
  }
  return value
}

/** a SCIMMY schema instance to a plain object, minus what the server owns */
const incoming = (ctx: HandlerContext, instance: unknown): Json => {
  const data = resolveBulkIds(ctx, clone(instance)) as Json
  delete data.id
  delete data.meta
  delete data.groups
  return data
}

/**
 * create (no `resource.id`) or replace (PUT, and PATCH, which SCIMMY turns into a full write) one
 * record, after the uniqueness check on `key` (case-insensitive)
 */
const write = (
  ctx: HandlerContext,
  resource: SCIMMY.Types.Resource,
  store: Map<string, Json>,
  resourceType: string,
  key: string,
  data: Json
): Json => {
  const { created, inst } = ctx
  const wanted = lower(data[key])
  const clash = [...store.values()].find((r) => r.id !== resource.id && lower(r[key]) === wanted)
  let targetId = resource.id
  if (clash !== undefined) {
    // strict: SCIMMY's Bulk resolves a forward `bulkId` reference by POSTing the referencing resource
    // without the reference, then POSTing it AGAIN with it (a second create, no id). In strict mode a
    // create that clashes with a resource created earlier in the same HTTP request replaces it instead.
    if (inst.strict && resource.id === undefined && created.has(clash.id)) targetId = clash.id
    else throw scimError(409, "uniqueness", `${key} '${String(data[key])}' is already in use`)
  }
  const timestamp = now()
  if (targetId !== undefined) {
    const existing = store.get(targetId)
    if (existing === undefined) throw scimError(404, null, `Resource ${targetId} not found`)
    // password is write-only (never returned), so a PUT/PATCH that omits it keeps the old one
    const password = data.password ?? existing.password
    const record: Json = {
      ...data,
      ...(password !== undefined ? { password } : {}),
      id: existing.id,
      meta: { ...existing.meta, lastModified: timestamp }
    }
    store.set(existing.id, record)
    return record
  }
  const id = randomUUID()
  const record: Json = { ...data, id, meta: { resourceType, created: timestamp, lastModified: timestamp } }
  store.set(id, record)
  created.add(id)
  return record
}

const userIngress = (resource: SCIMMY.Types.Resource, instance: unknown, ctx: unknown): Json => {
  const context = contextOf(ctx)
  return userView(
    context.inst,
    write(context, resource, context.inst.users, "User", "userName", incoming(context, instance))
  )
}

const groupIngress = (resource: SCIMMY.Types.Resource, instance: unknown, ctx: unknown): Json => {
  const context = contextOf(ctx)
  const { inst } = context
  const data = incoming(context, instance)
  if (Array.isArray(data.members)) {
    const seen = new Set<string>()
    const members: Array<Json> = []
    for (const m of data.members as Array<Json>) {
      const value = m.value
      if (typeof value !== "string" || (!inst.users.has(value) && !inst.groups.has(value))) {
        throw scimError(400, "invalidValue", `Group member '${String(value)}' does not reference an existing resource`)
      }
      if (value === resource.id) throw scimError(400, "invalidValue", "A group cannot be a member of itself")
      // store only the reference (and a client-given display); type and $ref are derived on read
      if (!seen.has(value)) members.push({ value, ...(typeof m.display === "string" ? { display: m.display } : {}) })
      seen.add(value)
    }
    data.members = members
  }
  return groupView(inst, write(context, resource, inst.groups, "Group", "displayName", data))
}

const removeMember = (inst: Instance, id: string) => {
  for (const group of inst.groups.values()) {
    if (Array.isArray(group.members) && group.members.some((m: Json) => m.value === id)) {
      group.members = group.members.filter((m: Json) => m.value !== id)
      group.meta = { ...group.meta, lastModified: now() }
    }
  }
}

const installHandlers = () => {
  const { EnterpriseUser } = SCIMMY.Schemas
  const { Group, User } = SCIMMY.Resources
  // SCIMMY keeps declarations in static state that lives as long as the `scimmy` module, which may be
  // shared by several test files (and several servers) in one worker: declare and extend only once,
  // but (re)install the handlers, which find their stores through the per-router context.
  if (!SCIMMY.Resources.declared(User)) SCIMMY.Resources.declare(User)
  if (!SCIMMY.Resources.declared(Group)) SCIMMY.Resources.declare(Group)
  const userDefinition = SCIMMY.Schemas.User.definition as unknown as { attributes: Array<{ id?: string }> }
  if (!userDefinition.attributes.some((a) => a.id === ENTERPRISE_USER_SCHEMA)) User.extend(EnterpriseUser, false)

  // the typings want handlers generic in the schema instance type; these work on plain JSON
  const pinned = <A>(ctx: unknown, a: A): A => {
    pinBasepath(instanceOf(ctx))
    return a
  }
  User.ingress((resource: any, instance: any, ctx: unknown) => pinned(ctx, userIngress(resource, instance, ctx)) as any)
  User.egress((resource: any, ctx: unknown) => {
    const inst = instanceOf(ctx)
    return pinned(ctx, egressList(inst, resource, inst.users, (u) => userView(inst, u), USER_SCHEMA)) as any
  })
  User.degress((resource: any, ctx: unknown) => {
    const inst = instanceOf(ctx)
    if (!inst.users.delete(resource.id)) throw scimError(404, null, `Resource ${resource.id} not found`)
    removeMember(inst, resource.id)
  })
  Group.ingress((resource: any, instance: any, ctx: unknown) =>
    pinned(ctx, groupIngress(resource, instance, ctx)) as any
  )
  Group.egress((resource: any, ctx: unknown) => {
    const inst = instanceOf(ctx)
    return pinned(ctx, egressList(inst, resource, inst.groups, (g) => groupView(inst, g), GROUP_SCHEMA)) as any
  })
  Group.degress((resource: any, ctx: unknown) => {
    const inst = instanceOf(ctx)
    if (!inst.groups.delete(resource.id)) throw scimError(404, null, `Resource ${resource.id} not found`)
    removeMember(inst, resource.id)
  })
}

const configure = () => {
  // scimmy-routers' constructor appends its auth scheme to the (global, cumulative) list on every
  // construction: empty it first so /ServiceProviderConfig lists it once.
  SCIMMY.Config.set({
    authenticationSchemes: [],
    patch: true,
    filter: { supported: true, maxResults: MAX_RESULTS },
    sort: true,
    bulk: { supported: true, maxOperations: MAX_OPERATIONS, maxPayloadSize: 1048576 },
    changePassword: false,
    etag: false
  })
}

// -----------------------------------------------------------------------------
// the HTTP server
// -----------------------------------------------------------------------------

const schemaIdFor = (body: Json): string | undefined => {
  const type = isPlainObject(body.meta) ? body.meta.resourceType : undefined
  if (type === "User") return USER_SCHEMA
  if (type === "Group") return GROUP_SCHEMA
  return undefined
}

/** strict: resources projected with `attributes=` lose `schemas`; put it back (id tells User from Group) */
const withSchemas = (inst: Instance, resource: unknown): unknown => {
  if (!isPlainObject(resource) || Array.isArray(resource.schemas) || typeof resource.id !== "string") return resource
  const id = resource.id
  const schema = schemaIdFor(resource) ??
    (inst.users.has(id) ? USER_SCHEMA : inst.groups.has(id) ? GROUP_SCHEMA : undefined)
  if (schema === undefined) return resource
  const extensions = Object.keys(resource).filter((k) => k.toLowerCase().startsWith("urn:"))
  return { schemas: [schema, ...extensions], ...resource }
}

const strictMiddleware = (inst: Instance) => (_req: Request, res: Response, next: NextFunction) => {
  const json = res.json.bind(res)
  res.json = (body?: unknown) => {
    let out = body === undefined ? body : clone(body)
    if (isPlainObject(out)) {
      if (Array.isArray(out.Resources)) {
        // strict: itemsPerPage is the number of resources in this page (SCIMMY echoes the asked count)
        const Resources = out.Resources.map((r: unknown) => withSchemas(inst, r))
        out = { ...out, Resources, ...(typeof out.itemsPerPage === "number" ? { itemsPerPage: Resources.length } : {}) }
      } else {
        out = withSchemas(inst, out)
      }
      // strict: 201 carries Location (SCIMMY only puts it in meta.location)
      if (
        res.statusCode === 201 && isPlainObject(out) && isPlainObject(out.meta) && typeof out.meta.location === "string"
      ) {
        res.location(out.meta.location)
      }
    }
    return json(out)
  }
  next()
}

type MutableEntry = { -readonly [K in keyof RequestLogEntry]: RequestLogEntry[K] }

const errorReply = (res: Response, status: number, detail: string) =>
  res.status(status).type("application/scim+json").send(JSON.stringify({
    schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
    status: String(status),
    detail
  }))

/** features taken away (see `Options.lacks`), answered before SCIMMY sees the request */
const lacksMiddleware = (lacks: NonNullable<Options["lacks"]>) => (req: Request, res: Response, next: NextFunction) => {
  const search = req.method === "POST" && req.path.endsWith("/.search")
  if (search && lacks.search === true) return void errorReply(res, 404, "Not found")
  if (lacks.filters !== undefined) {
    if (req.query.filter !== undefined) {
      return void errorReply(res, 501, "Filtering is not supported")
    }
    if (lacks.filters === "advertised" && req.method === "GET" && req.path.endsWith("/ServiceProviderConfig")) {
      const json = res.json.bind(res)
      res.json = (out?: unknown) =>
        json(isPlainObject(out) ? { ...out, filter: { supported: false, maxResults: MAX_RESULTS } } : out)
    }
  }
  next()
}

const makeApp = (
  inst: Instance,
  token: string,
  log: Array<MutableEntry>,
  origin: () => string,
  lacks: NonNullable<Options["lacks"]>
) => {
  const app = express()
  app.disable("x-powered-by")
  app.disable("etag")

  // request log: the entry is recorded when the request arrives, its status when the head is written
  // (before any byte leaves), so a test can read it as soon as its fetch resolves
  app.use((req, res, next) => {
    const entry = { method: req.method, path: req.path, url: req.originalUrl, status: 0 }
    log.push(entry)
    const writeHead = res.writeHead
    res.writeHead = function(this: Response, ...args: Array<any>) {
      entry.status = typeof args[0] === "number" ? args[0] : res.statusCode
      return (writeHead as (...a: Array<any>) => any).apply(this, args)
    } as typeof res.writeHead
    next()
  })

  if (inst.strict) app.use(BASE_PATH, strictMiddleware(inst))
  if (lacks.search === true || lacks.filters !== undefined) app.use(BASE_PATH, lacksMiddleware(lacks))

  configure()
  const router = new SCIMMYRouters({
    type: "bearer",
    docUri: "https://example.invalid/scimmy-test-auth",
    handler: (req: Request) => {
      const header = req.header("Authorization") ?? ""
      const match = /^Bearer\s+(.+)$/i.exec(header)
      if (match === null || match[1] !== token) {
        // strict: RFC 6750 §3 wants a challenge on 401 (SCIMMY never sends one)
        if (inst.strict) req.res?.setHeader("WWW-Authenticate", "Bearer realm=\"scimmy\"")
        throw new Error(
          match === null ? "Authorization header with a Bearer token is required" : "Invalid bearer token"
        )
      }
      // /Me off: the /Me route reads the user whose id this returns, and answers 501 when it is not
      // a string. The router's typings say string, SCIMMY checks at run time.
      return undefined as unknown as string
    },
    // one context per HTTP request (a Bulk request shares it across its operations)
    context: (req: Request): HandlerContext => ({
      inst,
      created: new Set(),
      bulkOperations: isPlainObject(req.body) && Array.isArray(req.body.schemas) &&
          req.body.schemas.includes(BULK_REQUEST_SCHEMA) && Array.isArray(req.body.Operations)
        ? req.body.Operations.filter(isPlainObject)
        : []
    }),
    // Locations absolute (scimmy-routers accepts http:// at run time, the README says https://)
    baseUri: () => origin()
  })
  app.use(BASE_PATH, router)
  return app
}

/** a SCIMMY server on 127.0.0.1:0, closed (with its keep-alive sockets) when the scope closes */
export const make = (options: Options = {}): Effect.Effect<ScimmyServer, never, Scope.Scope> =>
  Effect.gen(function*() {
    installHandlers()
    let port = 0
    const origin = () => `http://127.0.0.1:${port}`
    const inst: Instance = {
      users: new Map(),
      groups: new Map(),
      strict: options.strict ?? false,
      baseUrl: () => `${origin()}${BASE_PATH}`
    }
    const token = options.token ?? DEFAULT_TOKEN
    const log: Array<MutableEntry> = []
    const app = makeApp(inst, token, log, origin, options.lacks ?? {})

    const server = yield* Effect.acquireRelease(
      Effect.async<Http.Server>((resume) => {
        const server = Http.createServer(app)
        server.keepAliveTimeout = 1000
        server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
      }),
      (server) =>
        Effect.async<void>((resume) => {
          server.close(() => resume(Effect.void))
          server.closeAllConnections()
        })
    )
    port = (server.address() as AddressInfo).port

    const reset = () => {
      inst.users.clear()
      inst.groups.clear()
      log.length = 0
    }
    return {
      baseUrl: `http://127.0.0.1:${port}${BASE_PATH}`,
      token,
      strict: inst.strict,
      maxOperations: MAX_OPERATIONS,
      get requests() {
        return log.map((e) => ({ ...e }))
      },
      reset,
      clearRequests: () => {
        log.length = 0
      },
      users: () => [...inst.users.values()].map(clone),
      groups: () => [...inst.groups.values()].map(clone)
    } satisfies ScimmyServer
  })

/** default (SCIMMY as it is, plus the filter shims) */
export const layer: Layer.Layer<Scimmy> = Layer.scoped(Scimmy, make())

/** with the RFC fix-ups on */
export const layerStrict: Layer.Layer<Scimmy> = Layer.scoped(Scimmy, make({ strict: true }))

export const layerWith = (options: Options): Layer.Layer<Scimmy> => Layer.scoped(Scimmy, make(options))
