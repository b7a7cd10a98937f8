/**
 * A `Filter` evaluated against a resource here, as RFC 7644 §3.4.2.2 describes it: for a server
 * that does not filter (or not with this operator, `pr` say), so that a stream can page the whole
 * list and keep what the filter selects. Attribute names and URNs compare without regard to case;
 * strings compare without regard to case (RFC 7643's default, `caseExact: false`: equal when both
 * their lower and upper cases agree), except `id`, `externalId`, `meta.version` and `$ref`
 * (caseExact); two xsd:dateTime values compare as instants; a multi-valued
 * attribute matches when one of its values does (the `value` of complex ones); `ne` matches when
 * no value is equal (an absent attribute included); `pr` needs a value that is not null, not an
 * empty string and not an empty array or object; ordering operators compare strings (dates in
 * ISO 8601 order correctly) and numbers, and never match a boolean.
 *
 * @since 0.3.0
 */
import type * as Filter from "./Filter.js"

type Obj = Record<string, unknown>

const isObj = (u: unknown): u is Obj => typeof u === "object" && u !== null && !Array.isArray(u)

/** The value under `key` in `o`, the key compared without regard to case. */
const field = (o: Obj, key: string): unknown => {
  if (Object.hasOwn(o, key)) return o[key]
  const lower = key.toLowerCase()
  for (const k of Object.keys(o)) if (k.toLowerCase() === lower) return o[k]
  return undefined
}

/** Splits `urn:...:User:emails.value` into the extension URN (if any) and the dotted path. */
const split = (attribute: string): { readonly urn: string | undefined; readonly path: ReadonlyArray<string> } => {
  if (!attribute.toLowerCase().startsWith("urn:")) return { urn: undefined, path: attribute.split(".") }
  const i = attribute.lastIndexOf(":")
  return { urn: attribute.slice(0, i), path: attribute.slice(i + 1).split(".") }
}

/** Every value at `attribute` in `resource`, arrays flattened (a URN-qualified core path too). */
const valuesAt = (resource: Obj, attribute: string): ReadonlyArray<unknown> => {
  const { path, urn } = split(attribute)
  let current: ReadonlyArray<unknown> = [resource]
  if (urn !== undefined) {
    // A core attribute qualified with the core URN sits at the top level; an extension's under
    // its URN, and nowhere else.
    const inExtension = field(resource, urn)
    current = inExtension !== undefined ? [inExtension] : urn.toLowerCase().includes(":core:") ? [resource] : []
  }
  for (const key of path) {
    const next: Array<unknown> = []
    for (const c of current) {
      if (!isObj(c)) continue
      const v = field(c, key)
      if (Array.isArray(v)) { for (const item of v) next.push(item) }
      else if (v !== undefined) next.push(v)
    }
    current = next
  }
  return current
}

/** A complex value compares by its `value` sub-attribute (`emails eq "x"`). */
const scalar = (v: unknown): unknown => (isObj(v) ? field(v, "value") : v)

/** RFC 7643's caseExact attributes among the common ones: compared exactly. */
const caseExact = new Set(["id", "externalid", "meta.version", "$ref"])

const dateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/

/**
 * Both sides in both cases: two strings are equal without regard to case only when their lower
 * and upper cases agree (the Kelvin sign lower-cases to `k` but upper-cases to itself), as the
 * library's own name lookups compare.
 */
const sides = (s: string) => [s.toLowerCase(), s.toUpperCase()] as const

const compareStrings = (operator: Filter.CompareOperator, a: string, b: string, exact: boolean): boolean => {
  // xsd:dateTime on both sides: compared as instants (milliseconds, offsets), not as text.
  if (dateTime.test(a) && dateTime.test(b) && operator !== "co" && operator !== "sw" && operator !== "ew") {
    const x = Date.parse(a)
    const y = Date.parse(b)
    if (!Number.isNaN(x) && !Number.isNaN(y)) return ordered(operator, x, y)
  }
  const [al, au] = exact ? [a, a] : sides(a)
  const [bl, bu] = exact ? [b, b] : sides(b)
  switch (operator) {
    case "eq":
      return al === bl && au === bu
    case "ne":
      return !(al === bl && au === bu)
    case "co":
      return al.includes(bl) && au.includes(bu)
    case "sw":
      return al.startsWith(bl) && au.startsWith(bu)
    case "ew":
      return al.endsWith(bl) && au.endsWith(bu)
    default:
      return ordered(operator, al, bl)
  }
}

const ordered = <X extends string | number>(operator: Filter.CompareOperator, x: X, y: X): boolean => {
  switch (operator) {
    case "eq":
      return x === y
    case "ne":
      return x !== y
    case "gt":
      return x > y
    case "ge":
      return x >= y
    case "lt":
      return x < y
    case "le":
      return x <= y
    default:
      return false
  }
}

const compare = (
  operator: Filter.CompareOperator,
  actual: unknown,
  expected: Filter.Value,
  attribute: string
): boolean => {
  const a = scalar(actual)
  if (expected === null) return operator === "eq" ? a === null : operator === "ne" ? a !== null : false
  if (typeof expected === "string") {
    if (typeof a !== "string") return false
    return compareStrings(operator, a, expected, caseExact.has(split(attribute).path.join(".").toLowerCase()))
  }
  if (typeof expected === "number") return typeof a === "number" && ordered(operator, a, expected)
  // boolean
  if (typeof a !== "boolean") return false
  return operator === "eq" ? a === expected : operator === "ne" ? a !== expected : false
}

const present = (v: unknown): boolean =>
  v !== null && v !== undefined && v !== "" && !(Array.isArray(v) && v.length === 0) &&
  !(isObj(v) && Object.keys(v).length === 0)

/**
 * Whether `resource` is one the filter selects.
 *
 * @example
 * ```ts
 * import { Filter, FilterMatch } from "@asgardeo-scim/core"
 *
 * const kim = { userName: "Kim", emails: [{ type: "work", value: "kim@example.com" }], title: "" }
 * assert.strictEqual(FilterMatch.matches(Filter.eq("userName", "kim"), kim), true)
 * assert.strictEqual(FilterMatch.matches(Filter.valuePath("emails", Filter.eq("type", "work")), kim), true)
 * assert.strictEqual(FilterMatch.matches(Filter.pr("title"), kim), false)
 * ```
 *
 * @since 0.3.0
 * @category predicates
 */
export const matches = (filter: Filter.Filter, resource: unknown): boolean => {
  if (!isObj(resource)) return false
  switch (filter._tag) {
    case "Compare": {
      const values = valuesAt(resource, filter.attribute)
      if (filter.operator === "ne") {
        return !values.some((v) => compare("eq", v, filter.value, filter.attribute))
      }
      if (filter.value === null && filter.operator === "eq") return !values.some(present)
      return values.some((v) => compare(filter.operator, v, filter.value, filter.attribute))
    }
    case "Present":
      return valuesAt(resource, filter.attribute).some(present)
    case "And":
      return matches(filter.left, resource) && matches(filter.right, resource)
    case "Or":
      return matches(filter.left, resource) || matches(filter.right, resource)
    case "Not":
      return !matches(filter.filter, resource)
    case "ValuePath":
      return valuesAt(resource, filter.attribute).some((element) => matches(filter.filter, element))
  }
}
