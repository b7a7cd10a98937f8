// What help says, in process: usage lines with the whole command path, the connection flags
// written `[connection flags]` in lists of commands and described once, defaults shown, and
// colours only when `Io` allows them on that stream.
import { Flags } from "@asgardeo-scim/cli"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Color from "../src/internal/color.js"
import { harness } from "./utils.js"

const esc = "\u001b["

const usageLine = (text: string) => text.split("\n").find((l) => l.startsWith("$ "))

/** The rows of the COMMANDS section: [usage, description]. */
const rows = (text: string) => {
  const lines = text.split("\n")
  const end = lines.indexOf("CONNECTION FLAGS")
  return lines.slice(lines.indexOf("COMMANDS") + 1, end === -1 ? undefined : end)
    .filter((l) => l.startsWith("  - "))
    .map((l) => l.slice(4))
}

describe("help", () => {
  it.effect("usage lines carry the whole command path", () =>
    Effect.gen(function*() {
      const { runWith } = yield* harness()
      const cases: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
        [["users", "list", "--help"], "$ asgardeo-scim users list [--org text] "],
        [["--log-level", "debug", "hr", "onboard", "-h"], "$ asgardeo-scim hr onboard [--org text] "],
        [["groups", "add-member", "--help"], "$ asgardeo-scim groups add-member "],
        [["users", "--help"], "$ asgardeo-scim users <command>"],
        [["hr", "batch", "status", "--help"], "$ asgardeo-scim hr batch status [--state text] [--json] <batch-id>"],
        [["hr", "batch", "--help"], "$ asgardeo-scim hr batch <command>"],
        [["scopes", "--help"], "$ asgardeo-scim scopes [--json]"],
        [["emulator", "--help"], "$ asgardeo-scim emulator [--port integer]"],
        [["--help"], "$ asgardeo-scim <command>"]
      ]
      for (const [args, expected] of cases) {
        const result = yield* runWith({}, ...args)
        assert.strictEqual(result.code, 0, args.join(" "))
        assert.isTrue(usageLine(result.stdout)?.startsWith(expected), `${args.join(" ")}: ${usageLine(result.stdout)}`)
      }
    }))

  it.effect("a command two levels down is listed by its path (@effect/cli writes `hr hr batch status`)", () =>
    Effect.gen(function*() {
      const { runWith } = yield* harness()
      const root = rows((yield* runWith({}, "--help")).stdout)
      assert.isTrue(
        root.some((r) => r.startsWith("hr batch status [--state text] [--json] <batch-id> ")),
        root.join("\n")
      )
      assert.isFalse(root.some((r) => r.startsWith("hr hr ")))
      const hr = rows((yield* runWith({}, "hr", "--help")).stdout)
      assert.isTrue(hr.some((r) => r.startsWith("batch status [--state text] [--json] <batch-id> ")), hr.join("\n"))
    }))

  it.effect("a command line that does not parse names the help of its command", () =>
    Effect.gen(function*() {
      const { runWith } = yield* harness()
      const result = yield* runWith({}, "hr", "onboard")
      assert.strictEqual(result.code, 2)
      assert.include(result.stderr, "Missing argument <employees.csv>")
      assert.include(result.stderr, "see `asgardeo-scim hr onboard --help` for the flags and arguments")
      const nested = yield* runWith({}, "hr", "batch", "status")
      assert.strictEqual(nested.code, 2)
      assert.include(nested.stderr, "see `asgardeo-scim hr batch status --help` for the flags and arguments")
    }))

  it.effect("lists of commands write [connection flags] and describe the flags once, rows aligned", () =>
    Effect.gen(function*() {
      const { runWith } = yield* harness()
      for (const args of [["--help"], ["users", "--help"], ["hr", "--help"]]) {
        const { stdout } = yield* runWith({}, ...args)
        const list = rows(stdout)
        assert.isAtLeast(list.length, 4, args.join(" "))
        for (const row of list) assert.notInclude(row, "--client-id", row)
        assert.isTrue(list.some((r) => r.includes("[connection flags] [--json]")), args.join(" "))
        // Every description starts in one column.
        const starts = list.map((r) => /\S {2,}\S/.exec(r)).filter((m) => m !== null).map((m) =>
          m.index + m[0].length - 1
        )
        assert.strictEqual(new Set(starts).size, 1, `${args.join(" ")}: ${starts}`)
        assert.strictEqual(stdout.split("CONNECTION FLAGS").length - 1, 1, args.join(" "))
        const section = stdout.slice(stdout.indexOf("CONNECTION FLAGS"))
        for (const { description, flag } of Flags.connectionFlags) {
          assert.include(section, `${flag}`)
          assert.include(section, description)
          // Described once: in the section, and nowhere else on the page.
          assert.strictEqual(stdout.split(description).length - 1, 1, description)
        }
      }
      // A command's own help describes its options in OPTIONS, as before.
      const leaf = yield* runWith({}, "users", "list", "--help")
      assert.notInclude(leaf.stdout, "CONNECTION FLAGS")
      assert.include(leaf.stdout, "--client-id text")
    }))

  it.effect("defaults are shown", () =>
    Effect.gen(function*() {
      const { runWith } = yield* harness()
      const expected: ReadonlyArray<readonly [ReadonlyArray<string>, ReadonlyArray<string>]> = [
        [["hr", "onboard", "--help"], ["Default: 8", "Default: auto"]],
        [["emulator", "--help"], ["Default: 8790", "Default: 127.0.0.1", "Default: acme"]],
        [["demo", "--help"], ["Default: auto"]]
      ]
      for (const [args, defaults] of expected) {
        const { stdout } = yield* runWith({}, ...args)
        for (const text of defaults) assert.include(stdout, text, args.join(" "))
      }
      const onboard = (yield* runWith({}, "hr", "onboard", "--help")).stdout
      const concurrency = onboard.slice(onboard.indexOf("\n--concurrency integer\n") + 1)
      assert.match(
        concurrency,
        /^--concurrency integer\n\n {2}An integer\.\n\n {2}Employees processed at once\n\n {2}Default: 8\n/
      )
    }))

  it.effect("colours on a stream only when Io allows them there", () =>
    Effect.gen(function*() {
      const { runIo } = yield* harness()
      const plain = yield* runIo({ color: false, colorErr: false }, {}, "users", "list", "--help")
      assert.notInclude(plain.stdout, esc)
      assert.include(plain.stdout, "USAGE")
      const coloured = yield* runIo({ color: true, colorErr: false }, {}, "users", "list", "--help")
      assert.include(coloured.stdout, esc)
      assert.strictEqual(Color.strip(coloured.stdout), plain.stdout)

      // stdout coloured, stderr not (piped): the error line and @effect/cli's message are plain.
      const bad = yield* runIo({ color: true, colorErr: false }, {}, "users", "list", "--limit", "many")
      assert.strictEqual(bad.code, 2)
      assert.notInclude(bad.stderr, esc)
      const missing = yield* runIo({ color: true, colorErr: false }, {}, "users", "list")
      assert.match(missing.stderr, /^error: configuration/)
      const missingColoured = yield* runIo({ color: false, colorErr: true }, {}, "users", "list")
      assert.include(missingColoured.stderr, esc)
    }))
})

