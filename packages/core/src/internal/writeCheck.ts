/**
 * The implementation of `Validation`'s rules: the limits, the control-character and length checks
 * per attribute, the deep check of a value written, and the unwrapping of `Redacted` values where
 * a body is serialized. `Validation` documents and exports them.
 *
 * @internal
 */
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import type { Problem, QualifiedName, WriteJson } from "../Validation.js"

// -------------------------------------------------------------------------------------------------
// limits and predicates
// -------------------------------------------------------------------------------------------------

/** @internal */
export const maxUserNameLength = 254
/** @internal */
export const maxEmailLength = 254
/** @internal */
export const maxStringLength = 1024
/** @internal */
export const maxDepth = 32
/** @internal */
export const multiLineAttributes: ReadonlyArray<string> = ["addresses.formatted"]

const controlCharacter = /[\u0000-\u001f\u007f-\u009f]/
const controlCharacterMultiLine = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/

/** @internal */
export const hasControlCharacter = (s: string): boolean => controlCharacter.test(s)

/** @internal */
export const hasControlCharacterMultiLine = (s: string): boolean => controlCharacterMultiLine.test(s)

/** @internal */
export const splitDomain = (value: string): QualifiedName => {
  const i = value.indexOf("/")
  return i > 0
    ? { domain: value.slice(0, i).toUpperCase(), name: value.slice(i + 1) }
    : { domain: undefined, name: value }
}

// -------------------------------------------------------------------------------------------------
// per-attribute rules
// -------------------------------------------------------------------------------------------------

const coreUserUrn = "urn:ietf:params:scim:schemas:core:2.0:user"
const coreGroupUrn = "urn:ietf:params:scim:schemas:core:2.0:group"

/** @internal */
export const attributeOfPath = (path: string): string => {
  let p = path.replace(/\[[^\]]*\]/g, "").toLowerCase()
  if (p.startsWith("urn:")) {
    const i = p.lastIndexOf(":")
    const urn = p.slice(0, i)
    const rest = p.slice(i + 1)
    p = urn === coreUserUrn || urn === coreGroupUrn ? rest : rest === "" ? urn : `${urn}.${rest}`
  }
  return p
}

const child = (attribute: string, key: string): string => {
  const k = key.toLowerCase()
  if (attribute === "" && (k === coreUserUrn || k === coreGroupUrn)) return ""
  return attribute === "" ? k : `${attribute}.${k}`
}

const nameCapped = new Set(["username", "members.display"])
const emailCapped = new Set(["emails.value"])
const multiLine = new Set(multiLineAttributes)

/** @internal */
export const stringProblem = (attribute: string, value: string): string | undefined => {
  const a = attribute.toLowerCase()
  if (multiLine.has(a) ? hasControlCharacterMultiLine(value) : hasControlCharacter(value)) {
    return multiLine.has(a)
      ? "must not contain control characters other than TAB, LF and CR"
      : "must not contain control characters"
  }
  if (nameCapped.has(a)) {
    return splitDomain(value).name.length <= maxUserNameLength
      ? undefined
      : `must be at most ${maxUserNameLength} characters`
  }
  const max = emailCapped.has(a) ? maxEmailLength : maxStringLength
  return value.length <= max ? undefined : `must be at most ${max} characters`
}

// -------------------------------------------------------------------------------------------------
// the deep check of a value written
// -------------------------------------------------------------------------------------------------

const passwordReason = "a password must be Redacted (Redacted.make(...)), so it is never logged"

const describe = (u: unknown): string =>
  u === null ? "null" : Array.isArray(u) ? "an array" : typeof u === "object" ? "an object" : `a ${typeof u}`

const isPlainObject = (u: object): boolean => {
  const proto = Object.getPrototypeOf(u)
  return proto === Object.prototype || proto === null
}

const join = (field: string, key: string | number): string => (field === "" ? String(key) : `${field}.${key}`)

