/**
 * SCIM PATCH (RFC 7644 §3.5.2): operation builders in the shapes WSO2 Identity Server and
 * Asgardeo accept, and a validating `request` that builds the `PatchOp` body.
 *
 * Portability rules baked in:
 * - ops are always emitted lower-case (`add`, `replace`, `remove`); input is accepted in any case;
 * - the body key is `Operations` (capital O): Asgardeo rejects `operations`;
 * - group members are added with the path-less `{"op":"add","value":{"members":[...]}}` form,
 *   each member with both `value` (the user id) and `display` (the user's userName);
 * - members are removed with `members[value eq "<id>"]`, the id JSON-escaped;
 * - booleans are real JSON booleans;
 * - every value follows core's `Validation` rules (control characters, lengths, depth); a
 *   password is a `Redacted` string, unwrapped only when the request body is serialized.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import { InvalidInput } from "./ScimError.js"
import * as Validation from "./Validation.js"

/**
 * A JSON value.
 *
 * @since 0.1.0
 * @category models
 */
export type Json =
  | null
  | boolean
  | number
  | string
  | ReadonlyArray<Json>
  | { readonly [key: string]: Json }

/**
 * The PATCH operation names, as emitted.
 *
 * @since 0.1.0
 * @category models
 */
export type Op = "add" | "replace" | "remove"

/**
 * One PATCH operation. `path` is optional for `add` and `replace` (then `value` is an object of
 * attributes) and required for `remove`. A value is JSON whose leaves may also be `Redacted`
 * strings (a password).
 *
 * @since 0.1.0
 * @category models
 */
export interface PatchOperation {
  readonly op: Op
  readonly path?: string
  readonly value?: Validation.WriteJson
}

/**
 * The `PatchOp` message schema URN.
 *
 * @since 0.1.0
 * @category constants
 */
export const PatchOpUrn = "urn:ietf:params:scim:api:messages:2.0:PatchOp" as const

/**
 * The WSO2 extension schema URN (holds `accountDisabled`, `accountLocked`, ...).
 *
 * @since 0.1.0
 * @category constants
 */
export const Wso2SchemaUrn = "urn:scim:wso2:schema" as const

/**
 * The body of a PATCH request.
 *
 * @since 0.1.0
 * @category models
 */
export interface PatchRequest {
  readonly schemas: readonly [typeof PatchOpUrn]
  readonly Operations: ReadonlyArray<PatchOperation>
}

/**
 * A group member to add: the member's id and its `display` (for a user on Asgardeo, the exact
 * userName: WSO2 resolves the member by `display` and then checks that `value` is that user's id).
 *
 * @since 0.1.0
 * @category models
 */
export interface Member {
  readonly value: string
  readonly display: string
  /**
   * `User` or `Group` (RFC 7643 §4.2), written when given.
   *
   * @since 0.3.0
   */
  readonly type?: "User" | "Group" | undefined
}

// -----------------------------------------------------------------------------
// builders
// -----------------------------------------------------------------------------

/**
 * `{"op":"add","path":path,"value":value}`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const add = (path: string, value: Json): PatchOperation => ({ op: "add", path, value })

/**
 * Path-less add: `{"op":"add","value":value}`, where `value` is an object of attributes, e.g.
 * `{ phoneNumbers: [{ type: "mobile", value: "+1 555" }] }`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const addValue = (value: { readonly [key: string]: Json }): PatchOperation => ({ op: "add", value })

/**
 * `{"op":"replace","path":path,"value":value}`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const replace = (path: string, value: Json): PatchOperation => ({ op: "replace", path, value })

/**
 * Path-less replace: `{"op":"replace","value":value}`, where `value` is an object of attributes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const replaceValue = (value: { readonly [key: string]: Json }): PatchOperation => ({ op: "replace", value })

/**
 * `{"op":"remove","path":path}`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const remove = (path: string): PatchOperation => ({ op: "remove", path })

/**
 * Adds group members with the path-less form every WSO2 build accepts:
 * `{"op":"add","value":{"members":[{"value":id,"display":userName}, ...]}}`.
 * `display` must be the user's exact userName. A member's `type`, when given, is written too
 * (`{"value":id,"display":name,"type":"Group"}`).
 *
 * @since 0.1.0
 * @category groups
 */
