/**
 * SCIM filters (RFC 7644 §3.4.2.2): a typed AST, builders, an escaping printer, a parser for raw
 * strings, and capability profiles that reject what a target does not support before sending.
 *
 * Attribute paths cannot be escaped in the SCIM grammar, so the builders do not check them: a
 * filter built from untrusted attribute names must go through {@link validate} (or
 * {@link fromInput}, which validates) before it is printed and sent. Values need no such care:
 * {@link print} always JSON-escapes them.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { dual } from "effect/Function"
import { InvalidFilter, UnsupportedFilter } from "./ScimError.js"

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
 * @since 0.1.0
 * @category models
 */
export type Filter = Compare | Present | And | Or | Not | ValuePath

// -------------------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------------------

/**
 * The comparison operators, in the order RFC 7644 lists them.
 *
 * @since 0.1.0
 * @category models
 */
export const compareOperators: ReadonlyArray<CompareOperator> = ["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"]

/**
 * Whether a string is a comparison operator (lower-case, as in the AST).
 *
 * @since 0.1.0
 * @category guards
 */
export const isCompareOperator = (u: string): u is CompareOperator =>
  (compareOperators as ReadonlyArray<string>).includes(u)

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
 * checked here (case-insensitively; `pr` takes no value). The attribute path and the value are
 * validated too, so the result can be printed safely.
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
  const op = operator.toLowerCase()
  if (op === "pr") {
    if (value !== undefined) {
      return Either.left(new InvalidFilter({ filter: operator, position: 0, reason: "operator 'pr' takes no value" }))
    }
    return validate(pr(attribute))
  }
  if (!isCompareOperator(op)) {
    return Either.left(
      new InvalidFilter({
        filter: operator,
        position: 0,
        reason: `unknown operator ${JSON.stringify(operator)} (expected one of ${compareOperators.join(", ")} or pr)`
      })
    )
  }
  if (value === undefined) {
    return Either.left(new InvalidFilter({ filter: operator, position: 0, reason: `operator '${op}' needs a value` }))
  }
  return validate(compare(attribute, op, value))
}

/**
 * The Python client's `combine_filters(filters, operator)`: joins one or more filters with `and`
 * (the default) or `or`, folding left. A single filter is returned as is.
 *
 * @since 0.1.0
 * @category combinators
 */
export const combine = (
  filters: readonly [Filter, ...ReadonlyArray<Filter>],
  operator: "and" | "or" = "and"
): Filter => {
  const [first, second, ...rest] = filters
  if (second === undefined) return first
  return operator === "and" ? and(first, second, ...rest) : or(first, second, ...rest)
}

// -------------------------------------------------------------------------------------------------
// attribute paths
// -------------------------------------------------------------------------------------------------

// A-Z a-z 0-9 $ _ : . -
const isNameChar = (code: number): boolean =>
  (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) ||
  code === 36 || code === 95 || code === 58 || code === 46 || code === 45

const attributeName = /^[A-Za-z$][A-Za-z0-9$_-]*$/
const schemaUri = /^[A-Za-z][A-Za-z0-9.-]*:(?:[A-Za-z0-9._-]+:)*[A-Za-z0-9._-]+$/

interface Problem {
  readonly position: number
  readonly reason: string
}

const attributeProblem = (path: string): Problem | undefined => {
  if (path.length === 0) return { position: 0, reason: "the attribute path is empty" }
  for (let k = 0; k < path.length; k++) {
    if (!isNameChar(path.charCodeAt(k))) {
      return { position: k, reason: `character ${JSON.stringify(path[k])} is not allowed in an attribute path` }
    }
  }
  const colon = path.lastIndexOf(":")
  const offset = colon + 1
  if (colon !== -1 && !schemaUri.test(path.slice(0, colon))) {
    return { position: 0, reason: `'${path.slice(0, colon)}' is not a schema URI in attribute path '${path}'` }
  }
  const names = path.slice(offset).split(".")
  if (names.length > 2) {
    return {
      position: offset + (names[0]?.length ?? 0) + 1 + (names[1]?.length ?? 0),
      reason: `attribute path '${path}' has more than one sub-attribute`
    }
  }
  let position = offset
  for (const name of names) {
    if (!attributeName.test(name)) {
      return {
        position,
        reason: name === ""
          ? `attribute path '${path}' has an empty attribute name`
          : `attribute name '${name}' in '${path}' must start with a letter`
      }
    }
    position += name.length + 1
  }
  return undefined
}

