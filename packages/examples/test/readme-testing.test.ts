import { Directory, Users } from "@asgardeo-scim/directory"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"

// The emulator answers the client's HttpClient in process (no sockets), and layerTest gives the
// client a configuration that points at it (organization, credentials, base URL). It also moves
// it.effect's TestClock forward whenever the test waits (backoff, Retry-After, latency, token
// expiry), so faults that make the client wait cost no real time and need no TestClock.adjust.
const TestDirectory = Directory.layer.pipe(Layer.provideMerge(AsgardeoEmulator.layerTest()))

describe("my sync job", () => {
  it.effect("creates the user once, even when the server throttles and drops the answer", () =>
    Effect.gen(function*() {
      const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
      // The first POST is throttled for 30 s (Retry-After), waited on the TestClock...
      yield* emulator.injectFault(
        AsgardeoEmulator.tooManyRequests({ method: "POST", path: "/scim2/Users", times: 1 }, 30)
      )
      // ...then Asgardeo applies the POST and the connection drops: ensure() finds the user.
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
      assert.strictEqual((yield* emulator.counters).rateLimited, 1)
      assert.strictEqual((yield* emulator.snapshot()).users.length, 1)
    }).pipe(Effect.provide(TestDirectory)))
})
