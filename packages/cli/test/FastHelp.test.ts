// The binary answers `[command [subcommand]] --help` from stored pages without loading
// @effect/cli: each must be the very text @effect/cli renders for that command, for every
// command of the tree (regenerate with `pnpm --filter @asgardeo-scim/cli gen:help`), and any
// other command line must go to the real parser.
import { NodeContext } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as FastHelp from "../src/internal/fastHelp.js"
import * as HelpPages from "../src/internal/helpPages.js"
import { pages } from "../src/internal/helpText.js"

const stale = "the stored help is stale: run `pnpm build && pnpm --filter @asgardeo-scim/cli gen:help`"

describe("fast --help", () => {
  it.effect(
    "every command's stored page is what @effect/cli renders, coloured or not, for --help and -h",
    () =>
      Effect.gen(function*() {
        assert.isAtLeast(HelpPages.paths.length, 20)
        for (const path of HelpPages.paths) {
          for (const flag of ["--help", "-h"]) {
            for (const color of [true, false]) {
              const args = [...path, flag]
              const rendered = yield* HelpPages.run(args, color)
              assert.strictEqual(rendered.code, 0, args.join(" "))
              assert.strictEqual(rendered.stderr, "", args.join(" "))
              assert.include(rendered.stdout, `$ ${["asgardeo-scim", ...path].join(" ")}`)
              // The process writes a newline after each line `Io` records.
              assert.strictEqual(
                FastHelp.text(args, false, color ? { FORCE_COLOR: "1" } : {}),
                `${rendered.stdout}\n`,
                `${args.join(" ")} (${color ? "coloured" : "plain"}): ${stale}`
              )
            }
          }
        }
      }).pipe(Effect.provide(NodeContext.layer)),
    60_000
  )

  it("the stored pages are those of the command tree, no more", () => {
    assert.deepStrictEqual(Object.keys(pages).sort(), HelpPages.paths.map(FastHelp.key).sort(), stale)
  })

  it("coloured on a terminal or with FORCE_COLOR, plain on a pipe or with NO_COLOR", () => {
    const esc = "\u001b["
    assert.include(FastHelp.text(["users", "--help"], true, {}), esc)
    assert.include(FastHelp.text(["users", "--help"], false, { FORCE_COLOR: "1" }), esc)
    assert.notInclude(FastHelp.text(["users", "--help"], false, {}), esc)
    assert.notInclude(FastHelp.text(["users", "--help"], true, { NO_COLOR: "1" }), esc)
    assert.include(FastHelp.text(["users", "--help"], false, {}), "$ asgardeo-scim users <command>")
  })

  it("any other command line is left to the real parser", () => {
    const others: ReadonlyArray<ReadonlyArray<string>> = [
      [],
      ["users"],
      ["users", "list"],
      ["--help", "users"],
      ["users", "--help", "--json"],
      ["users", "list", "--json", "--help"],
      ["users", "list", "extra", "--help"],
      ["--log-level", "debug", "--help"],
      ["nope", "--help"],
      ["users", "nope", "--help"],
      ["users list", "--help"],
      ["Users", "--help"],
      ["constructor", "--help"],
      ["__proto__", "--help"],
      ["toString", "-h"],
      ["users", "--HELP"],
      ["--version"]
    ]
    for (const args of others) assert.isUndefined(FastHelp.text(args, false, {}), JSON.stringify(args))
  })
})
