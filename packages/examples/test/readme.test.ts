// Every README example is a file under readme/, type-checked by `pnpm check`, run here against
// the in-process emulator, and compared with the README's code blocks so the two never drift.
import { Directory } from "@asgardeo-scim/directory"
import { HrDirectory, RoleMapping } from "@asgardeo-scim/hr"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import * as fs from "node:fs"
import * as bulk from "../readme/bulk.js"
import * as errors from "../readme/errors.js"
import * as filters from "../readme/filters.js"
import * as groups from "../readme/groups.js"
import * as hr from "../readme/hr.js"
import * as users from "../readme/users.js"

const OnEmulator = HrDirectory.layer.pipe(
  Layer.provide(RoleMapping.layer()),
  Layer.provideMerge(Layer.unwrapEffect(Effect.map(AsgardeoEmulator.AsgardeoEmulator, (emu) =>
    Directory.layerAsgardeo({
      organization: emu.organization,
      clientId: emu.credentials.clientId,
      clientSecret: Redacted.make(emu.credentials.clientSecret),
      baseUrl: emu.baseUrl
    })))),
  Layer.provideMerge(AsgardeoEmulator.layerClient())
)

describe("README examples", () => {
  it.effect("users", () => Effect.map(users.program, (found) => assert.isTrue(found)).pipe(Effect.provide(OnEmulator)))
  it.effect("groups", () =>
    Effect.map(groups.program, (g) => assert.strictEqual(g.members?.length ?? 0, 0)).pipe(Effect.provide(OnEmulator)))
  it.effect("bulk", () => Effect.map(bulk.program, (id) => assert.isString(id)).pipe(Effect.provide(OnEmulator)))
  it.effect("filters", () =>
    Effect.map(filters.program, (r) => assert.deepStrictEqual(r, { engineers: 0, byEmail: 0, all: 0 })).pipe(
      Effect.provide(OnEmulator)
    ))
  it.effect("errors", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* errors.program("00000000-0000-4000-8000-000000000000"), "no such user")
      assert.match(yield* errors.program("kim"), /^not an id/)
    }).pipe(Effect.provide(OnEmulator)))
  it.effect("hr", () =>
    Effect.map(hr.program, (lines) => assert.match(lines[0]!, /"outcome":"created"/)).pipe(Effect.provide(OnEmulator)))

  it("the README shows each file as it is", () => {
    const readme = fs.readFileSync(new URL("../../../README.md", import.meta.url), "utf8")
    const blocks = [...readme.matchAll(/<!-- example: (\S+) -->\s*```ts\n([\s\S]*?)```/g)]
    assert.isAtLeast(blocks.length, 7)
    for (const [, file, code] of blocks) {
      const source = fs.readFileSync(new URL(`../${file}`, import.meta.url), "utf8")
      assert.strictEqual(code, source, `README block for ${file} differs from the file`)
    }
  })
})
