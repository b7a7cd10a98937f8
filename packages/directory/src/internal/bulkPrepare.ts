/**
 * The checks of `Bulk` operations before any request: methods, paths (`/Users`, `/Groups`, and on
 * a target with Asgardeo's Roles API `/v2/Roles`), bulkIds (one generated where missing), every
 * operation's data through the deep check and PATCH operations through `Patch`, names with their
 * user store, and the per-operation scope (`Scopes.byOperation` `Bulk.*`).
 *
 * @internal
 */
import * as Patch from "@asgardeo-scim/core/Patch"
import type * as ScimClient from "@asgardeo-scim/core/ScimClient"
import * as ScimError from "@asgardeo-scim/core/ScimError"
import type * as Scopes from "@asgardeo-scim/core/Scopes"
import * as Validation from "@asgardeo-scim/core/Validation"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import type { Prepared } from "./bulkWire.js"
import { percentDecoded, refPattern } from "./bulkWire.js"
import * as internal from "./common.js"

/** A resource endpoint of a bulk operation. @internal */
export type Resource = "Users" | "Groups" | "Roles"

/**
 * The endpoint of a resource in a bulk operation: `/Users`, `/Groups`, and `/v2/Roles` for roles
 * (Asgardeo routes only `/v2/Roles` paths to its roles; a `/v3/Roles` path would reach the legacy
 * roles handler).
 *
 * @internal
 */
export const endpointOf = (resource: Resource): string => resource === "Roles" ? "/v2/Roles" : `/${resource}`

const pathPattern = /^\/(Users|Groups|v2\/Roles)(?:\/(.+))?$/

const scopeOf = (method: string, resource: Resource): Scopes.Operation => {
  const kind = method === "POST" ? "create" : method === "DELETE" ? "delete" : "update"
  const what = resource === "Users" ? "User" : resource === "Groups" ? "Group" : "Role"
  return `Bulk.${kind}${what}` as Scopes.Operation
}

/**
 * Checks operations and prepares them for the wire. Role operations on a target without
 * Asgardeo's Roles API fail with `Unsupported`.
 *
 * @internal
 */
