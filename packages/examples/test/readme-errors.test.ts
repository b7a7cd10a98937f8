// The README's table of errors (## Errors) names every error tag the packages can fail with, and
// its CLI exit code column says what the CLI's `ExitCode` gives each tag. Error classes are found
// by walking every public module of every package, so a new class without a row fails here, and
// so does a row whose class is gone.
import * as Cli from "@asgardeo-scim/cli"
import * as Core from "@asgardeo-scim/core"
import * as Directory from "@asgardeo-scim/directory"
import * as Hr from "@asgardeo-scim/hr"
import * as Testkit from "@asgardeo-scim/testkit"
import * as EmulatorServer from "@asgardeo-scim/testkit/EmulatorServer"
import * as Workflow from "@asgardeo-scim/workflow"
import * as HttpServerError from "@effect/platform/HttpServerError"
import { assert, describe, it } from "@effect/vitest"
import * as fs from "node:fs"

const { ExitCode } = Cli

/** The tags of the error classes a module namespace exports (`Schema.TaggedError`, `Data.TaggedError`). */
const errorTags = (module: object): Array<string> =>
  Object.values(module).flatMap((value) =>
    typeof value === "function" && value.prototype instanceof Error && typeof value.prototype.name === "string" &&
      value.prototype.name !== "Error"
      ? [value.prototype.name as string]
      : []
  )

/** Every public module of a package's index (`export * as Module from "./Module.js"`). */
const modulesOf = (index: object): Array<object> =>
  Object.values(index).filter((value): value is object => typeof value === "object" && value !== null)

const packages: ReadonlyArray<readonly [string, ReadonlyArray<object>]> = [
  ["core", modulesOf(Core)],
  ["directory", modulesOf(Directory)],
  ["hr", modulesOf(Hr)],
  ["workflow", modulesOf(Workflow)],
  // EmulatorServer is kept out of the index (it loads @effect/platform-node).
  ["testkit", [...modulesOf(Testkit), EmulatorServer]],
  ["cli", modulesOf(Cli)]
]

/** Errors of other libraries that the packages' own signatures expose. */
const foreign: ReadonlyArray<readonly [string, string]> = [
  // `EmulatorServer.make` / `layer` / `serve`: the server could not listen.
  ["testkit", new HttpServerError.ServeError({ cause: undefined })._tag]
]

/** Exit codes that are not `ExitCode.forTag`'s, because a command catches the error first. */
const exitCodeOverrides: Readonly<Record<string, string>> = {
  // `asgardeo-scim emulator` turns it into a usage error (packages/cli/test/Secrets.test.ts).
  BindRefused: `${ExitCode.Usage}`,
  // Carries the code its command chose.
  CliError: "its own `code`"
}

interface Row {
  readonly tag: string
  readonly pkg: string
  readonly cells: ReadonlyArray<string>
}

const readRows = (): Array<Row> => {
  const readme = fs.readFileSync(new URL("../../../README.md", import.meta.url), "utf8")
  const start = readme.indexOf("\n## Errors\n")
  assert.isAtLeast(start, 0, "the README has a ## Errors section")
  const end = readme.indexOf("\n## ", start + 1)
  const section = readme.slice(start, end === -1 ? undefined : end)
  const lines = section.split("\n").filter((line) => line.startsWith("| "))
  assert.strictEqual(
    lines[0],
    "| tag | package | when it happens | retried by the client? | what to do | CLI exit code |",
    "the table's header"
  )
  return lines.slice(2).map((line) => {
    const cells = line.slice(2, -2).split(" | ").map((cell) => cell.trim())
    assert.strictEqual(cells.length, 6, `six cells in ${line}`)
    const tag = /^`(\w+)`$/.exec(cells[0]!)?.[1]
    assert.isDefined(tag, `a tag in the first cell of ${line}`)
    return { tag: tag!, pkg: cells[1]!, cells }
  })
}

describe("README errors table", () => {
  it("has one row per error tag of the code, in the package that defines it, and no other", () => {
    const rows = readRows()
    const inTable = new Map(rows.map((row) => [row.tag, row.pkg]))
    assert.strictEqual(inTable.size, rows.length, "no tag has two rows")

    const inCode = new Map<string, string>()
    for (const [pkg, modules] of packages) {
      for (const module of modules) for (const tag of errorTags(module)) inCode.set(tag, inCode.get(tag) ?? pkg)
    }
    for (const [pkg, tag] of foreign) inCode.set(tag, pkg)

    const missing = [...inCode.keys()].filter((tag) => !inTable.has(tag)).sort()
    const gone = [...inTable.keys()].filter((tag) => !inCode.has(tag)).sort()
    assert.deepStrictEqual(missing, [], "error tags without a row in the README's table")
    assert.deepStrictEqual(gone, [], "rows of the README's table whose error no longer exists")
    for (const [tag, pkg] of inCode) assert.strictEqual(inTable.get(tag), pkg, `the package of ${tag}`)
  })

  it("gives each tag the CLI's exit code", () => {
    for (const row of readRows()) {
      const cell = row.cells[5]!
      const override = exitCodeOverrides[row.tag]
      if (override !== undefined && !/^\d/.test(override)) {
        assert.strictEqual(cell, override, row.tag)
        continue
      }
      const code = /^\d+/.exec(cell)?.[0]
      assert.strictEqual(code, override ?? `${ExitCode.forTag(row.tag)}`, `exit code of ${row.tag}`)
    }
  })

  it("fills every cell", () => {
    for (const row of readRows()) for (const cell of row.cells) assert.notStrictEqual(cell, "", row.tag)
  })
})
