/**
 * Listing and searching roles (asgardeo-rbac-orgs.md §1.6): filters on `displayName`,
 * `audience.value` and `audience.type` only, with `eq ne co sw ew` joined by `and` (anything
 * else 400 with the server's wording), sorting 501, `.search` checks its `schemas`, `startIndex`
 * below 1 counts as 1, a negative `count` as 0, and `count=0` answers `totalResults: 0`.
 *
 * Choices where Asgardeo's answer is unconfirmed:
 * - without `count`, every matching role is listed (capped, when given, by the `maxCount` quirk,
 *   as the other lists);
 * - list items carry `id`, `displayName`, `audience` and `meta` (as the docs show); with
 *   `attributes`, the role is rendered whole and projected, so `attributes=users,permissions`
 *   returns `id`, `users` and `permissions`;
 * - values compare ignoring case; quoted and bare values are both accepted.
 *
 * @internal
 */
import * as Filter from "@asgardeo-scim/core/Filter"
import * as Either from "effect/Either"
import { listResponse, paramsFromBody, project } from "./listing.js"
import type { ListParams } from "./listing.js"
import type { Reply } from "./reply.js"
import { fail } from "./reply.js"
import type { RolesApi } from "./roleApps.js"
import type { RoleEnv } from "./roleEnv.js"
import { allParts, bodyObject, listParts, renderRole, roleAttributes, valueAt } from "./roles.js"
import type { RoleRecord } from "./roleStore.js"

const SEARCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"

type Attribute = "displayName" | "audience.value" | "audience.type"

const ATTRIBUTES: ReadonlyMap<string, Attribute> = new Map([
  ["displayname", "displayName"],
  ["audience.value", "audience.value"],
  ["audience.type", "audience.type"]
])

const OPERATORS: ReadonlyArray<string> = ["eq", "ne", "co", "sw", "ew"]

const URN_PREFIX = "urn:ietf:params:scim:schemas:extension:2.0:role:"

const notFilterable = (name: string): never =>
  fail(400, `Filtering based on attribute: ${name} is not supported.`, "invalidFilter")

const attributeOf = (name: string): Attribute => {
  const lower = name.toLowerCase()
  return ATTRIBUTES.get(lower.startsWith(URN_PREFIX) ? lower.slice(URN_PREFIX.length) : lower) ?? notFilterable(name)
}

/** The server's checks, in its order: each expression's operation, then its attribute; then `or`. */
const check = (filter: Filter.Filter): void => {
  switch (filter._tag) {
    case "Compare":
      if (!OPERATORS.includes(filter.operator)) {
        fail(400, `Filter operation: ${filter.operator} is not supported for role filtering.`, "invalidFilter")
      }
      attributeOf(filter.attribute)
      return
    case "Present":
      return fail(400, "Filter operation: pr is not supported for role filtering.", "invalidFilter")
    case "ValuePath":
      return notFilterable(filter.attribute)
    case "Not":
      return fail(400, "Filter operator: not is not supported for role filtering.", "invalidFilter")
    case "And":
    case "Or":
      check(filter.left)
      check(filter.right)
      if (filter._tag === "Or") fail(400, "Filter operator: or is not supported for role filtering.", "invalidFilter")
      return
  }
}

const attributeValue = (role: RoleRecord, attribute: Attribute): string =>
  attribute === "displayName"
    ? role.displayName
    : attribute === "audience.value"
    ? role.audience.value
    : role.audience.type

/** Evaluates a checked filter (a `Compare` or an `And` of them) on a role. */
const matches = (filter: Filter.Filter, role: RoleRecord): boolean => {
  if (filter._tag === "And") return matches(filter.left, role) && matches(filter.right, role)
  if (filter._tag !== "Compare") return false
  const actual = attributeValue(role, attributeOf(filter.attribute)).toLowerCase()
  const expected = (filter.value === null ? "" : String(filter.value)).toLowerCase()
  switch (filter.operator) {
    case "eq":
      return actual === expected
    case "ne":
      return actual !== expected
    case "co":
      return actual.includes(expected)
    case "sw":
      return actual.startsWith(expected)
    case "ew":
      return actual.endsWith(expected)
    default:
      return false
  }
}

/**
 * GET `/Roles` (and `.search` after its own checks). The filter's syntax is checked first (400),
 * then sorting (501), then `count=0` (an empty answer), then the filter's attributes and
 * operators (400): the server's order.
 *
 * @internal
 */
export const listRoles = (env: RoleEnv, version: RolesApi, params: ListParams): Reply => {
  let filter: Filter.Filter | undefined = undefined
  if (params.filter !== undefined) {
    const parsed = Filter.parse(params.filter, { bareValues: true })
    if (Either.isLeft(parsed)) return fail(400, `Invalid filter: ${parsed.left.reason}`, "invalidFilter")
    filter = parsed.right
  }
  if (params.sorting) return fail(501, "Sorting is not supported.")
  const ctx = env.ctx
  const start = Math.max(1, params.startIndex ?? 1)
  const count = params.count === undefined ? undefined : Math.min(Math.max(0, params.count), ctx.quirks.maxCount)
  if (count === 0) return { status: 200, body: listResponse(ctx, 0, start, []) }
  if (filter !== undefined) check(filter)
  const found: Array<RoleRecord> = []
  for (const role of ctx.org.roles.roles.values()) if (filter === undefined || matches(filter, role)) found.push(role)
  const page = found.slice(start - 1, count === undefined ? undefined : start - 1 + count)
  const attributes = roleAttributes(params.attributes)
  const excluded = roleAttributes(params.excludedAttributes)
  const parts = attributes !== undefined && attributes.length > 0 ? allParts : listParts
  const items = page.map((role) => project(renderRole(env, role, version, parts), attributes, excluded))
  return { status: 200, body: listResponse(ctx, found.length, start, items) }
}

/** POST `/Roles/.search`: `schemas`, when given, must be the SearchRequest's (400 `invalidValue`). @internal */
export const searchRoles = (env: RoleEnv, version: RolesApi, body: unknown): Reply => {
  const input = bodyObject(body)
  const schemas = valueAt(input, "schemas")
  if (schemas !== undefined && !(Array.isArray(schemas) && schemas.length === 1 && schemas[0] === SEARCH_SCHEMA)) {
    return fail(400, `The schemas of a search request must be ["${SEARCH_SCHEMA}"].`, "invalidValue")
  }
  return listRoles(env, version, paramsFromBody(input))
}
