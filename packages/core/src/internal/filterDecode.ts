/**
 * Reading whatever a caller passed as a filter into a fresh, well-formed tree (the shape: tags,
 * fields and their types, operators, values, size).
 *
 * It trusts nothing about its input: it reads own data properties only (through `Reflect`, so a
 * getter is never called and a prototype never consulted), refuses accessors, extra and
 * symbol-keyed properties, stops after `maxNodes` nodes (which also ends a cycle, then named as
 * one), turns anything a proxy throws into an `InvalidFilter`, and builds a new, deep-frozen tree,
 * so nothing the caller holds can change the filter after it was decoded. It is iterative: a
 * parsed `a and b and ...` chain is as deep as it is long. The trees it built are remembered (a
 * `WeakSet`: only this module adds to it, and they are frozen), so a decoded filter is not walked
 * again.
 *
 * @internal
 */
import * as Either from "effect/Either"
import type { Filter, Value } from "../Filter.js"
import { InvalidFilter } from "../ScimError.js"
import { compareOperators, isCompareOperator, maxNodes, unreachable } from "./filterGrammar.js"

const fields = {
  Compare: ["attribute", "operator", "value"],
  Present: ["attribute"],
  And: ["left", "right"],
  Or: ["left", "right"],
  Not: ["filter"],
  ValuePath: ["attribute", "filter"]
} as const

type Tag = keyof typeof fields

const tags = Object.keys(fields) as ReadonlyArray<Tag>
const tagList = "Compare, Present, And, Or, Not or ValuePath"
const isTag = (u: unknown): u is Tag => typeof u === "string" && (tags as ReadonlyArray<string>).includes(u)
const shapeOf = (tag: Tag): string => {
  const names = ["_tag", ...fields[tag]]
  return `a${tag === "And" || tag === "Or" ? "n" : ""} ${tag} has ${names.slice(0, -1).join(", ")} and ${names.at(-1)}`
}

type Kind =
  | "undefined"
  | "number"
  | "boolean"
  | "string"
  | "bigint"
  | "symbol"
  | "function"
  | "null"
  | "array"
  | "object"

// What a value is: never its content. `Array.isArray` of a revoked proxy throws.
const kindOf = (u: unknown): Kind => {
  const t = typeof u
  return t !== "object" ? t : u === null ? "null" : Array.isArray(u) ? "array" : "object"
}

const descriptions: Record<Exclude<Kind, "number" | "boolean">, string> = {
  undefined: "undefined",
  null: "null",
  string: "a string",
  bigint: "a bigint",
  symbol: "a symbol",
  function: "a function",
  array: "an array",
  object: "an object"
}

/** What a value is, for a reason: never the content of a string or an object. @internal */
export const describe = (u: unknown): string => {
  const kind = kindOf(u)
  return kind === "number" || kind === "boolean" ? `the ${kind} ${String(u)}` : descriptions[kind]
}

const shownAsIs: ReadonlySet<Kind> = new Set<Kind>(["number", "boolean", "undefined", "bigint", "null"])

/** The `filter` of an error about a value that is not a filter: what was passed, in short. @internal */
export const summary = (u: unknown): string => {
  if (typeof u === "string") return u
  try {
    const kind = kindOf(u)
    return shownAsIs.has(kind) ? String(u) : `[${kind}]`
  } catch {
    return "[object]"
  }
}

