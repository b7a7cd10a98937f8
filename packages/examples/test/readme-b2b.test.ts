// The README's sub-organization example (readme/subOrganizations.ts), run on the emulator's
// organization tree with its outcome checked in the emulator's state.
import { Directory } from "@asgardeo-scim/directory"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { HttpClient } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import * as subOrganizations from "../readme/subOrganizations.js"

const tree: AsgardeoEmulator.Options = {
  subOrganizations: [{ name: "ABC Builders" }, { name: "ABC East", parent: "ABC Builders" }, { name: "Northwind" }]
}

describe("README: sub-organizations", () => {
  it.effect("hire creates the user in ABC Builders only; census counts every organization of the tree", () =>
    Effect.gen(function*() {
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      const abc = (yield* emu.subOrganizations).find((o) => o.name === "ABC Builders")!
      const root = {
        organization: emu.organization,
        clientId: emu.credentials.clientId,
        clientSecret: Redacted.make(emu.credentials.clientSecret),
        baseUrl: emu.baseUrl
      }
      const client = Layer.succeed(HttpClient.HttpClient, emu.client)
      const kim = yield* subOrganizations.hire.pipe(
        Effect.provide(subOrganizations.AbcBuilders(root).pipe(Layer.provide(client)))
      )
      assert.deepStrictEqual((yield* emu.snapshot({ organization: abc.id })).users.map((u) => u.id), [kim.id])
      assert.strictEqual((yield* emu.snapshot()).users.length, 0)
      // Northwind no longer shares the application: its result says so, the others are counted.
      yield* emu.updateApp(emu.credentials.clientId, { sharedWith: ["ABC Builders", "ABC East"] })
      const lines = yield* subOrganizations.census.pipe(
        Effect.provide(Directory.layerAsgardeo(root).pipe(Layer.provide(client)))
      )
      assert.sameMembers([...lines], [
        "ABC Builders: 1 users",
        "ABC East: 0 users",
        "Northwind: OrganizationSwitchFailed"
      ])
    }).pipe(Effect.provide(AsgardeoEmulator.layerClient(tree))))
})
