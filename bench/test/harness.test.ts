// The benchmark harness runs end to end on tiny sizes (`node bench/run.mjs --smoke`): every
// scenario, every child process, the table. No figure is asserted: benchmarks are not tests.
import { assert, describe, it } from "@effect/vitest"
import { execFile, execFileSync } from "node:child_process"
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("../..", import.meta.url))

describe("pnpm bench", () => {
  it("runs every scenario on tiny sizes and prints the table", async () => {
    // The harness imports the compiled packages: build them when `pnpm test` runs without a build.
    if (!existsSync(`${root}packages/cli/dist/bin.js`) || !existsSync(`${root}packages/hr/dist/index.js`)) {
      execFileSync("pnpm", ["exec", "tsc", "-b"], { cwd: root, stdio: "ignore" })
    }
    // Asynchronous: a synchronous spawn blocks the worker's event loop past vitest's RPC timeout.
    const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        ["bench/run.mjs", "--smoke"],
        { cwd: root, encoding: "utf8", timeout: 170_000, maxBuffer: 64 * 1024 * 1024 },
        (_error, stdout, stderr) => resolve({ status: child.exitCode, stdout, stderr })
      )
    })
    assert.strictEqual(run.status, 0, run.stderr.slice(-2000))
    for (
      const heading of [
        "## 1. Overhead vs raw HTTP",
        "## 2. Token traffic",
        "## 3. Provisioning",
        "## 4. Streaming memory",
        "## 5. Emulator speed",
        "## 6. Start-up",
        "## 7. Deadlines under load",
        "## 8. Decoding a user"
      ]
    ) {
      assert.include(run.stdout, heading)
    }
  }, 180_000)
})