describe("Color.enabled (no-color.org)", () => {
  it("a terminal is coloured, a pipe is not", () => {
    assert.isTrue(Color.enabled(true, {}))
    assert.isFalse(Color.enabled(false, {}))
    assert.isFalse(Color.enabled(undefined, {}))
  })

  it("NO_COLOR (not empty) turns colour off, even with FORCE_COLOR", () => {
    assert.isFalse(Color.enabled(true, { NO_COLOR: "1" }))
    assert.isFalse(Color.enabled(true, { NO_COLOR: "0" }))
    assert.isFalse(Color.enabled(false, { NO_COLOR: "1", FORCE_COLOR: "1" }))
    assert.isTrue(Color.enabled(true, { NO_COLOR: "" }))
  })

  it("FORCE_COLOR (not empty, 0 or false) turns colour on", () => {
    assert.isTrue(Color.enabled(false, { FORCE_COLOR: "1" }))
    assert.isTrue(Color.enabled(false, { FORCE_COLOR: "true" }))
    assert.isFalse(Color.enabled(true, { FORCE_COLOR: "0" }))
    assert.isFalse(Color.enabled(true, { FORCE_COLOR: "false" }))
    assert.isFalse(Color.enabled(false, { FORCE_COLOR: "" }))
  })

  it("strip removes colour codes only", () => {
    assert.strictEqual(Color.strip("\u001b[0;1mUSAGE\u001b[0m a\tb"), "USAGE a\tb")
  })
})
