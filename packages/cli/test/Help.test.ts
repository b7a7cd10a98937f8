// The binary answers `--help` from a stored text without loading @effect/cli: it must be the very
// text @effect/cli renders for the command tree (regenerate with `pnpm --filter @asgardeo-scim/cli gen:help`).
import { assert, describe, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"

const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url))

describe("--help", () => {
  it.skipIf(!existsSync(bin))("the stored help is what @effect/cli renders", () => {
    const fast = spawnSync(process.execPath, [bin, "--help"], { encoding: "utf8" })
    const full = spawnSync(process.execPath, [bin, "--help"], {
      encoding: "utf8",
      env: { ...process.env, ASGARDEO_SCIM_FULL_HELP: "1" }
    })
    assert.strictEqual(fast.status, 0)
    assert.strictEqual(full.status, 0)
    assert.include(full.stdout, "asgardeo-scim")
    assert.strictEqual(
      fast.stdout,
      full.stdout,
      "the stored help is stale: run `pnpm --filter @asgardeo-scim/cli gen:help`"
    )
  }, 30_000)
})
