/**
 * B2B sub-organizations (asgardeo-rbac-orgs.md Part 2): the tree under each root organization,
 * stable UUID-shaped ids, and the transitions that create a sub-organization and change its
 * status. Each sub-organization has an `OrgStore` of its own (users, groups), isolated from its
 * root's and from every other sub-organization's.
 *
 * The tree lives in the `Store` (swapped whole on reset, like the rest of the state); a
 * transition validates first and writes last, so a refused one changes nothing.
 *
 * @internal
 */
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type { Identity } from "./context.js"
import { hash } from "./cursors.js"
import { fail } from "./reply.js"
import type { OrgStore, Store, SubOrgRecord } from "./store.js"
import { makeOrg } from "./store.js"
import type * as Public from "./types.js"

/**
 * A UUID (in the layout of a version-5 one) derived from a text: the same text always gives the
 * same id, so tests and the command line can name organizations before they exist.
 *
 * @internal
 */
export const stableId = (text: string): string => {
  const hex = [0, 1, 2, 3].map((i) => hash(`${i}:${text}`)).join("")
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${
    hex.slice(20, 32)
  }`
}

/** The id of a root organization, from its name. @internal */
export const organizationId = (name: string): string => stableId(`organization ${name}`)

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Whether a text is UUID-shaped. @internal */
export const isUuid = (s: string): boolean => UUID.test(s)

const Status = Schema.Literal("ACTIVE", "DISABLED")

const Seed = Schema.Struct({
  id: Schema.optional(Schema.String.pipe(Schema.pattern(UUID, { message: () => "id must be a UUID" }))),
  name: Schema.NonEmptyTrimmedString,
  parent: Schema.optional(Schema.NonEmptyString),
  root: Schema.optional(Schema.NonEmptyString),
  handle: Schema.optional(Schema.NonEmptyTrimmedString),
  status: Schema.optional(Status),
  attributes: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String }))
})

const decodeSeed = Schema.decodeUnknownEither(Seed, { onExcessProperty: "error" })

/** `ABC Builders` → `abcbuilders` (the docs' example). */
const handleOf = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, "")

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase()

/** The sub-organizations of one root organization. @internal */
export const inRoot = (store: Store, root: string): Array<SubOrgRecord> =>
  Array.from(store.subOrgs.values()).filter((o) => o.root === root)

/** A sub-organization of `root` named by its id or its name (case-insensitive). @internal */
export const findSubOrg = (store: Store, root: string, ref: string): SubOrgRecord | undefined => {
  const byId = store.subOrgs.get(ref.toLowerCase())
  if (byId !== undefined) return byId.root === root ? byId : undefined
  return inRoot(store, root).find((o) => same(o.name, ref))
}

/** The direct children of an organization (a sub-organization's id or a root's id). @internal */
export const childrenOf = (store: Store, parentId: string): Array<SubOrgRecord> =>
  Array.from(store.subOrgs.values()).filter((o) => o.parentId === parentId)

/** Whether `id` is below `ancestorId` (a sub-organization's id or a root's id). @internal */
export const isBelow = (store: Store, id: string, ancestorId: string): boolean => {
  let current = store.subOrgs.get(id)
  while (current !== undefined) {
    if (current.parentId === ancestorId) return true
    current = store.subOrgs.get(current.parentId)
  }
  return false
}

/** Every sub-organization below an organization, at any depth. @internal */
export const descendantsOf = (store: Store, ancestorId: string): Array<SubOrgRecord> =>
  Array.from(store.subOrgs.values()).filter((o) => isBelow(store, o.id, ancestorId))

/** The control service's view of a sub-organization. @internal */
export const info = (o: SubOrgRecord): Public.SubOrganization => ({
  id: o.id,
  name: o.name,
  handle: o.handle,
  parentId: o.parentId,
  root: o.root,
  status: o.status,
  attributes: { ...o.attributes }
})

/**
 * Creates a sub-organization: validates the seed (400), its root (404) and parent (404, or 400
 * when the parent is disabled, as ORG-60031), the uniqueness of its id, name and handle in the
 * root organization (409), then stores it with a new, empty `OrgStore`.
 *
 * @internal
 */
export const addSubOrganization = (store: Store, input: unknown, defaultRoot: string, now: number): SubOrgRecord => {
  const decoded = decodeSeed(input)
  if (Either.isLeft(decoded)) {
    return fail(400, `Invalid sub-organization: ${ParseResult.TreeFormatter.formatErrorSync(decoded.left)}`)
  }
  const seed = decoded.right
  const root = seed.root ?? defaultRoot
  if (!store.orgs.has(root)) return fail(404, `Unknown organization: ${root}`)
  const parent = seed.parent === undefined ? undefined : findSubOrg(store, root, seed.parent)
  if (seed.parent !== undefined && parent === undefined) {
    return fail(404, `Defined parent organization: ${seed.parent} doesn't exist.`)
  }
  if (parent !== undefined && parent.status !== "ACTIVE") {
    return fail(
      400,
      `To create a child organization in organization with ID: ${parent.id}, it should be in active status.`
    )
  }
  const name = seed.name.trim()
  const id = (seed.id ?? stableId(`sub-organization ${root}/${name}`)).toLowerCase()
  const handle = seed.handle ?? handleOf(name)
  if (store.subOrgs.has(id) || Array.from(store.orgs.keys()).some((o) => organizationId(o) === id)) {
    return fail(409, `Organization with ID: ${id} already exists.`)
  }
  const siblings = inRoot(store, root)
  if (siblings.some((o) => same(o.name, name))) return fail(409, `Organization name ${name} already exists.`)
  if (siblings.some((o) => same(o.handle, handle))) return fail(409, `Organization handle ${handle} already exists.`)
  const record: SubOrgRecord = {
    id,
    name,
    handle,
    root,
    parentId: parent?.id ?? organizationId(root),
    status: seed.status ?? "ACTIVE",
    attributes: { ...seed.attributes },
    created: now,
    lastModified: now,
    seq: store.subOrgs.size,
    store: makeOrg(id)
  }
  store.subOrgs.set(id, record)
  return record
}

