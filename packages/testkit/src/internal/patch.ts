/**
 * PATCH (RFC 7644 §3.5.2) with Asgardeo's rules, on top of `scim-patch`:
 * the `Operations` key is case-sensitive, op names are not, `remove` needs a path, `id` and
 * `meta` are immutable, attribute names are case-insensitive, value filters in paths allow one
 * `eq` only, extension URN keys are merged here (scim-patch nests them wrongly), and group
 * members are added and removed by `value` here (scim-patch deep-compares whole objects).
 * Every operation runs on a copy; the store is written only when all of them succeeded.
 *
 * @internal
 */
import type { ScimPatchOperation, ScimResource } from "scim-patch"
import { scimPatch } from "scim-patch"
import type { Ctx } from "./context.js"
import { renderOptions } from "./context.js"
import { commitGroup, resolveMember, resolveMembers } from "./groups.js"
import { keyIn, removeAt } from "./nested.js"
import type { Json, JsonObject, Reply } from "./reply.js"
import { clone, EXTENSION_SCHEMAS, fail, isObject, ScimFailure, USER_SCHEMA } from "./reply.js"
import type { Member } from "./store.js"
import { renderGroup, renderUser } from "./store.js"
import { canonicalAttribute, commitUser } from "./users.js"

/** @internal */
export interface PatchOp {
  readonly op: "add" | "replace" | "remove"
  readonly path: string | undefined
  readonly value: unknown
}

/** Decodes a PatchOp body. @internal */
export const decodePatchBody = (body: unknown): ReadonlyArray<PatchOp> => {
  if (!isObject(body) || !Array.isArray(body["Operations"])) {
    return fail(400, "Invalid JSON schema.", "invalidSyntax")
  }
  const ops = body["Operations"]
  if (ops.length === 0) return fail(400, "The PATCH request has no operations.", "invalidSyntax")
  return ops.map((raw): PatchOp => {
    if (!isObject(raw) || typeof raw["op"] !== "string") {
      return fail(400, "Invalid JSON schema.", "invalidSyntax")
    }
    const op = raw["op"].toLowerCase()
    if (op !== "add" && op !== "replace" && op !== "remove") {
      return fail(400, `Unknown operation: ${raw["op"]}`, "invalidSyntax")
    }
    const path = typeof raw["path"] === "string" && raw["path"].trim() !== "" ? raw["path"].trim() : undefined
    if (op === "remove" && path === undefined) {
      return fail(400, "The path is required for a remove operation.", "noTarget")
    }
    if (op !== "remove" && raw["value"] === undefined) {
      return fail(400, `The value is required for an ${op} operation.`, "invalidSyntax")
    }
    return { op, path, value: raw["value"] }
  })
}

const checkValueFilter = (path: string): void => {
  const open = path.indexOf("[")
  if (open === -1) return
  const close = path.indexOf("]", open)
  if (close === -1) fail(400, `Invalid path: ${path}`, "invalidPath")
  const condition = path.slice(open + 1, close).trim()
  if (!/^[\w.:$-]+\s+eq\s+\S/i.test(condition) || /\s(and|or)\s/i.test(condition) || /^not\b/i.test(condition)) {
    fail(501, "Only Eq filter is supported")
  }
}

const CORE_USER_PREFIX = `${USER_SCHEMA}:`

/** Splits `urn:...:Ext:attr.sub` into the extension key and the attribute path. */
const splitExtensionPath = (
  path: string
): { readonly urn: string; readonly rest: ReadonlyArray<string> } | undefined => {
  const lower = path.toLowerCase()
  for (const urn of EXTENSION_SCHEMAS) {
    if (lower === urn.toLowerCase()) return { urn, rest: [] }
    if (lower.startsWith(`${urn.toLowerCase()}:`)) {
      return { urn, rest: path.slice(urn.length + 1).split(".") }
    }
  }
  return undefined
}

