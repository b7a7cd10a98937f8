import { Directory, Users } from "@asgardeo-scim/directory"
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, Layer } from "effect"

// Every operation is an Effect: this one lists the first ten users.
export const program = Effect.gen(function*() {
  const users = yield* Users.Users
  const page = yield* users.list({ count: 10 })
  for (const user of page.resources) console.log(user.id, user.userName)
})

// The directory of the ASGARDEO_ORG / ASGARDEO_CLIENT_ID / ASGARDEO_CLIENT_SECRET organization,
// over undici (FetchHttpClient.layer from @effect/platform works too).
export const DirectoryLive = Directory.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici))

export const main = () => Effect.runPromise(program.pipe(Effect.provide(DirectoryLive)))
