/**
 * Filters: parsed with core's `Filter.parse` (bare values allowed, as Asgardeo does), checked
 * against the emulator's own operator profiles (asgardeo-api.md §4), then evaluated with
 * `scim2-parse-filter` over a view of each resource in which names lose their user-store
 * domain and strings are lower-cased (Asgardeo compares names case-insensitively).
 *
 * A bare name (`userName eq "kim@example.com"`) matches in every user store, as on Asgardeo; a
 * domain-qualified value (`userName eq "PARTNERS/kim@example.com"`) matches only in that store,
 * with `eq` and `sw` (asgardeo-api.md §4: the only operators that honour a domain in the value).
 *
 * @internal
 */
import * as Filter from "@asgardeo-scim/core/Filter"
import * as Either from "effect/Either"
import ScimFilter from "scim2-parse-filter"
import { fail, stripDomain } from "./reply.js"

/** @internal */
export type Profile = "users" | "groups"

const USER_OPERATORS: ReadonlyArray<Filter.CompareOperator> = ["eq", "ne", "co", "sw", "ew", "ge", "le"]
const GROUP_OPERATORS: ReadonlyArray<Filter.CompareOperator> = ["eq", "co", "sw", "ew", "ge", "le"]

const invalid = (detail: string): never => fail(400, detail, "InvalidFilter")

const checkUsers = (filter: Filter.Filter): void => {
  switch (filter._tag) {
    case "Compare":
      if (!USER_OPERATORS.includes(filter.operator)) {
        invalid(`The operator ${filter.operator} is not supported in filters.`)
      }
      return
    case "Present":
      return invalid("The operator pr is not supported in filters.")
    case "And":
      checkUsers(filter.left)
      checkUsers(filter.right)
      return
    case "Or":
    case "Not":
      return fail(501, "Unsupported Operation: only the 'and' logical operator is supported in filters.")
    case "ValuePath":
      return invalid("Complex attribute filters are not supported.")
  }
}

const checkGroups = (filter: Filter.Filter): void => {
  switch (filter._tag) {
    case "Compare":
      if (!GROUP_OPERATORS.includes(filter.operator)) {
        invalid(`The operator ${filter.operator} is not supported in group filters.`)
      }
      return
    case "Present":
      return invalid("The operator pr is not supported in group filters.")
    default:
      return fail(501, "Complex filters are not supported yet")
  }
}

/** Undoes the `+` to space and second URL-decoding Asgardeo applies to GET filters. @internal */
export const doubleDecode = (input: string): string =>
  input.replace(/\+/g, " ").split(" ").map((word) => {
    try {
      return decodeURIComponent(word)
    } catch {
      return word
    }
  }).join(" ")

/** Parses and checks a filter string. @internal */
export const parseFilter = (input: string, profile: Profile): Filter.Filter => {
  const parsed = Filter.parse(input, { bareValues: true })
  if (Either.isLeft(parsed)) {
    return invalid(`Invalid filter: ${parsed.left.reason}`)
  }
  if (profile === "users") checkUsers(parsed.right)
  else checkGroups(parsed.right)
  return parsed.right
}

const NAME_ATTRIBUTES = new Set(["username", "displayname", "groups", "groups.display", "members.display"])

const bareAttribute = (attribute: string): string => {
  const lower = attribute.toLowerCase()
  for (
    const prefix of ["urn:ietf:params:scim:schemas:core:2.0:user:", "urn:ietf:params:scim:schemas:core:2.0:group:"]
  ) {
    if (lower.startsWith(prefix)) return lower.slice(prefix.length)
  }
  return lower
}

/** Top-level names that a domain-qualified `eq`/`sw` value compares with their store. */
const QUALIFIABLE = new Set(["username", "displayname"])

const qualifiedKey = (attribute: string): string => `${attribute}#qualified`

/** `partners/kim` stays; a stored name without a prefix is in the primary store. */
const qualifiedView = (lower: string): string => (lower.indexOf("/") > 0 ? lower : `default/${lower}`)

const normaliseValue = (attribute: string, value: Filter.Value): Filter.Value => {
  if (typeof value !== "string") return value
  const lower = value.toLowerCase()
  return NAME_ATTRIBUTES.has(bareAttribute(attribute)) ? stripDomain(lower) : lower
}