const firstSegment = (path: string): string => path.split(/[.[]/)[0] ?? path

const canonicalPath = (path: string): string => {
  const stripped = path.toLowerCase().startsWith(CORE_USER_PREFIX.toLowerCase())
    ? path.slice(CORE_USER_PREFIX.length)
    : path
  const first = firstSegment(stripped)
  return canonicalAttribute(first) + stripped.slice(first.length)
}

const deepMerge = (target: Json | undefined, source: Json): Json => {
  if (isObject(target) && isObject(source)) {
    const out: JsonObject = { ...target }
    for (const [k, v] of Object.entries(source)) out[k] = deepMerge(target[k], v)
    return out
  }
  return source
}

const setNested = (obj: JsonObject, keys: ReadonlyArray<string>, value: Json, op: "add" | "replace"): void => {
  const [head, ...tail] = keys
  if (head === undefined) return
  const existingKey = keyIn(obj, head) ?? head
  if (tail.length === 0) {
    const current = obj[existingKey]
    if (op === "add" && Array.isArray(current)) {
      obj[existingKey] = [...current, ...(Array.isArray(value) ? value : [value])]
    } else if (op === "add" && isObject(current) && isObject(value)) {
      obj[existingKey] = deepMerge(current, value)
    } else {
      obj[existingKey] = value
    }
    return
  }
  const next = obj[existingKey]
  const child: JsonObject = isObject(next) ? { ...next } : {}
  setNested(child, tail, value, op)
  obj[existingKey] = child
}

const runScimPatch = (resource: JsonObject, op: PatchOp): JsonObject => {
  const operation = (op.path === undefined ?
    { op: op.op, value: op.value } :
    op.op === "remove" ?
    { op: "remove", path: op.path, ...(op.value === undefined ? {} : { value: op.value }) } :
    { op: op.op, path: op.path, value: op.value }) as ScimPatchOperation
  try {
    return scimPatch(resource as unknown as ScimResource, [operation], {
      mutateDocument: true,
      treatMissingAsAdd: true
    }) as unknown as JsonObject
  } catch (e) {
    if (e instanceof ScimFailure) throw e
    const name = e instanceof Error ? e.constructor.name : "Error"
    const message = e instanceof Error ? e.message : String(e)
    return fail(400, message, name === "NoTarget" ? "noTarget" : "invalidPath")
  }
}

const checkMutable = (name: string): void => {
  const lower = name.toLowerCase()
  if (lower === "id" || lower === "meta") fail(400, `The attribute ${name} is immutable.`, "mutability")
}

/** Applies one operation to a resource copy (users, and non-member group attributes). */
const applyGeneric = (
  resource: JsonObject,
  op: PatchOp,
  onPassword: (password: unknown) => void
): JsonObject => {
  if (op.path === undefined) {
    if (!isObject(op.value)) return fail(400, "A path-less operation needs an object value.", "invalidSyntax")
    const rest: JsonObject = {}
    for (const [rawKey, value] of Object.entries(op.value)) {
      checkMutable(rawKey)
      const ext = splitExtensionPath(rawKey)
      if (ext !== undefined) {
        const path = [ext.urn, ...ext.rest]
        if (ext.rest.length === 0 && isObject(value)) {
          resource[ext.urn] = op.op === "add" || op.op === "replace"
            ? deepMerge(resource[ext.urn], value)
            : value
        } else {
          setNested(resource, path, value as Json, op.op === "remove" ? "replace" : op.op)
        }
        continue
      }
      const key = canonicalAttribute(
        rawKey.startsWith(CORE_USER_PREFIX) ? rawKey.slice(CORE_USER_PREFIX.length) : rawKey
      )
      if (key === "password") {
        onPassword(value)
        continue
      }
      if (key === "groups" || key === "roles") continue
      rest[key] = value as Json
    }
    return Object.keys(rest).length === 0 ? resource : runScimPatch(resource, { ...op, value: rest })
  }
  checkValueFilter(op.path)
  const ext = splitExtensionPath(op.path)
  if (ext !== undefined && !op.path.includes("[")) {
    const path = [ext.urn, ...ext.rest]
    if (op.op === "remove") removeAt(resource, path, { intoArrays: false })
    else if (ext.rest.length === 0 && isObject(op.value)) {
      resource[ext.urn] = op.op === "add" ? deepMerge(resource[ext.urn], op.value) : op.value
    } else setNested(resource, path, op.value as Json, op.op)
    return resource
  }
  const path = canonicalPath(op.path)
  checkMutable(firstSegment(path))
  if (path === "password") {
    if (op.op === "remove") fail(400, "The password cannot be removed.", "mutability")
    onPassword(op.value)
    return resource
  }
  if (firstSegment(path) === "groups" || firstSegment(path) === "roles") return resource
  return runScimPatch(resource, { ...op, path })
}

/** @internal */
export const patchUser = (ctx: Ctx, id: string, body: unknown): Reply => {
  const user = ctx.org.users.get(id) ?? fail(404, `Specified resource; User with id ${id} not found.`)
  const ops = decodePatchBody(body)
  let resource = clone(user.resource)
  let password: unknown = undefined
  for (const op of ops) {
    resource = applyGeneric(resource, op, (p) => {
      password = p
    })
  }
  const next = commitUser(ctx, user, resource, password)
  return { status: 200, body: renderUser(ctx.org, next, renderOptions(ctx)) }
}

const parseMemberFilter = (path: string): { readonly attribute: "value" | "display"; readonly operand: string } => {
  const m = /^members\[\s*(value|display)\s+eq\s+(.+?)\s*\]$/i.exec(path)
  if (m === null) return fail(400, `Invalid path: ${path}`, "invalidPath")
  const operand = m[2]!.replace(/^"(.*)"$/, "$1").replace(/^'(.*)'$/, "$1")
  return { attribute: m[1]!.toLowerCase() as "value" | "display", operand }
}

/** @internal */
export const patchGroup = (ctx: Ctx, id: string, body: unknown, forceBody: boolean): Reply => {
  const group = ctx.org.groups.get(id) ?? fail(404, `Specified resource; Group with id ${id} not found.`)
  const ops = decodePatchBody(body)
  let resource = clone(group.resource)
  let members: Array<Member> = [...group.members]
  const conflict = (detail: string, scimType: string) => {
    if (ctx.quirks.memberConflict === "error") fail(400, detail, scimType)
  }
  const addMembers = (value: unknown) => {
    const list = Array.isArray(value) ? value : [value]
    for (const raw of list) {
      const member = resolveMember(ctx, raw)
      if (members.some((m) => m.value === member.value)) {
        conflict(`The user ${member.display} is already a member of the group.`, "invalidValue")
      } else {
        members.push(member)
      }
    }
  }
  const removeWhere = (predicate: (m: Member) => boolean, label: string) => {
    const before = members.length
    members = members.filter((m) => !predicate(m))
    if (members.length === before) conflict(`The user ${label} is not a member of the group.`, "noTarget")
  }
  for (const op of ops) {
    const path = op.path
    const lowerPath = path?.toLowerCase()
    if (
      lowerPath !== undefined &&
      (lowerPath === "members" || lowerPath.startsWith("members[") || lowerPath.startsWith("members."))
    ) {
      if (lowerPath === "members") {
        if (op.op === "add") addMembers(op.value)
        else if (op.op === "replace") members = resolveMembers(ctx, Array.isArray(op.value) ? op.value : [op.value])
        else if (op.value === undefined) members = []
        else {
          const list = Array.isArray(op.value) ? op.value : [op.value]
          for (const raw of list) {
            const value = isObject(raw) ? raw["value"] : raw
            if (typeof value !== "string") fail(400, "A member to remove needs a value.", "invalidSyntax")
            removeWhere((m) => m.value === value, String(value))
          }
        }
        continue
      }
      if (op.op !== "remove" || !lowerPath.startsWith("members[")) {
        fail(400, `Unsupported path for ${op.op}: ${path}`, "invalidPath")
      }
      checkValueFilter(path!)
      const filter = parseMemberFilter(path!)
      const operand = filter.operand.toLowerCase()
      removeWhere(
        (m) =>
          filter.attribute === "value"
            ? m.value === filter.operand
            : m.display.toLowerCase() === operand || m.display.toLowerCase().endsWith(`/${operand}`),
        filter.operand
      )
      continue
    }
    if (op.path === undefined && isObject(op.value)) {
      const rest: JsonObject = {}
      for (const [key, value] of Object.entries(op.value)) {
        checkMutable(key)
        const lower = key.toLowerCase()
        if (lower === "members") {
          if (op.op === "add") addMembers(value)
          else members = resolveMembers(ctx, value)
        } else if (lower === "displayname") {
          resource["displayName"] = value as Json
        } else {
          rest[key] = value as Json
        }
      }
      if (Object.keys(rest).length > 0) resource = applyGeneric(resource, { ...op, value: rest }, () => undefined)
      continue
    }
    if (lowerPath === "displayname") {
      if (op.op === "remove") fail(400, "The displayName of a group cannot be removed.", "mutability")
      resource["displayName"] = op.value as Json
      continue
    }
    resource = applyGeneric(resource, op, () => undefined)
  }
  const next = commitGroup(ctx, group, resource, members)
  if (ctx.quirks.groupPatchResponse === "noContent" && !forceBody) return { status: 204 }
  return { status: 200, body: renderGroup(next, renderOptions(ctx)) }
}
