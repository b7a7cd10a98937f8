/**
 * The input rules of the `Roles` service, checked before any request: role names, audiences,
 * permissions (API scope names), ids, lookup options, and the PATCH operations Asgardeo's Roles
 * API accepts (wire spec: asgardeo-rbac-orgs.md, Part 1).
 *
 * @internal
 */
import * as Patch from "@asgardeo-scim/core/Patch"
import type * as ScimClient from "@asgardeo-scim/core/ScimClient"
import type * as ScimConfig from "@asgardeo-scim/core/ScimConfig"
import * as ScimError from "@asgardeo-scim/core/ScimError"
import * as Scopes from "@asgardeo-scim/core/Scopes"
import * as Validation from "@asgardeo-scim/core/Validation"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Role from "../Role.js"
import { RoleUrn } from "../Role.js"
import * as internal from "./common.js"

/** A Roles API version. @internal */
export type Version = ScimConfig.RolesApi

/**
 * The version a token's granted scopes say: v3-only scopes without v2-only ones mean v3; anything
 * else (v2 scopes, neither, scopes that cannot be read) v2. A sub-organization token's
 * `internal_org_` scopes are read by their root names.
 *
 * @internal
 */
export const inferVersion = (granted: ReadonlySet<string> | undefined): Version => {
  if (granted === undefined) return "v2"
  const root = new Set(Array.from(granted, Scopes.fromOrganization))
  const has = (scopes: ReadonlyArray<string>) => scopes.some((s) => root.has(s))
  return has(Scopes.rolesV3Only) && !has(Scopes.rolesV2Only) ? "v3" : "v2"
}

/** The refusal of every `Roles` operation on a target without Asgardeo's Roles API. @internal */
export const unsupported = (target: ScimClient.Service["target"], operation: string) =>
  new ScimError.Unsupported({
    operation,
    feature: "roles",
    reason: `the ${target.name} target has no roles API (Asgardeo's /v2/Roles and /v3/Roles): ` +
      "manage access with groups"
  })

/**
 * A body within the 1 MiB cap of every request, checked with the input: the version is told from
 * the token's scopes, so the client's own cap (at send time) would come after that token request.
 * The bodies checked are those of either version (they are the same, or the larger is checked).
 *
 * @internal
 */
export const withinCap = <A>(operation: string, body: unknown, a: A): Check<A> =>
  Either.map(Validation.encodeBody(operation, body), () => a)

/** PATCH operations within the cap, as the body they are sent in. @internal */
export const patchWithinCap = (
  operation: string,
  operations: ReadonlyArray<Patch.PatchOperation>
): Check<ReadonlyArray<Patch.PatchOperation>> =>
  withinCap(operation, { schemas: [Patch.PatchOpUrn], Operations: operations }, operations)

/** What `replace` sends on v2 (the larger of its two forms): a PATCH of the name and the permissions. @internal */
export const replaceOperations = (
  displayName: string,
  permissions: ReadonlyArray<string>
): ReadonlyArray<Patch.PatchOperation> => [
  Patch.replace("displayName", displayName),
  Patch.replace("permissions", permissions.map((value) => ({ value })))
]

/** The audience of a new role, as sent. @internal */
export interface AudienceInput {
  readonly type: Role.AudienceType
  readonly value: string
}

/** A new role, checked: its body and what a lookup of it needs. @internal */
export interface NewRole {
  readonly displayName: string
  readonly audience: AudienceInput | undefined
  readonly permissions: ReadonlyArray<string> | undefined
  readonly body: Record<string, unknown>
}

type Check<A> = Either.Either<A, ScimError.InvalidInput>

const bad = (operation: string, field: string, reason: string) =>
  Either.left(internal.invalid(operation, field, reason))

/** A role name to write: not blank, no control characters, no `/` (Asgardeo answers 400). @internal */
export const checkName = (operation: string, field: string, name: unknown): Check<string> => {
  if (typeof name !== "string" || name.trim() === "") return bad(operation, field, "must be a non-empty string")
  const problem = Validation.stringProblem("displayName", name)
  if (problem !== undefined) return bad(operation, field, problem)
  if (name.includes("/")) return bad(operation, field, "a role name cannot contain '/' (Asgardeo refuses it)")
  return Either.right(name.trim())
}

