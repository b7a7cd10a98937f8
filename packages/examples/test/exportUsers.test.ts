import { Directory } from "@asgardeo-scim/directory"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { exportUsers } from "../src/batch/exportUsers.js"

describe("exportUsers", () => {
  it.live("streams every user (250, three pages) to a JSONL file", () =>
    Effect.gen(function*() {
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      yield* emu.seedUsers(Array.from({ length: 250 }, (_, i) => ({ userName: `u${i}@example.com` })))
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "export-")), "users.jsonl")
      const n = yield* exportUsers(file).pipe(
        Effect.provide(Layer.unwrapEffect(Effect.map(AsgardeoEmulator.AsgardeoEmulator, (e) =>
          Directory.layerAsgardeo({
            organization: e.organization,
            clientId: e.credentials.clientId,
            clientSecret: Redacted.make(e.credentials.clientSecret),
            baseUrl: e.baseUrl
          }))))
      )
      assert.strictEqual(n, 250)
      const lines = fs.readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l))
      assert.strictEqual(new Set(lines.map((u) => u.id)).size, 250)
    }).pipe(Effect.provide(AsgardeoEmulator.layerClient())))
})
