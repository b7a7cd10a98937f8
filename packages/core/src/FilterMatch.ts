/**
 * A `Filter` evaluated against a resource here, as RFC 7644 §3.4.2.2 describes it: for a server
 * that does not filter (or not with this operator, `pr` say), so that a stream can page the whole
 * list and keep what the filter selects. Attribute names and URNs compare without regard to case;
 * strings compare without regard to case (RFC 7643's default, `caseExact: false`); a multi-valued
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
    const inExtension = field(resource, urn)
    // A core attribute qualified with the core URN sits at the top level.
    current = inExtension !== undefined ? [inExtension] : [resource]
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

const compare = (operator: Filter.CompareOperator, actual: unknown, expected: Filter.Value): boolean => {
  const a = scalar(actual)
  if (expected === null) return operator === "eq" ? a === null : operator === "ne" ? a !== null : false
  if (typeof expected === "string") {
    if (typeof a !== "string") return false
    const x = a.toLowerCase()
    const y = expected.toLowerCase()
    switch (operator) {
      case "eq":
        return x === y
      case "ne":
        return x !== y
      case "co":
        return x.includes(y)
      case "sw":
        return x.startsWith(y)
      case "ew":
        return x.endsWith(y)
      case "gt":
        return x > y
      case "ge":
        return x >= y
      case "lt":
        return x < y
      case "le":
        return x <= y
    }
  }
  if (typeof expected === "number") {
    if (typeof a !== "number") return false
    switch (operator) {
      case "eq":
        return a === expected
      case "ne":
        return a !== expected
      case "gt":
        return a > expected
      case "ge":
        return a >= expected
      case "lt":
        return a < expected
      case "le":
        return a <= expected
      default:
        return false
    }
  }
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
        return !values.some((v) => compare("eq", v, filter.value))
      }
      if (filter.value === null && filter.operator === "eq") return !values.some(present)
      return values.some((v) => compare(filter.operator, v, filter.value))
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
