// Asgardeo's path is unchanged by the degraded modes: on the emulator a lookup by name is one
// request (GET with the filter, or POST .search for a name the query string would garble), with no
// ServiceProviderConfig read, however many lookups follow.
import { Groups, Users } from "@asgardeo-scim/directory"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Option, Redacted } from "effect"
import * as Emulated from "./utils/Emulated.js"

describe("lookups on Asgardeo (the emulator): one request each", () => {
  it.effect("findByUserName and Groups.findByName", () =>
    Effect.gen(function*() {
      const users = yield* Users.Users
      const groups = yield* Groups.Groups
      const kim = yield* users.create({
        userName: "kim@example.com",
        password: Redacted.make("Passw0rd!x"),
        email: "kim@example.com"
      })
      const plus = yield* users.create({
        userName: "kim+ops@example.com",
        password: Redacted.make("Passw0rd!x"),
        email: "kim+ops@example.com"
      })
      const ops = yield* groups.create({ displayName: "ops" })
      yield* Emulated.clearLog
      for (let i = 0; i < 2; i++) {
        assert.strictEqual(Option.getOrThrow(yield* users.findByUserName("kim@example.com")).id, kim.id)
        assert.strictEqual(Option.getOrThrow(yield* users.findByUserName("kim+ops@example.com")).id, plus.id)
        assert.strictEqual(Option.getOrThrow(yield* groups.findByName("ops")).id, ops.id)
        assert.isTrue(Option.isNone(yield* users.findByUserName("nobody@example.com")))
      }
      const log = yield* Emulated.scimLog
      const shape = log.map((e) => `${e.method} ${e.path.replace("/t/acme/scim2", "")}`)
      assert.deepStrictEqual(shape, [
        "GET /Users",
        "POST /Users/.search",
        "GET /Groups",
        "GET /Users",
        "GET /Users",
        "POST /Users/.search",
        "GET /Groups",
        "GET /Users"
      ])
      assert.isTrue(log.filter((e) => e.method === "GET").every((e) => e.query.includes("filter=")))
    }).pipe(Effect.provide(Emulated.layer())))
})
