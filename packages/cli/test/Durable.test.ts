// `hr onboard --durable` and `hr batch status` in process, on the in-process emulator (real time:
// the embedded runner's SQLite file and its polling): the durable batch ends with the directory
// the plain one makes, a second run has nothing to do, failures and invalid rows get the plain
// batch's exit codes, and `hr batch status` reads the file with no connection. Hostile flags
// (a --state that is a directory or not SQLite, a bad --batch-id, a batch id reused with another
// file) are clear errors with their exit codes, and nothing is sent.
import { Backend, Cli, ExitCode, Io } from "@asgardeo-scim/cli"
import * as ScimConfig from "@asgardeo-scim/core/ScimConfig"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { DurableBatch, Storage } from "@asgardeo-scim/workflow"
import { HttpClient } from "@effect/platform"
import { NodeContext } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Either, Fiber, Layer, Redacted, Schedule } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as Durable from "../src/internal/durable.js"
import { conn, csv, harness, row, secretEnv } from "./utils.js"

const roles = ["employee", "hr_manager", "admin"] as const
const employees = (n: number) => Array.from({ length: n }, (_, i) => row(i + 1, roles[i % 3]))

/** A fresh directory, removed when the test's scope closes. */
const tempDir = Effect.acquireRelease(
  Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "asgardeo-cli-durable-"))),
  (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
)

/** Each user's userName with the role groups it is in, sorted: what two runs must agree on. */
const directoryOf = (emu: AsgardeoEmulator.AsgardeoEmulator.Service) =>
  Effect.map(emu.snapshot(), (s) => {
    const groupName = new Map(s.groups.map((g) => [String(g.id), String(g.displayName)]))
    return s.users.map((u) =>
      `${String(u.userName)}: ${
        s.memberships.filter((m) => m.userId === u.id).map((m) => groupName.get(m.groupId)).sort().join(",")
      }`
    ).sort()
  })

/**
 * A temporary directory with `employees.csv` (these rows) and a state file's path, the harness,
 * and runners of `hr onboard --durable` and `hr batch status` on that state file.
 */
const setup = (rows: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const dir = yield* tempDir
    const file = path.join(dir, "employees.csv")
    fs.writeFileSync(file, csv(rows))
    const state = path.join(dir, "state.db")
    const h = yield* harness()
    return {
      ...h,
      dir,
      file,
      state,
      durable: (...args: Array<string>) => h.run("hr", "onboard", ...conn, "--durable", "--state", state, ...args),
      status: (...args: Array<string>) => h.run("hr", "batch", "status", ...args, "--state", state)
    }
  })

