import { Patch } from "@asgardeo-scim/core"
import { Users } from "@asgardeo-scim/directory"
import { Effect } from "effect"

export const program = (id: string) =>
  Effect.gen(function*() {
    const users = yield* Users.Users
    // Read, change, write with If-Match; if someone wrote in between (412), read and apply again.
    const promoted = yield* users.update(id, (user) => ({ ...user, title: "Staff Engineer" }))
    // By hand: the version a read keeps, sent back with the write.
    const version = promoted.meta?.version
    if (version === undefined) return "no version to compare"
    yield* users.patch(id, [Patch.replace("title", "Principal Engineer")], { ifMatch: version })
    // That version is stale now: the server refuses the delete (PreconditionFailed), nothing changes.
    return yield* users.delete(id, { ifMatch: version }).pipe(
      Effect.as("deleted"),
      Effect.catchTag("PreconditionFailed", () => Effect.succeed("changed since it was read: kept"))
    )
  })
