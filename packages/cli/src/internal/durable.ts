/**
 * `hr onboard --durable` and `hr batch status`: the onboarding batch as a durable batch of
 * `@asgardeo-scim/workflow` (`DurableBatch`) on one embedded runner over a SQLite file (the state
 * file, `--state`, default `./asgardeo-scim.db`). A run that is killed resumes where it stopped
 * when the same command runs again; `hr batch status` reads a batch from the file, with no
 * connection. This module (and the workflow package with it) is loaded only on these paths.
 *
 * The batch id, unless `--batch-id` gives one, comes from a fingerprint of what the batch means:
 * the CSV's text, the target (SCIM base URL, organization, sub-organization, default user store),
 * the role mapping of `--role-mapping` and the department-group option (off in the CLI), so two
 * organizations, or one file with two mappings, never share a batch. The same id with another
 * fingerprint is `BatchMismatch` (exit code 2) before anything is sent.
 *
 * @internal
 */
import * as ScimConfig from "@asgardeo-scim/core/ScimConfig"
import type * as AsgardeoRoles from "@asgardeo-scim/hr/AsgardeoRoles"
import * as ApplyEvent from "@asgardeo-scim/workflow/ApplyEvent"
import * as DurableBatch from "@asgardeo-scim/workflow/DurableBatch"
import * as Runner from "@asgardeo-scim/workflow/Runner"
import * as Storage from "@asgardeo-scim/workflow/Storage"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FiberRef from "effect/FiberRef"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { createHash } from "node:crypto"
import * as NodePath from "node:path"
import * as Batch from "../Batch.js"
import type * as Connection from "../Connection.js"
import type * as EmployeeCsv from "../EmployeeCsv.js"
import { Aborted, CliError, Failed, Ok, Server, Skipped, Usage } from "../ExitCode.js"
import { defaultState } from "../HrCommand.js"
import { Io } from "../Io.js"
import * as Progress from "../Progress.js"
import * as Render from "../Render.js"

/** The state file as given, or the default one in the current directory. */
const statePath = (state: Option.Option<string>): string =>
  Option.getOrElse(state, () => `.${NodePath.sep}${defaultState}`)

const usage = (message: string) => new CliError({ code: Usage, message })

/** The first bytes of every SQLite database file. */
const sqliteHeader = "SQLite format 3\u0000"

/**
 * Checks the state file before the storage opens it: a directory, a file that is not a SQLite
 * database, or a missing directory is a usage error; a missing file is created by the storage
 * (`mustExist`: `hr batch status` fails instead, exit code 1 as a batch not found).
 */
const checkState = (path: string, mustExist: boolean) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const info = yield* Effect.either(fs.stat(path))
    if (Either.isLeft(info)) {
      const missing = info.left._tag === "SystemError" && info.left.reason === "NotFound"
      if (!missing) return yield* usage(`--state ${path}: ${info.left.message}`)
      if (mustExist) {
        return yield* new CliError({
          code: Failed,
          message: `no durable state at ${path}: no batch was run with --durable there (pass --state <file>)`
        })
      }
      const dir = NodePath.dirname(path)
      const parent = yield* Effect.either(fs.stat(dir))
      if (Either.isLeft(parent) || parent.right.type !== "Directory") {
        return yield* usage(`--state ${path}: the directory ${dir} does not exist`)
      }
      return
    }
    if (info.right.type === "Directory") {
      return yield* usage(`--state ${path} is a directory: name a file, e.g. ${NodePath.join(path, defaultState)}`)
    }
    if (info.right.type !== "File") return yield* usage(`--state ${path} is not a file`)
    if (Number(info.right.size) === 0) return
    const head = yield* Effect.scoped(
      Effect.flatMap(fs.open(path, { flag: "r" }), (file) => file.readAlloc(FileSystem.Size(sqliteHeader.length)))
    ).pipe(Effect.mapError((e) => usage(`--state ${path}: ${e.message}`)))
    const text = Option.match(head, { onNone: () => "", onSome: (bytes) => new TextDecoder().decode(bytes) })
    if (text !== sqliteHeader) {
      return yield* usage(
        `--state ${path} is not a SQLite database (the durable state of asgardeo-scim): name another file`
      )
    }
  })

