/**
 * Runner processes for the distributed tests: `runner.ts` started with
 * `node --import tsx --import ./sources.mjs packages/workflow/test/utils/runner.ts` (the packages'
 * TypeScript sources, as vitest runs them), one real process per runner, on a PostgreSQL of the
 * harness (`Postgres.ts`) and an emulator served on a loopback port.
 *
 * The protocol: the settings in one environment variable (`SETTINGS_ENV`, JSON), the directory in
 * `ASGARDEO_*` (as `Directory.layerConfig` reads them), PostgreSQL's URL in `Postgres.URL_ENV`.
 * The runner prints `ready <port>` once its layers are built; then it reads one command a line on
 * stdin (JSON: submit a batch from a file, submit an event, read an event's status) and answers
 * each with a line `reply <json>` carrying the command's id. Logs go to stderr. It exits on
 * SIGTERM (cleanly: code 0) and when its stdin closes (its parent died).
 */
import type { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import * as SqlClient from "@effect/sql/SqlClient"
import type { Duration, Scope } from "effect"
import { Deferred, Effect, Option, Ref, Schema, Stream } from "effect"
import { spawn } from "node:child_process"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"
import * as Postgres from "./Postgres.js"

/** The environment variable with a runner's settings (JSON of `Settings`). */
export const SETTINGS_ENV = "ASGARDEO_SCIM_TEST_RUNNER"

const Millis = Schema.optionalWith(Schema.DurationFromMillis, { exact: true })

/** A runner's settings; durations in milliseconds. */
export const Settings = Schema.Struct({
  /** Also its PostgreSQL `application_name`: `asgardeo-scim-workflow <name>`. */
  name: Schema.String,
  port: Schema.Int,
  sharding: Schema.Struct({
    shardLockExpiration: Millis,
    shardLockRefreshInterval: Millis,
    runnerHealthCheckInterval: Millis,
    refreshAssignmentsInterval: Millis,
    entityMessagePollInterval: Millis,
    entityTerminationTimeout: Millis
  }),
  /** `ApplyEvent.Options.backoff`. */
  backoff: Schema.Array(Schema.DurationFromMillis),
  /**
   * The directory's requests within one budget every runner shares (`SharedBudget.layerDirectory`),
   * this many SCIM and token requests a window; without it, no client-side budget at all.
   */
  budget: Schema.optionalWith(
    Schema.Struct({ scim: Schema.Int, token: Schema.Int, window: Schema.DurationFromMillis }),
    { exact: true }
  )
})
export type Settings = Schema.Schema.Type<typeof Settings>

/** The commands a runner reads on stdin, one JSON a line. */
export const Command = Schema.Union(
  Schema.TaggedStruct("SubmitBatch", {
    id: Schema.Int,
    /** A JSON array of records. */
    file: Schema.String,
    batchId: Schema.String,
    concurrency: Schema.Int
  }),
  Schema.TaggedStruct("SubmitEvent", { id: Schema.Int, event: Schema.Unknown }),
  Schema.TaggedStruct("Status", { id: Schema.Int, eventId: Schema.String })
)
export type Command = Schema.Schema.Type<typeof Command>

/** A runner's answer to a command (`reply <json>`): its value, or its error's tag and message. */
export const Reply = Schema.Struct({
  id: Schema.Int,
  ok: Schema.Boolean,
  value: Schema.Unknown
})

/** The name PostgreSQL knows a runner's connections by. */
export const applicationName = (runner: string) => `asgardeo-scim-workflow ${runner}`

/** A runner process failed: did not start, died, or answered a command with an error. */
export class RunnerError extends Schema.TaggedError<RunnerError>()("RunnerError", { message: Schema.String }) {}

/** A started runner process. */
export interface RunnerProcess {
  readonly name: string
  readonly port: number
  readonly pid: number
  /** Sends a command (its id is added) and waits for the runner's answer. */
  readonly send: (command: DistributiveOmit<Command, "id">) => Effect.Effect<unknown, RunnerError>
  /** Sends a signal and waits for the process to end: its exit code, or the signal that ended it. */
  readonly kill: (signal: NodeJS.Signals) => Effect.Effect<Exited>
  /** The last lines the runner wrote to stderr (for failure messages). */
  readonly stderr: Effect.Effect<string>
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never

export interface Exited {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

const repository = fileURLToPath(new URL("../../../../", import.meta.url))
const runnerFile = fileURLToPath(new URL("./runner.ts", import.meta.url))
const sourcesHook = fileURLToPath(new URL("./sources.mjs", import.meta.url))

type Event =
  | { readonly _tag: "Out"; readonly line: string }
  | { readonly _tag: "Err"; readonly line: string }
  | { readonly _tag: "Exit"; readonly exited: Exited }

/**
 * Starts a runner process for the scope: waits for its `ready` line (failing with what it wrote
 * when it exits first, or after `readyTimeout`). On release a runner still alive gets SIGTERM,
 * then SIGKILL 15 seconds later.
 */
export const start = (options: {
  readonly settings: Settings
  readonly server: Postgres.Server
  readonly emulator: AsgardeoEmulator.AsgardeoEmulator.Service
  readonly readyTimeout?: Duration.DurationInput | undefined
}): Effect.Effect<RunnerProcess, RunnerError, Scope.Scope> =>
  Effect.gen(function*() {
    const { emulator, settings } = options
    const env: Record<string, string> = {
      ...Object.fromEntries(
        ["PATH", "HOME", "TMPDIR", "LANG"].flatMap((k) => process.env[k] === undefined ? [] : [[k, process.env[k]!]])
      ),
      ...Postgres.env(options.server),
      ASGARDEO_ORG: emulator.organization,
      ASGARDEO_CLIENT_ID: emulator.credentials.clientId,
      ASGARDEO_CLIENT_SECRET: emulator.credentials.clientSecret,
      ASGARDEO_BASE_URL: emulator.baseUrl,
      [SETTINGS_ENV]: Schema.encodeSync(Schema.parseJson(Settings))(settings)
    }
    const child = yield* Effect.acquireRelease(
      Effect.sync(() =>
        spawn(process.execPath, ["--import", "tsx", "--import", sourcesHook, runnerFile], {
          cwd: repository,
          env,
          stdio: ["pipe", "pipe", "pipe"]
        })
      ),
      (child) =>
        Effect.async<void>((resume) => {
          if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.void)
          const timer = setTimeout(() => child.kill("SIGKILL"), 15_000)
          child.once("exit", () => {
            clearTimeout(timer)
            resume(Effect.void)
          })
          child.kill("SIGTERM")
        })
    )
    const ready = yield* Deferred.make<number, RunnerError>()
    const exited = yield* Deferred.make<Exited>()
    const replies = yield* Ref.make(new Map<number, Deferred.Deferred<unknown, RunnerError>>())
    const lastErr = yield* Ref.make<ReadonlyArray<string>>([])
    const nextId = yield* Ref.make(0)
    const decodeReply = Schema.decodeUnknownOption(Schema.parseJson(Reply))

    const events = Stream.async<Event>((emit) => {
      createInterface({ input: child.stdout }).on("line", (line) => void emit.single({ _tag: "Out", line }))
      createInterface({ input: child.stderr }).on("line", (line) => void emit.single({ _tag: "Err", line }))
      child.once("close", (code, signal) => void emit.single({ _tag: "Exit", exited: { code, signal } }))
      child.once("error", (e) => void emit.single({ _tag: "Err", line: `spawn: ${e.message}` }))
    })
    const failAll = (message: string) =>
      Effect.gen(function*() {
        yield* Deferred.fail(ready, new RunnerError({ message }))
        for (const d of (yield* Ref.get(replies)).values()) yield* Deferred.fail(d, new RunnerError({ message }))
      })
    yield* Stream.runForEach(events, (event) =>
      Effect.gen(function*() {
        switch (event._tag) {
          case "Err":
            return yield* Ref.update(lastErr, (lines) => [...lines.slice(-39), event.line])
          case "Exit": {
            yield* Deferred.succeed(exited, event.exited)
            const err = (yield* Ref.get(lastErr)).join("\n")
            return yield* failAll(
              `runner ${settings.name} exited (code ${event.exited.code}, signal ${event.exited.signal}):\n${err}`
            )
          }
          case "Out": {
            const readyMatch = /^ready (\d+)$/.exec(event.line)
            if (readyMatch !== null) return yield* Deferred.succeed(ready, Number(readyMatch[1]))
            if (!event.line.startsWith("reply ")) {
              return yield* Ref.update(lastErr, (lines) => [...lines.slice(-39), event.line])
            }
            const reply = decodeReply(event.line.slice("reply ".length))
            if (Option.isNone(reply)) {
              return
            }
            const waiting = (yield* Ref.get(replies)).get(reply.value.id)
            if (waiting === undefined) return
            yield* reply.value.ok
              ? Deferred.succeed(waiting, reply.value.value)
              : Deferred.fail(waiting, new RunnerError({ message: JSON.stringify(reply.value.value) }))
          }
        }
      })).pipe(Effect.forkScoped)

    yield* Deferred.await(ready).pipe(
      Effect.timeoutFail({
        duration: options.readyTimeout ?? "60 seconds",
        onTimeout: () => new RunnerError({ message: `runner ${settings.name} not ready in time` })
      })
    )
    const encodeCommand = Schema.encodeSync(Schema.parseJson(Command))
    return {
      name: settings.name,
      port: settings.port,
      pid: child.pid ?? -1,
      send: (command) =>
        Effect.gen(function*() {
          const id = yield* Ref.getAndUpdate(nextId, (n) => n + 1)
          const answer = yield* Deferred.make<unknown, RunnerError>()
          yield* Ref.update(replies, (m) => new Map(m).set(id, answer))
          const line = encodeCommand({ ...command, id } as Command)
          yield* Effect.sync(() => child.stdin.write(`${line}\n`))
          return yield* Deferred.await(answer)
        }),
      kill: (signal) => Effect.zipRight(Effect.sync(() => child.kill(signal)), Deferred.await(exited)),
      stderr: Effect.map(Ref.get(lastErr), (lines) => lines.join("\n"))
    } satisfies RunnerProcess
  })

/**
 * How many shard locks each runner holds now (by `application_name`): the advisory locks the
 * cluster takes for the shards of group `default` (keys 1000001 to 1000300, one-bigint form).
 */
export const shardsHeld = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const rows = yield* sql<{ readonly name: string; readonly shards: number }>`
    SELECT a.application_name AS name, count(*)::int AS shards
    FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objsubid = 1
      AND l.objid::bigint BETWEEN 1000001 AND 1000300
    GROUP BY a.application_name`
  return new Map(rows.map((r) => [r.name, r.shards]))
})