/**
 * Whether a string is a valid attribute path (RFC 7644 `attrPath`): `userName`, `name.givenName`,
 * `members.$ref`, or URN-qualified (`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber`,
 * the attribute after the last colon). Spaces, quotes, brackets and parentheses are never valid.
 *
 * @since 0.1.0
 * @category guards
 */
export const isAttributePath = (path: string): boolean => attributeProblem(path) === undefined

// -------------------------------------------------------------------------------------------------
// traversal (iterative: filters parsed from long `a and b and ...` chains are deep on the left)
// -------------------------------------------------------------------------------------------------

const forEachNode = (filter: Filter, f: (node: Filter, insideValuePath: boolean) => boolean): void => {
  const stack: Array<readonly [Filter, boolean]> = [[filter, false]]
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [node, inside] = item
    if (!f(node, inside)) return
    switch (node._tag) {
      case "And":
      case "Or":
        stack.push([node.right, inside], [node.left, inside])
        break
      case "Not":
        stack.push([node.filter, inside])
        break
      case "ValuePath":
        stack.push([node.filter, true])
        break
    }
  }
}

// -------------------------------------------------------------------------------------------------
// printing
// -------------------------------------------------------------------------------------------------

const printValue = (value: Value): string =>
  typeof value === "number" && Object.is(value, -0) ? "-0" : JSON.stringify(value)

type PrintItem = string | readonly [Filter, boolean]

const render = (
  filter: Filter,
  inspect?: (node: Filter, offset: number, insideValuePath: boolean) => Problem | undefined
): { readonly text: string; readonly problem: Problem | undefined } => {
  let out = ""
  let problem: Problem | undefined
  const stack: Array<PrintItem> = [[filter, false]]
  const pushGroup = (node: Filter, parens: boolean, inside: boolean) => {
    if (parens) stack.push(")", [node, inside], "(")
    else stack.push([node, inside])
  }
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (typeof item === "string") {
      out += item
      continue
    }
    const [node, inside] = item
    if (inspect !== undefined && problem === undefined) {
      const found = inspect(node, out.length, inside)
      if (found !== undefined) problem = { position: out.length + found.position, reason: found.reason }
    }
    switch (node._tag) {
      case "Compare":
        out += `${node.attribute} ${node.operator} ${printValue(node.value)}`
        break
      case "Present":
        out += `${node.attribute} pr`
        break
      case "And":
        // Pushed in reverse. `or` binds looser than `and`; a right-nested `and` keeps its parentheses
        // so that parsing gives back the same tree.
        pushGroup(node.right, node.right._tag === "Or" || node.right._tag === "And", inside)
        stack.push(" and ")
        pushGroup(node.left, node.left._tag === "Or", inside)
        break
      case "Or":
        pushGroup(node.right, node.right._tag === "Or", inside)
        stack.push(" or ")
        pushGroup(node.left, false, inside)
        break
      case "Not":
        stack.push(")", [node.filter, inside], "not (")
        break
      case "ValuePath":
        stack.push("]", [node.filter, true], `${node.attribute}[`)
        break
    }
  }
  return { text: out, problem }
}