const quote = (s: string): string => JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}...` : s)
const keyName = (key: string): string => /^[A-Za-z_$][A-Za-z0-9_$]{0,39}$/.test(key) ? key : quote(key)

/** Where a node is: its parent and the field that holds it (paths are built only on failure). */
interface Place {
  readonly parent: Place | undefined
  readonly key: string
}

const pathOf = (place: Place | undefined, field?: string): string => {
  const keys: Array<string> = field === undefined ? [] : [field]
  for (let p = place; p !== undefined; p = p.parent) if (p.key !== "") keys.push(p.key)
  return keys.reverse().join(".")
}

class Refused {
  constructor(readonly place: Place | undefined, readonly field: string | undefined, readonly reason: string) {}
}

const valueProblem = (value: unknown): string | undefined => {
  switch (typeof value) {
    case "string":
    case "boolean":
      return undefined
    case "number":
      return Number.isFinite(value) ? undefined : `${value} is not a JSON number`
    default:
      return value === null ? undefined : `expected a string, number, boolean or null, got ${describe(value)}`
  }
}

const isValue = (u: unknown): u is Value => valueProblem(u) === undefined

const missing: unique symbol = Symbol("missing")
const getter = "a getter; the fields of a filter must be data properties"

/** An own data property, `missing`, or `Refused` for an accessor: a getter is never called. */
const own = (input: object, key: string, place: Place | undefined): unknown => {
  const descriptor = Reflect.getOwnPropertyDescriptor(input, key)
  if (descriptor === undefined) return missing
  if (!("value" in descriptor)) throw new Refused(place, key, getter)
  return descriptor.value
}

const allowedKeys: { readonly [T in Tag]: ReadonlyArray<string> } = {
  Compare: ["_tag", ...fields.Compare],
  Present: ["_tag", ...fields.Present],
  And: ["_tag", ...fields.And],
  Or: ["_tag", ...fields.Or],
  Not: ["_tag", ...fields.Not],
  ValuePath: ["_tag", ...fields.ValuePath]
}

/** The tag of a node whose own keys are exactly the tag's fields; throws `Refused`. */
const tagOf = (input: object, place: Place | undefined): Tag => {
  const tag = own(input, "_tag", place)
  if (tag === missing) throw new Refused(place, "_tag", `missing (expected ${tagList})`)
  if (typeof tag !== "string") throw new Refused(place, "_tag", `expected a string, got ${describe(tag)}`)
  if (!isTag(tag)) throw new Refused(place, "_tag", `${quote(tag)} is not a filter node (expected ${tagList})`)
  const allowed = allowedKeys[tag]
  for (const key of Reflect.ownKeys(input)) {
    if (typeof key === "symbol") throw new Refused(place, undefined, "unexpected symbol-keyed property")
    if (!allowed.includes(key)) throw new Refused(place, keyName(key), `unexpected property (${shapeOf(tag)})`)
  }
  return tag
}

/** A field that must be there. */
const field = (input: object, tag: Tag, key: string, place: Place | undefined): unknown => {
  const value = own(input, key, place)
  if (value === missing) throw new Refused(place, key, `missing (${shapeOf(tag)})`)
  return value
}

const stringField = (input: object, tag: Tag, key: string, place: Place | undefined): string => {
  const value = field(input, tag, key, place)
  if (typeof value !== "string") throw new Refused(place, key, `expected a string, got ${describe(value)}`)
  return value
}

/** Roots this module built and froze, whose shape is known good. */
const shaped = new WeakSet<object>()
/** Of those, the roots whose attribute paths, value paths and depth are known good too. */
const valid = new WeakSet<object>()
// Identity only: a proxy is not its target, and nothing of the value is read.
const isShaped = (u: unknown): u is Filter => typeof u === "object" && u !== null && shaped.has(u)

/** Whether this module built the filter and it was found valid (`markValid`). @internal */
export const isValid = (u: unknown): u is Filter => typeof u === "object" && u !== null && valid.has(u)

/** Remembers that a tree this module built is valid too (attribute paths, depth). @internal */
export const markValid = (filter: Filter): void => {
  if (shaped.has(filter)) valid.add(filter)
}

/** A node to read; it is also the place of that node (the root's key is empty). */
interface Enter extends Place {
  readonly _tag: "Enter"
  readonly input: unknown
}

type Frame =
  | Enter
  | { readonly _tag: "Build"; readonly node: "And" | "Or" | "Not" }
  | { readonly _tag: "BuildValuePath"; readonly attribute: string }

/**
 * Where a node contains itself, looking no further than `maxNodes` nodes. Only asked once the
 * walk has gone past `maxNodes` (a cycle would never end it), so a filter of normal size costs
 * no set of ancestors.
 */
const findCycle = (root: unknown): Place | undefined => {
  type Item = { readonly node: unknown; readonly place: Place; readonly exit: boolean }
  const onPath = new Set<unknown>()
  const stack: Array<Item> = [{ node: root, place: { parent: undefined, key: "" }, exit: false }]
  let visits = 0
  try {
    for (let item = stack.pop(); item !== undefined && visits <= maxNodes; item = stack.pop()) {
      const { node, place } = item
      if (item.exit) {
        onPath.delete(node)
        continue
      }
      if (typeof node !== "object" || node === null) continue
      if (onPath.has(node)) return place
      visits++
      onPath.add(node)
      stack.push({ node, place, exit: true })
      for (const key of ["filter", "right", "left"]) {
        const descriptor = Reflect.getOwnPropertyDescriptor(node, key)
        if (descriptor !== undefined && "value" in descriptor) {
          stack.push({ node: descriptor.value, place: { parent: place, key }, exit: false })
        }
      }
    }
  } catch {
    // a proxy threw: no cycle to name
  }
  return undefined
}

/**
 * Reads an unknown value into a fresh filter tree, checking its shape: tags, fields and their
 * types, operators, values, at most `maxNodes` nodes (which also ends a cycle). `expected` names
 * what the root may be, for the reason given when it is not an object.
 *
 * @internal
 */
export const decodeShape = (input: unknown, expected: string): Either.Either<Filter, InvalidFilter> => {
  if (isShaped(input)) return Either.right(input)
  const results: Array<Filter> = []
  const stack: Array<Frame> = [{ _tag: "Enter", input, parent: undefined, key: "" }]
  let current: Place | undefined
  let count = 0
  const take = (): Filter => {
    const filter = results.pop()
    if (filter === undefined) throw new Error("unreachable: no decoded node")
    return filter
  }
  let root: Filter
  try {
    for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
      switch (frame._tag) {
        case "Build": {
          const right = take()
          if (frame.node === "Not") results.push(Object.freeze({ _tag: "Not", filter: right }))
          else results.push(Object.freeze({ _tag: frame.node, left: take(), right }))
          break
        }
        case "BuildValuePath":
          results.push(Object.freeze({ _tag: "ValuePath", attribute: frame.attribute, filter: take() }))
          break
        case "Enter": {
          const { input: u } = frame
          const place: Place = frame
          current = place
          if (typeof u !== "object" || u === null || Array.isArray(u)) {
            if (place.parent === undefined) {
              throw new Refused(place, undefined, `a filter must be ${expected}, got ${describe(u)}`)
            }
            throw new Refused(place, undefined, `expected a filter, got ${describe(u)}`)
          }
          if (++count > maxNodes) {
            const cycle = findCycle(input)
            if (cycle !== undefined) throw new Refused(cycle, undefined, "the filter contains itself (a cycle)")
            throw new Refused(
              undefined,
              undefined,
              `the filter has more than ${maxNodes} nodes (comparisons, pr, and, or, not and value paths)`
            )
          }
          const tag = tagOf(u, place)
          switch (tag) {
            case "Compare": {
              const attribute = stringField(u, tag, "attribute", place)
              const operator = field(u, tag, "operator", place)
              if (typeof operator !== "string") {
                throw new Refused(place, "operator", `expected a string, got ${describe(operator)}`)
              }
              if (!isCompareOperator(operator)) {
                throw new Refused(
                  place,
                  "operator",
                  `${quote(operator)} is not a comparison operator (expected ${compareOperators.join(", ")})`
                )
              }
              const value = field(u, tag, "value", place)
              if (!isValue(value)) throw new Refused(place, "value", valueProblem(value) ?? "not a value")
              results.push(Object.freeze({ _tag: "Compare", attribute, operator, value }))
              break
            }
            case "Present":
              results.push(Object.freeze({ _tag: "Present", attribute: stringField(u, tag, "attribute", place) }))
              break
            case "And":
            case "Or": {
              const left = field(u, tag, "left", place)
              const right = field(u, tag, "right", place)
              stack.push(
                { _tag: "Build", node: tag },
                { _tag: "Enter", input: right, parent: place, key: "right" },
                { _tag: "Enter", input: left, parent: place, key: "left" }
              )
              break
            }
            case "Not": {
              const filter = field(u, tag, "filter", place)
              stack.push(
                { _tag: "Build", node: "Not" },
                { _tag: "Enter", input: filter, parent: place, key: "filter" }
              )
              break
            }
            case "ValuePath": {
              const attribute = stringField(u, tag, "attribute", place)
              const filter = field(u, tag, "filter", place)
              stack.push(
                { _tag: "BuildValuePath", attribute },
                { _tag: "Enter", input: filter, parent: place, key: "filter" }
              )
              break
            }
            default:
              return unreachable(tag)
          }
          break
        }
      }
    }
    root = take()
  } catch (e) {
    const refused = e instanceof Refused ? e : new Refused(current, undefined, "could not be read (a proxy threw)")
    const path = pathOf(refused.place, refused.field)
    return Either.left(
      new InvalidFilter({
        filter: summary(input),
        position: 0,
        reason: path === "" ? refused.reason : `${path}: ${refused.reason}`
      })
    )
  }
  shaped.add(root)
  return Either.right(root)
}