describe("hr onboard --durable", () => {
  it.live(
    "ends with the directory the plain batch makes; a second run has nothing to do",
    () =>
      Effect.gen(function*() {
        const { durable, emu, file, state, status: batchStatus } = yield* setup(employees(12))
        const plain = yield* harness()
        assert.strictEqual((yield* plain.run("hr", "onboard", ...conn, file)).code, ExitCode.Ok)

        const first = yield* durable(file)
        assert.strictEqual(first.code, ExitCode.Ok, first.stderr)
        const batchId = /durable state: .* \(batch (b-[0-9a-f]{16})\)/.exec(first.stderr)?.[1]
        assert.isDefined(batchId, first.stderr)
        assert.include(first.stderr, `durable state: ${state} (batch ${batchId})`)
        assert.include(first.stderr, `starting batch ${batchId}: 12 employee(s)`)
        assert.include(first.stdout, "12: 12 done, 0 failed, 0 invalid, 0 pending")
        // The cluster's INFO lines (shards acquired, ...) are kept off stderr at the default level.
        assert.notInclude(first.stderr, "level=INFO")
        assert.deepStrictEqual(yield* directoryOf(emu), yield* directoryOf(plain.emu))
        assert.strictEqual((yield* directoryOf(emu)).length, 12)
        const posts = (yield* emu.log).filter((e) => e.method === "POST" && e.path.endsWith("/Users")).length
        assert.strictEqual(posts, 12)

        const again = yield* durable(file, "--json")
        assert.strictEqual(again.code, ExitCode.Ok, again.stderr)
        const out = JSON.parse(again.stdout)
        assert.strictEqual(out.start, "done")
        assert.deepStrictEqual(out.batch, {
          batchId,
          run: 1,
          status: "done",
          total: 12,
          pending: 0,
          done: 12,
          failed: 0,
          invalid: 0
        })
        assert.strictEqual((yield* emu.log).filter((e) => e.method === "POST" && e.path.endsWith("/Users")).length, 12)
        const text = yield* durable(file)
        assert.include(text.stderr, `batch ${batchId} is done: nothing to do`)

        // hr batch status: no connection flags, no credentials.
        const status = yield* batchStatus(batchId!)
        assert.strictEqual(status.code, ExitCode.Ok, status.stderr)
        assert.match(status.stdout, /status: +done/)
        assert.include(status.stdout, "12: 12 done, 0 failed, 0 invalid, 0 pending")
        const json = yield* batchStatus(batchId!, "--json")
        assert.deepStrictEqual(JSON.parse(json.stdout), { ...out.batch, state, failures: [] })
      }).pipe(Effect.scoped),
    60_000
  )

  it.live(
    "a failed employee is exit code 1 and listed by hr batch status; invalid rows alone are 7",
    () =>
      Effect.gen(function*() {
        const { dir, durable, emu, file, status } = yield* setup(
          [row(1), row(2), row(3), "E4,not-an-email,Ann,Lee,Sales,employee"]
        )
        // person2's userName belongs to another employee: a permanent failure (EmployeeConflict).
        yield* emu.seedUsers([{
          userName: "person2@example.com",
          emails: [{ value: "person2@example.com" }],
          "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { employeeNumber: "E999" }
        }])
        const result = yield* durable(file)
        assert.strictEqual(result.code, ExitCode.Failed, result.stderr)
        assert.include(result.stderr, `${file} line 5 (E4): email`)
        assert.match(
          result.stderr,
          new RegExp(`${file.replace(/[.\\]/g, "\\$&")} line 3 \\(E2\\): failed: EmployeeConflict`)
        )
        assert.include(result.stdout, "3: 2 done, 1 failed, 0 invalid, 0 pending")
        const batchId = /\(batch (b-[0-9a-f]{16})\)/.exec(result.stderr)![1]!

        const json = yield* status(batchId, "--json")
        assert.strictEqual(json.code, ExitCode.Ok, json.stderr)
        const out = JSON.parse(json.stdout)
        assert.strictEqual(out.status, "failed")
        assert.deepStrictEqual(
          out.failures.map((f: { employeeId: string; status: string; error: string }) =>
            `${f.employeeId} ${f.status} ${f.error}`
          ),
          ["E2 failed EmployeeConflict"]
        )
        const table = yield* status(batchId)
        assert.match(table.stdout, /E2 +failed +EmployeeConflict/)

        // Invalid rows only: every valid employee done, exit code 7 as the plain batch.
        const other = path.join(dir, "other.csv")
        fs.writeFileSync(other, csv([row(5), "E6,not-an-email,Ann,Lee,Sales,employee"]))
        const skipped = yield* durable(other)
        assert.strictEqual(skipped.code, ExitCode.Skipped, skipped.stderr)
      }).pipe(Effect.scoped),
    60_000
  )

  it.live(
    "a 403 midway stops the batch (exit code 5); once fixed, the same command runs the rest",
    () =>
      Effect.gen(function*() {
        const { durable, emu, file } = yield* setup(employees(4))
        const fault = yield* emu.injectFault(AsgardeoEmulator.status(403, { method: "PATCH", path: "/scim2/Groups*" }))
        const stopped = yield* durable(file, "--concurrency", "1")
        assert.strictEqual(stopped.code, ExitCode.Aborted, stopped.stderr)
        assert.match(stopped.stderr, /error: batch b-[0-9a-f]{16} stopped on \w+: .*run the same command again/)
        yield* emu.removeFault(fault)
        const resumed = yield* durable(file, "--json")
        assert.strictEqual(resumed.code, ExitCode.Ok, resumed.stderr)
        const out = JSON.parse(resumed.stdout)
        assert.strictEqual(out.start, "rerun")
        assert.deepStrictEqual([out.batch.run, out.batch.status, out.batch.done], [2, "done", 4])
        assert.strictEqual(
          (yield* directoryOf(emu)).filter((u) =>
            u.endsWith(": DEFAULT/Employees") ||
            u.endsWith(": DEFAULT/HR-Managers") || u.endsWith(": DEFAULT/HR-Admins")
          ).length,
          4
        )
      }).pipe(Effect.scoped),
    60_000
  )
})

