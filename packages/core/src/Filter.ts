/**
 * SCIM filters (RFC 7644 §3.4.2.2): a typed AST with its `Schema`, builders, an escaping printer,
 * a parser for raw strings, and (re-exported from {@link FilterProfile}) capability profiles that
 * reject what a target does not support before sending.
 *
 * A filter argument is a string or a `Filter` value, and it is decoded at run time: a plain
 * JavaScript caller can pass anything, and anything that is not a string or a well-formed filter
 * fails with `InvalidFilter` (see {@link decode}) before a request is made. The builders are plain
 * constructors and check nothing, so a filter built from a non-filter (`not(undefined)`,
 * `and(eq, 42)`) is refused by every consumer: {@link decode}, {@link validate}, {@link check} and
 * {@link fromInput} return `InvalidFilter`, {@link print} throws it rather than print half an
 * expression.
 *
 * Attribute paths cannot be escaped in the SCIM grammar, so the builders do not check them either:
 * {@link decode} (and {@link fromInput}, which decodes) does. Values need no such care: {@link print}
 * always JSON-escapes them.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { dual } from "effect/Function"
import type * as Schema from "effect/Schema"
import * as FilterProfile from "./FilterProfile.js"
import { describe, summary } from "./internal/filterDecode.js"
import * as grammar from "./internal/filterGrammar.js"
import * as parser from "./internal/filterParser.js"
import * as tree from "./internal/filterTree.js"
import { InvalidFilter } from "./ScimError.js"
import type { UnsupportedFilter } from "./ScimError.js"

/**
 * Comparison operators.
 *
 * @since 0.1.0
 * @category models
 */
export type CompareOperator = "eq" | "ne" | "co" | "sw" | "ew" | "gt" | "ge" | "lt" | "le"

/**
 * A comparison value: a JSON string, number, boolean or null.
 *
 * @since 0.1.0
 * @category models
 */
export type Value = string | number | boolean | null

/**
 * `attribute op value`. `attribute` is an attribute path: `userName`, `name.givenName`,
 * `emails.value`, or URN-qualified (`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Compare {
  readonly _tag: "Compare"
  readonly attribute: string
  readonly operator: CompareOperator
  readonly value: Value
}

/**
 * `attribute pr`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Present {
  readonly _tag: "Present"
  readonly attribute: string
}

/**
 * `left and right`.
 *
 * @since 0.1.0
 * @category models
 */
export interface And {
  readonly _tag: "And"
  readonly left: Filter
  readonly right: Filter
}

/**
 * `left or right`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Or {
  readonly _tag: "Or"
  readonly left: Filter
  readonly right: Filter
}

/**
 * `not (filter)`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Not {
  readonly _tag: "Not"
  readonly filter: Filter
}

/**
 * `attribute[filter]`, for example `emails[type eq "work" and value co "@example.com"]`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ValuePath {
  readonly _tag: "ValuePath"
  readonly attribute: string
  readonly filter: Filter
}

/**
 * A filter: a tree of comparisons, `pr`, `and`, `or`, `not` and value paths.
 *
 * @since 0.1.0
 * @category models
 */
export type Filter = Compare | Present | And | Or | Not | ValuePath

// -------------------------------------------------------------------------------------------------
// decoding
// -------------------------------------------------------------------------------------------------

