/**
 * PATCH of roles (asgardeo-rbac-orgs.md §1.9, §1.10). The body is decoded as other PATCHes are
 * (`decodePatchBody`: `Operations` required, unknown op 400 `invalidSyntax`, `remove` without
 * path 400 `noTarget`, `add`/`replace` without value 400 `invalidSyntax`), then:
 *
 * - paths name `displayName`, `users`, `groups` or `permissions` (else 400 "x is not a valid
 *   attribute."); a filter (`users[value eq id]`, `[display eq name]`, quotes stripped) takes
 *   `value` or `display` only (else 400 "Invalid filter") and `eq` only (else 501 "Only Eq
 *   filter is supported"); removing `displayName` is 400;
 * - every `replace` runs first, then every `add`, then every `remove` (in the body's order
 *   within each); the name, permissions, groups and users are then applied, so a later `add`
 *   and `remove` of the same id cancel;
 * - unknown user ids are 400 `invalidValue` "User can't be resolved from the given user Id.";
 * - any `replace` of `users`, or `remove` with the path `users`, takes the server's "replace all
 *   users" path, where an `add` or `remove` with the path `permissions` is 501 "Adding/Removing
 *   permissions not permitted.";
 * - the answer is 200 with the role re-read without its users.
 *
 * v3 `/{id}` applies the name and permission operations only (user and group ones are ignored);
 * v3 `/{id}/Users` and `/{id}/Groups` first rewrite the body as the server does (`add`/`replace`
 * without path get the path `users`/`groups`; a path `value eq X` becomes `users[value eq X]`;
 * a body without `Operations` is 406) and apply the operations on their own attribute only.
 *
 * Choices where Asgardeo's answer is unconfirmed: `remove` of `groups` or `permissions` without
 * a filter or value changes nothing (as the note infers); with a value, the listed ids go.
 *
 * @internal
 */
import type { PatchOp } from "./patch.js"
import { decodePatchBody } from "./patch.js"
import type { JsonObject, Reply } from "./reply.js"
import { fail, isObject } from "./reply.js"
import type { RolesApi } from "./roleApps.js"
import type { RoleEnv } from "./roleEnv.js"
import {
  checkName,
  findRole,
  groupIds,
  permissionDisplay,
  permissionsOf,
  renderRole,
  userIds,
  withoutUsers
} from "./roles.js"
import type { RoleRecord } from "./roleStore.js"
import { putRole } from "./roleStore.js"
import { findUserByName, groupName } from "./store.js"

/** The attributes a role's membership operations change. @internal */
export type Assignable = "users" | "groups" | "permissions"

type Attribute = "displayName" | Assignable

/** Which endpoint a PATCH came to. @internal */
export type PatchMode = "v2" | "v3" | "v3Users" | "v3Groups"

interface RoleOp {
  readonly op: PatchOp["op"]
  readonly attribute: Attribute
  readonly filter: { readonly by: "value" | "display"; readonly operand: string } | undefined
  readonly value: unknown
}

const ATTRIBUTES: ReadonlyMap<string, Attribute> = new Map([
  ["displayname", "displayName"],
  ["users", "users"],
  ["groups", "groups"],
  ["permissions", "permissions"]
])

const URN_PREFIX = "urn:ietf:params:scim:schemas:extension:2.0:role:"

const attributeOf = (name: string): Attribute => {
  const lower = name.trim().toLowerCase()
  return ATTRIBUTES.get(lower.startsWith(URN_PREFIX) ? lower.slice(URN_PREFIX.length) : lower) ??
    fail(400, `${name} is not a valid attribute.`, "invalidPath")
}

const parseFilter = (text: string): NonNullable<RoleOp["filter"]> => {
  // Trimmed first: a lazy `(.+?)\s*$` is quadratic on a long run of white space (a 1 MB body).
  const m = /^(\S+)\s+(\S+)\s+(.+)$/.exec(text.trim())
  const by = m?.[1]?.toLowerCase()
  if (m === null || (by !== "value" && by !== "display")) return fail(400, "Invalid filter", "invalidFilter")
  if (m[2]!.toLowerCase() !== "eq") return fail(501, "Only Eq filter is supported")
  return { by, operand: m[3]!.replace(/^"(.*)"$/, "$1") }
}

