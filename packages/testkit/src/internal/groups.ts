/**
 * Groups: creation and replacement, member checks (`display` required, resolved to a user
 * whose id must equal `value`; a member typed `Group` refused, as Asgardeo has no nested groups),
 * `bulkId:` references, and display names unique per user store
 * (`PARTNERS/Engineering` and `DEFAULT/Engineering` are two groups; an unknown store is 400).
 *
 * @internal
 */
import type { Ctx } from "./context.js"
import { renderOptions } from "./context.js"
import type { JsonObject, Reply } from "./reply.js"
import { clone, fail, findKey, GROUP_SCHEMA, isObject, stripDomain } from "./reply.js"
import type { GroupRecord, Member } from "./store.js"
import {
  deleteGroup,
  findUserByName,
  inKnownStore,
  iso,
  newId,
  putGroup,
  renderGroup,
  setMembers,
  userName,
  withDomain
} from "./store.js"

/** Resolves `bulkId:<id>` member values during a bulk request. @internal */
export type BulkIds = ReadonlyMap<string, string>

/** @internal */
export const normaliseGroupName = (ctx: Ctx, value: unknown, selfId: string | undefined): string => {
  if (typeof value !== "string" || value.trim() === "") {
    return fail(400, "Required attribute displayName is missing in the SCIM Group object.", "invalidValue")
  }
  const full = withDomain(value)
  if (!inKnownStore(full, ctx.quirks.userStores)) {
    return fail(400, `Invalid user store name: ${full.slice(0, full.indexOf("/"))}`, "invalidValue")
  }
  const existing = ctx.org.groupNames.get(full.toLowerCase())
  if (existing !== undefined && existing !== selfId) {
    fail(409, `Group name: ${stripDomain(full)} already exists in the system.`)
  }
  return full
}

/** Checks one member object and returns the stored form. @internal */
export const resolveMember = (ctx: Ctx, input: unknown, bulkIds?: BulkIds): Member => {
  if (!isObject(input)) return fail(400, "A group member must be an object.", "invalidSyntax")
  const valueKey = findKey(input, "value")
  const displayKey = findKey(input, "display")
  let value = valueKey === undefined ? undefined : input[valueKey]
  const display = displayKey === undefined ? undefined : input[displayKey]
  if (typeof value !== "string" || typeof display !== "string") {
    return fail(400, "A group member needs both 'value' and 'display' attributes.", "invalidSyntax")
  }
  // Asgardeo has no nested groups (WSO2 resolves every member as a user, by `display`; nested
  // groups are an open item, wso2/product-is#10995). The answer to a member typed `Group` is not
  // documented: this one is a 400 invalidValue. `type: "User"` is accepted and not stored.
  const typeKey = findKey(input, "type")
  const type = typeKey === undefined ? undefined : input[typeKey]
  if (typeof type === "string" && type.toLowerCase() === "group") {
    return fail(400, `Nested groups are not supported: the member ${value} cannot be a group.`, "invalidValue")
  }
  if (value.startsWith("bulkId:")) {
    const resolved = bulkIds?.get(value.slice("bulkId:".length))
    if (resolved === undefined) return fail(400, `Unknown bulkId reference: ${value}`, "invalidValue")
    value = resolved
  }
  const user = findUserByName(ctx.org, display)
  if (user === undefined) {
    return fail(400, `A user doesn't exist with the userName: ${display}`, "invalidValue")
  }
  if (user.id !== value) {
    return fail(
      400,
      `Provided SCIM user Id: ${value} doesn't match with the userID obtained from user-store for the provided username: ${display}`,
      "invalidValue"
    )
  }
  return { value, display: userName(user) }
}

/** @internal */
export const resolveMembers = (ctx: Ctx, input: unknown, bulkIds?: BulkIds): Array<Member> => {
  if (input === undefined || input === null) return []
  if (!Array.isArray(input)) return fail(400, "The members attribute must be an array.", "invalidSyntax")
  const out: Array<Member> = []
  for (const m of input) {
    const member = resolveMember(ctx, m, bulkIds)
    if (!out.some((o) => o.value === member.value)) out.push(member)
  }
  return out
}