/** A role name to look up: not blank, no control characters. @internal */
export const checkLookupName = (operation: string, field: string, name: unknown): Check<string> => {
  if (typeof name !== "string" || name.trim() === "") return bad(operation, field, "must be a non-empty string")
  const problem = Validation.stringProblem("displayName", name)
  return problem === undefined ? Either.right(name.trim()) : bad(operation, field, problem)
}

const audienceType = (u: unknown): Role.AudienceType | undefined => {
  const lower = typeof u === "string" ? u.trim().toLowerCase() : undefined
  return lower === "organization" || lower === "application" ? lower : undefined
}

/** An id through the target's id rule (`InvalidInput` naming the field). @internal */
export const checkId = (
  client: ScimClient.Service,
  operation: string,
  field: string,
  id: unknown
): Check<string> => {
  if (typeof id !== "string") return bad(operation, field, "expected an id string")
  return Either.mapLeft(client.encodeId(id), (e) => internal.invalid(operation, field, e.reason))
}

/**
 * An audience: `{ type, value }`, both required when `partial` is false (a new role); either may
 * be left out of a lookup's. `type` is `organization` or `application` in any case.
 *
 * @internal
 */
export const checkAudience = (
  client: ScimClient.Service,
  operation: string,
  field: string,
  u: unknown,
  partial: boolean
): Check<{ readonly type: Role.AudienceType | undefined; readonly value: string | undefined }> => {
  if (!internal.isRecord(u)) return bad(operation, field, "expected { type, value }")
  for (const key of Object.keys(u)) {
    if (key !== "type" && key !== "value" && u[key] !== undefined) {
      return bad(operation, `${field}.${key}`, "unknown field (an audience is { type, value })")
    }
  }
  const type = audienceType(u.type)
  if (u.type !== undefined && type === undefined) {
    return bad(operation, `${field}.type`, "expected \"organization\" or \"application\"")
  }
  if (!partial && type === undefined) {
    return bad(operation, `${field}.type`, "expected \"organization\" or \"application\"")
  }
  let value: string | undefined
  if (u.value !== undefined || !partial) {
    const checked = checkId(client, operation, `${field}.value`, u.value)
    if (Either.isLeft(checked)) return Either.left(checked.left)
    value = checked.right
  }
  if (type === undefined && value === undefined) return bad(operation, field, "give the audience's type, value or both")
  return Either.right({ type, value })
}

// An API scope name: printable ASCII without spaces, quotes, backslashes or brackets (it is also
// written in a PATCH path, `permissions[value eq <name>]`).
const permissionPattern = /^[\x21\x23-\x5A\x5E-\x7E]{1,255}$/

/** Permissions (API scope names), deduplicated in order. @internal */
export const checkPermissions = (operation: string, field: string, u: unknown): Check<ReadonlyArray<string>> => {
  if (!Array.isArray(u)) return bad(operation, field, "expected an array of API scope names")
  const out = new Set<string>()
  for (let i = 0; i < u.length; i++) {
    const p: unknown = u[i]
    if (typeof p !== "string" || !permissionPattern.test(p)) {
      return bad(
        operation,
        `${field}.${i}`,
        "expected an API scope name (printable ASCII without spaces, quotes, backslashes or brackets, at most 255)"
      )
    }
    out.add(p)
  }
  return Either.right([...out])
}

/** Ids (of users or groups), through the target's id rule, deduplicated in order. @internal */
export const checkIds = (
  client: ScimClient.Service,
  operation: string,
  field: string,
  u: unknown
): Check<ReadonlyArray<string>> => {
  if (!Array.isArray(u)) return bad(operation, field, "expected an array of ids")
  const out = new Set<string>()
  for (let i = 0; i < u.length; i++) {
    const id = checkId(client, operation, `${field}.${i}`, u[i])
    if (Either.isLeft(id)) return Either.left(id.left)
    out.add(id.right)
  }
  return Either.right([...out])
}

const onlyKeys = (operation: string, u: Record<string, unknown>, keys: ReadonlyArray<string>) => {
  const key = Object.keys(u).find((k) => !keys.includes(k) && u[k] !== undefined)
  return key === undefined ? undefined : internal.invalid(operation, key, `unknown field (expected ${keys.join(", ")})`)
}

