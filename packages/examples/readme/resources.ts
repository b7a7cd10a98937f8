import { Patch } from "@asgardeo-scim/core"
import { Resources } from "@asgardeo-scim/directory"
import { Effect, Redacted, Schema } from "effect"

// Any resource type: the endpoint, a Schema for what the server answers, and the scopes.
export const Device = Schema.Struct(
  { id: Schema.String, serial: Schema.String, owner: Schema.optional(Schema.String) },
  Schema.Record({ key: Schema.String, value: Schema.Unknown })
)
export const devices = Resources.make({
  name: "Devices",
  path: "/Devices",
  schema: Device,
  projection: Resources.Projected,
  scopes: { list: "Users.list", get: "Users.get" }
})

// /Users through the same generic service: raw SCIM bodies, the same checks and typed errors.
export const program = Effect.gen(function*() {
  const users = yield* Resources.make(Resources.users)
  const kim = yield* users.create({
    userName: "kim@example.com",
    password: Redacted.make("S3cret-Passw0rd!"),
    emails: [{ value: "kim@example.com", primary: true }]
  })
  yield* users.patch(kim.id, [Patch.replace("title", "Engineer")])
  const page = yield* users.list({ filter: "userName eq \"kim@example.com\"" })
  return page.resources
})
