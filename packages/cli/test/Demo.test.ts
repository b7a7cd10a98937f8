import { Demo, Io } from "@asgardeo-scim/cli"
import { NodeContext } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"

const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url))

describe("demo", () => {
  it.live("runs the whole flow on a real loopback emulator and sums it up", () =>
    Effect.gen(function*() {
      const io = Io.makeTest({ interactive: true })
      const summary = yield* Demo.run({}).pipe(Effect.provide(Layer.merge(io.layer, NodeContext.layer)))
      assert.strictEqual(summary.batch.created, 49)
      assert.strictEqual(summary.batch.invalid, 1)
      assert.strictEqual(summary.users, 49)
      assert.strictEqual(summary.activeUsers, 48)
      assert.strictEqual(summary.groups, 3)
      assert.strictEqual(summary.memberships, 48)
      assert.isAbove(summary.requests, 0)
      assert.isAtLeast(summary.tokenRequests, 1)
      assert.include(io.stderr(), "employees.csv line 38 (E1037): email: email is not a valid address; skipped")
      assert.include(io.stdout(), "6. Summary")
      assert.isAbove(io.statuses().length, 0)
    }), { timeout: 30_000 })

  // End to end through the compiled binary (built by `pnpm check`/`pnpm build`).
  it.skipIf(!existsSync(bin))("the built binary: --help exits 0, usage errors 2, demo --json 0", () => {
    const help = spawnSync(process.execPath, [bin, "--help"], { encoding: "utf8" })
    assert.strictEqual(help.status, 0)
    assert.include(help.stdout, "asgardeo-scim")
    const usage = spawnSync(process.execPath, [bin, "hr", "onboard"], { encoding: "utf8" })
    assert.strictEqual(usage.status, 2)
    const demo = spawnSync(process.execPath, [bin, "demo", "--json"], { encoding: "utf8" })
    assert.strictEqual(demo.status, 0, demo.stderr)
    assert.strictEqual(JSON.parse(demo.stdout).users, 49)
  }, 60_000)
})
