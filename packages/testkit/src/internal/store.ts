/**
 * The emulator's state: per organization, users and groups with the indexes Asgardeo's
 * behaviour needs (case-insensitive names, membership both ways), plus issued tokens.
 *
 * The maps are mutable for speed (seeding 100,000 users must stay fast); every request runs
 * under one lock and validates before it writes, so each request is atomic.
 *
 * @internal
 */
import { utf8Length } from "./exchange.js"
import type { JsonObject } from "./reply.js"
import { clone, isObject, stripDomain } from "./reply.js"
import type { RoleStore } from "./roleStore.js"
import { dropGroup, dropUser, groupRoleRefs, makeRoleStore, userRoleRefs } from "./roleStore.js"

/** @internal */
export interface UserRecord {
  readonly id: string
  /** The stored resource: no `groups`, no `password`; `meta` included. */
  resource: JsonObject
  password: string | undefined
}

/** @internal */
export interface Member {
  readonly value: string
  readonly display: string
}

/** @internal */
export interface GroupRecord {
  readonly id: string
  /** The stored resource without `members`; `meta` included. */
  resource: JsonObject
  members: Array<Member>
}

/** @internal */
export interface OrgStore {
  readonly name: string
  readonly users: Map<string, UserRecord>
  /** lower-cased full userName (with domain) -> id */
  readonly userNames: Map<string, string>
  /** lower-cased userName without its domain -> ids (one per user store holding the name) */
  readonly bareUserNames: Map<string, Set<string>>
  readonly groups: Map<string, GroupRecord>
  /** lower-cased full displayName -> id */
  readonly groupNames: Map<string, string>
  /** userId -> groupIds */
  readonly userGroups: Map<string, Set<string>>
  /** The ETag mode's revisions: resource id -> writes through its own endpoint (`etags.ts`). */
  readonly revisions: Map<string, number>
  /** The organization's roles (`roleStore.ts`), shared by the v2 and v3 Roles APIs. */
  readonly roles: RoleStore
}

/** @internal */
export interface TokenRecord {
  readonly token: string
  readonly organization: string
  readonly clientId: string
  readonly scopes: ReadonlySet<string>
  readonly scopeKey: string
  readonly issuedAt: number
  expiresAt: number
  /** The sub-organization's id, for a token of the organization-switch grant. */
  readonly subOrganization?: string | undefined
}

/** A B2B sub-organization of a root organization, with its own users and groups (`organizations.ts`). @internal */
export interface SubOrgRecord {
  readonly id: string
  readonly name: string
  readonly handle: string
  /** The root organization's name. */
  readonly root: string
  /** A sub-organization's id, or the root organization's id for a child of the root. */
  readonly parentId: string
  readonly status: "ACTIVE" | "DISABLED"
  readonly attributes: Readonly<Record<string, string>>
  readonly created: number
  readonly lastModified: number
  /** The creation order, which breaks ties between equal creation times. */
  readonly seq: number
  readonly store: OrgStore
}

/** @internal */
export interface Store {
  readonly orgs: Map<string, OrgStore>
  readonly tokens: Map<string, TokenRecord>
  /** `${org} ${clientId} ${scopeKey}` -> token */
  readonly tokenIndex: Map<string, string>
  /** Sub-organizations by id. */
  readonly subOrgs: Map<string, SubOrgRecord>
}

/** @internal */
export const makeOrg = (name: string): OrgStore => ({
  name,
  users: new Map(),
  userNames: new Map(),
  bareUserNames: new Map(),
  groups: new Map(),
  groupNames: new Map(),
  userGroups: new Map(),
  revisions: new Map(),
  roles: makeRoleStore()
})

/** @internal */
export const makeStore = (organizations: ReadonlyArray<string>): Store => ({
  orgs: new Map(organizations.map((o) => [o, makeOrg(o)])),
  tokens: new Map(),
  tokenIndex: new Map(),
  subOrgs: new Map()
})

/** @internal */
export const newId = (): string => globalThis.crypto.randomUUID()

/** @internal */
export const iso = (millis: number): string => new Date(millis).toISOString()

/** Adds the default user-store domain when a name has none; upper-cases a given domain. @internal */
export const withDomain = (name: string, defaultDomain = "DEFAULT"): string => {
  const i = name.indexOf("/")
  return i === -1 ? `${defaultDomain}/${name}` : `${name.slice(0, i).toUpperCase()}/${name.slice(i + 1)}`
}