/**
 * Decodes any value into a well-formed filter, or says what is wrong with it. Accepted: an object
 * with a known `_tag` and exactly its fields (`Compare`: `attribute`, `operator`, `value`;
 * `Present`: `attribute`; `And` / `Or`: `left`, `right`; `Not`: `filter`; `ValuePath`:
 * `attribute`, `filter`), a comparison operator from {@link compareOperators}, a value that is a
 * string, a finite number, a boolean or null, attribute paths that pass {@link isAttributePath},
 * no value path inside a value path, nesting no deeper than {@link maxDepth} (so that the printed
 * filter parses back), at most {@link maxNodes} nodes.
 *
 * The input is not trusted: only own data properties are read (a getter is refused, never called;
 * prototypes are not consulted), extra and symbol-keyed properties are refused, a cycle fails, a
 * proxy that throws fails, and the result is a new, deep-frozen tree that shares nothing with the
 * input. A filter that `decode` gave back is recognised and given back as it is, unwalked.
 *
 * Fails with an `InvalidFilter` whose `reason` names the place (`right.value: NaN is not a JSON
 * number`, `filter: expected a filter, got undefined`) with `position` 0, or, for an attribute
 * path, a nested value path or too deep a nesting, the printed filter and the position in it.
 *
 * @example
 * ```ts
 * import { Filter } from "@asgardeo-scim/core"
 *
 * Filter.decode(Filter.eq("userName", "kim")) // Either.right(Filter.eq("userName", "kim"))
 * Filter.decode(42) // Either.left(InvalidFilter: "a filter must be a Filter value (an object with a _tag), got the number 42")
 * Filter.decode(Filter.and(Filter.eq("userName", "kim"), 42 as any)) // Either.left(InvalidFilter: "right: expected a filter, got the number 42")
 * ```
 *
 * @since 0.2.0
 * @category decoding
 */
export const decode = (input: unknown): Either.Either<Filter, InvalidFilter> => tree.decode(input)

/**
 * The `Schema` of a filter: decoding (and encoding) accepts exactly what {@link decode} accepts
 * and gives the decoded copy, for filters inside other schemas. It is a declaration around the
 * iterative decoder rather than a `Schema.suspend` union of structs: a recursive schema would
 * call getters, and its recursion would overflow the stack on a parsed `a and b and ...` chain of
 * a few thousand terms, which the parser accepts.
 *
 * @example
 * ```ts
 * import { Filter } from "@asgardeo-scim/core"
 * import { Schema } from "effect"
 *
 * const Search = Schema.Struct({ name: Schema.String, filter: Filter.Filter })
 * Schema.decodeUnknownEither(Search)({ name: "kims", filter: Filter.sw("userName", "kim") }) // Right
 * Schema.decodeUnknownEither(Search)({ name: "all", filter: {} }) // Left: _tag: missing
 * ```
 *
 * @since 0.2.0
 * @category decoding
 */
export const Filter: Schema.Schema<Filter> = tree.schema

// -------------------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------------------

/**
 * The comparison operators, in the order RFC 7644 lists them.
 *
 * @since 0.1.0
 * @category models
 */
export const compareOperators: ReadonlyArray<CompareOperator> = grammar.compareOperators

/**
 * Whether a value is a comparison operator (lower-case, as in the AST).
 *
 * @since 0.1.0
 * @category guards
 */
export const isCompareOperator: (u: unknown) => u is CompareOperator = grammar.isCompareOperator

/**
 * `attribute operator value`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const compare = (attribute: string, operator: CompareOperator, value: Value): Compare => ({
  _tag: "Compare",
  attribute,
  operator,
  value
})

/**
 * `attribute eq value`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const eq = (attribute: string, value: Value): Compare => compare(attribute, "eq", value)

/**
 * `attribute ne value`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const ne = (attribute: string, value: Value): Compare => compare(attribute, "ne", value)

/**
 * `attribute co value` (contains).
 *
 * @since 0.1.0
 * @category constructors
 */
export const co = (attribute: string, value: Value): Compare => compare(attribute, "co", value)

/**
 * `attribute sw value` (starts with).
 *
 * @since 0.1.0
 * @category constructors
 */
export const sw = (attribute: string, value: Value): Compare => compare(attribute, "sw", value)

/**
 * `attribute ew value` (ends with).
 *
 * @since 0.1.0
 * @category constructors
 */
export const ew = (attribute: string, value: Value): Compare => compare(attribute, "ew", value)