/**
 * `users[value eq X]` -> `users` and `value eq X`; `users` -> `users`. No regular expression:
 * one with a lazy group before optional white space is quadratic on a long path.
 */
const splitPath = (path: string): { readonly name: string; readonly filter: string | undefined } | undefined => {
  const open = path.indexOf("[")
  const name = open === -1 ? path : path.slice(0, open)
  if (name.length === 0 || name.includes("]")) return undefined
  if (open === -1) return { name, filter: undefined }
  const rest = path.slice(open + 1)
  if (!rest.endsWith("]") || rest.includes("\n")) return undefined
  return { name, filter: rest.slice(0, -1) }
}

const toRoleOps = (op: PatchOp): ReadonlyArray<RoleOp> => {
  if (op.path === undefined) {
    if (!isObject(op.value)) return fail(400, "A path-less operation needs an object value.", "invalidSyntax")
    return Object.entries(op.value).filter(([key]) => key.toLowerCase() !== "schemas").map(([key, value]) => ({
      op: op.op,
      attribute: attributeOf(key),
      filter: undefined,
      value
    }))
  }
  const parts = splitPath(op.path) ?? fail(400, `Invalid path: ${op.path}`, "invalidPath")
  const attribute = attributeOf(parts.name)
  const filter = parts.filter === undefined ? undefined : parseFilter(parts.filter)
  if (filter !== undefined && (attribute === "displayName" || op.op !== "remove")) {
    return fail(400, `Invalid path: ${op.path}. A filter is only supported in a remove operation.`, "invalidPath")
  }
  if (attribute === "displayName" && op.op === "remove") {
    return fail(400, "The displayName of a role cannot be removed.", "mutability")
  }
  return [{ op: op.op, attribute, filter, value: op.value }]
}

/** The server's rewrite of a `/v3/Roles/{id}/Users` (or `/Groups`) PATCH body. */
const rewrite = (body: unknown, attribute: "users" | "groups"): JsonObject => {
  if (!isObject(body) || !Array.isArray(body["Operations"])) {
    return fail(406, "Error while processing SCIM PatchOp request: the body has no Operations.")
  }
  return {
    ...body,
    Operations: body["Operations"].map((op) => {
      if (!isObject(op)) return op
      const name = typeof op["op"] === "string" ? op["op"].toLowerCase() : ""
      const path = op["path"]
      if ((name === "add" || name === "replace") && (path === undefined || path === null || path === "")) {
        return { ...op, path: attribute }
      }
      return typeof path === "string" && /^\s*value\s+eq\s/i.test(path)
        ? { ...op, path: `${attribute}[${path.trim()}]` }
        : op
    })
  }
}

const applies = (mode: PatchMode, attribute: Attribute): boolean => {
  switch (mode) {
    case "v2":
      return true
    case "v3":
      return attribute === "displayName" || attribute === "permissions"
    case "v3Users":
      return attribute === "users"
    case "v3Groups":
      return attribute === "groups"
  }
}

const phase = { replace: 0, add: 1, remove: 2 } as const

/** How one attribute's members are resolved and matched by `display`. */
interface Members {
  readonly resolve: (value: unknown) => ReadonlyArray<string>
  readonly byValue: (operand: string) => string
  /** Which members a `display eq operand` filter names (the operand resolved once). */
  readonly display: (operand: string) => (id: string) => boolean
  /** `remove` with the bare path and no value. */
  readonly removeAll: boolean
}

