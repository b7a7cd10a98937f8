import { Patch, ScimConfig } from "@asgardeo-scim/core"
import { Directory, Users } from "@asgardeo-scim/directory"
import { Effect, Layer } from "effect"

// The directory in strict mode: writes are checked against the server's /Schemas and
// /ResourceTypes (read once) before they are sent; answers that do not match are logged.
export const StrictDirectory = (options: ScimConfig.Options) =>
  Directory.layerStrict({ responses: "warn" }).pipe(Layer.provideMerge(ScimConfig.layer(options)))

export const program = Effect.gen(function*() {
  const users = yield* Users.Users
  const kim = yield* users.create({ userName: "kim@example.com", email: "kim@example.com", askPassword: true })
  // A misspelt attribute is refused before anything is sent, and the error names it.
  return yield* users.patch(kim.id, [Patch.replace("titel", "Engineer")]).pipe(
    Effect.as("patched"),
    Effect.catchTag("InvalidAttribute", (e) => Effect.succeed(`refused: ${e.attribute} (${e.reason})`))
  )
})
