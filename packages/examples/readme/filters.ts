import { Filter } from "@asgardeo-scim/core"
import { Users } from "@asgardeo-scim/directory"
import { Chunk, Effect, Stream } from "effect"

// Typed filters print with correct escaping...
export const engineers = Filter.and(
  Filter.sw("userName", "eng-"),
  Filter.eq("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "Engineering")
)

export const program = Effect.gen(function*() {
  const users = yield* Users.Users
  const page = yield* users.list({ filter: engineers })
  // ...raw strings are parsed and checked against what Asgardeo supports before sending
  // (users: eq ne co sw ew ge le joined by and; `or` fails with UnsupportedFilter, sent nowhere).
  const byEmail = yield* users.list({ filter: "emails co \"@example.com\"" })
  // Every page, each user once. The stream holds one page (and the ids seen) at a time;
  // collecting it, as here, keeps every user:
  const all = yield* Stream.runCollect(users.stream({ filter: Filter.print(Filter.co("userName", "example")) }))
  return { engineers: page.totalResults, byEmail: byEmail.totalResults, all: Chunk.size(all) }
})
