// The binary answers `--help` from a stored text without loading @effect/cli: it must be the very
// text @effect/cli renders for the command tree (regenerate with `pnpm --filter @asgardeo-scim/cli gen:help`).
import { assert, describe, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"

const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url))

// Spawned with stdout and stderr piped (not terminals), without the developer's colour settings.
const help = (args: ReadonlyArray<string>, env: Record<string, string> = {}) => {
  const { FORCE_COLOR: _force, NO_COLOR: _no, ...rest } = process.env
  return spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", env: { ...rest, ...env } })
}

const esc = "\u001b["

describe("--help", () => {
  it.skipIf(!existsSync(bin))("the stored help is what @effect/cli renders", () => {
    for (const colour of [{}, { FORCE_COLOR: "1" }]) {
      const fast = help(["--help"], colour)
      const full = help(["--help"], { ...colour, ASGARDEO_SCIM_FULL_HELP: "1" })
      assert.strictEqual(fast.status, 0)
      assert.strictEqual(full.status, 0)
      assert.include(full.stdout, "asgardeo-scim")
      assert.strictEqual(
        fast.stdout,
        full.stdout,
        "the stored help is stale: run `pnpm --filter @asgardeo-scim/cli gen:help`"
      )
    }
  }, 30_000)

  it.skipIf(!existsSync(bin))("no colour codes on a pipe or with NO_COLOR; FORCE_COLOR forces them", () => {
    for (const args of [["--help"], ["users", "list", "--help"]]) {
      const piped = help(args)
      assert.notInclude(piped.stdout, esc, args.join(" "))
      assert.include(piped.stdout, "$ asgardeo-scim")
      assert.include(help(args, { FORCE_COLOR: "1" }).stdout, esc, args.join(" "))
      assert.notInclude(help(args, { FORCE_COLOR: "1", NO_COLOR: "1" }).stdout, esc, args.join(" "))
    }
    const bad = help(["users", "list", "--limit", "many"])
    assert.strictEqual(bad.status, 2)
    assert.notInclude(bad.stderr, esc)
    assert.include(bad.stderr, "see `asgardeo-scim users list --help`")
  }, 30_000)
})