/**
 * Prints a filter in SCIM syntax. Values are JSON (strings are JSON-escaped, so a value can never
 * end the string early or inject an operator); operators are lower-case; `or` inside `and` and
 * the operand of `not` are parenthesised. `parse(print(f))` gives back `f`.
 *
 * Attribute paths are printed as given: they cannot be escaped. Filters whose attribute names
 * come from untrusted input must be checked with {@link validate} (or {@link fromInput}) first.
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
export const print = (filter: Filter): string => render(filter).text

// -------------------------------------------------------------------------------------------------
// validation
// -------------------------------------------------------------------------------------------------

const valueProblem = (value: unknown): string | undefined => {
  switch (typeof value) {
    case "string":
    case "boolean":
      return undefined
    case "number":
      return Number.isFinite(value) ? undefined : `${value} is not a JSON number`
    default:
      return value === null ? undefined : `a value must be a string, number, boolean or null, not ${typeof value}`
  }
}

const nodeProblem = (node: Filter, insideValuePath: boolean): Problem | undefined => {
  switch (node._tag) {
    case "Compare": {
      const attribute = attributeProblem(node.attribute)
      if (attribute !== undefined) return attribute
      if (!isCompareOperator(node.operator)) {
        return { position: node.attribute.length + 1, reason: `unknown operator ${JSON.stringify(node.operator)}` }
      }
      const value = valueProblem(node.value)
      return value === undefined
        ? undefined
        : { position: node.attribute.length + node.operator.length + 2, reason: value }
    }
    case "Present":
      return attributeProblem(node.attribute)
    case "ValuePath":
      return insideValuePath
        ? { position: 0, reason: "value paths cannot be nested" }
        : attributeProblem(node.attribute)
    default:
      return undefined
  }
}

/**
 * Checks that a filter (typically built with the builders from partly untrusted input) prints to a
 * string that parses back to the same filter: every attribute path matches the grammar (no
 * spaces, quotes, brackets: nothing that could inject syntax), every number is finite and value
 * paths are not nested. The error's `filter` is the printed filter and `position` points into it.
 *
 * @since 0.1.0
 * @category validation
 */
export const validate = (filter: Filter): Either.Either<Filter, InvalidFilter> => {
  const { problem, text } = render(filter, (node, _offset, inside) => nodeProblem(node, inside))
  return problem === undefined
    ? Either.right(filter)
    : Either.left(new InvalidFilter({ filter: text, position: problem.position, reason: problem.reason }))
}

// -------------------------------------------------------------------------------------------------
// parsing
// -------------------------------------------------------------------------------------------------

/**
 * How deep parentheses, `not` and value paths may nest in a parsed filter.
 *
 * @since 0.1.0
 * @category parsing
 */
export const maxDepth = 64

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

class Failure {
  constructor(readonly position: number, readonly reason: string) {}
}

const isSpace = (c: string | undefined): boolean => c === " " || c === "\t" || c === "\n" || c === "\r"
const isDelimiter = (c: string | undefined): boolean => c === undefined || isSpace(c) || c === ")" || c === "]"
const jsonNumber = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/
const hex4 = /^[0-9A-Fa-f]{4}$/
const operatorList = `${compareOperators.join(", ")}`

const simpleEscapes: Readonly<Record<string, string>> = {
  "\"": "\"",
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t"
}

class Parser {
  i = 0
  constructor(readonly input: string, readonly bareValues: boolean) {}

  fail(position: number, reason: string): never {
    throw new Failure(position, reason)
  }

  skipSpaces(): void {
    while (isSpace(this.input[this.i])) this.i++
  }

  wordAt(at: number): string {
    let end = at
    while (end < this.input.length && isNameChar(this.input.charCodeAt(end))) end++
    return this.input.slice(at, end)
  }

  describe(at: number): string {
    if (at >= this.input.length) return "the end of the filter"
    const word = this.wordAt(at)
    if (word.length > 0) return `'${word}'`
    const c = this.input[at] ?? ""
    return c >= " " ? `'${c}'` : JSON.stringify(c)
  }

  parseFilter(): Filter {
    this.skipSpaces()
    if (this.i >= this.input.length) this.fail(this.i, "the filter is empty")
    const filter = this.parseOr(0, false, "")
    this.skipSpaces()
    if (this.i < this.input.length) {
      const c = this.input[this.i]
      if (c === ")") this.fail(this.i, `unbalanced parenthesis: ')' at position ${this.i} has no matching '('`)
      if (c === "]") this.fail(this.i, `unbalanced bracket: ']' at position ${this.i} has no matching '['`)
      this.fail(this.i, `expected 'and', 'or' or the end of the filter, found ${this.describe(this.i)}`)
    }
    return filter
  }

  // Consumes `keyword` (case-insensitively) after optional spaces when it is there as a whole word.
  logical(keyword: "and" | "or"): boolean {
    const save = this.i
    this.skipSpaces()
    const word = this.wordAt(this.i)
    if (word.toLowerCase() !== keyword) {
      this.i = save
      return false
    }
    this.i += word.length
    const next = this.input[this.i]
    if (next !== undefined && !isSpace(next) && next !== "(") {
      this.fail(this.i, `expected a space or '(' after '${word}', found ${this.describe(this.i)}`)
    }
    return true
  }

