/**
 * An organization's roles (asgardeo-rbac-orgs.md Part 1): one store per organization, shared by
 * the v2 and v3 Roles APIs (they run on one engine in Asgardeo). Records are never changed in
 * place: every write stores a new record and keeps the reverse indexes (user → roles, group →
 * roles) in step, so a user's or group's `roles` attribute is read without a scan.
 *
 * This module imports no other store module, so `store.ts` can hold a role store per
 * organization and clean it when a user or group is deleted.
 *
 * @internal
 */
import type { JsonObject } from "./reply.js"

/** @internal */
export type AudienceType = "organization" | "application"

/** @internal */
export interface RoleAudience {
  readonly type: AudienceType
  /** The organization's id, or the application's resource id. */
  readonly value: string
  /** The organization's or the application's name. */
  readonly display: string
}

/** @internal */
export interface RoleRecord {
  readonly id: string
  readonly displayName: string
  readonly audience: RoleAudience
  /** Scope names, in the order they were added. */
  readonly permissions: ReadonlyArray<string>
  /** User ids (directly assigned). */
  readonly users: ReadonlyArray<string>
  /** Group ids. */
  readonly groups: ReadonlyArray<string>
}

/** @internal */
export interface RoleStore {
  readonly roles: Map<string, RoleRecord>
  /** userId -> role ids (no empty sets) */
  readonly byUser: Map<string, Set<string>>
  /** groupId -> role ids (no empty sets) */
  readonly byGroup: Map<string, Set<string>>
  /** `nameKey` (audience and lower-case name, unique) -> role id: a name is checked without a scan. */
  readonly byName: Map<string, string>
}

/** @internal */
export const makeRoleStore = (): RoleStore => ({
  roles: new Map(),
  byUser: new Map(),
  byGroup: new Map(),
  byName: new Map()
})

/** A role name's key in its audience: names are unique per audience, ignoring case. @internal */
export const nameKey = (audience: Pick<RoleAudience, "type" | "value">, displayName: string): string =>
  JSON.stringify([audience.type, audience.value, displayName.toLowerCase()])

const link = (index: Map<string, Set<string>>, key: string, roleId: string): void => {
  const set = index.get(key)
  if (set === undefined) index.set(key, new Set([roleId]))
  else set.add(roleId)
}

const unlink = (index: Map<string, Set<string>>, key: string, roleId: string): void => {
  const set = index.get(key)
  set?.delete(roleId)
  if (set !== undefined && set.size === 0) index.delete(key)
}

const unindex = (store: RoleStore, role: RoleRecord): void => {
  const key = nameKey(role.audience, role.displayName)
  if (store.byName.get(key) === role.id) store.byName.delete(key)
  for (const u of role.users) unlink(store.byUser, u, role.id)
  for (const g of role.groups) unlink(store.byGroup, g, role.id)
}

/** Stores a role (new or replaced), keeping the indexes in step. @internal */
export const putRole = (store: RoleStore, role: RoleRecord): void => {
  const previous = store.roles.get(role.id)
  if (previous !== undefined) unindex(store, previous)
  store.roles.set(role.id, role)
  store.byName.set(nameKey(role.audience, role.displayName), role.id)
  for (const u of role.users) link(store.byUser, u, role.id)
  for (const g of role.groups) link(store.byGroup, g, role.id)
}

/** @internal */
export const removeRole = (store: RoleStore, id: string): boolean => {
  const role = store.roles.get(id)
  if (role === undefined) return false
  unindex(store, role)
  store.roles.delete(id)
  return true
}

const drop = (store: RoleStore, kind: "users" | "groups", id: string): void => {
  const index = kind === "users" ? store.byUser : store.byGroup
  for (const roleId of [...(index.get(id) ?? [])]) {
    const role = store.roles.get(roleId)
    if (role !== undefined) putRole(store, { ...role, [kind]: role[kind].filter((m) => m !== id) })
  }
  index.delete(id)
}

/** A deleted user loses its role assignments. @internal */
export const dropUser = (store: RoleStore, userId: string): void => drop(store, "users", userId)

/** A deleted group loses its role assignments. @internal */
export const dropGroup = (store: RoleStore, groupId: string): void => drop(store, "groups", groupId)

/**
 * The `roles` of a user or group as Asgardeo renders them (asgardeo-rbac-orgs.md §1.13):
 * `{value, display, $ref (…/scim2/v2/Roles/{id}), audienceValue, audienceDisplay, audienceType}`,
 * or `undefined` when it has none.
 */
const refs = (store: RoleStore, ids: ReadonlySet<string> | undefined, scimBase: string) => {
  if (ids === undefined || ids.size === 0) return undefined
  const out: Array<JsonObject> = []
  for (const id of ids) {
    const role = store.roles.get(id)
    if (role === undefined) continue
    out.push({
      value: role.id,
      display: role.displayName,
      $ref: `${scimBase}/v2/Roles/${role.id}`,
      audienceValue: role.audience.value,
      audienceDisplay: role.audience.display,
      audienceType: role.audience.type
    })
  }
  return out
}

/**
 * A user's directly assigned roles. Roles the user has through a group are not listed: Asgardeo's
 * answer is unconfirmed (asgardeo-rbac-orgs.md §1.13) and the emulator picks "direct only".
 *
 * @internal
 */
export const userRoleRefs = (store: RoleStore, userId: string, scimBase: string): Array<JsonObject> | undefined =>
  refs(store, store.byUser.get(userId), scimBase)

/** A group's roles. @internal */
export const groupRoleRefs = (store: RoleStore, groupId: string, scimBase: string): Array<JsonObject> | undefined =>
  refs(store, store.byGroup.get(groupId), scimBase)
