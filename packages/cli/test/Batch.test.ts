// `hr onboard`'s error policy: scopes missing before anything was done are exit code 3; a batch
// stopped by a fatal error after it started is exit code 5, with the cause and the report named,
// and the report resumes it.
import { ExitCode } from "@asgardeo-scim/cli"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { conn, csv, harness, row } from "./utils.js"

const tmp = (name: string, content?: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "asgardeo-cli-"))
  const file = path.join(dir, name)
  if (content !== undefined) fs.writeFileSync(file, content)
  return file
}

const readReport = (file: string) =>
  fs.readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { employeeId: string; outcome: string })

describe("hr onboard: a batch's error policy", () => {
  it.effect("an app without internal_group_mgt_update: exit code 3 naming the scope, nothing written", () =>
    Effect.gen(function*() {
      const { emu, run } = yield* harness({
        apps: [{
          clientId: "emulator-client",
          clientSecret: "emulator-secret",
          scopes: AsgardeoEmulator.allScopes.filter((s) => s !== "internal_group_mgt_update")
        }]
      })
      const file = tmp("employees.csv", csv([row(1), row(2), row(3)]))
      const report = tmp("report.jsonl")
      const result = yield* run("hr", "onboard", ...conn, file, "--report", report)
      assert.strictEqual(result.code, ExitCode.Auth, result.stderr)
      assert.match(result.stderr, /internal_group_mgt_update \(SCIM2 Groups API\)/)
      assert.match(result.stderr, /asgardeo-scim scopes/)
      assert.deepStrictEqual(
        (yield* emu.log).filter((e) => e.method !== "GET" && !e.path.endsWith("/oauth2/token")),
        []
      )
      assert.isFalse(fs.existsSync(report) && fs.readFileSync(report, "utf8") !== "")
    }))

  it.effect("a 403 midway: exit code 5 naming the cause and the report; a re-run resumes from it", () =>
    Effect.gen(function*() {
      const { emu, run } = yield* harness()
      const file = tmp("employees.csv", csv([row(1), row(2), row(3), row(4)]))
      const report = tmp("report.jsonl")
      const fault = yield* emu.injectFault(AsgardeoEmulator.status(403, { method: "PATCH", path: "/scim2/Groups*" }))
      const stopped = yield* run(
        "hr",
        "onboard",
        ...conn,
        file,
        "--report",
        report,
        "--bulk",
        "off",
        "--concurrency",
        "1"
      )
      assert.strictEqual(stopped.code, ExitCode.Aborted, stopped.stderr)
      assert.match(stopped.stderr, /the batch stopped on Forbidden/)
      assert.include(stopped.stderr, `in the report ${report}`)
      assert.match(stopped.stderr, /1 employee\(s\) processed \(0 done\)/)
      // The report holds every employee processed: here the one in flight, created but not placed.
      assert.deepStrictEqual(readReport(report).map((l) => `${l.employeeId}:${l.outcome}`), ["E1:partial"])
      assert.strictEqual((yield* emu.snapshot()).users.length, 1)

      yield* emu.removeFault(fault)
      const resumed = yield* run("hr", "onboard", ...conn, file, "--report", report, "--bulk", "off", "--json")
      assert.strictEqual(resumed.code, ExitCode.Ok, resumed.stderr)
      const summary = JSON.parse(resumed.stdout).summary
      assert.strictEqual(summary.updated, 1)
      assert.strictEqual(summary.created, 3)
      const snapshot = yield* emu.snapshot()
      assert.strictEqual(snapshot.users.length, 4)
      assert.strictEqual(snapshot.memberships.length, 4)
    }))

  it.effect("without --report the message says how to make a batch resumable", () =>
    Effect.gen(function*() {
      const { emu, run } = yield* harness()
      const file = tmp("employees.csv", csv([row(1), row(2)]))
      yield* emu.injectFault(AsgardeoEmulator.status(403, { method: "PATCH", path: "/scim2/Groups*" }))
      const stopped = yield* run("hr", "onboard", ...conn, file, "--bulk", "off", "--concurrency", "1")
      assert.strictEqual(stopped.code, ExitCode.Aborted, stopped.stderr)
      assert.match(stopped.stderr, /pass --report <file> to make a batch resumable/)
    }))
})