/**
 * `attribute gt value`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const gt = (attribute: string, value: Value): Compare => compare(attribute, "gt", value)

/**
 * `attribute ge value`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const ge = (attribute: string, value: Value): Compare => compare(attribute, "ge", value)

/**
 * `attribute lt value`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const lt = (attribute: string, value: Value): Compare => compare(attribute, "lt", value)

/**
 * `attribute le value`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const le = (attribute: string, value: Value): Compare => compare(attribute, "le", value)

/**
 * `attribute pr` (the attribute has a non-empty value).
 *
 * @since 0.1.0
 * @category constructors
 */
export const pr = (attribute: string): Present => ({ _tag: "Present", attribute })

/**
 * Alias of {@link pr}.
 *
 * @since 0.1.0
 * @category constructors
 */
export const present: (attribute: string) => Present = pr

const foldLeft = <A extends And | Or>(
  tag: A["_tag"],
  first: Filter,
  second: Filter,
  rest: ReadonlyArray<Filter>
): A => {
  let acc = { _tag: tag, left: first, right: second } as A
  for (const filter of rest) acc = { _tag: tag, left: acc, right: filter } as A
  return acc
}

/**
 * `a and b and ...`: two or more filters, folded left into binary nodes (`and(a, b, c)` is
 * `And(And(a, b), c)`, which is how the parser reads `a and b and c`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const and = (first: Filter, second: Filter, ...rest: ReadonlyArray<Filter>): And =>
  foldLeft<And>("And", first, second, rest)

/**
 * `a or b or ...`: two or more filters, folded left into binary nodes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const or = (first: Filter, second: Filter, ...rest: ReadonlyArray<Filter>): Or =>
  foldLeft<Or>("Or", first, second, rest)

/**
 * `not (filter)`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const not = (filter: Filter): Not => ({ _tag: "Not", filter })

/**
 * `attribute[filter]`, for example `valuePath("emails", and(eq("type", "work"), pr("value")))`.
 * Attribute paths inside `filter` are relative to `attribute`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const valuePath = (attribute: string, filter: Filter): ValuePath => ({ _tag: "ValuePath", attribute, filter })

/**
 * The Python client's `build_filter(attribute, operator, value)`: the operator is a string,
 * checked here (case-insensitively; `pr` takes no value). The result is decoded (see
 * {@link decode}): an attribute that is not an attribute path, or anything that is not a string
 * where one is expected, fails too, so the result can be printed safely.
 *
 * @example
 * ```ts
 * import { Filter } from "@asgardeo-scim/core"
 *
 * Filter.build("userName", "eq", "john@example.com") // Either.right(Filter.eq("userName", "john@example.com"))
 * Filter.build("userName", "like", "john") // Either.left(InvalidFilter)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const build = (attribute: string, operator: string, value?: Value): Either.Either<Filter, InvalidFilter> => {
  if (typeof operator !== "string") {
    return refuse(summary(operator), `operator: expected a string, got ${describe(operator)}`)
  }
  const op = operator.toLowerCase()
  if (op === "pr") return value === undefined ? decode(pr(attribute)) : refuse(operator, "operator 'pr' takes no value")
  if (!isCompareOperator(op)) {
    return refuse(
      operator,
      `unknown operator ${JSON.stringify(operator)} (expected one of ${compareOperators.join(", ")} or pr)`
    )
  }
  if (value === undefined) return refuse(operator, `operator '${op}' needs a value`)
  return decode(compare(attribute, op, value))
}

const invalid = (filter: string, reason: string) => new InvalidFilter({ filter, position: 0, reason })
const refuse = (filter: string, reason: string) => Either.left(invalid(filter, reason))

/**
 * The Python client's `combine_filters(filters, operator)`: joins one or more filters with `and`
 * (the default) or `or` (in any case), folding left. A single filter is returned as is. Like
 * {@link and} and {@link or} it does not look inside the filters: a non-filter among them is
 * refused where the result is used. An operator other than `and` or `or` throws an
 * `InvalidFilter` (it would otherwise be read as one of them, and `or` widens a match).
 *
 * @since 0.1.0
 * @category combinators
 */