/** Finds a user by userName, with or without its domain, case-insensitively. @internal */
export const findUserByName = (org: OrgStore, name: string): UserRecord | undefined => {
  const id = org.userNames.get(withDomain(name).toLowerCase())
  return id === undefined ? undefined : org.users.get(id)
}

/**
 * The users a `userName eq` value names, as Asgardeo answers it: a domain-qualified value
 * (`PARTNERS/kim@x.com`) names the user of that store only; a bare one names the user of that
 * name in every store (each returned with its prefix).
 *
 * @internal
 */
export const findUsersNamed = (org: OrgStore, name: string): Array<UserRecord> => {
  if (name.indexOf("/") > 0) {
    const user = findUserByName(org, name)
    return user === undefined ? [] : [user]
  }
  const out: Array<UserRecord> = []
  for (const id of org.bareUserNames.get(name.toLowerCase()) ?? []) {
    const user = org.users.get(id)
    if (user !== undefined) out.push(user)
  }
  return out
}

const bareKey = (fullName: string): string => stripDomain(fullName).toLowerCase()

const indexName = (org: OrgStore, user: UserRecord): void => {
  org.userNames.set(userName(user).toLowerCase(), user.id)
  const key = bareKey(userName(user))
  const ids = org.bareUserNames.get(key)
  if (ids === undefined) org.bareUserNames.set(key, new Set([user.id]))
  else ids.add(user.id)
}

const unindexName = (org: OrgStore, user: UserRecord): void => {
  org.userNames.delete(userName(user).toLowerCase())
  const key = bareKey(userName(user))
  const ids = org.bareUserNames.get(key)
  ids?.delete(user.id)
  if (ids !== undefined && ids.size === 0) org.bareUserNames.delete(key)
}

/** Whether a domain-qualified name is in one of the known user stores. @internal */
export const inKnownStore = (fullName: string, userStores: ReadonlyArray<string>): boolean => {
  const i = fullName.indexOf("/")
  const domain = i === -1 ? "DEFAULT" : fullName.slice(0, i).toUpperCase()
  return userStores.some((s) => s.toUpperCase() === domain)
}

/** @internal */
export const userName = (user: UserRecord): string => String(user.resource["userName"])

/** @internal */
export const groupName = (group: GroupRecord): string => String(group.resource["displayName"])

/** @internal */
export const addMembership = (org: OrgStore, groupId: string, userId: string): void => {
  let set = org.userGroups.get(userId)
  if (set === undefined) {
    set = new Set()
    org.userGroups.set(userId, set)
  }
  set.add(groupId)
}

/** @internal */
export const removeMembership = (org: OrgStore, groupId: string, userId: string): void => {
  org.userGroups.get(userId)?.delete(groupId)
}

/** Replaces a group's member list, keeping the reverse index in sync. @internal */
export const setMembers = (org: OrgStore, group: GroupRecord, members: ReadonlyArray<Member>): void => {
  for (const m of group.members) removeMembership(org, group.id, m.value)
  group.members = [...members]
  for (const m of group.members) addMembership(org, group.id, m.value)
}

/** Stores a user (new or replaced), keeping the name index in sync. @internal */
export const putUser = (org: OrgStore, user: UserRecord): void => {
  const previous = org.users.get(user.id)
  if (previous !== undefined) unindexName(org, previous)
  org.users.set(user.id, user)
  indexName(org, user)
}

/** @internal */
export const putGroup = (org: OrgStore, group: GroupRecord): void => {
  const previous = org.groups.get(group.id)
  if (previous !== undefined) org.groupNames.delete(groupName(previous).toLowerCase())
  org.groups.set(group.id, group)
  org.groupNames.set(groupName(group).toLowerCase(), group.id)
}

/** @internal */
export const deleteUser = (org: OrgStore, id: string): boolean => {
  const user = org.users.get(id)
  if (user === undefined) return false
  org.users.delete(id)
  unindexName(org, user)
  for (const groupId of org.userGroups.get(id) ?? []) {
    const group = org.groups.get(groupId)
    if (group !== undefined) group.members = group.members.filter((m) => m.value !== id)
  }
  org.userGroups.delete(id)
  dropUser(org.roles, id)
  return true
}

/** @internal */
export const deleteGroup = (org: OrgStore, id: string): boolean => {
  const group = org.groups.get(id)
  if (group === undefined) return false
  for (const m of group.members) removeMembership(org, id, m.value)
  org.groups.delete(id)
  org.groupNames.delete(groupName(group).toLowerCase())
  dropGroup(org.roles, id)
  return true
}

