/**
 * Roles v2 and v3 (asgardeo-rbac-orgs.md §1.3–1.8, §1.11): the role resource and its create,
 * get, replace (v2: name, users, groups and permissions; v3: name and permissions; v3
 * `/{id}/Users` and `/{id}/Groups`: the whole set), delete and seeding, with Asgardeo's checks.
 * Every function takes the organization's `RoleEnv`; it throws `ScimFailure`s, which the router
 * turns into SCIM errors.
 *
 * Choices where Asgardeo's answer is unconfirmed:
 * - role names are unique per audience ignoring case, and filters compare them ignoring case;
 * - an organization role lists no `associatedApplications` (an application role lists its app);
 * - `users[].display` is the userName without the primary store's `DEFAULT/` (the docs show
 *   `kim`), `groups[].display` the group name with its store (`DEFAULT/manager`, as the docs);
 * - `permissions[].$ref` points at the scope under its API resource (`/api/server/v1/api-resources/
 *   {id}/scopes/{scope}`, the resource's id derived from the scope's prefix);
 * - empty `users`, `groups` and `permissions` are left out of the resource.
 *
 * @internal
 */
import { project } from "./listing.js"
import { stableId } from "./organizations.js"
import type { JsonObject, Reply } from "./reply.js"
import { fail, findKey, isObject, ScimFailure } from "./reply.js"
import type { RolesApi } from "./roleApps.js"
import type { RoleEnv } from "./roleEnv.js"
import type { RoleAudience, RoleRecord } from "./roleStore.js"
import { nameKey, putRole, removeRole } from "./roleStore.js"
import { groupName, newId, userName } from "./store.js"

/** @internal */
export const ROLE_SCHEMA = "urn:ietf:params:scim:schemas:extension:2.0:Role"

/** A key of a JSON object, found ignoring case. @internal */
export const valueAt = (body: JsonObject, key: string): unknown => {
  const found = findKey(body, key)
  return found === undefined ? undefined : body[found]
}

/** @internal */
export const bodyObject = (body: unknown): JsonObject =>
  isObject(body) ? body : fail(400, "The request body is not a JSON object.", "invalidSyntax")

/** `{scimBase}/v2/Roles/{id}` or `/v3/`: a role's location follows the API version called. @internal */
export const roleLocation = (env: RoleEnv, version: RolesApi, id: string): string =>
  `${env.ctx.scimBase}/${version}/Roles/${id}`

const notFound = (id: string): never => fail(404, `Role id: ${id} not found in the system.`)

/** @internal */
export const findRole = (env: RoleEnv, id: string): RoleRecord => env.ctx.org.roles.roles.get(id) ?? notFound(id)

/** `{origin}/t/{org}`: where the organization's other APIs live. */
const apiBase = (env: RoleEnv): string => env.ctx.scimBase.replace(/\/scim2$/, "")

/** `internal_login` -> `Internal Login`. @internal */
export const permissionDisplay = (scope: string): string =>
  scope.split("_").filter((w) => w !== "").map((w) => `${w[0]!.toUpperCase()}${w.slice(1)}`).join(" ")

/** The API resource a scope belongs to: its name without the last word (`internal_user_mgt`). */
const apiResourceOf = (scope: string): string => {
  const i = scope.lastIndexOf("_")
  return i > 0 ? scope.slice(0, i) : scope
}

const primaryPrefix = "DEFAULT/"

const userDisplay = (name: string): string =>
  name.toUpperCase().startsWith(primaryPrefix) ? name.slice(primaryPrefix.length) : name

/** Which multi-valued attributes a rendering includes. @internal */
export interface Parts {
  readonly users: boolean
  readonly groups: boolean
  readonly permissions: boolean
  readonly associatedApplications: boolean
}

/** GET by id: everything. @internal */
export const allParts: Parts = { users: true, groups: true, permissions: true, associatedApplications: true }

/** A list item by default: id, displayName, audience, meta. @internal */
export const listParts: Parts = { users: false, groups: false, permissions: false, associatedApplications: false }

/** A PATCH answer: the role re-read without its users. @internal */
export const withoutUsers: Parts = { ...allParts, users: false }