/**
 * The runner (by `application_name`) that holds the shard of a workflow's entity, found from the
 * cluster's tables: the shard of the workflow's message (`cluster_messages.shard_id`, `group:n`),
 * the advisory lock the cluster takes for that shard (`1000000 * (group's index + 1) + n`, one
 * group here: `default`), and the connection holding it (`pg_locks`, `pg_stat_activity`).
 */
export const holderOf = (workflowName: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{ readonly shard: string; readonly name: string | null }>`
      SELECT m.shard_id AS shard, a.application_name AS name
      FROM cluster_messages m
      LEFT JOIN pg_locks l ON l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objsubid = 1
        AND l.objid::bigint = 1000000 + split_part(m.shard_id, ':', 2)::bigint
      LEFT JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE m.entity_type = ${`Workflow/${workflowName}`} AND split_part(m.shard_id, ':', 1) = 'default'
      ORDER BY m.id LIMIT 1`
    return rows[0]
  })

/**
 * What the cluster's runners table says of the runner on this loopback port: healthy or not
 * (`false`: the health check marked it), `undefined` when its row is gone.
 */
export const runnerHealthy = (port: number) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{ readonly healthy: boolean }>`
      SELECT healthy FROM cluster_runners WHERE address = ${`127.0.0.1:${port}`}`
    return rows[0]?.healthy
  })