/**
 * Walks `u` as the value of `attribute` at `field`: a copy, or the first problem. Throws only
 * where reading the value throws (a getter, a revoked proxy): `Validation.decodeJson` catches it.
 *
 * @internal
 */
export const walk = (
  u: unknown,
  field: string,
  attribute: string,
  depth: number,
  ancestors: Set<unknown>
): Either.Either<WriteJson, Problem> => {
  const bad = (reason: string) => Either.left({ field, reason })
  // A password is a Redacted string and nothing else: not a plain string, and not a number, a
  // boolean, an object or an array holding one (any of those would be sent and logged as is).
  if (attribute === "password" && u !== null && !Redacted.isRedacted(u)) return bad(passwordReason)
  switch (typeof u) {
    case "string": {
      const reason = stringProblem(attribute, u)
      return reason === undefined ? Either.right(u) : bad(reason)
    }
    case "boolean":
      return Either.right(u)
    case "number":
      return Number.isFinite(u) ? Either.right(u) : bad(`${u} is not a JSON number`)
    case "object": {
      if (u === null) return Either.right(null)
      if (Redacted.isRedacted(u)) {
        let secret: unknown
        try {
          secret = Redacted.value(u)
        } catch {
          return bad("the Redacted value cannot be read")
        }
        if (typeof secret !== "string") return bad(`a Redacted value must hold a string, not ${describe(secret)}`)
        const reason = hasControlCharacter(secret)
          ? "must not contain control characters"
          : secret.length > maxStringLength
          ? `must be at most ${maxStringLength} characters`
          : undefined
        // A fresh Redacted: the copy does not change when the caller's is wiped.
        return reason === undefined ? Either.right(Redacted.make(secret)) : bad(reason)
      }
      if (ancestors.has(u)) return bad("the value is cyclic")
      if (depth >= maxDepth) return bad(`objects and arrays nest at most ${maxDepth} levels deep`)
      ancestors.add(u)
      try {
        if (Array.isArray(u)) {
          const out: Array<WriteJson> = []
          for (let i = 0; i < u.length; i++) {
            const item = walk(u[i], join(field, i), attribute, depth + 1, ancestors)
            if (Either.isLeft(item)) return item
            out.push(item.right)
          }
          return Either.right(out)
        }
        if (!isPlainObject(u)) return bad("not a plain JSON object")
        const out: Record<string, WriteJson> = {}
        for (const [key, v] of Object.entries(u)) {
          // JSON.stringify leaves undefined properties out: so does the copy.
          if (v === undefined) continue
          if (hasControlCharacter(key)) return bad("an attribute name must not contain control characters")
          if (key.length > maxStringLength) {
            return bad(`an attribute name must be at most ${maxStringLength} characters`)
          }
          const item = walk(v, join(field, key), child(attribute, key), depth + 1, ancestors)
          if (Either.isLeft(item)) return item
          // An own property, also for `__proto__` (an assignment would set the prototype).
          Object.defineProperty(out, key, { value: item.right, enumerable: true, writable: true, configurable: true })
        }
        return Either.right(out)
      } finally {
        ancestors.delete(u)
      }
    }
    default:
      return bad(`${describe(u)} is not a JSON value`)
  }
}

// -------------------------------------------------------------------------------------------------
// serializing
// -------------------------------------------------------------------------------------------------

/** @internal */
export const utf8Length = (s: string): number => {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) n += 1
    else if (c < 0x800) n += 2
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4
        i++
      } else n += 3
    } else n += 3
  }
  return n
}

function unwrapRedacted(this: Record<string, unknown>, key: string, value: unknown): unknown {
  // JSON.stringify has already called Redacted's toJSON ("<redacted>"): read the holder's value.
  const raw = this[key]
  return Redacted.isRedacted(raw) ? Redacted.value(raw) : value
}

/** @internal */
export const encodeJson = (value: unknown): string => JSON.stringify(value, unwrapRedacted)
