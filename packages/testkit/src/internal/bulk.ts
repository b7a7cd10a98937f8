/**
 * Bulk (asgardeo-api.md §7): user operations before group operations whatever the order,
 * `bulkId` required for POST and unique, `bulkId:<id>` member references, `failOnErrors`,
 * `maxOperations` (413 over it), per-operation scopes, HTTP 200 with a numeric `status.code` and
 * the sub-response serialised as a string. Each operation is atomic; earlier ones stay.
 *
 * Roles (asgardeo-rbac-orgs.md §1.14): `/v2/Roles` operations run after every user and group
 * operation, with `bulkId:<id>` in their data (a role's `users[].value`) replaced by the created
 * user's id, and the per-operation scopes `internal_bulk_role_{create,update,delete}`. A
 * `/v3/Roles` path would reach Asgardeo's legacy roles handler (unconfirmed in practice): the
 * emulator answers that operation 400 `invalidPath`, saying to use `/v2/Roles`.
 *
 * @internal
 */
import type { Ctx } from "./context.js"
import { createGroup, removeGroup, replaceGroup } from "./groups.js"
import { patchGroup, patchUser } from "./patch.js"
import type { JsonObject, Reply } from "./reply.js"
import { BULK_RESPONSE_SCHEMA, errorReply, fail, guard, isObject } from "./reply.js"
import type { RoleEnv } from "./roleEnv.js"
import { createRole, deleteRole, replaceRole } from "./roles.js"
import { patchRole } from "./rolesPatch.js"
import { bulkScopeFor, scopeTable } from "./scopes.js"
import { createUser, removeUser, replaceUser } from "./users.js"

/** `Roles`: `/v2/Roles`; `RolesV3`: `/v3/Roles`, which bulk does not serve. */
type BulkResource = "Users" | "Groups" | "Roles" | "RolesV3"

interface BulkOperation {
  readonly method: string
  readonly path: string
  readonly bulkId: string | undefined
  readonly data: unknown
  readonly resource: BulkResource | undefined
  readonly id: string | undefined
}

const parsePath = (
  path: string
): { readonly resource: BulkResource | undefined; readonly id: string | undefined } => {
  const m = /^\/?(Users|Groups|v2\/Roles|v3\/Roles)(?:\/([^/?]+))?$/.exec(path)
  if (m === null) return { resource: undefined, id: undefined }
  const resource = m[1] === "v2/Roles" ? "Roles" : m[1] === "v3/Roles" ? "RolesV3" : m[1] as "Users" | "Groups"
  return { resource, id: m[2] }
}

const decode = (
  ctx: Ctx,
  body: unknown
): { readonly ops: ReadonlyArray<BulkOperation>; readonly failOnErrors: number } => {
  if (!isObject(body) || !Array.isArray(body["Operations"])) {
    return fail(400, "Invalid JSON schema.", "invalidSyntax")
  }
  const raw = body["Operations"]
  if (raw.length > ctx.quirks.maxBulkOperations) {
    return fail(
      413,
      `The number of operations in the bulk request: ${raw.length} exceeds the maximum total number of operations count: ${ctx.quirks.maxBulkOperations}.`,
      "tooMany"
    )
  }
  const seen = new Set<string>()
  const ops = raw.map((op): BulkOperation => {
    if (!isObject(op) || typeof op["method"] !== "string" || typeof op["path"] !== "string") {
      return fail(400, "Each bulk operation needs a method and a path.", "invalidSyntax")
    }
    const bulkId = typeof op["bulkId"] === "string" ? op["bulkId"] : undefined
    if (op["method"] === "POST" && bulkId === undefined) {
      return fail(400, "The bulkId is required for a POST bulk operation.", "invalidValue")
    }
    if (bulkId !== undefined) {
      if (seen.has(bulkId)) return fail(400, `Duplicate bulkId: ${bulkId}`, "invalidValue")
      seen.add(bulkId)
    }
    return { method: op["method"], path: op["path"], bulkId, data: op["data"], ...parsePath(op["path"]) }
  })
  const failOnErrors = typeof body["failOnErrors"] === "number" ? Math.max(0, body["failOnErrors"]) : 0
  return { ops, failOnErrors }
}

/**
 * Replaces `bulkId:<id>` strings with the ids of users created earlier in the request (charon
 * does this for group members in any operation's data). Unknown references stay as they are and
 * fail the member checks.
 */
const resolveRefs = (data: unknown, bulkIds: ReadonlyMap<string, string>): unknown => {
  if (typeof data === "string") {
    return data.startsWith("bulkId:") ? bulkIds.get(data.slice("bulkId:".length)) ?? data : data
  }
  if (Array.isArray(data)) return data.map((d) => resolveRefs(d, bulkIds))
  if (isObject(data)) {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(data)) out[key] = resolveRefs(data[key], bulkIds)
    return out
  }
  return data
}