const cleanInput = (body: JsonObject): JsonObject => {
  const input: JsonObject = {}
  for (const [k, v] of Object.entries(clone(body))) {
    const lower = k.toLowerCase()
    const canonical = lower === "displayname" ? "displayName" : lower === "members" ? "members" : k
    // A group's `roles` are its role assignments (Roles API): written ones are ignored.
    if (lower !== "roles") input[canonical] = v
  }
  delete input["id"]
  delete input["meta"]
  return input
}

/** Validates a POST body and returns the record to store (not stored yet). @internal */
export const prepareNewGroup = (ctx: Ctx, body: unknown, bulkIds?: BulkIds): GroupRecord => {
  if (!isObject(body)) return fail(400, "The request body is not a JSON object.", "invalidSyntax")
  const input = cleanInput(body)
  const displayName = normaliseGroupName(ctx, input["displayName"], undefined)
  const members = resolveMembers(ctx, input["members"], bulkIds)
  delete input["members"]
  const id = newId()
  const time = iso(ctx.now)
  const resource: JsonObject = {
    ...input,
    schemas: [GROUP_SCHEMA],
    id,
    displayName,
    meta: { created: time, lastModified: time, location: `${ctx.scimBase}/Groups/${id}`, resourceType: "Group" }
  }
  return { id, resource, members }
}

/** @internal */
export const storeGroup = (ctx: Ctx, group: GroupRecord): void => {
  const members = group.members
  const stored: GroupRecord = { id: group.id, resource: group.resource, members: [] }
  putGroup(ctx.org, stored)
  setMembers(ctx.org, stored, members)
}

/** @internal */
export const createGroup = (ctx: Ctx, body: unknown, bulkIds?: BulkIds): Reply => {
  const group = prepareNewGroup(ctx, body, bulkIds)
  storeGroup(ctx, group)
  const stored = ctx.org.groups.get(group.id)!
  return {
    status: 201,
    body: renderGroup(stored, renderOptions(ctx)),
    headers: { Location: `${ctx.scimBase}/Groups/${group.id}` }
  }
}

/** Stores new attributes and members of an existing group (after all checks). @internal */
export const commitGroup = (
  ctx: Ctx,
  group: GroupRecord,
  resource: JsonObject,
  members: ReadonlyArray<Member>
): GroupRecord => {
  const displayName = normaliseGroupName(ctx, resource["displayName"], group.id)
  const previousMeta = isObject(group.resource["meta"]) ? group.resource["meta"] : {}
  const out: JsonObject = { ...resource, schemas: [GROUP_SCHEMA], id: group.id, displayName }
  delete out["members"]
  out["meta"] = { ...previousMeta, lastModified: iso(ctx.now) }
  const next: GroupRecord = { id: group.id, resource: out, members: group.members }
  putGroup(ctx.org, next)
  setMembers(ctx.org, next, members)
  return next
}

/** @internal */
export const replaceGroup = (ctx: Ctx, id: string, body: unknown, bulkIds?: BulkIds): Reply => {
  const group = ctx.org.groups.get(id) ?? fail(404, `Specified resource; Group with id ${id} not found.`)
  if (!isObject(body)) return fail(400, "The request body is not a JSON object.", "invalidSyntax")
  const input = cleanInput(body)
  const members = resolveMembers(ctx, input["members"], bulkIds)
  const next = commitGroup(ctx, group, input, members)
  return { status: 200, body: renderGroup(next, renderOptions(ctx)) }
}

/** @internal */
export const getGroup = (ctx: Ctx, id: string): JsonObject => {
  const group = ctx.org.groups.get(id) ?? fail(404, `Specified resource; Group with id ${id} not found.`)
  return renderGroup(group, renderOptions(ctx))
}

/** @internal */
export const removeGroup = (ctx: Ctx, id: string): Reply =>
  deleteGroup(ctx.org, id) ? { status: 204 } : fail(404, `Specified resource; Group with id ${id} not found.`)