describe("hr onboard --durable: interrupted (Ctrl-C)", () => {
  it.live(
    "the batch is kept and the message says so; the same command resumes it, every employee once",
    () =>
      Effect.gen(function*() {
        const { durable, emu, file, state } = yield* setup(employees(16))
        yield* emu.injectFault(AsgardeoEmulator.latency(100, { path: "/scim2/*" }))
        const io = Io.makeTest()
        const backend = Layer.succeed(Backend.Backend, {
          httpClient: Layer.succeed(HttpClient.HttpClient, emu.client),
          embedded: Effect.succeed(emu)
        })
        const fiber = yield* Effect.fork(
          Cli.run([
            "node",
            "asgardeo-scim",
            "hr",
            "onboard",
            ...conn,
            "--durable",
            "--state",
            state,
            file,
            "--batch-id",
            "b"
          ])
            .pipe(
              Effect.provide(Layer.mergeAll(io.layer, backend, NodeContext.layer)),
              Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(secretEnv))))
            )
        )
        // Once the batch is stored and some employees are done (read from the file, as any reader).
        yield* Effect.suspend(() =>
          io.stderr().includes("starting batch b")
            ? Effect.either(DurableBatch.progress("b").pipe(Effect.provide(Storage.layerSqlite({ filename: state }))))
            : Effect.succeed(undefined)
        ).pipe(
          Effect.repeat({
            schedule: Schedule.spaced("50 millis"),
            until: (p) => p !== undefined && Either.isRight(p) && p.right.done >= 2
          }),
          Effect.timeout("60 seconds")
        )
        yield* Fiber.interrupt(fiber)
        assert.include(
          io.stderr(),
          `interrupted: batch b is kept in ${state}; run the same command again to resume where it stopped`
        )
        const kept = yield* DurableBatch.progress("b").pipe(Effect.provide(Storage.layerSqlite({ filename: state })))
        assert.strictEqual(kept.status, "running")
        assert.isAbove(kept.pending, 0)

        const resumed = yield* durable(file, "--batch-id", "b")
        assert.strictEqual(resumed.code, ExitCode.Ok, resumed.stderr)
        assert.include(resumed.stderr, "resuming batch b (run 1) where it stopped")
        const users = yield* directoryOf(emu)
        assert.strictEqual(users.length, 16)
        assert.strictEqual(new Set(users).size, 16)
        const created = (yield* emu.log).filter((e) =>
          e.method === "POST" && e.path.endsWith("/scim2/Users") && e.status === 201
        )
        assert.strictEqual(created.length, 16)
      }).pipe(Effect.scoped),
    90_000
  )
})

describe("the default batch id", () => {
  it.effect("follows the file, the organization, the sub-organization, the host, the user store and the mapping", () =>
    Effect.gen(function*() {
      const configOf = (options: Partial<ScimConfig.Options>) =>
        ScimConfig.ScimConfig.pipe(
          Effect.provide(ScimConfig.layer({
            organization: "acme",
            clientId: "c",
            clientSecret: Redacted.make("s"),
            ...options
          }))
        )
      const base = yield* configOf({})
      const text = csv(employees(2))
      const print = Durable.fingerprintOf(base, text, undefined)
      assert.match(print, /^[0-9a-f]{64}$/)
      // Another secret or client: the same batch.
      assert.strictEqual(
        Durable.fingerprintOf(yield* configOf({ clientId: "d", clientSecret: Redacted.make("t") }), text, undefined),
        print
      )
      const others = [
        Durable.fingerprintOf(base, csv(employees(3)), undefined),
        Durable.fingerprintOf(yield* configOf({ organization: "globex" }), text, undefined),
        Durable.fingerprintOf(yield* configOf({ subOrganization: { name: "ABC Builders" } }), text, undefined),
        Durable.fingerprintOf(yield* configOf({ baseUrl: "https://api.eu.asgardeo.io" }), text, undefined),
        Durable.fingerprintOf(yield* configOf({ defaultUserStore: "PARTNERS" }), text, undefined),
        Durable.fingerprintOf(base, text, { employee: "Employee", hr_manager: "HR", admin: "Admin" })
      ]
      assert.strictEqual(new Set([print, ...others]).size, others.length + 1)
    }))
})