export const combine = (
  filters: readonly [Filter, ...ReadonlyArray<Filter>],
  operator: "and" | "or" = "and"
): Filter => {
  const op: unknown = typeof operator === "string" ? operator.toLowerCase() : operator
  if (op !== "and" && op !== "or") {
    const name = typeof operator === "string" ? JSON.stringify(operator) : describe(operator)
    throw invalid(summary(operator), `unknown operator ${name} (expected and or or)`)
  }
  if (!Array.isArray(filters) || filters.length === 0) {
    throw invalid(summary(filters), "combine takes a non-empty array of filters")
  }
  const [first, second, ...rest] = filters
  if (second === undefined) return first
  return op === "and" ? and(first, second, ...rest) : or(first, second, ...rest)
}

// -------------------------------------------------------------------------------------------------
// attribute paths, printing, validation
// -------------------------------------------------------------------------------------------------

/**
 * Whether a value is a valid attribute path (RFC 7644 `attrPath`): `userName`, `name.givenName`,
 * `members.$ref`, or URN-qualified (`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber`,
 * the attribute after the last colon). Spaces, quotes, brackets and parentheses are never valid.
 *
 * @since 0.1.0
 * @category guards
 */
export const isAttributePath = (path: unknown): boolean =>
  typeof path === "string" && grammar.attributeProblem(path) === undefined

/**
 * Prints a filter in SCIM syntax. Values are JSON (strings are JSON-escaped, so a value can never
 * end the string early or inject an operator); operators are lower-case; `or` inside `and` and
 * the operand of `not` are parenthesised. `parse(print(f))` gives back `f` for every filter
 * {@link decode} accepts.
 *
 * The shape is checked first: a value that is not a filter (`and(eq, 42)` from plain JavaScript)
 * throws its `InvalidFilter` instead of printing half an expression. Attribute paths are printed
 * as given: they cannot be escaped, so a filter whose attribute names come from untrusted input
 * must be decoded (with {@link decode}, {@link validate} or {@link fromInput}) before it is sent;
 * the library's own requests only ever print decoded filters.
 *
 * @example
 * ```ts
 * import { Filter } from "@asgardeo-scim/core"
 *
 * Filter.print(Filter.and(Filter.eq("userName", "o\"hara"), Filter.or(Filter.pr("title"), Filter.not(Filter.eq("active", false)))))
 * // 'userName eq "o\\"hara" and (title pr or not (active eq false))'
 * ```
 *
 * @since 0.1.0
 * @category printing
 */
export const print = (filter: Filter): string => tree.print(filter)

/**
 * {@link decode} for a value typed as a filter (built with the builders from partly untrusted
 * input): checks it prints to a string that parses back to the same filter (every attribute path
 * matches the grammar, every number is finite, no nested value paths, nesting within
 * {@link maxDepth}) and gives the decoded copy. For an attribute path, the error's `filter` is the
 * printed filter and `position` points into it.
 *
 * @since 0.1.0
 * @category validation
 */
export const validate = (filter: Filter): Either.Either<Filter, InvalidFilter> => tree.decode(filter)

/**
 * The most nodes (comparisons, `pr`, `and`, `or`, `not`, value paths) a filter value may have; a
 * node reachable twice counts twice, so a value that shares subtrees cannot make printing
 * exponential.
 *
 * @since 0.2.0
 * @category validation
 */
export const maxNodes: number = grammar.maxNodes

// -------------------------------------------------------------------------------------------------
// parsing
// -------------------------------------------------------------------------------------------------

/**
 * How deep parentheses, `not` and value paths may nest in a parsed filter (and in a filter value,
 * as printed).
 *
 * @since 0.1.0
 * @category parsing
 */
export const maxDepth: number = grammar.maxDepth

/**
 * Options of {@link parse}.
 *
 * @since 0.1.0
 * @category parsing
 */
export interface ParseOptions {
  /**
   * Accept unquoted and single-quoted string values, as Asgardeo does (`userName sw ki and
   * name.familyName co err`, `displayName eq 'HR'`). An unquoted word that reads as a number,
   * `true`, `false` or `null` is that value. Off by default: the RFC wants JSON values.
   */
  readonly bareValues?: boolean | undefined
}

