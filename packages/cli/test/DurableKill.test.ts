// The built CLI's `hr onboard --durable` killed with SIGKILL midway, against a loopback emulator
// server whose every SCIM request takes 150 ms (so the batch takes seconds): the same command
// again resumes the batch (its run stays 1), exits 0, and the directory is exact: every employee
// once, in exactly its role group, each user created once. The kill comes when the state file
// shows some employees done and some pending (polled with `DurableBatch.progress`), not after a
// sleep.
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import * as EmulatorServer from "@asgardeo-scim/testkit/EmulatorServer"
import { DurableBatch, Storage } from "@asgardeo-scim/workflow"
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Either, Option, Schedule } from "effect"
import { type ChildProcess, execFile, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { csv, row } from "./utils.js"

const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url))

const roles = ["employee", "hr_manager", "admin"] as const
const groupOfRole = { employee: "DEFAULT/Employees", hr_manager: "DEFAULT/HR-Managers", admin: "DEFAULT/HR-Admins" }
const count = 40

const tempDir = Effect.acquireRelease(
  Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "asgardeo-cli-kill-"))),
  (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
)

/** The batch's progress as the state file has it; `None` while the file or the batch is not there yet. */
const readProgress = (state: string, batchId: string) =>
  DurableBatch.progress(batchId).pipe(Effect.provide(Storage.layerSqlite({ filename: state })))

const progressOf = (state: string, batchId: string) =>
  Effect.suspend(() =>
    fs.existsSync(state)
      ? Effect.map(Effect.either(readProgress(state, batchId)), Either.getRight)
      : Effect.succeed(Option.none<DurableBatch.Progress>())
  )

/** A child that exits: its exit code or signal. */
const exited = (child: ChildProcess) =>
  Effect.async<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>((resume) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      return resume(Effect.succeed({ code: child.exitCode, signal: child.signalCode }))
    }
    child.once("exit", (code, signal) => resume(Effect.succeed({ code, signal })))
  })

describe("hr onboard --durable, killed", () => {
  it.live.skipIf(!fs.existsSync(bin))(
    "SIGKILL midway, then the same command: it resumes the run, exits 0, every employee exactly once",
    () =>
      Effect.gen(function*() {
        const dir = yield* tempDir
        const emu = yield* EmulatorServer.make()
        yield* emu.injectFault(AsgardeoEmulator.latency(150, { path: "/scim2/*" }))
        const file = path.join(dir, "employees.csv")
        fs.writeFileSync(file, csv(Array.from({ length: count }, (_, i) => row(i + 1, roles[i % 3]))))
        const state = path.join(dir, "state.db")
        const env = {
          PATH: process.env.PATH ?? "",
          ASGARDEO_ORG: emu.organization,
          ASGARDEO_CLIENT_ID: emu.credentials.clientId,
          ASGARDEO_CLIENT_SECRET: emu.credentials.clientSecret,
          ASGARDEO_BASE_URL: emu.baseUrl
        }
        const args = [
          bin,
          "hr",
          "onboard",
          "--durable",
          "--state",
          state,
          "--batch-id",
          "hires",
          "--concurrency",
          "4",
          file
        ]

        const first = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] })
        let firstErr = ""
        first.stderr.on("data", (chunk) => void (firstErr += String(chunk)))
        yield* Effect.addFinalizer(() => Effect.sync(() => first.kill("SIGKILL")))
        // Some done, some pending: then the kill. Read once the batch is stored (a reader that
        // opens the file while the runner creates it would race its first writes).
        yield* Effect.suspend(() =>
          firstErr.includes("starting batch") ? progressOf(state, "hires") : Effect.succeed(Option.none())
        ).pipe(
          Effect.repeat({
            schedule: Schedule.spaced("50 millis"),
            until: (p) => Option.isSome(p) && p.value.done >= 4 && p.value.pending >= 8
          }),
          Effect.timeout(Duration.seconds(60)),
          Effect.catchTag("TimeoutException", () =>
            Effect.flatMap(
              Effect.either(readProgress(state, "hires")),
              (p) => Effect.dieMessage(`no progress midway: ${JSON.stringify(p)}; the CLI wrote: ${firstErr}`)
            ))
        )
        first.kill("SIGKILL")
        assert.deepStrictEqual(yield* exited(first), { code: null, signal: "SIGKILL" })
        assert.include(firstErr, "starting batch hires: 40 employee(s)")
        const killed = yield* readProgress(state, "hires")
        assert.strictEqual(killed.status, "running")
        assert.strictEqual(killed.run, 1)
        assert.isAbove(killed.pending, 0)
        assert.isAtLeast(killed.done, 4)

        const second = yield* Effect.async<{ readonly code: number; readonly stdout: string; readonly stderr: string }>(
          (resume) => {
            execFile(process.execPath, args, { env, encoding: "utf8" }, (error, stdout, stderr) =>
              resume(Effect.succeed({ code: typeof error?.code === "number" ? error.code : 0, stdout, stderr })))
          }
        )
        assert.strictEqual(second.code, 0, second.stderr)
        assert.match(second.stderr, /resuming batch hires \(run 1\) where it stopped: \d+ of 40 done, \d+ to go/)
        assert.notInclude(second.stderr, "level=INFO")
        assert.include(second.stdout, "40: 40 done, 0 failed, 0 invalid, 0 pending")
        assert.deepStrictEqual(yield* readProgress(state, "hires"), {
          batchId: "hires",
          run: 1,
          status: "done",
          total: count,
          pending: 0,
          done: count,
          failed: 0,
          invalid: 0
        })

        // The directory: each employee exactly once, in exactly its role group; one create each.
        const snapshot = yield* emu.snapshot()
        const userNames = snapshot.users.map((u) =>
          String(u.userName)
        )
        assert.strictEqual(userNames.length, count)
        assert.strictEqual(new Set(userNames).size, count)
        const groupName = new Map(snapshot.groups.map((g) => [String(g.id), String(g.displayName)]))
        for (let i = 0; i < count; i++) {
          const user = snapshot.users.find((u) =>
            u.userName === `DEFAULT/person${i + 1}@example.com`
          )
          assert.isDefined(user, `person${i + 1}`)
          const groups = snapshot.memberships.filter((m) => m.userId === user?.id).map((m) => groupName.get(m.groupId))
          assert.deepStrictEqual(groups, [groupOfRole[roles[i % 3]!]], `person${i + 1}`)
        }
        const created = (yield* emu.log).filter((e) =>
          e.method === "POST" && e.path.endsWith("/scim2/Users") && e.status === 201
        )
        assert.strictEqual(created.length, count)
      }).pipe(Effect.scoped),
    180_000
  )
})
