import { Groups, Users } from "@asgardeo-scim/directory"
import { Effect } from "effect"

export const program = Effect.gen(function*() {
  const users = yield* Users.Users
  const groups = yield* Groups.Groups
  const lee = yield* users.create({ userName: "lee@example.com", email: "lee@example.com", askPassword: true })
  const engineering = yield* groups.create({ displayName: "Engineering" })
  // Members are sent with display = userName, which Asgardeo checks.
  yield* groups.addMembers(engineering.id, [lee.id])
  // Find or create a group by name and add a member in one call.
  yield* groups.ensureMember("On-Call", lee.id)
  yield* groups.removeMembers(engineering.id, [lee.id])
  return yield* groups.get(engineering.id)
})
