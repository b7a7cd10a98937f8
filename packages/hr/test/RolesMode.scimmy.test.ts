// Roles mode is Asgardeo's: on a third-party SCIM server (SCIMMY), which has no Roles API, the HR
// layer in roles mode is refused when it is built, with Unsupported naming roles, before any
// request reaches the server; role groups (HrDirectory.layer) remain the way there.
import { Directory } from "@asgardeo-scim/directory"
import { HrDirectory } from "@asgardeo-scim/hr"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Layer, Redacted } from "effect"
import * as ScimmyServer from "../../directory/test/utils/ScimmyServer.js"

/** The generic directory over SCIMMY. */
const generic = Layer.unwrapEffect(
  Effect.map(
    ScimmyServer.Scimmy,
    (s) =>
      Directory.layerGeneric({ scimBaseUrl: s.baseUrl, auth: { bearerToken: Redacted.make(s.token) } }).pipe(
        Layer.orDie
      )
  )
).pipe(Layer.provide(NodeHttpClient.layerUndici), Layer.provideMerge(ScimmyServer.layer))

describe("roles mode on SCIMMY", () => {
  it.live("HrDirectory.layerRoles fails to build with Unsupported (feature roles); nothing is sent", () =>
    Effect.gen(function*() {
      const scimmy = yield* ScimmyServer.Scimmy
      scimmy.clearRequests()
      const exit = yield* Effect.exit(Effect.scoped(Layer.build(HrDirectory.layerRoles({ admin: "HR Admin" }))))
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit) && exit.cause._tag === "Fail") {
        const error = exit.cause.error
        assert.strictEqual(error._tag, "Unsupported")
        if (error._tag === "Unsupported") assert.strictEqual(error.feature, "roles")
      } else {
        assert.fail(String(exit))
      }
      assert.deepStrictEqual(scimmy.requests, [])
    }).pipe(Effect.provide(generic)))
})