/**
 * The embedded runner's settings: on Ctrl-C the workflows in flight get a second to stop (the
 * cluster's default, 15 s, is for a server's rolling restart; a workflow stopped mid-way resumes
 * from its journal).
 */
const sharding: Runner.ShardingOptions = { entityTerminationTimeout: "1 second" }

/** A defect of the runner (the cluster's storage failed) as an error line. */
const runnerFailed = (state: string, defect: unknown) => {
  // A SqlError says "Failed to execute statement"; SQLite's reason is its cause.
  const cause = defect instanceof Error
    ? `${defect.message}${defect.cause instanceof Error ? ` (${defect.cause.message})` : ""}`
    : String(defect)
  return new CliError({
    code: Server,
    message: `the durable runner on ${state} stopped: ${cause.split("\n")[0]!.slice(0, 300)}. ` +
      "Is another asgardeo-scim using the file? (one at a time per state file) " +
      "Run the same command again: finished work is kept"
  })
}

/** A batch id checked before the storage is opened (`DurableBatch.BatchId`). */
const checkBatchId = (batchId: string) =>
  Either.isRight(Schema.decodeUnknownEither(DurableBatch.BatchId)(batchId))
    ? Effect.succeed(batchId)
    : Effect.fail(usage("--batch-id must be 1 to 100 printable ASCII characters (no spaces or control characters)"))

/**
 * The cluster logs every shard move at INFO: at the default level (INFO) the durable path shows
 * warnings and above; `--log-level debug` (or any other level) is left as it is.
 */
const quietCluster = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.flatMap(
    FiberRef.get(FiberRef.currentMinimumLogLevel),
    (level) => level._tag === LogLevel.Info._tag ? Logger.withMinimumLogLevel(effect, LogLevel.Warning) : effect
  )

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex")

/**
 * The fingerprint of a batch: what changes its meaning (the CSV's text, the target, the role
 * mapping, the department-group option), hashed. Not the concurrency, nor the credentials.
 *
 * @internal
 */
export const fingerprintOf = (
  config: ScimConfig.Service,
  text: string,
  roleMapping: AsgardeoRoles.Mapping | undefined
): string =>
  sha256(JSON.stringify({
    command: "hr onboard",
    csv: sha256(text),
    target: {
      kind: config.target.name,
      scimBaseUrl: config.scimBaseUrl,
      organization: config.organization ?? null,
      subOrganization: config.subOrganization ?? null,
      defaultUserStore: config.defaultUserStore ?? null
    },
    roleMapping: roleMapping ?? null,
    departmentGroup: false
  }))

/** Every employee of a batch with one status, in input order (1,000 a page). */
const allItems = (batchId: string, status: DurableBatch.ItemStatus) =>
  Effect.gen(function*() {
    const out: Array<DurableBatch.Item> = []
    while (true) {
      const page = yield* DurableBatch.items(batchId, { status, after: out.at(-1)?.index ?? -1, limit: 1000 })
      for (const item of page) out.push(item)
      if (page.length < 1000) return out
    }
  })

/**
 * The line `hr onboard --durable` prints when it starts, after the state line.
 */
const startLine = (s: DurableBatch.Submitted, progress: DurableBatch.Progress): string => {
  switch (s.start) {
    case "new":
      return `starting batch ${s.batchId}: ${s.total - s.invalid} employee(s)`
    case "resumed":
      return `resuming batch ${s.batchId} (run ${s.run}) where it stopped: ` +
        `${progress.done} of ${progress.total - progress.invalid} done, ${progress.pending} to go`
    case "rerun":
      return `batch ${s.batchId} ended with failures: run ${s.run} tries its ${progress.pending} unfinished employee(s) again`
    case "done":
      return `batch ${s.batchId} is done: nothing to do (\`hr batch status ${s.batchId}\` shows it)`
    case "finishing":
      return `batch ${s.batchId} (run ${s.run}) was aborted and still finishes the employees it had in flight: ` +
        `nothing started; run the same command again in a moment`
  }
}