/** Renames a user everywhere its name is shown (group member `display`). @internal */
export const renameUserInGroups = (org: OrgStore, user: UserRecord): void => {
  const name = userName(user)
  for (const groupId of org.userGroups.get(user.id) ?? []) {
    const group = org.groups.get(groupId)
    if (group !== undefined) {
      group.members = group.members.map((m) => (m.value === user.id ? { value: m.value, display: name } : m))
    }
  }
}

/** Rendering options. @internal */
export interface RenderOptions {
  readonly baseUrl: string
  readonly emailsAsStrings: boolean
  /** The organization's roles, for a group's `roles` (a user's come from its organization). */
  readonly roles?: RoleStore | undefined
}

/** The `groups` of a rendered user (`undefined`: the user is in no group). @internal */
export const groupsOf = (org: OrgStore, user: UserRecord, baseUrl: string): Array<JsonObject> | undefined => {
  const groupIds = org.userGroups.get(user.id)
  if (groupIds === undefined || groupIds.size === 0) return undefined
  const groups: Array<JsonObject> = []
  for (const gid of groupIds) {
    const group = org.groups.get(gid)
    if (group !== undefined) {
      groups.push({
        value: gid,
        display: stripDomain(groupName(group)),
        $ref: `${baseUrl}/Groups/${gid}`
      })
    }
  }
  return groups
}

const render = (org: OrgStore, user: UserRecord, options: RenderOptions, out: JsonObject): JsonObject => {
  const groups = groupsOf(org, user, options.baseUrl)
  if (groups !== undefined) out["groups"] = groups
  const roles = userRoleRefs(org.roles, user.id, options.baseUrl)
  if (roles !== undefined) out["roles"] = roles
  const emails = out["emails"]
  if (options.emailsAsStrings && Array.isArray(emails)) {
    out["emails"] = emails.map((e) => (isObject(e) && typeof e["value"] === "string" ? e["value"] : e))
  }
  return out
}

/** The user as the API returns it: with `groups`, without password. A deep copy. @internal */
export const renderUser = (org: OrgStore, user: UserRecord, options: RenderOptions): JsonObject =>
  render(org, user, options, clone(user.resource))

/**
 * `renderUser` for an answer that is only serialized (or projected, which copies what it
 * changes): a new top-level object whose nested values are the stored ones, not copies. Stored
 * resources are never changed in place (every write stores a new one).
 *
 * @internal
 */
export const renderUserShared = (org: OrgStore, user: UserRecord, options: RenderOptions): JsonObject =>
  render(org, user, options, { ...user.resource })

/** A JSON text and its length in UTF-8 bytes. @internal */
export interface Sized {
  readonly json: string
  readonly bytes: number
}

/** @internal */
export const sized = (json: string): Sized => ({ json, bytes: utf8Length(json) })

const storedJson = new WeakMap<object, Sized>()

/**
 * `JSON.stringify(renderUserShared(...))`, with its length: for a user in no group and no role (and without
 * the `emailsAsStrings` quirk) the stored resource's JSON, computed once per stored resource
 * (stored resources are never changed in place).
 *
 * @internal
 */
export const renderUserJson = (org: OrgStore, user: UserRecord, options: RenderOptions): Sized => {
  const groupIds = org.userGroups.get(user.id)
  if (options.emailsAsStrings || (groupIds !== undefined && groupIds.size > 0) || org.roles.byUser.has(user.id)) {
    return sized(JSON.stringify(renderUserShared(org, user, options)))
  }
  let json = storedJson.get(user.resource)
  if (json === undefined) {
    json = sized(JSON.stringify(user.resource))
    storedJson.set(user.resource, json)
  }
  return json
}

/** @internal */
export const renderGroup = (group: GroupRecord, options: RenderOptions): JsonObject => {
  const out = clone(group.resource)
  const meta = out["meta"]
  delete out["meta"]
  if (group.members.length > 0) {
    out["members"] = group.members.map((m) => ({
      value: m.value,
      display: m.display,
      $ref: `${options.baseUrl}/Users/${m.value}`
    }))
  }
  const roles = options.roles === undefined ? undefined : groupRoleRefs(options.roles, group.id, options.baseUrl)
  if (roles !== undefined) out["roles"] = roles
  if (meta !== undefined) out["meta"] = meta
  return out
}
