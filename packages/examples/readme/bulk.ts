import { Bulk } from "@asgardeo-scim/directory"
import { Effect, Redacted } from "effect"

export const program = Effect.gen(function*() {
  const bulk = yield* Bulk.Bulk
  const result = yield* bulk.execute([
    Bulk.create("Users", "ann", {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
      userName: "ann@example.com",
      // Redacted, as everywhere: a plain-string password is refused; it is unwrapped only on the wire.
      password: Redacted.make("Ann-passw0rd"),
      emails: [{ value: "ann@example.com", primary: true }]
    }),
    // A group whose member is the user created above, by bulkId.
    Bulk.create("Groups", "team", {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
      displayName: "Team Ann",
      members: [{ value: Bulk.ref("ann"), display: "ann@example.com" }]
    })
  ], { failOnErrors: 1 })
  // Results by bulkId, whatever order the server answered in; requests over the server's
  // maxOperations are split for you.
  return result.byBulkId.get("ann")?.id
})
