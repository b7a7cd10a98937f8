import { Users } from "@asgardeo-scim/directory"
import { Effect } from "effect"

// The error channel names what can go wrong; handle what you expect, by tag.
export const program = (id: string) =>
  Effect.gen(function*() {
    const users = yield* Users.Users
    return yield* users.get(id)
  }).pipe(
    Effect.map((user) => `found ${user.userName}`),
    Effect.catchTags({
      NotFound: () => Effect.succeed("no such user"),
      InvalidId: (e) => Effect.succeed(`not an id: ${e.reason}`),
      MissingScope: (e) => Effect.fail(`authorize ${e.scope} in the Asgardeo console`),
      Unauthorized: () => Effect.fail("check the client credentials")
    })
  )