export const prepare = (
  client: ScimClient.Service,
  op: string,
  operations: unknown
): Either.Either<ReadonlyArray<Prepared>, ScimError.InvalidInput | ScimError.Unsupported> => {
  const target = client.target
  const hasStores = target.userStores !== undefined
  const bad = (field: string, reason: string) => Either.left(internal.invalid(op, field, reason))
  if (!Array.isArray(operations)) return bad("operations", "expected an array of operations")
  if (operations.length === 0) return bad("operations", "no operations")
  const given = new Set<string>()
  for (const o of operations) {
    if (internal.isRecord(o) && typeof o.bulkId === "string") {
      if (given.has(o.bulkId)) return bad("operations", `duplicate bulkId ${JSON.stringify(o.bulkId)}`)
      given.add(o.bulkId)
    }
  }
  let n = 0
  const fresh = () => {
    let id: string
    do id = `op-${++n}`
    while (given.has(id))
    given.add(id)
    return id
  }
  const out: Array<Prepared> = []
  for (let i = 0; i < operations.length; i++) {
    const o: unknown = operations[i]
    const at = `operations.${i}`
    if (!internal.isRecord(o)) return bad(at, "expected an operation object")
    const method = o.method
    if (method !== "POST" && method !== "PUT" && method !== "PATCH" && method !== "DELETE") {
      return bad(`${at}.method`, "expected POST, PUT, PATCH or DELETE (upper case)")
    }
    for (const key of Object.keys(o)) {
      if (!["method", "path", "bulkId", "data"].includes(key)) return bad(`${at}.${key}`, "unknown key")
    }
    if (o.bulkId !== undefined && (typeof o.bulkId !== "string" || !/^[^\s"\\]+$/.test(o.bulkId))) {
      return bad(`${at}.bulkId`, "a bulkId is a non-empty string without spaces, quotes or backslashes")
    }
    const path = o.path
    if (typeof path !== "string") return bad(`${at}.path`, "expected a string")
    const match = pathPattern.exec(path)
    if (match === null) {
      return bad(`${at}.path`, "expected /Users, /Groups or /v2/Roles, or one of them followed by /{id}")
    }
    const resource: Resource = match[1] === "v2/Roles" ? "Roles" : match[1] === "Groups" ? "Groups" : "Users"
    const endpoint = endpointOf(resource)
    if (resource === "Roles" && target.roles !== "asgardeo") {
      return Either.left(
        new ScimError.Unsupported({
          operation: op,
          feature: "roles",
          reason: `the ${target.name} target has no roles API (${at} goes to ${endpoint}): manage access with groups`
        })
      )
    }
    const id = match[2]
    if (method === "POST") {
      if (id !== undefined) return bad(`${at}.path`, `a POST goes to ${endpoint}`)
      if (o.bulkId === undefined) return bad(`${at}.bulkId`, "a POST needs a bulkId")
    } else {
      if (id === undefined) return bad(`${at}.path`, `a ${method} needs ${endpoint}/{id}`)
      if (!id.startsWith("bulkId:")) {
        const decoded = percentDecoded(id)
        if (decoded === undefined) return bad(`${at}.path`, "a malformed percent-escape in the id")
        const checked = client.encodeId(decoded)
        if (Either.isLeft(checked)) return bad(`${at}.path`, checked.left.reason)
      }
    }
    let data: Record<string, unknown> | undefined
    if (method === "DELETE") {
      if (o.data !== undefined) return bad(`${at}.data`, "a DELETE takes no data")
    } else {
      if (!internal.isRecord(o.data) || Redacted.isRedacted(o.data)) return bad(`${at}.data`, "expected an object")
      // The deep check (control characters, lengths, depth, Redacted passwords) on a copy. A
      // PATCH's Operations are checked by Patch, each value against the attribute its path names.
      const { Operations: patchOperations, ...rest } = o.data
      const checked = Validation.decodeJson(method === "PATCH" ? rest : o.data, { field: `${at}.data` })
      if (Either.isLeft(checked)) return bad(checked.left.field, checked.left.reason)
      data = internal.isRecord(checked.right) ? checked.right : {}
      if (method === "PATCH") {
        const decoded = Either.flatMap(
          Patch.decodeOperations(patchOperations, { operation: op }),
          (ops) => Patch.request(ops, { operation: op })
        )
        if (Either.isLeft(decoded)) {
          return bad(`${at}.data.${decoded.left.field}`, decoded.left.reason)
        }
        data = { ...data, ...decoded.right }
      }
    }
    // Bulk data is raw SCIM: a name is written as the server writes it (`PARTNERS/Team`), and on
    // a server with user stores what precedes its first `/` must be a store (roles have none).
    if (hasStores && data !== undefined && resource !== "Roles") {
      const attribute = resource === "Groups" ? "displayname" : "username"
      const written = method === "PATCH"
        ? (Array.isArray(data.Operations) ? data.Operations as ReadonlyArray<Patch.PatchOperation> : []).map((
          operation
        ) => internal.writtenValueOf(operation, attribute))
        : [internal.writtenValueOf({ op: "replace", value: data as Validation.WriteJson }, attribute)]
      for (const name of written) {
        const store = typeof name === "string" ? Validation.splitDomain(name).domain : undefined
        if (store !== undefined && !Validation.isUserStoreDomain(store)) {
          return bad(
            `${at}.data`,
            `the part before '/' of ${resource === "Groups" ? "displayName" : "userName"} is read as a user store: ` +
              "letters, digits, '.', '_' or '-'"
          )
        }
      }
    }
    const bulkId = typeof o.bulkId === "string" ? o.bulkId : fresh()
    const wire = { method, path, bulkId, ...(data !== undefined ? { data } : {}) }
    // References are read from the text with secrets hidden; the size counts what is sent.
    const refs = Array.from(JSON.stringify(wire).matchAll(refPattern), (m) => m[1]!).filter((r) => r !== bulkId)
    const size = Validation.utf8Length(Validation.encodeJson(wire))
    out.push({ bulkId, method, path, wire, size, refs, scope: scopeOf(method, resource), resource })
  }
  return Either.right(out)
}