/** One line about a failed (or invalid) employee, with its CSV line. */
const itemLine = (item: DurableBatch.Item, where: string): string =>
  Render.clean(
    `${where} (${item.employeeId || "?"}): ${item.status}` +
      `${item.error === undefined ? "" : `: ${item.error}`}${item.detail === undefined ? "" : `: ${item.detail}`}`
  )

const itemJson = (item: DurableBatch.Item) => ({
  index: item.index,
  employeeId: item.employeeId,
  status: item.status,
  error: item.error ?? null,
  detail: item.detail ?? null,
  attempts: item.attempts,
  run: item.run
})

/** A row of `hr batch status`'s table: the employee's position in the batch (from 1), id, status, error. */
const tableRow = (i: DurableBatch.Item): ReadonlyArray<string> => [
  String(i.index + 1),
  i.employeeId,
  i.status,
  i.error ?? "",
  i.detail ?? ""
]

const renderProgress = (
  p: DurableBatch.Progress,
  state: string,
  color: boolean,
  extra: ReadonlyArray<readonly [string, string]>
) =>
  Render.fields([
    ["batch", `${p.batchId} (run ${p.run})`],
    ["status", p.status],
    ["state", state],
    ["employees", `${p.total}: ${p.done} done, ${p.failed} failed, ${p.invalid} invalid, ${p.pending} pending`],
    ...extra
  ], color)

/**
 * `hr onboard --durable`: submits the CSV's valid rows as a durable batch (or attaches to it),
 * watches it to its end with the progress bar, and sums it up; exit codes as the plain batch
 * (failures 1, a stop on a fatal error 5, only invalid rows skipped 7).
 *
 * @internal
 */
