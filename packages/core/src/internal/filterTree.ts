/**
 * Filter values at run time: decoding (the shape in `filterDecode`, then what the shape alone does
 * not say: attribute paths, nested value paths, nesting depth, with positions in the printed
 * filter), printing and comparing decoded trees.
 *
 * @internal
 */
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as AST from "effect/SchemaAST"
import type { Filter, Value } from "../Filter.js"
import { InvalidFilter } from "../ScimError.js"
import { decodeShape, isValid, markValid } from "./filterDecode.js"
import type { Problem } from "./filterGrammar.js"
import { attributeProblem, forEachNode, maxDepth, unreachable } from "./filterGrammar.js"

// -------------------------------------------------------------------------------------------------
// printing
// -------------------------------------------------------------------------------------------------

const printValue = (value: Value): string =>
  typeof value === "number" && Object.is(value, -0) ? "-0" : JSON.stringify(value)

type PrintItem = string | readonly [Filter, boolean, number]

/**
 * Prints a decoded filter; `inspect` sees each node with its offset in the output, whether it is
 * inside a value path and how many groups (parentheses, `not`, brackets) enclose it.
 */
const render = (
  filter: Filter,
  inspect?: (node: Filter, insideValuePath: boolean, depth: number) => Problem | undefined
): { readonly text: string; readonly problem: Problem | undefined } => {
  let out = ""
  let problem: Problem | undefined
  const stack: Array<PrintItem> = [[filter, false, 0]]
  const pushGroup = (node: Filter, parens: boolean, inside: boolean, depth: number) => {
    if (parens) stack.push(")", [node, inside, depth + 1], "(")
    else stack.push([node, inside, depth])
  }
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (typeof item === "string") {
      out += item
      continue
    }
    const [node, inside, depth] = item
    if (inspect !== undefined && problem === undefined) {
      const found = inspect(node, inside, depth)
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
        pushGroup(node.right, node.right._tag === "Or" || node.right._tag === "And", inside, depth)
        stack.push(" and ")
        pushGroup(node.left, node.left._tag === "Or", inside, depth)
        break
      case "Or":
        pushGroup(node.right, node.right._tag === "Or", inside, depth)
        stack.push(" or ")
        pushGroup(node.left, false, inside, depth)
        break
      case "Not":
        stack.push(")", [node.filter, inside, depth + 1], "not (")
        break
      case "ValuePath":
        stack.push("]", [node.filter, true, depth + 1], `${node.attribute}[`)
        break
      default:
        return unreachable(node)
    }
  }
  return { text: out, problem }
}

// -------------------------------------------------------------------------------------------------
// what the shape does not say
// -------------------------------------------------------------------------------------------------

const tooDeep = `the filter nests parentheses, 'not' and value paths more than ${maxDepth} levels deep`

const nodeProblem = (node: Filter, insideValuePath: boolean, depth: number): Problem | undefined => {
  if (depth > maxDepth) return { position: 0, reason: tooDeep }
  switch (node._tag) {
    case "Compare":
    case "Present":
      return attributeProblem(node.attribute)
    case "ValuePath":
      return insideValuePath
        ? { position: 0, reason: "value paths cannot be nested" }
        : attributeProblem(node.attribute)
    case "And":
    case "Or":
    case "Not":
      return undefined
    default:
      return unreachable(node)
  }
}

/** Checks a decoded filter prints to a string that parses back to it. */
const validateDecoded = (filter: Filter): Either.Either<Filter, InvalidFilter> => {
  if (isValid(filter)) return Either.right(filter)
  const { problem, text } = render(filter, nodeProblem)
  if (problem !== undefined) {
    return Either.left(new InvalidFilter({ filter: text, position: problem.position, reason: problem.reason }))
  }
  markValid(filter)
  return Either.right(filter)
}

// -------------------------------------------------------------------------------------------------
// entry points
// -------------------------------------------------------------------------------------------------

/** What `decode` says the root must be. @internal */
export const expectValue = "a Filter value (an object with a _tag)"

/** What `fromInput` says the root must be. @internal */
export const expectInput = "a string or a Filter value (an object with a _tag)"

/**
 * Shape, then attribute paths, value paths and depth: a filter that is safe to print and send. A
 * filter this module decoded before is given back as it is (it is frozen).
 *
 * @internal
 */
export const decode = (input: unknown, expected: string = expectValue): Either.Either<Filter, InvalidFilter> =>
  isValid(input) ? Either.right(input) : Either.flatMap(decodeShape(input, expected), validateDecoded)

/**
 * Prints a filter after checking its shape (never a half expression: what is not a filter throws
 * the `InvalidFilter`). Attribute paths are printed as given.
 *
 * @internal
 */
export const print = (filter: Filter): string => {
  const decoded = decodeShape(filter, expectValue)
  if (Either.isLeft(decoded)) throw decoded.left
  return render(decoded.right).text
}

/** Structural equality; false when either side is not a filter. @internal */
export const equals = (self: Filter, that: Filter): boolean => {
  const a = decodeShape(self, expectValue)
  const b = decodeShape(that, expectValue)
  if (Either.isLeft(a) || Either.isLeft(b)) return false
  const stack: Array<readonly [Filter, Filter]> = [[a.right, b.right]]
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [x, y] = item
    switch (x._tag) {
      case "Compare":
        if (
          y._tag !== "Compare" || x.attribute !== y.attribute || x.operator !== y.operator ||
          !Object.is(x.value, y.value)
        ) return false
        break
      case "Present":
        if (y._tag !== "Present" || x.attribute !== y.attribute) return false
        break
      case "And":
      case "Or":
        if (y._tag !== x._tag) return false
        stack.push([x.right, y.right], [x.left, y.left])
        break
      case "Not":
        if (y._tag !== "Not") return false
        stack.push([x.filter, y.filter])
        break
      case "ValuePath":
        if (y._tag !== "ValuePath" || x.attribute !== y.attribute) return false
        stack.push([x.filter, y.filter])
        break
      default:
        return unreachable(x)
    }
  }
  return true
}

const decodeIssue = (
  input: unknown,
  _options: AST.ParseOptions,
  ast: AST.Declaration
): Either.Either<Filter, ParseResult.ParseIssue> =>
  Either.mapLeft(decode(input), (error) => new ParseResult.Type(ast, input, error.message))

/** The `Schema` of a filter: a declaration around `decode` (see `Filter.Filter`). @internal */
export const schema: Schema.Schema<Filter> = Schema.declare<Filter, Filter, readonly []>(
  [],
  { decode: () => decodeIssue, encode: () => decodeIssue },
  {
    identifier: "Filter",
    description: "a SCIM filter (RFC 7644 §3.4.2.2) as a tree of Compare, Present, And, Or, Not and ValuePath nodes",
    pretty: () => (filter) => print(filter),
    equivalence: () => equals
  }
)

/** Whether a string value holds `+` or `%` (see `Filter.needsSearch`). @internal */
export const needsSearch = (filter: Filter): boolean => {
  let found = false
  forEachNode(filter, (node) => {
    found = node._tag === "Compare" && typeof node.value === "string" && /[+%]/.test(node.value)
    return !found
  })
  return found
}
