/**
 * Users: creation and replacement with Asgardeo's checks (user-store prefix, askPassword and
 * password rules, password policy, case-insensitive uniqueness, booleans stay booleans).
 *
 * @internal
 */
import type { Ctx } from "./context.js"
import { renderOptions } from "./context.js"
import type { JsonObject, Reply } from "./reply.js"
import {
  clone,
  domainOf,
  ENTERPRISE_SCHEMA,
  EXTENSION_SCHEMAS,
  fail,
  isObject,
  stripDomain,
  USER_SCHEMA,
  WSO2_SCHEMA
} from "./reply.js"
import type { OrgStore, Sized, UserRecord } from "./store.js"
import {
  deleteUser,
  iso,
  newId,
  putUser,
  renameUserInGroups,
  renderUser,
  renderUserJson,
  renderUserShared,
  withDomain
} from "./store.js"

const CORE_ATTRIBUTES = [
  "id",
  "externalId",
  "meta",
  "schemas",
  "userName",
  "name",
  "displayName",
  "nickName",
  "profileUrl",
  "title",
  "userType",
  "preferredLanguage",
  "locale",
  "timezone",
  "active",
  "password",
  "emails",
  "phoneNumbers",
  "ims",
  "photos",
  "addresses",
  "groups",
  "entitlements",
  "roles",
  "x509Certificates"
]

const NAME_SUB_ATTRIBUTES = ["formatted", "familyName", "givenName", "middleName", "honorificPrefix", "honorificSuffix"]

/** Canonical spelling of a top-level attribute or extension URN (names are case-insensitive). @internal */
export const canonicalAttribute = (name: string): string => {
  const lower = name.toLowerCase()
  return CORE_ATTRIBUTES.find((a) => a.toLowerCase() === lower) ??
    EXTENSION_SCHEMAS.find((a) => a.toLowerCase() === lower) ??
    name
}

/** Rewrites top-level (and `name.*`) keys to their canonical spelling. @internal */
export const canonicalizeKeys = (input: JsonObject): JsonObject => {
  const out: JsonObject = {}
  for (const [key, value] of Object.entries(input)) {
    const canonical = canonicalAttribute(key)
    if (canonical === "name" && isObject(value)) {
      const name: JsonObject = {}
      for (const [k, v] of Object.entries(value)) {
        const lower = k.toLowerCase()
        name[NAME_SUB_ATTRIBUTES.find((a) => a.toLowerCase() === lower) ?? k] = v
      }
      out[canonical] = name
    } else {
      out[canonical] = value
    }
  }
  return out
}

const flag = (value: unknown): boolean => value === true || value === "true"

/** The password rule of the emulated organization. @internal */
export const checkPasswordPolicy = (password: unknown): string => {
  if (typeof password !== "string") return fail(400, "The password must be a string.", "invalidValue")
  if (password.length < 8 || !/[0-9]/.test(password) || !/[A-Za-z]/.test(password)) {
    return fail(
      400,
      "Password must have at least 8 characters, including at least one letter and one digit.",
      "invalidValue"
    )
  }
  return password
}

/** Boolean attributes keep JSON booleans. @internal */
export const checkBooleans = (resource: JsonObject): void => {
  const check = (value: unknown, name: string) => {
    if (value !== undefined && typeof value !== "boolean") {
      fail(400, `The value of the attribute ${name} must be a boolean.`, "invalidValue")
    }
  }
  check(resource["active"], "active")
  const wso2 = resource[WSO2_SCHEMA]
  if (isObject(wso2)) check(wso2["accountDisabled"], "accountDisabled")
}

/** Normalises the userName (domain prefix, known user store). @internal */
export const normaliseUserName = (ctx: Ctx, value: unknown): string => {
  if (typeof value !== "string" || value.trim() === "") {
    return fail(400, "Required attribute userName is missing in the SCIM User object.", "invalidValue")
  }
  const full = withDomain(value)
  const domain = domainOf(full) ?? "DEFAULT"
  if (!ctx.quirks.userStores.some((s) => s.toUpperCase() === domain)) {
    return fail(400, `Invalid user store name: ${domain}`, "invalidValue")
  }
  return full
}

const checkUnique = (org: OrgStore, fullName: string, selfId: string | undefined): void => {
  const existing = org.userNames.get(fullName.toLowerCase())
  if (existing !== undefined && existing !== selfId) {
    fail(409, `User with the name: ${stripDomain(fullName)} already exists in the system.`)
  }
}

const schemasOf = (resource: JsonObject): Array<string> => {
  const schemas = [USER_SCHEMA]
  for (const ext of EXTENSION_SCHEMAS) if (isObject(resource[ext])) schemas.push(ext)
  return schemas
}

/**
 * Validates a POST body and returns the record to store (not stored yet).
 *
 * @internal
 */