  parseOr(depth: number, inValuePath: boolean, context: string): Filter {
    let left = this.parseAnd(depth, inValuePath, context)
    while (this.logical("or")) left = { _tag: "Or", left, right: this.parseAnd(depth, inValuePath, " after 'or'") }
    return left
  }

  parseAnd(depth: number, inValuePath: boolean, context: string): Filter {
    let left = this.parseUnary(depth, inValuePath, context)
    while (this.logical("and")) {
      left = { _tag: "And", left, right: this.parseUnary(depth, inValuePath, " after 'and'") }
    }
    return left
  }

  nest(depth: number, at: number): number {
    if (depth >= maxDepth) {
      this.fail(at, `the filter nests parentheses, 'not' and value paths more than ${maxDepth} levels deep`)
    }
    return depth + 1
  }

  close(open: number, closer: ")" | "]"): void {
    this.skipSpaces()
    if (this.input[this.i] === closer) {
      this.i++
      return
    }
    const [what, opener] = closer === ")" ? ["parenthesis", "("] : ["bracket", "["]
    if (this.i >= this.input.length) {
      this.fail(open, `unbalanced ${what}: '${opener}' at position ${open} is never closed`)
    }
    this.fail(
      this.i,
      `expected 'and', 'or' or '${closer}' to close the '${opener}' at position ${open}, found ${this.describe(this.i)}`
    )
  }

  parseUnary(depth: number, inValuePath: boolean, context: string): Filter {
    this.skipSpaces()
    const start = this.i
    if (this.input[start] === "(") {
      const inner = this.nest(depth, start)
      this.i++
      const filter = this.parseOr(inner, inValuePath, " after '('")
      this.close(start, ")")
      return filter
    }
    const word = this.wordAt(start)
    if (word.length === 0) {
      this.fail(start, `expected an attribute path, 'not' or '('${context}, found ${this.describe(start)}`)
    }
    if (word.toLowerCase() === "not") {
      let j = start + word.length
      while (isSpace(this.input[j])) j++
      if (this.input[j] === "(") {
        const inner = this.nest(depth, start)
        this.i = j + 1
        const filter = this.parseOr(inner, inValuePath, " after 'not ('")
        this.close(j, ")")
        return { _tag: "Not", filter }
      }
    }
    const problem = attributeProblem(word)
    if (problem !== undefined) this.fail(start + problem.position, problem.reason)
    this.i = start + word.length
    if (this.input[this.i] === "[") {
      const open = this.i
      if (inValuePath) this.fail(open, "value paths cannot be nested")
      const inner = this.nest(depth, open)
      this.i++
      const filter = this.parseOr(inner, true, ` after '${word}['`)
      this.close(open, "]")
      return { _tag: "ValuePath", attribute: word, filter }
    }
    return this.parseComparison(word)
  }

  parseComparison(attribute: string): Filter {
    const expected = () =>
      attribute.toLowerCase() === "not"
        ? "expected '(' after 'not'"
        : `expected a comparison operator (${operatorList}) or 'pr' after '${attribute}'`
    if (!isSpace(this.input[this.i])) {
      this.fail(this.i, this.i >= this.input.length ? expected() : `${expected()}, found ${this.describe(this.i)}`)
    }
    this.skipSpaces()
    const at = this.i
    const word = this.wordAt(at)
    const operator = word.toLowerCase()
    if (operator === "pr") {
      this.i = at + word.length
      if (!isDelimiter(this.input[this.i])) {
        this.fail(this.i, `expected a space, ')', ']' or the end after '${word}', found ${this.describe(this.i)}`)
      }
      return { _tag: "Present", attribute }
    }
    if (!isCompareOperator(operator)) {
      this.fail(at, at >= this.input.length ? expected() : `${expected()}, found ${this.describe(at)}`)
    }
    this.i = at + word.length
    if (this.i >= this.input.length) this.fail(this.i, `expected a value after '${word}'`)
    if (!isSpace(this.input[this.i])) {
      this.fail(this.i, `expected a space between '${word}' and its value, found ${this.describe(this.i)}`)
    }
    this.skipSpaces()
    if (this.i >= this.input.length) this.fail(this.i, `expected a value after '${word}'`)
    const valueStart = this.i
    const value = this.parseValue(word)
    if (!isDelimiter(this.input[this.i])) {
      this.fail(
        this.i,
        `expected a space, ')', ']' or the end after the value at position ${valueStart}, found ${
          this.describe(this.i)
        }`
      )
    }
    return { _tag: "Compare", attribute, operator, value }
  }

