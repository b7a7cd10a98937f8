// A store seeded in one call answers every id and pages deep into it. How fast (seeding 100,000
// users, GETs on them) is measured by `pnpm bench` (scenario 5), not here.
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { AsgardeoEmulator } from "../src/index.js"
import { call, SCIM, token } from "./helpers.js"

describe("a large seeded store", () => {
  it.effect("5,000 users seeded at once: every 100th id answers, a page deep inside is full and in order", () =>
    Effect.gen(function*() {
      const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
      const seeded = yield* emulator.seedUsers(
        Array.from(
          { length: 5000 },
          (_, i) => ({ userName: `u${i}@example.com`, emails: [{ value: `u${i}@example.com` }] })
        )
      )
      assert.strictEqual(seeded.length, 5000)
      const t = yield* token()
      for (const { id } of seeded.filter((_, i) => i % 100 === 0)) {
        const a = yield* call("GET", `${SCIM}/Users/${id}`, { token: t })
        assert.strictEqual(a.status, 200)
        assert.strictEqual(a.json.id, id)
      }
      const page = yield* call("GET", `${SCIM}/Users`, { token: t, query: { count: "100", startIndex: "2501" } })
      assert.strictEqual(page.json.itemsPerPage, 100)
      assert.strictEqual(page.json.startIndex, 2501)
      assert.deepStrictEqual(
        page.json.Resources.map((u: { readonly id: string }) => u.id),
        seeded.slice(2500, 2600).map((u) => u.id)
      )
    }).pipe(Effect.provide(AsgardeoEmulator.layerClient())))
})
