import { Discovery, Patch } from "@asgardeo-scim/core"
import { Bulk, Directory, Group, Groups, User, Users } from "@asgardeo-scim/directory"
import { Effect } from "effect"
import type { Redacted } from "effect"

// Any SCIM 2.0 server: its base URL and a bearer token (or `{ tokenUrl, clientId, clientSecret }`
// for client credentials). `Target.rfc7644` assumes nothing beyond the RFC.
export const layer = (scimBaseUrl: string, bearerToken: Redacted.Redacted<string>) =>
  Directory.layerGeneric({ scimBaseUrl, auth: { bearerToken } })

export const program = Effect.gen(function*() {
  const users = yield* Users.Users
  const groups = yield* Groups.Groups
  // What the server advertises decides what the client does; read once, shared by every service.
  const spc = yield* (yield* Discovery.Discovery).serviceProviderConfig
  const kim = yield* users.create({ userName: "kim", name: { givenName: "Kim", familyName: "Lee" } })
  const lee = yield* users.create({ userName: "lee" })
  // Sorting where the server sorts; elsewhere `Unsupported`, before the list request.
  const newestFirst = yield* users.list({ sortBy: "userName", sortOrder: "descending" }).pipe(
    Effect.catchTag("Unsupported", () => users.list())
  )
  // A group as a member of a group, by id, where the server allows it; members carry their type.
  const staff = yield* groups.create({ displayName: "Staff", members: [kim.id] })
  const everyone = yield* groups.create({ displayName: "Everyone", members: [lee.id, staff.id] })
  // Read, change, write with If-Match where the server has ETags; without them, a choice you make.
  const promoted = yield* users.update(kim.id, (user) => ({ ...user, title: "Staff Engineer" }), {
    unconditional: !spc.etag.supported
  })
  yield* users.patch(lee.id, [Patch.replace("title", "Engineer")])
  // Bulk where the server offers it; elsewhere `Unsupported` before sending (HR batches fall back).
  const bulk = yield* Bulk.Bulk
  const viaBulk = yield* bulk.execute([
    Bulk.create("Users", "sam", { schemas: [User.CoreUrn], userName: "sam" })
  ]).pipe(
    Effect.as(true),
    Effect.catchTag("Unsupported", () => Effect.as(users.create({ userName: "sam" }), false))
  )
  return {
    first: newestFirst.resources[0]?.userName,
    members: Group.memberIds(everyone).length,
    groupMembers: Group.memberIds(everyone, "Group"),
    staff: staff.id,
    title: promoted.title,
    viaBulk
  }
})