  parseValue(operator: string): Value {
    const at = this.i
    const c = this.input[at]
    if (c === "\"") return this.parseString()
    if (c === "'") {
      if (!this.bareValues) {
        this.fail(at, "single-quoted strings are not allowed: use double quotes (or the bareValues option)")
      }
      const end = this.input.indexOf("'", at + 1)
      if (end === -1) this.fail(at, `unterminated string starting at position ${at}`)
      this.i = end + 1
      return this.input.slice(at + 1, end)
    }
    let end = at
    while (
      end < this.input.length && !isDelimiter(this.input[end]) && this.input[end] !== "(" && this.input[end] !== "["
    ) {
      end++
    }
    const token = this.input.slice(at, end)
    if (token.length === 0) this.fail(at, `expected a value after '${operator}', found ${this.describe(at)}`)
    const literal = token.toLowerCase()
    const looksNumeric = c === "-" || (c !== undefined && c >= "0" && c <= "9")
    if (literal === "true" || literal === "false" || literal === "null") {
      this.i = end
      return literal === "null" ? null : literal === "true"
    }
    if (jsonNumber.test(token)) {
      const n = Number(token)
      if (!Number.isFinite(n)) this.fail(at, `number '${token}' is out of range`)
      this.i = end
      return n
    }
    if (this.bareValues) {
      this.i = end
      return token
    }
    if (looksNumeric) this.fail(at, `invalid number '${token}'`)
    return this.fail(
      at,
      `expected a value (a double-quoted string, a number, true, false or null) after '${operator}', found '${token}'; ` +
        `quote string values: ${JSON.stringify(token)}`
    )
  }