const toLibrary = (filter: Filter.Filter): ScimFilter.Filter => {
  switch (filter._tag) {
    case "Compare":
      if (
        (filter.operator === "eq" || filter.operator === "sw") && typeof filter.value === "string" &&
        filter.value.indexOf("/") > 0 && QUALIFIABLE.has(bareAttribute(filter.attribute))
      ) {
        return {
          op: filter.operator,
          attrPath: qualifiedKey(bareAttribute(filter.attribute)),
          compValue: filter.value.toLowerCase()
        }
      }
      return {
        op: filter.operator,
        attrPath: bareAttribute(filter.attribute),
        compValue: normaliseValue(filter.attribute, filter.value)
      }
    case "Present":
      return { op: "pr", attrPath: bareAttribute(filter.attribute) }
    case "And":
      return { op: "and", filters: [toLibrary(filter.left), toLibrary(filter.right)] }
    case "Or":
      return { op: "or", filters: [toLibrary(filter.left), toLibrary(filter.right)] }
    case "Not":
      return { op: "not", filter: toLibrary(filter.filter) }
    case "ValuePath":
      return { op: "[]", attrPath: bareAttribute(filter.attribute), valFilter: toLibrary(filter.filter) }
  }
}

/** Lower-cases every string and strips the domain of names, for case-insensitive matching. */
const view = (value: unknown, key: string): unknown => {
  if (typeof value === "string") {
    const lower = value.toLowerCase()
    return NAME_ATTRIBUTES.has(key) ? stripDomain(lower) : lower
  }
  if (Array.isArray(value)) {
    if (key === "groups") {
      return value.map((g) =>
        typeof g === "object" && g !== null && "display" in g ? stripDomain(String(g.display).toLowerCase()) : g
      )
    }
    return value.map((v) => view(v, key))
  }
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) {
      const lower = k.toLowerCase()
      out[lower] = view(v, key === "" ? lower : `${key}.${lower}`)
      if (key === "" && QUALIFIABLE.has(lower) && typeof v === "string") {
        out[qualifiedKey(lower)] = qualifiedView(v.toLowerCase())
      }
    }
    return out
  }
  return value
}

/**
 * scim2-parse-filter hands a multi-valued attribute at the end of a path to the operator as a
 * whole array; SCIM (and Asgardeo) compare each value, and the `value` of complex ones.
 */
class MultiValuedTester extends ScimFilter.Tester {
  override attrTest(path: Array<string>, r: unknown, op: (r: unknown) => boolean): boolean {
    if (path.length === 0 && Array.isArray(r)) {
      return r.some((item) => op(typeof item === "object" && item !== null && "value" in item ? item.value : item))
    }
    return super.attrTest(path, r, op)
  }
}

/** Builds a predicate over views (`viewOf`) of rendered resources. @internal */
export const predicateOnView = (filter: Filter.Filter): (view: object) => boolean => {
  const tester = new MultiValuedTester()
  const ast = toLibrary(filter)
  return (v) => tester.test(v, ast)
}

/** Builds a predicate over rendered resources. @internal */
export const predicate = (filter: Filter.Filter): (resource: object) => boolean => {
  const test = predicateOnView(filter)
  return (resource) => test(view(resource, "") as object)
}

/**
 * The view a filter is evaluated on: `value` lower-cased, names without their user-store
 * domain. `key` is the attribute `value` is the value of (`""`: a whole resource).
 *
 * @internal
 */
export const viewOf = (value: unknown, key: string): unknown => view(value, key)

const storedViews = new WeakMap<object, Record<string, unknown>>()

/**
 * The view of a stored resource, computed once: stored resources are never changed in place
 * (every write stores a new object), so the view lives as long as the resource.
 *
 * @internal
 */
export const storedViewOf = (resource: object): Record<string, unknown> => {
  let cached = storedViews.get(resource)
  if (cached === undefined) {
    cached = view(resource, "") as Record<string, unknown>
    storedViews.set(resource, cached)
  }
  return cached
}

/** `userName eq "x"`: answered from the name index instead of a scan. @internal */
export const userNameEquals = (filter: Filter.Filter): string | undefined =>
  filter._tag === "Compare" && filter.operator === "eq" && bareAttribute(filter.attribute) === "username" &&
    typeof filter.value === "string"
    ? filter.value
    : undefined