describe("hr onboard --durable: hostile input, nothing sent", () => {
  it.live(
    "--state a directory, a file that is not SQLite, in a missing directory: exit code 2",
    () =>
      Effect.gen(function*() {
        const { dir, emu, file, run } = yield* setup(employees(2))
        const text = path.join(dir, "notes.txt")
        fs.writeFileSync(text, "not a database\n")
        const cases: ReadonlyArray<readonly [string, string]> = [
          [dir, `--state ${dir} is a directory`],
          [text, `--state ${text} is not a SQLite database`],
          [path.join(dir, "missing", "state.db"), "does not exist"]
        ]
        for (const [state, message] of cases) {
          const result = yield* run("hr", "onboard", ...conn, "--durable", "--state", state, file)
          assert.strictEqual(result.code, ExitCode.Usage, `${state}: ${result.stderr}`)
          assert.include(result.stderr, message)
          const status = yield* run("hr", "batch", "status", "b-0000000000000000", "--state", state)
          assert.strictEqual(status.code, state === cases[2]![0] ? ExitCode.Failed : ExitCode.Usage, status.stderr)
        }
        assert.strictEqual(fs.readFileSync(text, "utf8"), "not a database\n")
        assert.deepStrictEqual(yield* emu.log, [])
      }).pipe(Effect.scoped),
    60_000
  )

  it.live(
    "--batch-id with control characters or 1000 characters: exit code 2, no state file",
    () =>
      Effect.gen(function*() {
        const { durable, emu, file, state, status: batchStatus } = yield* setup(employees(2))
        for (const id of ["a\u0001b", "a\nb", "with space", "x".repeat(1000), ""]) {
          const result = yield* durable("--batch-id", id, file)
          assert.strictEqual(result.code, ExitCode.Usage, JSON.stringify(id))
          assert.include(result.stderr, "--batch-id must be 1 to 100 printable ASCII characters")
          assert.notInclude(result.stderr, "\u0001")
          const status = yield* batchStatus(id)
          assert.strictEqual(status.code, ExitCode.Usage, JSON.stringify(id))
        }
        assert.isFalse(fs.existsSync(state))
        assert.deepStrictEqual(yield* emu.log, [])
      }).pipe(Effect.scoped),
    60_000
  )

  it.live(
    "a batch id reused with another file, organization or sub-organization is BatchMismatch (exit code 2), nothing sent",
    () =>
      Effect.gen(function*() {
        const { dir, durable, emu, file, run, state } = yield* setup(employees(2))
        const first = yield* durable("--batch-id", "hires-1", file)
        assert.strictEqual(first.code, ExitCode.Ok, first.stderr)
        const before = (yield* emu.log).length

        const other = path.join(dir, "other.csv")
        fs.writeFileSync(other, csv([row(7)]))
        const mismatch = yield* durable("--batch-id", "hires-1", other)
        assert.strictEqual(mismatch.code, ExitCode.Usage, mismatch.stderr)
        assert.include(mismatch.stderr, "Batch hires-1 was started with other input")
        assert.include(mismatch.stderr, "Pass another --batch-id")
        // The same file for another organization (or sub-organization): another batch, never this one.
        const otherOrg = ["--org", "globex", ...conn.slice(2)]
        const org = yield* run(
          "hr",
          "onboard",
          ...otherOrg,
          "--durable",
          "--state",
          state,
          "--batch-id",
          "hires-1",
          file
        )
        assert.strictEqual(org.code, ExitCode.Usage, org.stderr)
        assert.include(org.stderr, "Batch hires-1 was started with other input")
        const subOrg = yield* durable("--sub-org", "ABC", "--batch-id", "hires-1", file)
        assert.strictEqual(subOrg.code, ExitCode.Usage, subOrg.stderr)
        assert.strictEqual((yield* emu.log).length, before)

        // --dry-run with --durable: the plan, the state file untouched.
        const stat = fs.statSync(state).mtimeMs
        const dry = yield* durable(file, "--dry-run")
        assert.strictEqual(dry.code, ExitCode.Ok, dry.stderr)
        assert.include(dry.stderr, "nothing was sent")
        assert.notInclude(dry.stderr, "durable state")
        assert.strictEqual(fs.statSync(state).mtimeMs, stat)
        assert.strictEqual((yield* emu.log).length, before)
      }).pipe(Effect.scoped),
    60_000
  )

  it.effect("flags that make no sense with --durable, and --state or --batch-id without it: exit code 2", () =>
    Effect.gen(function*() {
      const { dir, emu, file, run, state } = yield* setup(employees(2))
      const cases: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
        [["--durable", "--report", path.join(dir, "r.jsonl")], "--report is the plain batch's resume file"],
        [["--durable", "--bulk", "on"], "--bulk on: a --durable batch"],
        [["--durable", "--concurrency", "65"], "--concurrency with --durable is at most 64"],
        [["--state", state], "--state goes with --durable"],
        [["--batch-id", "b-1"], "--batch-id goes with --durable"]
      ]
      for (const [flags, message] of cases) {
        const result = yield* run("hr", "onboard", ...conn, ...flags, file)
        assert.strictEqual(result.code, ExitCode.Usage, flags.join(" "))
        assert.include(result.stderr, message)
      }
      assert.isFalse(fs.existsSync(state))
      assert.deepStrictEqual(yield* emu.log, [])
    }).pipe(Effect.scoped))

  it.live("hr batch status: an unknown batch or a missing state file is exit code 1", () =>
    Effect.gen(function*() {
      const { durable, emu, file, state, status } = yield* setup(employees(1))
      const missing = yield* status("b-0123456789abcdef")
      assert.strictEqual(missing.code, ExitCode.Failed)
      assert.include(missing.stderr, `no durable state at ${state}`)
      assert.isFalse(fs.existsSync(state))
      assert.strictEqual((yield* durable(file)).code, ExitCode.Ok)
      const unknown = yield* status("b-0123456789abcdef")
      assert.strictEqual(unknown.code, ExitCode.Failed)
      assert.include(unknown.stderr, "No batch b-0123456789abcdef in the storage")
      assert.isAbove((yield* emu.log).length, 0)
    }).pipe(Effect.scoped), 60_000)
})