export const addMembers = (members: ReadonlyArray<Member>): PatchOperation => ({
  op: "add",
  value: {
    members: members.map((
      { display, type, value }
    ) => (type === undefined ? { value, display } : { value, display, type }))
  }
})

/**
 * Removes one group member: `{"op":"remove","path":"members[value eq \"<id>\"]"}`, the id
 * JSON-escaped.
 *
 * @since 0.1.0
 * @category groups
 */
export const removeMember = (userId: string): PatchOperation => ({
  op: "remove",
  path: `members[value eq ${JSON.stringify(userId)}]`
})

/**
 * Removes group members, one `remove` operation per id.
 *
 * @since 0.1.0
 * @category groups
 */
export const removeMembers = (userIds: ReadonlyArray<string>): ReadonlyArray<PatchOperation> =>
  userIds.map(removeMember)

/**
 * Renames a group: `{"op":"replace","path":"displayName","value":displayName}`.
 *
 * @since 0.1.0
 * @category groups
 */
export const rename = (displayName: string): PatchOperation => replace("displayName", displayName)

/**
 * Disables (or re-enables) an account the way WSO2 IS 7 and Asgardeo do:
 * `{"op":"replace","value":{"urn:scim:wso2:schema":{"accountDisabled":disabled}}}`.
 *
 * @since 0.1.0
 * @category users
 */
export const setAccountDisabled = (disabled: boolean): PatchOperation => ({
  op: "replace",
  value: { [Wso2SchemaUrn]: { accountDisabled: disabled } }
})

/**
 * Sets a user's password: `{"op":"replace","path":"password","value":password}`. The password
 * stays `Redacted` until the request body is serialized; a plain-string password is refused.
 *
 * @since 0.2.0
 * @category users
 */
export const setPassword = (password: Redacted.Redacted<string>): PatchOperation => ({
  op: "replace",
  path: "password",
  value: password
})

/**
 * Sets the core `active` attribute (generic SCIM targets): `{"op":"replace","path":"active","value":active}`.
 *
 * @since 0.1.0
 * @category users
 */
export const setActive = (active: boolean): PatchOperation => replace("active", active)

/**
 * Replaces the email of one type: `{"op":"replace","path":"emails[type eq \"<type>\"].value","value":value}`,
 * the type JSON-escaped.
 *
 * @since 0.1.0
 * @category users
 */
export const replaceEmail = (type: string, value: string): PatchOperation =>
  replace(`emails[type eq ${JSON.stringify(type)}].value`, value)

// -----------------------------------------------------------------------------
// validation
// -----------------------------------------------------------------------------

/**
 * Options of `request` and `decodeOperations`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ValidateOptions {
  /** The operation name errors carry (default `"Patch.request"` or `"Patch.decodeOperations"`). */
  readonly operation?: string | undefined
}

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

const describe = (u: unknown): string =>
  u === null ? "null" : Array.isArray(u) ? "an array" : typeof u === "object" ? "an object" : `a ${typeof u}`

const operationKeys = new Set(["op", "path", "value"])

