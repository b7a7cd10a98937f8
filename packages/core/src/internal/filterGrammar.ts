/**
 * What the filter modules share: the comparison operators, the attribute-path grammar, the bounds
 * and an iterative traversal. A leaf: it imports nothing of the library at run time, so `Filter`,
 * `FilterProfile` and the internal parser and decoder can all use it without import cycles.
 *
 * @internal
 */
import type { CompareOperator, Filter } from "../Filter.js"

/** @internal */
export const compareOperators: ReadonlyArray<CompareOperator> = ["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"]

/** @internal */
export const isCompareOperator = (u: unknown): u is CompareOperator =>
  typeof u === "string" && (compareOperators as ReadonlyArray<string>).includes(u)

/** How deep parentheses, `not` and value paths may nest (in the parser and in a Filter value). @internal */
export const maxDepth = 64

/** The most nodes a Filter value may have, counting a node shared by two parents twice. @internal */
export const maxNodes = 200_000

// A-Z a-z 0-9 $ _ : . -
/** @internal */
export const isNameChar = (code: number): boolean =>
  (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) ||
  code === 36 || code === 95 || code === 58 || code === 46 || code === 45

const attributeName = /^[A-Za-z$][A-Za-z0-9$_-]*$/
const schemaUri = /^[A-Za-z][A-Za-z0-9.-]*:(?:[A-Za-z0-9._-]+:)*[A-Za-z0-9._-]+$/

/** A problem at a 0-based position. @internal */
export interface Problem {
  readonly position: number
  readonly reason: string
}

/** Why a string is not an attribute path (RFC 7644 `attrPath`), if it is not. @internal */
export const attributeProblem = (path: string): Problem | undefined => {
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

/** For the `default` branch of an exhaustive `switch` over `_tag`. @internal */
export const unreachable = (node: never): never => {
  throw new Error(`unreachable: not a filter node (${typeof node})`)
}

/**
 * Visits the nodes of a decoded filter in reading order until `f` answers false. Iterative:
 * filters parsed from long `a and b and ...` chains are deep on the left.
 *
 * @internal
 */
export const forEachNode = (filter: Filter, f: (node: Filter, insideValuePath: boolean) => boolean): void => {
  const stack: Array<readonly [Filter, boolean]> = [[filter, false]]
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [node, inside] = item
    if (typeof node !== "object" || node === null) return unreachable(node)
    if (!f(node, inside)) return
    switch (node._tag) {
      case "Compare":
      case "Present":
        break
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
      default:
        return unreachable(node)
    }
  }
}