  parseString(): string {
    const input = this.input
    const start = this.i
    let out = ""
    let chunk = start + 1
    let k = chunk
    for (;;) {
      const c = input[k]
      if (c === undefined) this.fail(start, `unterminated string starting at position ${start}`)
      if (c === "\"") {
        this.i = k + 1
        return out + input.slice(chunk, k)
      }
      if (c === "\\") {
        out += input.slice(chunk, k)
        const e = input[k + 1]
        const simple = e === undefined ? undefined : simpleEscapes[e]
        if (simple !== undefined) {
          out += simple
          k += 2
        } else if (e === "u") {
          const digits = input.slice(k + 2, k + 6)
          if (!hex4.test(digits)) {
            this.fail(k, `invalid unicode escape '\\u${digits}' in string: expected 4 hex digits`)
          }
          out += String.fromCharCode(parseInt(digits, 16))
          k += 6
        } else if (e === undefined) {
          this.fail(start, `unterminated string starting at position ${start}`)
        } else {
          this.fail(k, `invalid escape '\\${e}' in string`)
        }
        chunk = k
      } else {
        k++
      }
    }
  }
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
export const parse = (input: string, options?: ParseOptions): Either.Either<Filter, InvalidFilter> => {
  try {
    return Either.right(new Parser(input, options?.bareValues === true).parseFilter())
  } catch (e) {
    if (e instanceof Failure) {
      return Either.left(new InvalidFilter({ filter: input, position: e.position, reason: e.reason }))
    }
    throw e
  }
}

/**
 * {@link parse} as an Effect.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseEffect = (input: string, options?: ParseOptions): Effect.Effect<Filter, InvalidFilter> =>
  Effect.suspend(() => parse(input, options))

// -------------------------------------------------------------------------------------------------
// profiles
// -------------------------------------------------------------------------------------------------

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
}

/**
 * The names of the built-in profiles.
 *
 * @since 0.1.0
 * @category profiles
 */
export type ProfileName = "asgardeoUsers" | "asgardeoGroups" | "rfc7644"

/**
 * The built-in profiles:
 *
 * - `asgardeoUsers`: `eq ne co sw ew ge le` joined with `and`; no `or`, `not`, `pr`, `gt`, `lt`
 *   or value paths.
 * - `asgardeoGroups`: one expression with `eq co sw ew ge le` (no `ne`, no logical operators).
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

const unsupportedReason = (node: Filter, profile: Profile): string | undefined => {
  const by = `is not supported by ${profile.name}`
  const operator = (op: CompareOperator | "pr") =>
    profile.operators.has(op) ?
      undefined :
      `operator '${op}' ${by} (supported: ${
        [...compareOperators, "pr" as const].filter((o) => profile.operators.has(o)).join(", ") || "none"
      })`
  switch (node._tag) {
    case "Compare":
      return operator(node.operator)
    case "Present":
      return operator("pr")
    case "And":
      return profile.and ? undefined : `'and' ${by}`
    case "Or":
      return profile.or ? undefined : `'or' ${by}`
    case "Not":
      return profile.not ? undefined : `'not' ${by}`
    case "ValuePath":
      return profile.valuePath ? undefined : `value paths (${node.attribute}[...]) are not supported by ${profile.name}`
  }
}

/**
 * Checks a filter against a profile, naming the first unsupported construct (in reading order) or
 * the number of expressions when there are too many.
 *
 * @example
 * ```ts
 * import { Filter } from "@asgardeo-scim/core"
 *
 * Filter.check(Filter.gt("meta.lastModified", "2024-01-01"), Filter.profiles.asgardeoUsers)
 * // Either.left(UnsupportedFilter: "operator 'gt' is not supported by asgardeoUsers (supported: eq, ne, co, sw, ew, ge, le)")
 * ```
 *
 * @since 0.1.0
 * @category profiles
 */
export const check: {
  (profile: Profile): (filter: Filter) => Either.Either<Filter, UnsupportedFilter>
  (filter: Filter, profile: Profile): Either.Either<Filter, UnsupportedFilter>
} = dual(2, (filter: Filter, profile: Profile): Either.Either<Filter, UnsupportedFilter> => {
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
  forEachNode(filter, (node) => {
    reason = unsupportedReason(node, profile)
    return reason === undefined
  })
  return reason === undefined ? Either.right(filter) : fail(reason)
})

/**
 * Turns what a caller passed as a filter into a filter ready to send: parses a string, validates a
 * filter value (see {@link validate}), then checks it against the profile.
 *
 * @since 0.1.0
 * @category parsing
 */
export const fromInput = (
  input: string | Filter,
  profile: Profile,
  options?: ParseOptions
): Effect.Effect<Filter, InvalidFilter | UnsupportedFilter> =>
  Effect.suspend(() =>
    Either.flatMap(
      typeof input === "string" ? parse(input, options) : validate(input),
      (filter): Either.Either<Filter, InvalidFilter | UnsupportedFilter> => check(filter, profile)
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
export const needsSearch = (filter: Filter): boolean => {
  let found = false
  forEachNode(filter, (node) => {
    found = node._tag === "Compare" && typeof node.value === "string" && /[+%]/.test(node.value)
    return !found
  })
  return found
}

/**
 * Structural equality of two filters (values compared with `Object.is`).
 *
 * @since 0.1.0
 * @category utils
 */
export const equals: {
  (that: Filter): (self: Filter) => boolean
  (self: Filter, that: Filter): boolean
} = dual(2, (self: Filter, that: Filter): boolean => {
  const stack: Array<readonly [Filter, Filter]> = [[self, that]]
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [a, b] = item
    switch (a._tag) {
      case "Compare":
        if (
          b._tag !== "Compare" || a.attribute !== b.attribute || a.operator !== b.operator ||
          !Object.is(a.value, b.value)
        ) return false
        break
      case "Present":
        if (b._tag !== "Present" || a.attribute !== b.attribute) return false
        break
      case "And":
      case "Or":
        if (b._tag !== a._tag) return false
        stack.push([a.right, b.right], [a.left, b.left])
        break
      case "Not":
        if (b._tag !== "Not") return false
        stack.push([a.filter, b.filter])
        break
      case "ValuePath":
        if (b._tag !== "ValuePath" || a.attribute !== b.attribute) return false
        stack.push([a.filter, b.filter])
        break
    }
  }
  return true
})
