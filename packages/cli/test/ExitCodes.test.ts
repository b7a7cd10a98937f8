// The exit codes are listed in four places besides ExitCode's constants: the module's doc table,
// this package's README table, the root README's command-line section and the root help. Each
// lists every code of `ExitCode.meanings`, and no other.
import { ExitCode } from "@asgardeo-scim/cli"
import { WorkflowError } from "@asgardeo-scim/workflow"
import { assert, describe, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as Color from "../src/internal/color.js"
import { pages } from "../src/internal/helpText.js"

const codes = ExitCode.meanings.map(([code]) => String(code))

const tableCodes = (text: string) => [...text.matchAll(/^ ?\*? ?\| (\d+) \|/gm)].map((m) => m[1])

describe("exit codes", () => {
  it("meanings lists every constant once, in order", () => {
    const constants = [
      ExitCode.Ok,
      ExitCode.Failed,
      ExitCode.Usage,
      ExitCode.Auth,
      ExitCode.Server,
      ExitCode.Aborted,
      ExitCode.Ambiguous,
      ExitCode.Skipped,
      ExitCode.Interrupted
    ].map(String)
    assert.deepStrictEqual(codes, constants)
    assert.strictEqual(ExitCode.Skipped, 7)
  })

  it("the package README's table and ExitCode's doc table list exactly these codes", () => {
    const readme = fs.readFileSync(new URL("../README.md", import.meta.url), "utf8")
    const section = readme.slice(
      readme.indexOf("## Exit codes"),
      readme.indexOf("\n## ", readme.indexOf("## Exit codes"))
    )
    assert.deepStrictEqual(tableCodes(section), codes)
    const source = fs.readFileSync(new URL("../src/ExitCode.ts", import.meta.url), "utf8")
    assert.deepStrictEqual(tableCodes(source.slice(0, source.indexOf("*/"))), codes)
  })

  it("the root README's command line section and the root help name every code", () => {
    const readme = fs.readFileSync(new URL("../../../README.md", import.meta.url), "utf8")
    const start = readme.indexOf("## The command line")
    const section = readme.slice(start, readme.indexOf("\n## ", start + 1))
    const sentence = section.slice(section.indexOf("Exit codes:"))
    for (const code of codes) assert.match(sentence, new RegExp(`\\b${code}\\s[a-z]`), `code ${code}`)
    // The stored root help (test/FastHelp.test.ts checks it is what the CLI renders).
    assert.include(Color.strip(pages[""]!), `Exit codes: ${ExitCode.summary}.`)
    for (const [code, meaning] of ExitCode.meanings) assert.include(ExitCode.summary, `${code} ${meaning}`)
  })

  it("the errors of @asgardeo-scim/workflow (hr onboard --durable, hr batch status) have their codes", () => {
    const { BatchMismatch, BatchNotFound, EventFailed, InvalidEvent, StorageError } = WorkflowError
    const cases: ReadonlyArray<readonly [Error, number, string]> = [
      [new InvalidEvent({ field: "batchId", reason: "bad" }), ExitCode.Usage, "Invalid event: batchId: bad"],
      [
        new BatchMismatch({ batchId: "b-1", reason: "its fingerprint differs" }),
        ExitCode.Usage,
        "Pass another --batch-id"
      ],
      [new BatchNotFound({ batchId: "b-1" }), ExitCode.Failed, "its --state file"],
      [
        new StorageError({ operation: "progress", reason: "SQLITE_BUSY" }),
        ExitCode.Server,
        "one asgardeo-scim at a time"
      ],
      [
        new EventFailed({
          eventId: "e",
          employeeId: "E1",
          reason: "EmployeeConflict",
          detail: "taken",
          retry: "permanent",
          attempts: 1
        }),
        ExitCode.Failed,
        "EmployeeConflict"
      ]
    ]
    for (const [error, code, text] of cases) {
      const described = ExitCode.describe(error)
      assert.strictEqual(described.code, code, error.message)
      assert.include(described.message, text)
    }
  })
})
