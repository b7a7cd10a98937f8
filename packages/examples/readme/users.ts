import { Users } from "@asgardeo-scim/directory"
import { Effect, Option, Redacted } from "effect"

export const program = Effect.gen(function*() {
  const users = yield* Users.Users
  // An invitation: Asgardeo emails the user a link to set a password.
  const kim = yield* users.create({
    userName: "kim@example.com", // sent as DEFAULT/kim@example.com
    email: "kim@example.com",
    givenName: "Kim",
    familyName: "Lee",
    askPassword: true
  })
  // Or with a password (Redacted: it never shows up in logs or errors).
  yield* users.create({ userName: "sam@example.com", email: "sam@example.com", password: Redacted.make("S3cret-pass") })

  const found = yield* users.findByUserName("kim@example.com") // Option<User>
  yield* users.patch(kim.id, [{ op: "replace", path: "name.givenName", value: "Kimberly" }])
  yield* users.setActive(kim.id, false) // on Asgardeo: urn:scim:wso2:schema accountDisabled
  yield* users.delete(kim.id)
  return Option.isSome(found)
})