const applyMembers = (
  ops: ReadonlyArray<RoleOp>,
  attribute: Assignable,
  current: ReadonlyArray<string>,
  members: Members
): Array<string> => {
  // A Set keeps insertion order: the members stay in the order they were added.
  let set = new Set(current)
  for (const o of ops) {
    if (o.attribute !== attribute) continue
    if (o.op === "replace") set = new Set(members.resolve(o.value))
    else if (o.op === "add") {
      for (const id of members.resolve(o.value)) set.add(id)
    } else if (o.filter !== undefined) {
      const { by, operand } = o.filter
      // The operand is resolved once, whether or not the role has members (an unknown user is 400 either way).
      if (by === "value") set.delete(members.byValue(operand))
      else {
        const matches = members.display(operand)
        for (const id of [...set]) if (matches(id)) set.delete(id)
      }
    } else if (o.value !== undefined) {
      for (const id of members.resolve(o.value)) set.delete(id)
    } else if (members.removeAll) set = new Set()
  }
  return [...set]
}

const sameName = (name: string, operand: string): boolean => {
  const a = name.toLowerCase()
  const b = operand.toLowerCase()
  return a === b || a.endsWith(`/${b}`) || b.endsWith(`/${a}`)
}

const userMembers = (env: RoleEnv): Members => ({
  resolve: (value) => userIds(env, value),
  byValue: (operand) => userIds(env, [{ value: operand }])[0]!,
  display: (operand) => {
    const user = findUserByName(env.ctx.org, operand) ??
      fail(400, "User can't be resolved from the given user Id.", "invalidValue")
    return (id) => user.id === id
  },
  removeAll: true
})

const groupMembers = (env: RoleEnv): Members => ({
  resolve: (value) => groupIds(env, value),
  byValue: (operand) => operand,
  display: (operand) => (id) => {
    const group = env.ctx.org.groups.get(id)
    return group !== undefined && sameName(groupName(group), operand)
  },
  removeAll: false
})

const permissionMembers = (env: RoleEnv): Members => ({
  resolve: (value) => permissionsOf(env, value),
  byValue: (operand) => operand,
  display: (operand) => (scope) => permissionDisplay(scope).toLowerCase() === operand.toLowerCase(),
  removeAll: false
})

/**
 * PATCH a role. `authorize` sees which of users, groups and permissions the operations touch
 * before anything is read or written (the strict v2 scope checks throw a 403 from it).
 *
 * @internal
 */
export const patchRole = (
  env: RoleEnv,
  mode: PatchMode,
  id: string,
  body: unknown,
  authorize: (touched: ReadonlySet<Assignable>) => void = () => undefined
): Reply => {
  const decoded = decodePatchBody(
    mode === "v3Users" ? rewrite(body, "users") : mode === "v3Groups" ? rewrite(body, "groups") : body
  ).flatMap(toRoleOps)
  const ops = decoded.filter((o) => applies(mode, o.attribute)).sort((a, b) => phase[a.op] - phase[b.op])
  const touched = new Set<Assignable>()
  for (const o of ops) if (o.attribute !== "displayName") touched.add(o.attribute)
  authorize(touched)
  const role = findRole(env, id)
  const replacesUsers = ops.some((o) =>
    o.attribute === "users" && (o.op === "replace" || (o.op === "remove" && o.filter === undefined))
  )
  if (replacesUsers && ops.some((o) => o.attribute === "permissions" && o.op !== "replace" && o.filter === undefined)) {
    return fail(501, "Adding/Removing permissions not permitted.")
  }
  let displayName: unknown = role.displayName
  for (const o of ops) if (o.attribute === "displayName") displayName = o.value
  const next: RoleRecord = {
    ...role,
    displayName: displayName === role.displayName
      ? role.displayName
      : checkName(env, displayName, role.audience, role.id),
    permissions: applyMembers(ops, "permissions", role.permissions, permissionMembers(env)),
    groups: applyMembers(ops, "groups", role.groups, groupMembers(env)),
    users: applyMembers(ops, "users", role.users, userMembers(env))
  }
  putRole(env.ctx.org.roles, next)
  const version: RolesApi = mode === "v2" ? "v2" : "v3"
  return { status: 200, body: renderRole(env, next, version, withoutUsers) }
}