export const onboard = <E, R>(
  options: {
    readonly file: string
    readonly text: string
    readonly parsed: EmployeeCsv.Parsed
    readonly roleMapping: AsgardeoRoles.Mapping | undefined
    readonly state: Option.Option<string>
    readonly batchId: Option.Option<string>
    readonly concurrency: number
    readonly json: boolean
  },
  connection: Layer.Layer<Connection.Services, E, R>
) =>
  Effect.gen(function*() {
    const io = yield* Io
    if (options.concurrency > 64) return yield* usage("--concurrency with --durable is at most 64")
    const batchId = Option.isSome(options.batchId) ? yield* checkBatchId(options.batchId.value) : undefined
    const state = statePath(options.state)
    yield* checkState(state, false)
    const records = options.parsed.rows.map((r) => r.employee)
    const run = Effect.gen(function*() {
      const fingerprint = fingerprintOf(yield* ScimConfig.ScimConfig, options.text, options.roleMapping)
      const started = yield* Clock.currentTimeMillis
      const submitted = yield* DurableBatch.submit(records, { batchId, fingerprint, concurrency: options.concurrency })
      const id = submitted.batchId
      const first = yield* DurableBatch.progress(id)
      if (!options.json) {
        yield* io.err(Render.styled(`durable state: ${state} (batch ${id})`, "dim", io.colorErr))
        for (const row of options.parsed.invalid) {
          yield* io.err(Render.styled(Batch.invalidLine(options.file, row), "warn", io.colorErr))
        }
        yield* io.err(Render.styled(startLine(submitted, first), "dim", io.colorErr))
      }
      const bar = yield* Progress.make(io, "onboarding", first.total - first.invalid)
      const last = yield* Ref.make(first)
      yield* DurableBatch.watch(id, { every: "200 millis" }).pipe(
        Stream.runForEach((p) => Effect.zipRight(Ref.set(last, p), bar.update(p.done + p.failed, p.failed))),
        Effect.ensuring(bar.finish),
        Effect.onInterrupt(() =>
          io.err(
            `interrupted: batch ${id} is kept in ${state}; run the same command again to resume where it stopped`
          )
        )
      )
      const final = yield* Ref.get(last)
      const failed = yield* allItems(id, "failed")
      const invalid = yield* allItems(id, "invalid")
      const lineOf = (item: DurableBatch.Item) => {
        const row = options.parsed.rows[item.index]
        return row === undefined ? options.file : `${options.file} line ${row.line}`
      }
      const elapsedMillis = (yield* Clock.currentTimeMillis) - started
      if (options.json) {
        yield* io.out(Render.json({
          batch: final,
          state,
          start: submitted.start,
          elapsedMillis,
          failures: [...failed, ...invalid].map((item) => ({
            ...itemJson(item),
            line: options.parsed.rows[item.index]?.line ?? null
          })),
          invalid: options.parsed.invalid
        }))
      } else {
        for (const item of [...failed, ...invalid]) {
          yield* io.err(Render.styled(itemLine(item, lineOf(item)), "warn", io.colorErr))
        }
        yield* io.out(renderProgress(final, state, io.color, [
          ["invalid rows", String(options.parsed.invalid.length)],
          ["time", `${(elapsedMillis / 1000).toFixed(2)} s`]
        ]))
      }
      if (final.status === "aborted") {
        const cause = failed.find((i) => ApplyEvent.classify({ _tag: i.error ?? "" }) === "fatal") ?? failed.at(-1)
        return yield* new CliError({
          code: Aborted,
          message:
            `batch ${id} stopped${
              cause === undefined ? "" : ` on ${cause.error ?? "an error"}: ${cause.detail ?? ""}`
            }. ` +
            `${final.done} employee(s) done, none started after. Fix the cause, then run the same command again: ` +
            `a new run tries the ${final.failed + final.pending} unfinished employee(s) (done ones are kept)`
        })
      }
      const code = final.failed > 0 ? Failed : final.invalid + options.parsed.invalid.length > 0 ? Skipped : Ok
      if (code !== Ok) return yield* new CliError({ code, message: "" })
    })
    yield* run.pipe(
      Effect.provide(Runner.work().pipe(Layer.provideMerge(Runner.layerEmbedded({ filename: state, sharding })))),
      Effect.provide(connection),
      // The cluster turns a storage it cannot use (SQLITE_BUSY: another process on the file) into a
      // defect: one line and exit code 4, as a StorageError, instead of a silent exit.
      Effect.catchAllDefect((defect) => Effect.fail(runnerFailed(state, defect))),
      quietCluster
    )
  }).pipe(Effect.withSpan("Durable.onboard"))

/**
 * `hr batch status <batch-id>`: a batch's progress from the state file (no connection): its
 * status, run and counts, and its failed and invalid employees with their errors.
 *
 * @internal
 */
export const status = (args: {
  readonly batchId: string
  readonly state: Option.Option<string>
  readonly json: boolean
}) =>
  Effect.gen(function*() {
    const io = yield* Io
    const batchId = yield* checkBatchId(args.batchId)
    const state = statePath(args.state)
    yield* checkState(state, true)
    yield* Effect.gen(function*() {
      const progress = yield* DurableBatch.progress(batchId)
      const failed = yield* allItems(batchId, "failed")
      const invalid = yield* allItems(batchId, "invalid")
      if (args.json) {
        return yield* io.out(Render.json({
          ...progress,
          state,
          failures: [...failed, ...invalid].map(itemJson)
        }))
      }
      yield* io.out(renderProgress(progress, state, io.color, []))
      if (failed.length + invalid.length > 0) {
        yield* io.out(Render.table(
          ["ITEM", "EMPLOYEE", "STATUS", "ERROR", "DETAIL"],
          [...failed, ...invalid].map(tableRow),
          io.color
        ))
      }
    }).pipe(Effect.provide(Storage.layerSqlite({ filename: state })))
  }).pipe(Effect.withSpan("Durable.status"))
