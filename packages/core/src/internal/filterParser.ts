/**
 * The filter parser (RFC 7644 §3.4.2.2): a recursive-descent parser over the string, bounded in
 * nesting by `maxDepth`, failing with the 0-based position of the problem and the reason.
 *
 * @internal
 */
import * as Either from "effect/Either"
import type { Filter, ParseOptions, Value } from "../Filter.js"
import { InvalidFilter } from "../ScimError.js"
import { attributeProblem, compareOperators, isCompareOperator, isNameChar, maxDepth } from "./filterGrammar.js"

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

/** @internal */
export const parse = (input: string, options?: ParseOptions): Either.Either<Filter, InvalidFilter> => {
  if (typeof input !== "string") {
    return Either.left(
      new InvalidFilter({ filter: "", position: 0, reason: `a filter to parse must be a string, not ${typeof input}` })
    )
  }
  try {
    return Either.right(new Parser(input, options?.bareValues === true).parseFilter())
  } catch (e) {
    if (e instanceof Failure) {
      return Either.left(new InvalidFilter({ filter: input, position: e.position, reason: e.reason }))
    }
    throw e
  }
}
