// `hr onboard`'s error policy: scopes missing before anything was done are exit code 3; a batch
// stopped by a fatal error after it started is exit code 5, with the cause and the report named,
// and the report resumes it. An interruption's message counts what the report holds.
import { Backend, Cli, ExitCode, Io } from "@asgardeo-scim/cli"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { FileSystem, HttpClient } from "@effect/platform"
import { NodeContext, NodeFileSystem } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Exit, Fiber, Layer, Queue } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { conn, csv, harness, row, secretEnv } from "./utils.js"

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

describe("hr onboard: interrupted (Ctrl-C)", () => {
  it.effect("the count in the interruption message is the employees in the report, even mid-write", () =>
    Effect.gen(function*() {
      const emu = yield* AsgardeoEmulator.make()
      const file = tmp("employees.csv", csv([row(1), row(2), row(3), row(4), row(5), row(6)]))
      const report = tmp("report.jsonl")
      // Each report write lands in the file, then returns only when the test lets it: an
      // interruption meanwhile finds the line written and its count not yet taken.
      const written = yield* Queue.unbounded<void>()
      const release = yield* Queue.unbounded<void>()
      const slowReport = Layer.effect(
        FileSystem.FileSystem,
        Effect.map(FileSystem.FileSystem, (fs): FileSystem.FileSystem => ({
          ...fs,
          writeFileString: (p, data, options) =>
            p === report
              ? fs.writeFileString(p, data, options).pipe(
                Effect.zipLeft(Queue.offer(written, undefined)),
                Effect.zipLeft(Queue.take(release))
              )
              : fs.writeFileString(p, data, options)
        }))
      ).pipe(Layer.provide(NodeFileSystem.layer))
      const io = Io.makeTest()
      const backend = Layer.succeed(Backend.Backend, {
        httpClient: Layer.succeed(HttpClient.HttpClient, emu.client),
        embedded: Effect.succeed(emu)
      })
      const fiber = yield* Effect.fork(
        Cli.run(["node", "asgardeo-scim", "hr", "onboard", ...conn, file, "--report", report, "--bulk", "off"]).pipe(
          Effect.provide(Layer.mergeAll(io.layer, backend, NodeContext.layer, slowReport)),
          Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(secretEnv))))
        )
      )
      for (let i = 0; i < 2; i++) {
        yield* Queue.take(written)
        yield* Queue.offer(release, undefined)
      }
      yield* Queue.take(written)
      // Ctrl-C while the third line's write has not returned (the interruption delivered first),
      // then the writes return.
      yield* Fiber.interruptFork(fiber)
      for (let i = 0; i < 20; i++) yield* Effect.yieldNow()
      yield* Queue.offerAll(release, Array.from({ length: 6 }, () => undefined))
      const exit = yield* Fiber.await(fiber)
      assert.isTrue(Exit.isInterrupted(exit))

      const lines = readReport(report)
      assert.strictEqual(lines.length, 3)
      const message = /interrupted after (\d+) of 6 employees \((\d+) done\)/.exec(io.stderr())
      assert.isNotNull(message, io.stderr())
      assert.strictEqual(Number(message![1]), lines.length, io.stderr())
      assert.strictEqual(Number(message![2]), lines.filter((l) => l.outcome === "created").length)
      assert.include(
        io.stderr(),
        `The report ${report} has a line for each of the 3: run the same command again to resume`
      )
    }))
})