const validateOperation = (
  raw: unknown,
  index: number,
  operation: string
): Either.Either<PatchOperation, InvalidInput> => {
  const at = `Operations.${index}`
  const fail = (field: string, reason: string) => Either.left(new InvalidInput({ operation, field, reason }))
  if (!isRecord(raw)) return fail(at, `expected an operation object, got ${describe(raw)}`)
  for (const key of Object.keys(raw)) {
    if (!operationKeys.has(key) && raw[key] !== undefined) {
      return fail(`${at}.${key}`, "unknown key: an operation has only op, path and value")
    }
  }
  const rawOp = raw.op
  if (typeof rawOp !== "string") {
    return fail(`${at}.op`, `expected "add", "replace" or "remove", got ${describe(rawOp)}`)
  }
  const op = rawOp.toLowerCase()
  if (op !== "add" && op !== "replace" && op !== "remove") {
    return fail(`${at}.op`, `expected "add", "replace" or "remove", got ${JSON.stringify(rawOp.slice(0, 40))}`)
  }
  const rawPath = raw.path
  let path: string | undefined
  if (rawPath !== undefined) {
    if (typeof rawPath !== "string") return fail(`${at}.path`, `expected a string, got ${describe(rawPath)}`)
    if (rawPath.trim() === "") return fail(`${at}.path`, "the path is empty: leave it out instead")
    if (Validation.hasControlCharacter(rawPath)) return fail(`${at}.path`, "the path contains a control character")
    if (rawPath.length > Validation.maxStringLength) {
      return fail(`${at}.path`, `the path is longer than ${Validation.maxStringLength} characters`)
    }
    path = rawPath
  }
  if (op === "remove") {
    if (path === undefined) {
      return fail(`${at}.path`, "a remove needs a path (a path-less remove is not allowed)")
    }
    if (raw.value !== undefined) {
      // RFC 7644 allows no value on remove, except Entra's value-array member form that WSO2 ignores.
      return fail(`${at}.value`, "a remove takes no value: select what to remove with the path")
    }
    return Either.right({ op, path })
  }
  if (raw.value === undefined) return fail(`${at}.value`, `an ${op} needs a value`)
  const value = Validation.decodeJson(raw.value, { field: `${at}.value`, attribute: path ?? "" })
  if (Either.isLeft(value)) return fail(value.left.field, value.left.reason)
  if (path === undefined && (!isRecord(value.right) || Redacted.isRedacted(value.right))) {
    return fail(`${at}.value`, `a path-less ${op} needs an object of attributes, got ${describe(value.right)}`)
  }
  return Either.right(path === undefined ? { op, value: value.right } : { op, path, value: value.right })
}

const validateAll = (
  raw: ReadonlyArray<unknown>,
  operation: string
): Either.Either<ReadonlyArray<PatchOperation>, InvalidInput> => {
  const out: Array<PatchOperation> = []
  for (let i = 0; i < raw.length; i++) {
    const op = validateOperation(raw[i], i, operation)
    if (Either.isLeft(op)) return Either.left(op.left)
    out.push(op.right)
  }
  return Either.right(out)
}

/**
 * Decodes raw, user-supplied operations (e.g. from plain JavaScript or a JSON file):
 * `[{ op: "Replace", path: "active", value: false }]`. Op names are matched case-insensitively
 * and emitted lower-case. Fails with `InvalidInput` naming the offending field
 * (`Operations.2.op`) when the input is not an array, an op is not add/replace/remove, a remove
 * has no path (or has a value), an add/replace has no value (or a path-less one has a non-object
 * value), a path is empty, too long or holds a control character, a value breaks a
 * `Validation.decodeJson` rule (not JSON, a control character, a string over its length cap, too
 * deep, a plain-string password: use `Redacted` or {@link setPassword}), or an operation has a key
 * other than op, path and value. An empty array decodes (`request` rejects it).
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeOperations = (
  raw: unknown,
  options?: ValidateOptions
): Either.Either<ReadonlyArray<PatchOperation>, InvalidInput> => {
  const operation = options?.operation ?? "Patch.decodeOperations"
  if (!Array.isArray(raw)) {
    return Either.left(
      new InvalidInput({
        operation,
        field: "Operations",
        reason: `expected an array of operations, got ${describe(raw)}`
      })
    )
  }
  return validateAll(raw, operation)
}

/**
 * Builds the PATCH body `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[...]}`.
 * Validates as `decodeOperations` does (ops normalised to lower case) and also fails with
 * `InvalidInput` when there are no operations.
 *
 * @since 0.1.0
 * @category constructors
 */
export const request = (
  operations: ReadonlyArray<PatchOperation>,
  options?: ValidateOptions
): Either.Either<PatchRequest, InvalidInput> => {
  const operation = options?.operation ?? "Patch.request"
  if (!Array.isArray(operations) || operations.length === 0) {
    return Either.left(
      new InvalidInput({ operation, field: "Operations", reason: "a PATCH needs at least one operation" })
    )
  }
  return Either.map(validateAll(operations, operation), (Operations) => ({ schemas: [PatchOpUrn], Operations }))
}

/**
 * Whether sending the operations twice leaves the same result as sending them once: true when
 * every operation is a `replace` or a `remove` (an `add` to a multi-valued attribute may append
 * twice). The client retries a PATCH after a 5xx or a lost answer only when this holds, or when
 * the caller knows better (adding group members is idempotent: WSO2 keeps one membership).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isIdempotent = (operations: ReadonlyArray<PatchOperation>): boolean =>
  operations.every((op) => op.op === "replace" || op.op === "remove")
