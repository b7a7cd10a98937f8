// The binary answers `[command [subcommand]] --help` from stored pages without loading
// @effect/cli (test/FastHelp.test.ts checks every page in process): here, as a process, it must
// write what the binary writes when it parses the command line (ASGARDEO_SCIM_FULL_HELP=1).
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
  it.skipIf(!existsSync(bin))("the fast help writes what the parsed command line writes", () => {
    const cases: ReadonlyArray<readonly [ReadonlyArray<string>, Record<string, string>]> = [
      [["--help"], {}],
      [["--help"], { FORCE_COLOR: "1" }],
      [["users", "list", "--help"], { FORCE_COLOR: "1" }],
      [["hr", "-h"], {}]
    ]
    for (const [args, colour] of cases) {
      const fast = help(args, colour)
      const full = help(args, { ...colour, ASGARDEO_SCIM_FULL_HELP: "1" })
      assert.strictEqual(fast.status, 0, args.join(" "))
      assert.strictEqual(full.status, 0, args.join(" "))
      assert.include(full.stdout, `$ ${["asgardeo-scim", ...args.slice(0, -1)].join(" ")}`)
      assert.strictEqual(fast.stdout, full.stdout, args.join(" "))
      assert.strictEqual(fast.stderr, full.stderr, args.join(" "))
    }
  }, 60_000)

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