/**
 * Activates or disables a sub-organization, with Asgardeo's rules: one with active children
 * cannot be disabled (ORG-60029), one under a disabled parent cannot be activated (ORG-60030).
 *
 * @internal
 */
export const setStatus = (store: Store, id: unknown, status: unknown, now: number): SubOrgRecord => {
  const record = typeof id === "string" ? store.subOrgs.get(id.toLowerCase()) : undefined
  if (record === undefined) return fail(404, `Organization with ID: ${String(id)} doesn't exist.`)
  if (!Schema.is(Status)(status)) return fail(400, "Organization status must be 'ACTIVE' or 'DISABLED'.")
  if (status === "DISABLED" && childrenOf(store, record.id).some((c) => c.status === "ACTIVE")) {
    return fail(400, `Organization with ID: ${record.id} can't be disabled as there are active child organizations.`)
  }
  if (status === "ACTIVE" && store.subOrgs.get(record.parentId)?.status === "DISABLED") {
    return fail(400, "To set the child organization status as active, parent organization should be in active status.")
  }
  const updated: SubOrgRecord = { ...record, status, lastModified: now }
  store.subOrgs.set(record.id, updated)
  return updated
}

/** Adds the sub-organizations of the options to a new store, parents first. @internal */
export const withTree = (
  store: Store,
  seeds: ReadonlyArray<unknown>,
  defaultRoot: string,
  now: number
): Store => {
  for (const seed of seeds) addSubOrganization(store, seed, defaultRoot, now)
  return store
}

/**
 * Where a direct state write for `organization` goes: a root organization's name, or a
 * sub-organization's id (its resources' locations are under `/t/{root}/o/scim2`).
 *
 * @internal
 */
export const tenantOf = (
  store: Store,
  organization: string,
  origin: string
): { readonly org: OrgStore; readonly scimBase: string; readonly identity: Identity } | undefined => {
  const root = store.orgs.get(organization)
  if (root !== undefined) {
    return { org: root, scimBase: `${origin}/t/${organization}/scim2`, identity: rootIdentity(organization) }
  }
  const sub = store.subOrgs.get(organization.toLowerCase())
  return sub === undefined
    ? undefined
    : { org: sub.store, scimBase: subScimBase(origin, sub.root), identity: subIdentity(sub) }
}

/** A root organization's identity. @internal */
export const rootIdentity = (name: string): Identity => ({ id: organizationId(name), name, root: undefined })

/** A sub-organization's identity. @internal */
export const subIdentity = (sub: SubOrgRecord): Identity => ({ id: sub.id, name: sub.name, root: sub.root })

/** The store of a root organization (by name) or a sub-organization (by id). @internal */
export const orgStoreOf = (store: Store, organization: string): OrgStore | undefined =>
  store.orgs.get(organization) ?? store.subOrgs.get(organization.toLowerCase())?.store

/**
 * The SCIM base of sub-organization resources: `{origin}/t/{root}/o/scim2`, the address a client
 * reads them back at with its switched token. Whether Asgardeo's `meta.location` carries `/o/` is
 * unconfirmed (asgardeo-rbac-orgs.md 2.2); the emulator's choice is to include it.
 *
 * @internal
 */
export const subScimBase = (origin: string, root: string): string => `${origin}/t/${root}/o/scim2`

/**
 * Whether an app shared with `sharedWith` reaches a sub-organization: `"all"` reaches every one
 * (created later too); a list reaches the sub-organizations it names by id or name, not their
 * descendants.
 *
 * @internal
 */
export const isSharedWith = (sharedWith: "all" | ReadonlyArray<string>, org: SubOrgRecord): boolean =>
  sharedWith === "all" || sharedWith.some((ref) => same(ref, org.id) || same(ref, org.name))