/** The input of `create` and `ensure`: `{ displayName, audience?, permissions? }`. @internal */
export const checkNewRole = (client: ScimClient.Service, operation: string, input: unknown): Check<NewRole> => {
  if (!internal.isRecord(input)) return bad(operation, "", "expected { displayName, audience?, permissions? }")
  const unknown = onlyKeys(operation, input, ["displayName", "audience", "permissions"])
  if (unknown !== undefined) return Either.left(unknown)
  const name = checkName(operation, "displayName", input.displayName)
  if (Either.isLeft(name)) return Either.left(name.left)
  let audience: AudienceInput | undefined
  if (input.audience !== undefined) {
    const checked = checkAudience(client, operation, "audience", input.audience, false)
    if (Either.isLeft(checked)) return Either.left(checked.left)
    audience = { type: checked.right.type!, value: checked.right.value! }
  }
  let permissions: ReadonlyArray<string> | undefined
  if (input.permissions !== undefined) {
    const checked = checkPermissions(operation, "permissions", input.permissions)
    if (Either.isLeft(checked)) return Either.left(checked.left)
    permissions = checked.right
  }
  const body = {
    schemas: [RoleUrn],
    displayName: name.right,
    ...(audience === undefined ? {} : { audience: { type: audience.type, value: audience.value } }),
    ...(permissions === undefined ? {} : { permissions: permissions.map((value) => ({ value })) })
  }
  return withinCap(operation, body, { displayName: name.right, audience, permissions, body })
}

/** The input of `replace`: `{ displayName, permissions }`, both required. @internal */
export const checkReplacement = (
  operation: string,
  input: unknown
): Check<{ readonly displayName: string; readonly permissions: ReadonlyArray<string> }> => {
  if (!internal.isRecord(input)) return bad(operation, "", "expected { displayName, permissions }")
  const unknown = onlyKeys(operation, input, ["displayName", "permissions"])
  if (unknown !== undefined) return Either.left(unknown)
  const name = checkName(operation, "displayName", input.displayName)
  if (Either.isLeft(name)) return Either.left(name.left)
  if (input.permissions === undefined) {
    return bad(operation, "permissions", "a replace sets the whole permission set: give it ([] for none)")
  }
  const permissions = checkPermissions(operation, "permissions", input.permissions)
  if (Either.isLeft(permissions)) return Either.left(permissions.left)
  return Either.map(
    patchWithinCap(operation, replaceOperations(name.right, permissions.right)),
    () => ({ displayName: name.right, permissions: permissions.right })
  )
}

/** The options of `findByName`: `{ audience?: { type?, value? } }`. @internal */
export const checkFindOptions = (
  client: ScimClient.Service,
  operation: string,
  options: unknown
): Check<{ readonly type: Role.AudienceType | undefined; readonly value: string | undefined } | undefined> => {
  if (options === undefined) return Either.right(undefined)
  if (!internal.isRecord(options)) return bad(operation, "options", "the options must be an object")
  const unknown = onlyKeys(operation, options, ["audience"])
  if (unknown !== undefined) return bad(operation, `options.${unknown.field}`, "unknown option (expected audience)")
  return options.audience === undefined
    ? Either.right(undefined)
    : checkAudience(client, operation, "options.audience", options.audience, true)
}

/** The role attributes a PATCH may name. */
const attributes = ["displayname", "users", "groups", "permissions"] as const
type Attribute = (typeof attributes)[number]

const pathPattern = /^([A-Za-z]+)(?:\[(.*)\])?$/
const filterPattern = /^\s*(value|display)\s+eq\s+\S.*$/i

/** What a PATCH operation touches: its attribute and whether its path selects by a filter. */
const touches = (op: Patch.PatchOperation): ReadonlyArray<{ readonly attribute: string; readonly filter: boolean }> => {
  if (op.path !== undefined) {
    const m = pathPattern.exec(op.path)
    return [{ attribute: (m?.[1] ?? op.path).toLowerCase(), filter: m?.[2] !== undefined }]
  }
  return internal.isRecord(op.value)
    ? Object.keys(op.value).map((k) => ({ attribute: k.toLowerCase(), filter: false }))
    : []
}