const audienceOf = (role: RoleRecord): JsonObject => ({
  value: role.audience.value,
  display: role.audience.display,
  type: role.audience.type
})

/** The role resource. @internal */
export const renderRole = (env: RoleEnv, role: RoleRecord, version: RolesApi, parts: Parts): JsonObject => {
  const { org, scimBase } = env.ctx
  const out: JsonObject = {
    schemas: [ROLE_SCHEMA],
    id: role.id,
    displayName: role.displayName,
    audience: audienceOf(role)
  }
  if (parts.users && role.users.length > 0) {
    out["users"] = role.users.flatMap((id) => {
      const user = org.users.get(id)
      return user === undefined
        ? []
        : [{ value: id, display: userDisplay(userName(user)), $ref: `${scimBase}/Users/${id}` }]
    })
  }
  if (parts.groups && role.groups.length > 0) {
    out["groups"] = role.groups.flatMap((id) => {
      const group = org.groups.get(id)
      return group === undefined ? [] : [{ value: id, display: groupName(group), $ref: `${scimBase}/Groups/${id}` }]
    })
  }
  if (parts.permissions && role.permissions.length > 0) {
    out["permissions"] = role.permissions.map((scope) => ({
      value: scope,
      display: permissionDisplay(scope),
      $ref: `${apiBase(env)}/api/server/v1/api-resources/${
        stableId(`api-resource ${apiResourceOf(scope)}`)
      }/scopes/${scope}`
    }))
  }
  if (parts.associatedApplications && role.audience.type === "application") {
    out["associatedApplications"] = [{
      value: role.audience.value,
      display: role.audience.display,
      $ref: `${apiBase(env)}/api/server/v1/applications/${role.audience.value}`
    }]
  }
  out["meta"] = { resourceType: "Role", location: roleLocation(env, version, role.id) }
  return out
}

/** The answer of a create or a PUT: `schemas`, `id`, `displayName`, `audience`, `meta.location`. */
const minimalRole = (env: RoleEnv, role: RoleRecord, version: RolesApi): JsonObject => ({
  schemas: [ROLE_SCHEMA],
  id: role.id,
  displayName: role.displayName,
  audience: audienceOf(role),
  meta: { location: roleLocation(env, version, role.id) }
})

/** The answer of every PUT: 200, the minimal body, `Location` always under `/v2/Roles/`. @internal */
export const updatedReply = (env: RoleEnv, role: RoleRecord, version: RolesApi): Reply => ({
  status: 200,
  body: minimalRole(env, role, version),
  headers: { Location: roleLocation(env, "v2", role.id) }
})

/** `attributes`/`excludedAttributes` names without the role schema's URN. @internal */
export const roleAttributes = (names: ReadonlyArray<string> | undefined): ReadonlyArray<string> | undefined =>
  names?.map((n) => n.replace(/^urn:ietf:params:scim:schemas:extension:2\.0:Role:/i, ""))

// --- checks ---------------------------------------------------------------------------------

/** The `value`s of a list of `{value}` objects (one object alone is taken as a list of one). */
const valuesOf = (input: unknown, missing: string): Array<string> => {
  if (input === undefined || input === null) return []
  const out = new Set<string>()
  for (const item of Array.isArray(input) ? input : [input]) {
    const value = isObject(item) ? valueAt(item, "value") : undefined
    if (typeof value !== "string" || value === "") return fail(400, missing, "invalidValue")
    out.add(value)
  }
  return [...out]
}

/** User ids, each of an existing user (400 `invalidValue` otherwise). @internal */
export const userIds = (env: RoleEnv, input: unknown): Array<string> =>
  valuesOf(input, "User id is required to assign a user to a role.").map((id) =>
    env.ctx.org.users.has(id) ? id : fail(400, "User can't be resolved from the given user Id.", "invalidValue")
  )

/** Group ids, each of an existing group. @internal */
export const groupIds = (env: RoleEnv, input: unknown): Array<string> =>
  valuesOf(input, "Group id is required to assign a group to a role.").map((id) =>
    env.ctx.org.groups.has(id) ? id : fail(400, `Invalid group id: ${id}`, "invalidValue")
  )

