/**
 * What a SCIM target supports in filters, and checking a filter against it before sending: the
 * built-in profiles (`asgardeoUsers`, `asgardeoGroups`, `asgardeoRoles`, `rfc7644`) and
 * {@link check}.
 *
 * Everything here is also exported by the `Filter` module (`Filter.check`, `Filter.profiles`,
 * ...), as it was before this module existed.
 *
 * @since 0.2.0
 */
import * as Either from "effect/Either"
import { dual } from "effect/Function"
import type { CompareOperator, Filter } from "./Filter.js"
import { compareOperators, forEachNode, unreachable } from "./internal/filterGrammar.js"
import * as tree from "./internal/filterTree.js"
import type { InvalidFilter } from "./ScimError.js"
import { UnsupportedFilter } from "./ScimError.js"

/**
 * What a target supports in filters.
 *
 * @since 0.1.0
 * @category profiles
 */
export interface Profile {
  readonly name: string
  readonly operators: ReadonlySet<CompareOperator | "pr">
  readonly and: boolean
  readonly or: boolean
  readonly not: boolean
  readonly valuePath: boolean
  /** The most comparisons (`Compare` and `pr`) one filter may hold; unlimited when absent. */
  readonly maxExpressions?: number
  /**
   * The only attributes a filter may name (compared without regard to case, as SCIM attribute
   * names are); any attribute when absent.
   *
   * @since 0.4.0
   */
  readonly attributes?: ReadonlyArray<string>
}

/**
 * The names of the built-in profiles.
 *
 * @since 0.1.0
 * @category profiles
 */
export type ProfileName = "asgardeoUsers" | "asgardeoGroups" | "asgardeoRoles" | "rfc7644"

/**
 * The built-in profiles:
 *
 * - `asgardeoUsers`: `eq ne co sw ew ge le` joined with `and`; no `or`, `not`, `pr`, `gt`, `lt`
 *   or value paths.
 * - `asgardeoGroups`: one expression with `eq co sw ew ge le` (no `ne`, no logical operators).
 * - `asgardeoRoles` (since 0.4.0): Asgardeo's Roles API, `displayName`, `audience.value` and
 *   `audience.type` only, with `eq ne co sw ew` joined with `and`.
 * - `rfc7644`: everything.
 *
 * @since 0.1.0
 * @category profiles
 */
export const profiles: { readonly [K in ProfileName]: Profile } = {
  asgardeoUsers: {
    name: "asgardeoUsers",
    operators: new Set(["eq", "ne", "co", "sw", "ew", "ge", "le"]),
    and: true,
    or: false,
    not: false,
    valuePath: false
  },
  asgardeoGroups: {
    name: "asgardeoGroups",
    operators: new Set(["eq", "co", "sw", "ew", "ge", "le"]),
    and: false,
    or: false,
    not: false,
    valuePath: false,
    maxExpressions: 1
  },
  asgardeoRoles: {
    name: "asgardeoRoles",
    operators: new Set(["eq", "ne", "co", "sw", "ew"]),
    and: true,
    or: false,
    not: false,
    valuePath: false,
    attributes: ["displayName", "audience.value", "audience.type"]
  },
  rfc7644: {
    name: "rfc7644",
    operators: new Set([...compareOperators, "pr"]),
    and: true,
    or: true,
    not: true,
    valuePath: true
  }
}

/**
 * A built-in profile by name.
 *
 * @since 0.1.0
 * @category profiles
 */
export const profileByName = (name: ProfileName): Profile => profiles[name]

const countExpressions = (filter: Filter): number => {
  let n = 0
  forEachNode(filter, (node) => {
    if (node._tag === "Compare" || node._tag === "Present") n++
    return true
  })
  return n
}

const attributeReason = (attribute: string, profile: Profile): string | undefined => {
  const allowed = profile.attributes
  if (allowed === undefined) return undefined
  const lower = attribute.toLowerCase()
  return allowed.some((a) => a.toLowerCase() === lower)
    ? undefined
    : `the attribute ${JSON.stringify(attribute.slice(0, 80))} is not supported by ${profile.name} (supported: ${
      allowed.join(", ")
    })`
}

// Inside a value path an attribute is a sub-attribute of the path's: only the path's is checked.
const unsupportedReason = (node: Filter, profile: Profile, insideValuePath: boolean): string | undefined => {
  const attribute = (name: string) => insideValuePath ? undefined : attributeReason(name, profile)
  const by = `is not supported by ${profile.name}`
  const operator = (op: CompareOperator | "pr") =>
    profile.operators.has(op) ?
      undefined :
      `operator '${op}' ${by} (supported: ${
        [...compareOperators, "pr" as const].filter((o) => profile.operators.has(o)).join(", ") || "none"
      })`
  switch (node._tag) {
    case "Compare":
      return attribute(node.attribute) ?? operator(node.operator)
    case "Present":
      return attribute(node.attribute) ?? operator("pr")
    case "And":
      return profile.and ? undefined : `'and' ${by}`
    case "Or":
      return profile.or ? undefined : `'or' ${by}`
    case "Not":
      return profile.not ? undefined : `'not' ${by}`
    case "ValuePath":
      return profile.valuePath
        ? attribute(node.attribute)
        : `value paths (${node.attribute}[...]) are not supported by ${profile.name}`
    default:
      return unreachable(node)
  }
}

// The first unsupported construct of a decoded filter in reading order, or the number of
// expressions when there are too many.
const checkDecoded = (filter: Filter, profile: Profile): Either.Either<Filter, UnsupportedFilter> => {
  const fail = (reason: string) => Either.left(new UnsupportedFilter({ profile: profile.name, reason }))
  if (profile.maxExpressions !== undefined) {
    const count = countExpressions(filter)
    if (count > profile.maxExpressions) {
      return fail(
        profile.maxExpressions === 1
          ? `only one expression is supported by ${profile.name}, found ${count}`
          : `at most ${profile.maxExpressions} expressions are supported by ${profile.name}, found ${count}`
      )
    }
  }
  let reason: string | undefined
  forEachNode(filter, (node, inside) => {
    reason = unsupportedReason(node, profile, inside)
    return reason === undefined
  })
  return reason === undefined ? Either.right(filter) : fail(reason)
}

/**
 * Checks a filter against a profile, naming the first unsupported construct (in reading order) or
 * the number of expressions when there are too many. The filter is decoded first (see
 * `Filter.decode`): a value that is not a well-formed filter fails with `InvalidFilter`, and the
 * result is the decoded copy.
 *
 * @example
 * ```ts
 * import { Filter, FilterProfile } from "@asgardeo-scim/core"
 *
 * FilterProfile.check(Filter.gt("meta.lastModified", "2024-01-01"), FilterProfile.profiles.asgardeoUsers)
 * // Either.left(UnsupportedFilter: "operator 'gt' is not supported by asgardeoUsers (supported: eq, ne, co, sw, ew, ge, le)")
 * ```
 *
 * @since 0.1.0
 * @category profiles
 */
export const check: {
  (profile: Profile): (filter: Filter) => Either.Either<Filter, InvalidFilter | UnsupportedFilter>
  (filter: Filter, profile: Profile): Either.Either<Filter, InvalidFilter | UnsupportedFilter>
} = dual(
  2,
  (filter: Filter, profile: Profile): Either.Either<Filter, InvalidFilter | UnsupportedFilter> =>
    Either.flatMap(
      tree.decode(filter),
      (decoded): Either.Either<Filter, InvalidFilter | UnsupportedFilter> => checkDecoded(decoded, profile)
    )
)
