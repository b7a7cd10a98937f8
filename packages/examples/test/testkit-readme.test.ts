import { Directory, Users } from "@asgardeo-scim/directory"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { assert, describe, layer } from "@effect/vitest"
import { Clock, Effect, Layer } from "effect"

// layerTest: the emulator's in-process HttpClient, a client configuration that points at it,
// and a TestClock that moves forward by itself whenever every fiber of the test waits.
const TestDirectory = Directory.layer.pipe(Layer.provideMerge(AsgardeoEmulator.layerTest()))

describe("my directory sync", () => {
  layer(TestDirectory)((it) => {
    it.effect("lists the seeded users from a throttled, failing, slow Asgardeo", () =>
      Effect.gen(function*() {
        const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
        yield* emulator.seedUsers([{ userName: "kim@example.com", emails: [{ value: "kim@example.com" }] }])
        // The next list: 2 s late and a 429 with Retry-After: 10; then a 503; then the answer.
        yield* emulator.injectFault(AsgardeoEmulator.latency(2000, { path: "/scim2/Users", times: 1 }))
        yield* emulator.injectFault(AsgardeoEmulator.tooManyRequests({ path: "/scim2/Users", times: 1 }, 10))
        yield* emulator.injectFault(AsgardeoEmulator.status(503, { path: "/scim2/Users", times: 1 }))
        const start = yield* Clock.currentTimeMillis
        const users = yield* Users.Users
        const page = yield* users.list()
        assert.deepStrictEqual(page.resources.map((user) => user.userName), ["DEFAULT/kim@example.com"])
        // The client waited 12 s and a backoff on the TestClock, which layerTest moved: no real time.
        assert.isAtLeast((yield* Clock.currentTimeMillis) - start, 12_000)
      }))
  })
})
