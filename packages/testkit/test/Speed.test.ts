import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { AsgardeoEmulator } from "../src/index.js"
import { call, SCIM, token } from "./helpers.js"

describe("speed (measured, not asserted)", () => {
  it.live("2,000 in-process GETs; seeding 100,000 users", () =>
    Effect.gen(function*() {
      const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
      let started = performance.now()
      const seeded = yield* emulator.seedUsers(
        Array.from(
          { length: 100_000 },
          (_, i) => ({ userName: `u${i}@example.com`, emails: [{ value: `u${i}@example.com` }] })
        )
      )
      const seedMs = performance.now() - started
      const t = yield* token()
      const ids = seeded.slice(0, 2000).map((s) => s.id)
      const rounds: Array<number> = []
      for (let round = 0; round < 3; round++) {
        started = performance.now()
        for (const id of ids) {
          const a = yield* call("GET", `${SCIM}/Users/${id}`, { token: t })
          if (a.status !== 200) throw new Error(String(a.status))
        }
        rounds.push(performance.now() - started)
      }
      const page = yield* call("GET", `${SCIM}/Users`, { token: t, query: { count: "100", startIndex: "50001" } })
      assert.strictEqual(page.json.itemsPerPage, 100)
      console.log(
        `testkit speed: seeded 100,000 users in ${seedMs.toFixed(0)} ms; ` +
          `2,000 GET /Users/{id} x3 (cold, warmer, warm): ` +
          rounds.map((ms) => `${(2000 / (ms / 1000)).toFixed(0)}`).join(", ") + " requests/s"
      )
    }).pipe(Effect.provide(AsgardeoEmulator.layerClient())), 60_000)
})