/** A `/v2/Roles` operation, after every user and group operation. */
const runRole = (env: RoleEnv, op: BulkOperation, id: string, bulkIds: ReadonlyMap<string, string>): Reply => {
  const data = resolveRefs(op.data, bulkIds)
  switch (op.method) {
    case "POST":
      return createRole(env, "v2", data)
    case "PUT":
      return replaceRole(env, "v2", id, data)
    case "PATCH":
      return patchRole(env, "v2", id, data)
    case "DELETE":
      return deleteRole(env, id)
  }
  return errorReply(400, `Unsupported bulk method: ${op.method}`, "invalidSyntax")
}

const run = (ctx: Ctx, op: BulkOperation, bulkIds: Map<string, string>, roles: RoleEnv | undefined): Reply => {
  if (op.resource === "RolesV3") {
    return errorReply(
      400,
      `Bulk does not serve ${op.path}: Asgardeo would route it to its legacy roles handler. Use /v2/Roles.`,
      "invalidPath"
    )
  }
  if (op.resource === undefined) return errorReply(404, `Unsupported bulk operation path: ${op.path}`)
  const needsId = op.method !== "POST"
  if (needsId && op.id === undefined) return errorReply(400, `The path ${op.path} needs a resource id.`, "invalidPath")
  if (!needsId && op.id !== undefined) return errorReply(400, `POST to ${op.path} is not allowed.`, "invalidPath")
  const id = op.id ?? ""
  if (op.resource === "Roles") {
    return roles === undefined
      ? errorReply(404, `Unsupported bulk operation path: ${op.path}`)
      : guard(() => runRole(roles, op, id, bulkIds))
  }
  return guard(() => {
    if (op.resource === "Users") {
      switch (op.method) {
        case "POST": {
          const reply = createUser(ctx, op.data)
          const created = reply.body as JsonObject
          if (op.bulkId !== undefined) bulkIds.set(op.bulkId, String(created["id"]))
          return reply
        }
        case "PUT":
          return replaceUser(ctx, id, op.data)
        case "PATCH":
          return patchUser(ctx, id, op.data)
        case "DELETE":
          return removeUser(ctx, id)
      }
    } else {
      switch (op.method) {
        case "POST":
          return createGroup(ctx, op.data, bulkIds)
        case "PUT":
          return replaceGroup(ctx, id, op.data, bulkIds)
        case "PATCH":
          return patchGroup(ctx, id, resolveRefs(op.data, bulkIds), true)
        case "DELETE":
          return removeGroup(ctx, id)
      }
    }
    return errorReply(400, `Unsupported bulk method: ${op.method}`, "invalidSyntax")
  })
}

/** @internal */
export const handleBulk = (ctx: Ctx, body: unknown, scopes: ReadonlySet<string>, roles?: RoleEnv): Reply => {
  const { failOnErrors, ops } = decode(ctx, body)
  const ordered = [
    ...ops.filter((o) => o.resource === "Users"),
    ...ops.filter((o) => o.resource === "Groups"),
    ...ops.filter((o) => o.resource === "Roles"),
    ...ops.filter((o) => o.resource === undefined || o.resource === "RolesV3")
  ]
  const bulkIds = new Map<string, string>()
  const results: Array<JsonObject> = []
  let failures = 0
  for (const op of ordered) {
    if (failOnErrors > 0 && failures >= failOnErrors) break
    const scope = op.resource === undefined || op.resource === "RolesV3"
      ? undefined
      : bulkScopeFor(op.resource, op.method)
    const allowed = scope === undefined || scopes.has(scope) || scopes.has(scopeTable["Bulk.legacy"])
    const reply = allowed
      ? run(ctx, op, bulkIds, roles)
      : errorReply(403, "Operation is not permitted. You do not have permissions to make this request.")
    if (reply.status !== 200 && reply.status !== 201 && reply.status !== 204) failures++
    const body = reply.body
    const location = reply.status < 300 && isObject(body) && isObject(body["meta"]) &&
        typeof body["meta"]["location"] === "string"
      ? body["meta"]["location"]
      : undefined
    results.push({
      method: op.method,
      ...(op.bulkId === undefined ? {} : { bulkId: op.bulkId }),
      ...(location === undefined || op.method === "DELETE" ? {} : { location }),
      status: { code: reply.status },
      response: body === undefined ? "" : JSON.stringify(body)
    })
  }
  return { status: 200, body: { schemas: [BULK_RESPONSE_SCHEMA], Operations: results } }
}
