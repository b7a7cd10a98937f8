// The example of packages/directory/README.md: the file under readme/, the same as the README's
// block, run on the in-process emulator with its outcome checked in the emulator's state.
import { Directory } from "@asgardeo-scim/directory"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as fs from "node:fs"
import * as resources from "../readme/resources.js"
import * as roles from "../readme/roles.js"

const layer = Directory.layer.pipe(Layer.provideMerge(AsgardeoEmulator.layerTest()))

describe("directory README", () => {
  it.effect("resources.ts: /Users through the generic service creates, patches and finds the user", () =>
    Effect.gen(function*() {
      const found = yield* resources.program
      assert.strictEqual(found.length, 1)
      assert.strictEqual(found[0]?.userName, "DEFAULT/kim@example.com")
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      const state = yield* emu.snapshot()
      const kim = state.users.find((u) => u.userName === "DEFAULT/kim@example.com")
      assert.strictEqual(kim?.title, "Engineer")
      // The Devices service is built (its definition is well-formed) without a request.
      const devices = yield* resources.devices
      assert.isFunction(devices.get)
    }).pipe(Effect.provide(layer)))

  it.effect("roles.ts: the role is created, the user assigned, the role renamed with its users kept", () =>
    Effect.gen(function*() {
      const assigned = yield* roles.program
      assert.deepStrictEqual(assigned.map((r) => [r.displayName, r.audience?.type]), [["auditors", "organization"]])
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      const state = yield* emu.snapshot()
      const role = state.roles.find((r) => r.displayName === "auditors")
      const users = (role?.users ?? []) as ReadonlyArray<{ readonly value: string }>
      assert.strictEqual(users.length, 1)
      const permissions = (role?.permissions ?? []) as ReadonlyArray<{ readonly value: string }>
      assert.sameMembers(permissions.map((p) => p.value), ["internal_user_mgt_view", "internal_login"])
    }).pipe(Effect.provide(layer)))

  it("the README shows the file as it is", () => {
    const readme = fs.readFileSync(new URL("../../directory/README.md", import.meta.url), "utf8")
    const blocks = [...readme.matchAll(/<!-- example: (\S+) -->\s*```ts\n([\s\S]*?)```/g)]
    assert.isAtLeast(blocks.length, 1)
    for (const [, file, code] of blocks) {
      const source = fs.readFileSync(new URL(`../${file}`, import.meta.url), "utf8")
      assert.strictEqual(code, source, `README block for ${file} differs from the file`)
    }
  })
})