/**
 * Checks decoded PATCH operations against what the Roles API applies: paths `displayName`,
 * `users`, `groups`, `permissions`, or `users|groups|permissions[value eq X]` (also `display eq`)
 * to remove one; on v3 the role's own endpoint takes only `displayName` and `permissions` (users
 * and groups there are ignored by the server: they go to `/Users` and `/Groups`). A users replace
 * (a `replace` of `users`, or a `remove` of all `users`) with a permission `add` or `remove` in the
 * same PATCH is refused with `Unsupported`: the server answers 501 to that mix.
 *
 * @internal
 */
export const checkPatch = (
  operation: string,
  operations: ReadonlyArray<Patch.PatchOperation>,
  version: Version
): ScimError.InvalidInput | ScimError.Unsupported | undefined => {
  let usersReplaced = false
  let permissionsAddedOrRemoved = false
  for (let i = 0; i < operations.length; i++) {
    const op = operations[i]!
    const at = `Operations.${i}`
    for (const t of touches(op)) {
      if (!(attributes as ReadonlyArray<string>).includes(t.attribute)) {
        return internal.invalid(
          operation,
          op.path === undefined ? `${at}.value` : `${at}.path`,
          "a role PATCH names displayName, users, groups or permissions"
        )
      }
      const attribute = t.attribute as Attribute
      if (t.filter) {
        const m = pathPattern.exec(op.path!)
        if (attribute === "displayname" || !filterPattern.test(m?.[2] ?? "")) {
          return internal.invalid(
            operation,
            `${at}.path`,
            "a role PATCH selects with users, groups or permissions[value eq X] only (Asgardeo answers 501 to other filters)"
          )
        }
        if (op.op !== "remove") {
          return internal.invalid(operation, `${at}.path`, "a filtered path selects what to remove: use it with remove")
        }
      }
      if (attribute === "displayname" && op.op === "remove") {
        return internal.invalid(operation, `${at}.path`, "a role's displayName cannot be removed")
      }
      if (version === "v3" && (attribute === "users" || attribute === "groups")) {
        return internal.invalid(
          operation,
          op.path === undefined ? `${at}.value` : `${at}.path`,
          `on Roles v3 a role PATCH changes only displayName and permissions (the server ignores ${attribute}): ` +
            `use ${attribute === "users" ? "assignUsers / unassignUsers" : "assignGroups / unassignGroups"}`
        )
      }
      if (attribute === "users" && !t.filter && op.op !== "add") usersReplaced = true
      if (attribute === "permissions" && op.op !== "replace") permissionsAddedOrRemoved = true
    }
  }
  return usersReplaced && permissionsAddedOrRemoved
    ? new ScimError.Unsupported({
      operation,
      feature: "a users replace with a permission add or remove in one PATCH",
      reason: "Asgardeo answers 501 to that mix: send them in two calls, or replace the permission set"
    })
    : undefined
}

/**
 * The PATCH operations that add ids to, or remove them from, `users`, `groups` or `permissions`:
 * `add` with an array of `{ value }`, one `remove` of `<attribute>[value eq <id>]` per id (the
 * documented form, unquoted: ids and scope names hold no spaces or quotes).
 *
 * @internal
 */
export const memberOperations = (
  attribute: "users" | "groups" | "permissions",
  op: "add" | "remove",
  values: ReadonlyArray<string>
): ReadonlyArray<Patch.PatchOperation> =>
  op === "add"
    ? [Patch.add(attribute, values.map((value) => ({ value })))]
    : values.map((value) => Patch.remove(`${attribute}[value eq ${value}]`))

/**
 * Runs an input check so that input which throws when read (a getter, a proxy, a revoked proxy)
 * is `InvalidInput` naming the operation, not a throw or a defect: the checks only read the input.
 *
 * @internal
 */
export const guarded = <C, E>(
  operation: string,
  check: () => Effect.Effect<C, E>
): Effect.Effect<C, E | ScimError.InvalidInput> => {
  const refused = (cause: unknown) =>
    internal.invalid(
      operation,
      "",
      `reading the input threw (${
        cause instanceof Error ? cause.message.slice(0, 200) : "a non-Error value"
      }): pass plain data`
    )
  let checked: Effect.Effect<C, E>
  try {
    checked = check()
  } catch (cause) {
    return Effect.fail(refused(cause))
  }
  return Effect.catchAllDefect(checked, (cause) => Effect.fail(refused(cause)))
}