/**
 * Parses a filter string (RFC 7644 §3.4.2.2): attribute paths (with sub-attributes and schema
 * URN prefixes), the comparison operators and `pr` (any case), `and` (binding tighter than `or`),
 * `not (...)`, parentheses, value paths (`emails[type eq "work"]`, not nested), and JSON values
 * (strings with every JSON escape, numbers, `true`, `false`, `null`). Nesting is bounded by
 * {@link maxDepth}.
 *
 * Fails with an `InvalidFilter` carrying the input, the 0-based position of the problem and the
 * reason.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (input: string, options?: ParseOptions): Either.Either<Filter, InvalidFilter> =>
  parser.parse(input, options)

/**
 * {@link parse} as an Effect.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseEffect = (input: string, options?: ParseOptions): Effect.Effect<Filter, InvalidFilter> =>
  Effect.suspend(() => parse(input, options))

// -------------------------------------------------------------------------------------------------
// profiles: defined in FilterProfile, re-exported here as they were before that module existed
// -------------------------------------------------------------------------------------------------

export {
  /**
   * `FilterProfile.check`, re-exported: checks a filter against a profile. It decodes the filter
   * first: `InvalidFilter` for what is not a well-formed filter, `UnsupportedFilter` naming the
   * first construct the profile does not support.
   *
   * @since 0.1.0
   * @category profiles
   */
  check,
  /**
   * `FilterProfile.profileByName`, re-exported: a built-in profile by name.
   *
   * @since 0.1.0
   * @category profiles
   */
  profileByName,
  /**
   * `FilterProfile.profiles`, re-exported: the built-in profiles (`asgardeoUsers`,
   * `asgardeoGroups`, `asgardeoRoles`, `rfc7644`).
   *
   * @since 0.1.0
   * @category profiles
   */
  profiles
} from "./FilterProfile.js"

export type {
  /**
   * `FilterProfile.Profile`, re-exported: what a target supports in filters.
   *
   * @since 0.1.0
   * @category profiles
   */
  Profile,
  /**
   * `FilterProfile.ProfileName`, re-exported: the names of the built-in profiles.
   *
   * @since 0.1.0
   * @category profiles
   */
  ProfileName
} from "./FilterProfile.js"

/**
 * Turns what a caller passed as a filter into a filter ready to send: a string is parsed; anything
 * else is decoded (see {@link decode}); then the filter is checked against the profile. What is
 * neither a string nor a well-formed filter (a number, `null`, an array, `{}`, `not(undefined)`,
 * `and(eq, 42)` from plain JavaScript) fails with `InvalidFilter`. The result is a new tree.
 *
 * @since 0.1.0
 * @category parsing
 */
export const fromInput = (
  input: unknown,
  profile: FilterProfile.Profile,
  options?: ParseOptions
): Effect.Effect<Filter, InvalidFilter | UnsupportedFilter> =>
  Effect.suspend(() =>
    Either.flatMap(
      typeof input === "string" ? parse(input, options) : tree.decode(input, tree.expectInput),
      (filter): Either.Either<Filter, InvalidFilter | UnsupportedFilter> => FilterProfile.check(filter, profile)
    )
  )

// -------------------------------------------------------------------------------------------------
// utilities
// -------------------------------------------------------------------------------------------------

/**
 * Whether the filter must be sent with POST `.search` (a JSON body) rather than in the query
 * string: true when any string value contains `+` or `%`. Asgardeo's filter parser turns `+` into
 * a space and URL-decodes each word again, so such values do not survive a GET.
 *
 * @since 0.1.0
 * @category utils
 */
export const needsSearch = (filter: Filter): boolean => tree.needsSearch(filter)

/**
 * Structural equality of two filters (values compared with `Object.is`); false when either is not
 * a well-formed filter.
 *
 * @since 0.1.0
 * @category utils
 */
export const equals: {
  (that: Filter): (self: Filter) => boolean
  (self: Filter, that: Filter): boolean
} = dual(2, tree.equals)