/** Scope names, each in the permission catalog. @internal */
export const permissionsOf = (env: RoleEnv, input: unknown): Array<string> =>
  valuesOf(input, "A permission needs the scope name as its value.").map((scope) =>
    env.permissions.has(scope) ? scope : fail(400, `Invalid permission: ${scope}`, "invalidValue")
  )

/** A display name given, without `/`. */
const nameShape = (value: unknown): string => {
  if (typeof value !== "string" || value.trim() === "") {
    return fail(400, "Required attribute displayName is missing in the SCIM Role object.", "invalidValue")
  }
  if (value.includes("/")) {
    return fail(400, `Invalid role name: ${value}. A role name cannot contain '/'.`, "invalidValue")
  }
  return value
}

/** A display name: given, without `/`, unique in its audience (ignoring case). @internal */
export const checkName = (
  env: RoleEnv,
  input: unknown,
  audience: RoleAudience,
  selfId: string | undefined
): string => {
  const value = nameShape(input)
  const holder = env.ctx.org.roles.byName.get(nameKey(audience, value))
  if (holder !== undefined && holder !== selfId) {
    // The documented detail (roles.yaml `ErrorRoleAlreadyAvailable`), with the name as given.
    return fail(409, `Role with name: ${value} already exists in the system.`)
  }
  return value
}

const invalidAudience = (): never => fail(400, "Invalid role audience", "invalidValue")

/**
 * The audience of a new role: the organization's when omitted (or without `type`);
 * `type` compared ignoring case; an application audience must name a registered app's id.
 *
 * @internal
 */
export const decodeAudience = (env: RoleEnv, input: unknown): RoleAudience => {
  const organization: RoleAudience = {
    type: "organization",
    value: env.organization.id,
    display: env.organization.name
  }
  if (input === undefined || input === null) return organization
  if (!isObject(input)) return invalidAudience()
  const type = valueAt(input, "type")
  const value = valueAt(input, "value")
  const kind = type === undefined || type === null ? "organization" : typeof type === "string" ? type.toLowerCase() : ""
  if (kind === "organization") {
    if (value !== undefined && value !== null && value !== env.organization.id) {
      return fail(400, `Invalid audience value: ${String(value)}. It is not this organization's id.`, "invalidValue")
    }
    return organization
  }
  if (kind !== "application") return invalidAudience()
  const app = typeof value === "string" ? env.apps.find((a) => a.id === value) : undefined
  if (app === undefined && typeof value === "string" && env.sharedApps.includes(value)) {
    return fail(400, "Role creation for shared applications is not allowed at organization level.", "invalidValue")
  }
  if (app === undefined) {
    return fail(400, `Invalid audience value: ${String(value)}. No application has this id.`, "invalidValue")
  }
  return { type: "application", value: app.id, display: app.name }
}

/** What a new role is made of (a create body's or a seed's attributes). @internal */
export interface RoleInput {
  readonly displayName: unknown
  readonly audience: unknown
  readonly permissions: unknown
  readonly users: unknown
  readonly groups: unknown
}

/** Checks a new role and returns its record (not stored yet). @internal */
export const prepareRole = (env: RoleEnv, input: RoleInput): RoleRecord => {
  nameShape(input.displayName)
  const audience = decodeAudience(env, input.audience)
  const displayName = checkName(env, input.displayName, audience, undefined)
  return {
    id: newId(),
    displayName,
    audience,
    permissions: permissionsOf(env, input.permissions),
    users: userIds(env, input.users),
    groups: groupIds(env, input.groups)
  }
}

// --- operations -----------------------------------------------------------------------------

/**
 * POST: 201 with the minimal body and `Location`. v3 ignores `users` and `groups` silently.
 * The body must list the role schema in `schemas` (400 `invalidSyntax` otherwise).
 *
 * @internal
 */
