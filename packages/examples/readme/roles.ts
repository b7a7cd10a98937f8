import { Roles, Users } from "@asgardeo-scim/directory"
import { Effect } from "effect"

// A role of the organization (found, or created with its permissions), and a user assigned to it:
// the same code on Roles v2 and v3 (the version is configured, or told from the granted scopes).
export const program = Effect.gen(function*() {
  const roles = yield* Roles.Roles
  const users = yield* Users.Users
  const { role } = yield* roles.ensure({ displayName: "auditor", permissions: ["internal_user_mgt_view"] })
  const kim = yield* users.create({ userName: "kim@example.com", email: "kim@example.com", askPassword: true })
  yield* roles.assignUsers(role.id, [kim.id])
  // The name and the whole permission set; the users stay assigned.
  yield* roles.replace(role.id, { displayName: "auditors", permissions: ["internal_user_mgt_view", "internal_login"] })
  return yield* roles.ofUser(kim.id)
})
