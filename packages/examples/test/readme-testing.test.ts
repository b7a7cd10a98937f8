import { Directory, Users } from "@asgardeo-scim/directory"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"

// The emulator answers the client's HttpClient in process (no sockets), and layerTest gives the
// client a configuration that points at it (organization, credentials, base URL).
const TestDirectory = Directory.layer.pipe(Layer.provideMerge(AsgardeoEmulator.layerTest()))

describe("my sync job", () => {
  it.live("creates the user once, even when the server drops the answer", () =>
    Effect.gen(function*() {
      const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
      // Asgardeo applies the POST, then the connection drops: ensure() finds the user.
      yield* emulator.injectFault(
        AsgardeoEmulator.dropConnection("after", { method: "POST", path: "/scim2/Users", times: 1 })
      )
      const users = yield* Users.Users
      const { created } = yield* users.ensure({
        userName: "kim@example.com",
        email: "kim@example.com",
        askPassword: true
      })
      assert.isFalse(created)
      assert.strictEqual((yield* emulator.snapshot()).users.length, 1)
    }).pipe(Effect.provide(TestDirectory)))
})