export const prepareNewUser = (ctx: Ctx, body: unknown): UserRecord => {
  if (!isObject(body)) return fail(400, "The request body is not a JSON object.", "invalidSyntax")
  const input = canonicalizeKeys(clone(body))
  const fullName = normaliseUserName(ctx, input["userName"])
  const wso2 = isObject(input[WSO2_SCHEMA]) ? { ...input[WSO2_SCHEMA] } : undefined
  const enterprise = input[ENTERPRISE_SCHEMA]
  const askPassword = flag(wso2?.["askPassword"]) ||
    (isObject(enterprise) && flag(enterprise["askPassword"]))
  const password = input["password"]
  if (password !== undefined && askPassword) {
    fail(400, "A password cannot be set when askPassword is true.", "invalidValue")
  }
  if (password === undefined && !askPassword) {
    fail(400, "A password or the askPassword flag is required to create a user.", "invalidValue")
  }
  const emails = input["emails"]
  if (askPassword && !(Array.isArray(emails) && emails.length > 0)) {
    fail(400, "An email address is required when askPassword is true.", "invalidValue")
  }
  const checkedPassword = password === undefined ? undefined : checkPasswordPolicy(password)
  checkUnique(ctx.org, fullName, undefined)
  const id = newId()
  const resource: JsonObject = { ...input, userName: fullName }
  delete resource["id"]
  delete resource["meta"]
  delete resource["password"]
  delete resource["groups"]
  // A user's `roles` are its role assignments (Roles API); written `roles` are ignored, as
  // `groups` (what Asgardeo does with them is unconfirmed: asgardeo-rbac-orgs.md §1.13).
  delete resource["roles"]
  if (wso2 !== undefined) {
    delete wso2["askPassword"]
    delete wso2["verifyEmail"]
    if (Object.keys(wso2).length === 0) delete resource[WSO2_SCHEMA]
    else resource[WSO2_SCHEMA] = wso2
  }
  if (isObject(enterprise) && "askPassword" in enterprise) {
    const e = { ...enterprise }
    delete e["askPassword"]
    resource[ENTERPRISE_SCHEMA] = e
  }
  checkBooleans(resource)
  const time = iso(ctx.now)
  const out: JsonObject = {
    schemas: schemasOf(resource),
    id,
    ...resource,
    meta: { created: time, lastModified: time, location: `${ctx.scimBase}/Users/${id}`, resourceType: "User" }
  }
  out["schemas"] = schemasOf(out)
  return { id, resource: out, password: checkedPassword }
}

/** @internal */
export const createUser = (ctx: Ctx, body: unknown): Reply => {
  const user = prepareNewUser(ctx, body)
  putUser(ctx.org, user)
  const rendered = renderUser(ctx.org, user, renderOptions(ctx))
  return { status: 201, body: rendered, headers: { Location: `${ctx.scimBase}/Users/${user.id}` } }
}

/**
 * Stores a patched or replaced resource after the shared checks. `resource` is a fresh copy.
 *
 * @internal
 */
export const commitUser = (ctx: Ctx, user: UserRecord, resource: JsonObject, password: unknown): UserRecord => {
  const fullName = normaliseUserName(ctx, resource["userName"])
  checkUnique(ctx.org, fullName, user.id)
  checkBooleans(resource)
  const newPassword = password === undefined ? user.password : checkPasswordPolicy(password)
  const previousMeta = isObject(user.resource["meta"]) ? user.resource["meta"] : {}
  const out: JsonObject = { ...resource, id: user.id, userName: fullName }
  delete out["password"]
  delete out["groups"]
  delete out["roles"]
  out["meta"] = { ...previousMeta, lastModified: iso(ctx.now) }
  out["schemas"] = schemasOf(out)
  const wso2 = out[WSO2_SCHEMA]
  if (isObject(wso2)) {
    const w = { ...wso2 }
    delete w["askPassword"]
    delete w["verifyEmail"]
    out[WSO2_SCHEMA] = w
  }
  const renamed = fullName !== user.resource["userName"]
  const next: UserRecord = { id: user.id, resource: out, password: newPassword }
  putUser(ctx.org, next)
  if (renamed) renameUserInGroups(ctx.org, next)
  return next
}

/** PUT: the body replaces every attribute but `id`, `meta` and the password (unless given). @internal */
export const replaceUser = (ctx: Ctx, id: string, body: unknown): Reply => {
  const user = ctx.org.users.get(id) ?? fail(404, `Specified resource; User with id ${id} not found.`)
  if (!isObject(body)) return fail(400, "The request body is not a JSON object.", "invalidSyntax")
  const input = canonicalizeKeys(clone(body))
  const password = input["password"]
  delete input["id"]
  delete input["meta"]
  const next = commitUser(ctx, user, input, password)
  return { status: 200, body: renderUser(ctx.org, next, renderOptions(ctx)) }
}

/** For an answer only (nested values shared with the store: see `renderUserShared`). @internal */
export const getUser = (ctx: Ctx, id: string): JsonObject => {
  const user = ctx.org.users.get(id) ?? fail(404, `Specified resource; User with id ${id} not found.`)
  return renderUserShared(ctx.org, user, renderOptions(ctx))
}

/** `JSON.stringify(getUser(ctx, id))`, from the stored JSON when it can (`renderUserJson`). @internal */
export const getUserJson = (ctx: Ctx, id: string): Sized => {
  const user = ctx.org.users.get(id) ?? fail(404, `Specified resource; User with id ${id} not found.`)
  return renderUserJson(ctx.org, user, renderOptions(ctx))
}

/** @internal */
export const removeUser = (ctx: Ctx, id: string): Reply =>
  deleteUser(ctx.org, id) ? { status: 204 } : fail(404, `Specified resource; User with id ${id} not found.`)