export const createRole = (env: RoleEnv, version: RolesApi, body: unknown): Reply => {
  const input = bodyObject(body)
  const schemas = valueAt(input, "schemas")
  if (!Array.isArray(schemas) || !schemas.includes(ROLE_SCHEMA)) {
    return fail(400, `The request body's schemas must list ${ROLE_SCHEMA}.`, "invalidSyntax")
  }
  const role = prepareRole(env, {
    displayName: valueAt(input, "displayName"),
    audience: valueAt(input, "audience"),
    permissions: valueAt(input, "permissions"),
    users: version === "v2" ? valueAt(input, "users") : undefined,
    groups: version === "v2" ? valueAt(input, "groups") : undefined
  })
  putRole(env.ctx.org.roles, role)
  return {
    status: 201,
    body: minimalRole(env, role, version),
    headers: { Location: roleLocation(env, version, role.id) }
  }
}

/** GET by id: the whole role (users included) with `attributes`/`excludedAttributes`. @internal */
export const getRole = (
  env: RoleEnv,
  version: RolesApi,
  id: string,
  attributes: ReadonlyArray<string> | undefined,
  excluded: ReadonlyArray<string> | undefined
): Reply => ({
  status: 200,
  body: project(
    renderRole(env, findRole(env, id), version, allParts),
    roleAttributes(attributes),
    roleAttributes(excluded)
  )
})

/**
 * PUT `/{id}`. v2 replaces the name, users, groups and permissions: an omitted list is emptied
 * (the server diffs the old role against the new one; asgardeo-rbac-orgs.md §1.8). v3 replaces
 * the name and the permissions only. The audience cannot change (it is ignored).
 *
 * @internal
 */
export const replaceRole = (env: RoleEnv, version: RolesApi, id: string, body: unknown): Reply => {
  const input = bodyObject(body)
  const role = findRole(env, id)
  const displayName = checkName(env, valueAt(input, "displayName"), role.audience, role.id)
  const permissions = permissionsOf(env, valueAt(input, "permissions"))
  const next: RoleRecord = version === "v2"
    ? {
      ...role,
      displayName,
      permissions,
      users: userIds(env, valueAt(input, "users")),
      groups: groupIds(env, valueAt(input, "groups"))
    }
    : { ...role, displayName, permissions }
  putRole(env.ctx.org.roles, next)
  return updatedReply(env, next, version)
}

/**
 * PUT `/v3/Roles/{id}/Users` or `/Groups`: a bare JSON array of `{value}` replaces the whole
 * set. Any other body is 406, as the server's payload rewrite fails (§1.8).
 *
 * @internal
 */
export const replaceAssignments = (env: RoleEnv, id: string, kind: "users" | "groups", body: unknown): Reply => {
  if (!Array.isArray(body)) return fail(406, `The request body must be a JSON array of ${kind} ({"value": id}).`)
  const role = findRole(env, id)
  const next: RoleRecord = kind === "users"
    ? { ...role, users: userIds(env, body) }
    : { ...role, groups: groupIds(env, body) }
  putRole(env.ctx.org.roles, next)
  return updatedReply(env, next, "v3")
}

/** DELETE: 204, or 404. @internal */
export const deleteRole = (env: RoleEnv, id: string): Reply =>
  removeRole(env.ctx.org.roles, id) ? { status: 204 } : notFound(id)

/** Direct writes of roles (`seedRoles`): all stored, or none when one fails. @internal */
export const seedRoles = (
  env: RoleEnv,
  seeds: Iterable<unknown>
): Array<{ readonly id: string; readonly displayName: string }> => {
  const list = (u: unknown) => (Array.isArray(u) ? u.map((value: unknown) => ({ value })) : u)
  const stored: Array<RoleRecord> = []
  try {
    for (const seed of seeds) {
      const input = bodyObject(seed)
      const role = prepareRole(env, {
        displayName: input["displayName"],
        audience: input["audience"],
        permissions: list(input["permissions"]),
        users: list(input["users"]),
        groups: list(input["groups"])
      })
      putRole(env.ctx.org.roles, role)
      stored.push(role)
    }
  } catch (e) {
    if (e instanceof ScimFailure) { for (const role of stored) removeRole(env.ctx.org.roles, role.id) }
    throw e
  }
  return stored.map((r) => ({ id: r.id, displayName: r.displayName }))
}
