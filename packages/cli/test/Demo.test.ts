import { Demo, Io } from "@asgardeo-scim/cli"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import * as EmulatorServer from "@asgardeo-scim/testkit/EmulatorServer"
import { NodeContext } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { execFile, spawnSync } from "node:child_process"
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

  // The binary against a real emulator server that answers one 503: the retry is logged at debug
  // level, on stderr; stdout is the one JSON document. A --client-secret flag is warned about.
  it.live.skipIf(!existsSync(bin))(
    "the built binary: --log-level debug --json keeps stdout one JSON document; a secret flag warns on stderr",
    () =>
      Effect.gen(function*() {
        const emu = yield* EmulatorServer.make()
        yield* emu.seedUsers([{ userName: "kim@example.com", emails: [{ value: "kim@example.com" }] }])
        yield* emu.injectFault(AsgardeoEmulator.status(503, { path: "/scim2/Users*", times: 1 }))
        const cli = (args: ReadonlyArray<string>, env: Record<string, string>) =>
          Effect.async<{ readonly code: number; readonly stdout: string; readonly stderr: string }>((resume) => {
            execFile(process.execPath, [bin, ...args], {
              env: {
                PATH: process.env.PATH ?? "",
                ASGARDEO_ORG: emu.organization,
                ASGARDEO_CLIENT_ID: emu.credentials.clientId,
                ASGARDEO_BASE_URL: emu.baseUrl,
                ...env
              },
              encoding: "utf8"
            }, (error, stdout, stderr) =>
              resume(Effect.succeed({ code: typeof error?.code === "number" ? error.code : 0, stdout, stderr })))
          })
        const secret = emu.credentials.clientSecret
        const debug = yield* cli(["--log-level", "debug", "users", "list", "--json"], {
          ASGARDEO_CLIENT_SECRET: secret
        })
        assert.strictEqual(debug.code, 0, debug.stderr)
        assert.strictEqual(JSON.parse(debug.stdout).length, 1)
        assert.match(debug.stderr, /level=DEBUG .*SCIM request failed \(503\)/)
        const flagged = yield* cli(["users", "list", "--client-secret", secret, "--json"], {})
        assert.strictEqual(flagged.code, 0, flagged.stderr)
        assert.strictEqual(JSON.parse(flagged.stdout).length, 1)
        assert.match(flagged.stderr, /^warning: --client-secret .*ASGARDEO_CLIENT_SECRET/)
        assert.notInclude(flagged.stderr, secret)
        assert.notInclude(flagged.stdout, secret)
      }).pipe(Effect.scoped),
    60_000
  )
})
