// The HR backend's test suite: the real API and handlers, with the emulator's mock HttpClient
// (AsgardeoEmulator.layerClient) in place of Asgardeo. The test talks to the backend over a
// real test server (NodeHttpServer.layerTest) with the typed client derived from the API.
import { Directory } from "@asgardeo-scim/directory"
import { HrDirectory, RoleMapping } from "@asgardeo-scim/hr"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { HttpApiBuilder, HttpApiClient } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { assert, describe, layer } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { HrApi } from "../src/backend/HrApi.js"
import { HrApiLive } from "../src/backend/HrApiLive.js"

// One emulator per suite; the same layer value is built once and shared by both users below.
const Emulator = AsgardeoEmulator.layerClient()

const HrOnEmulator = HrDirectory.layer.pipe(
  Layer.provide(RoleMapping.layer()),
  Layer.provide(Layer.unwrapEffect(Effect.map(AsgardeoEmulator.AsgardeoEmulator, (emu) =>
    Directory.layerAsgardeo({
      organization: emu.organization,
      clientId: emu.credentials.clientId,
      clientSecret: Redacted.make(emu.credentials.clientSecret),
      baseUrl: emu.baseUrl,
      rateLimits: false
    })))),
  Layer.provide(Emulator)
)

const TestServer = HttpApiBuilder.serve().pipe(
  Layer.provide(HrApiLive),
  Layer.provide(HrOnEmulator),
  Layer.provideMerge(NodeHttpServer.layerTest),
  Layer.provideMerge(
    Layer.project(Emulator, AsgardeoEmulator.AsgardeoEmulator, AsgardeoEmulator.AsgardeoEmulator, (e) => e)
  )
)

const kim = {
  employeeId: "E1",
  email: "kim@example.com",
  firstName: "Kim",
  lastName: "Lee",
  department: "Engineering",
  role: "employee"
}

describe("HR backend", () => {
  layer(TestServer, { excludeTestServices: true })((it) => {
    it.effect("onboards, changes the role, deactivates; maps errors to HTTP errors", () =>
      Effect.gen(function*() {
        const client = yield* HttpApiClient.make(HrApi)
        const emu = yield* AsgardeoEmulator.AsgardeoEmulator

        const onboarded = yield* client.employees.onboard({ payload: kim })
        assert.strictEqual(onboarded.outcome, "created")
        assert.strictEqual(onboarded.userName, "DEFAULT/kim@example.com")
        const again = yield* client.employees.onboard({ payload: kim })
        assert.strictEqual(again.outcome, "existing")

        const changed = yield* client.employees.changeRole({
          path: { userId: onboarded.userId },
          payload: { role: "hr_manager" }
        })
        assert.deepStrictEqual(changed.removedFrom, ["Employees"])

        yield* client.employees.deactivate({ path: { userId: onboarded.userId } })
        const snapshot = yield* emu.snapshot()
        const user = snapshot.users.find((u) => u.id === onboarded.userId)!
        assert.deepStrictEqual((user["urn:scim:wso2:schema"] as { accountDisabled: boolean }).accountDisabled, true)

        // Our NotFound becomes HttpApiError.NotFound (404), an unknown role a 400, a clash a 409.
        const missing = yield* Effect.flip(
          client.employees.deactivate({ path: { userId: "00000000-0000-4000-8000-000000000000" } })
        )
        assert.strictEqual(missing._tag, "NotFound")
        const badRole = yield* Effect.flip(
          client.employees.changeRole({ path: { userId: onboarded.userId }, payload: { role: "pilot" } })
        )
        assert.strictEqual(badRole._tag, "BadRequest")
        const clash = yield* Effect.flip(client.employees.onboard({ payload: { ...kim, employeeId: "E2" } }))
        assert.strictEqual(clash._tag, "Conflict")

        // Asgardeo down: 503, so callers know a retry may work.
        yield* emu.injectFault(AsgardeoEmulator.status(500, { path: "/scim2/*" }))
        const down = yield* Effect.flip(
          client.employees.onboard({ payload: { ...kim, employeeId: "E3", email: "sam@example.com" } })
        )
        assert.strictEqual(down._tag, "ServiceUnavailable")
        yield* emu.clearFaults
      }), { timeout: 30_000 })
  })
})
