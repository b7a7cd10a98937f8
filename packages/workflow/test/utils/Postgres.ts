/**
 * A throwaway PostgreSQL server for tests: `initdb` and `pg_ctl` (Debian's `postgresql` package;
 * `.ci/run` installs it when missing) run in a fresh temporary directory and listen on 127.0.0.1,
 * on a free port, with trust authentication for the `postgres` user. Never a shared or system
 * cluster (Debian's `main` cluster, when it runs, is left alone), never a skip: when the binaries
 * are missing the layer fails with a `PostgresError` that says what to install.
 *
 * PostgreSQL refuses to run as root, and CI runs as root: as uid 0 the directory is handed to the
 * user `nobody` and `initdb` / `pg_ctl` run as that user (Node's `spawn` with `uid`/`gid`, which
 * also drops root's supplementary groups).
 *
 * Layout of the directory: `data/` (the cluster), the Unix socket, `postgres.log`. On release:
 * `pg_ctl stop -m immediate`, then the directory is removed.
 *
 * Free of vitest: a plain script (run with tsx) can start one and hand the URL to runner processes
 * through `env(server)`; they read it back with `urlFromEnv`.
 *
 * ```ts
 * await Effect.runPromise(Effect.scoped(Effect.gen(function*() {
 *   const server = yield* Postgres.make()
 *   // spawn runners with { env: { ...process.env, ...Postgres.env(server) } }
 * })))
 * ```
 */
import { Config, Context, Effect, Layer, Redacted, Ref, Schedule, Schema } from "effect"
import type { Scope } from "effect"
import { execFile } from "node:child_process"
import { constants } from "node:fs"
import { access, appendFile, chown, mkdtemp, readdir, readFile, rm } from "node:fs/promises"
import * as Net from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"

/** The server could not be found, set up, started or reached; `message` says which and why. */
export class PostgresError extends Schema.TaggedError<PostgresError>()("PostgresError", {
  message: Schema.String
}) {}

/** A running throwaway server. */
export interface Server {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` (trust authentication, no password) */
  readonly url: Redacted.Redacted
  readonly port: number
  /** The temporary directory: `data/`, the Unix socket, `postgres.log`. */
  readonly dir: string
  /** The uid the server runs as (never 0). */
  readonly uid: number
}

export class PostgresServer extends Context.Tag("test/PostgresServer")<PostgresServer, Server>() {}

export interface Options {
  /** Where `initdb` and `pg_ctl` are; default: found by `findBinaries`. */
  readonly bindir?: string
  /** The first port to try (default: a free one); when it is taken, the next tries take free ones. */
  readonly port?: number
  /** More `postgresql.conf` settings (after the defaults, so they win). */
  readonly settings?: Readonly<Record<string, string | number>>
}

/** The environment variable that carries the URL to runner processes (`env`, `urlFromEnv`). */
export const URL_ENV = "ASGARDEO_SCIM_TEST_PG_URL"

export interface Binaries {
  readonly bindir: string
  readonly initdb: string
  readonly pgCtl: string
}

/** A user to run as: the current one, or (as root) `nobody`. */
export interface RunAs {
  readonly uid: number
  readonly gid: number
}

// -----------------------------------------------------------------------------
// processes
// -----------------------------------------------------------------------------

/** The child's environment: no PG* variables (PGDATA, PGPORT...), English messages. */
const childEnv = (): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PG"))),
  LC_ALL: "C"
})

const exec = (
  file: string,
  args: ReadonlyArray<string>,
  options: { readonly cwd?: string; readonly user?: RunAs | undefined; readonly timeoutMs?: number } = {}
): Effect.Effect<string, PostgresError> =>
  Effect.async<string, PostgresError>((resume) => {
    const child = execFile(file, args, {
      cwd: options.cwd,
      env: childEnv(),
      timeout: options.timeoutMs ?? 90_000,
      ...(options.user === undefined ? {} : { uid: options.user.uid, gid: options.user.gid })
    }, (error, stdout, stderr) => {
      if (error === null) return resume(Effect.succeed(stdout))
      const output = `${stderr}${stdout}`.trim()
      const how = error.killed
        ? `killed (${error.signal})`
        : typeof error.code === "number"
        ? `exit code ${error.code}`
        : error.message
      resume(Effect.fail(
        new PostgresError({
          message: `${file} ${args.join(" ")}: ${how}${output === "" ? "" : `\n${lastLines(output, 20)}`}`
        })
      ))
    })
    return Effect.sync(() => child.kill("SIGKILL"))
  })

const lastLines = (text: string, n: number): string => text.trimEnd().split("\n").slice(-n).join("\n")

const isExecutable = (file: string) => Effect.promise(() => access(file, constants.X_OK).then(() => true, () => false))

// -----------------------------------------------------------------------------
// finding the binaries
// -----------------------------------------------------------------------------

/** What a directory lacks of `initdb` and `pg_ctl` (empty: it has both). */
const missingIn = (dir: string) =>
  Effect.forEach(
    ["initdb", "pg_ctl"],
    (name) => isExecutable(Path.join(dir, name)).pipe(Effect.map((ok) => ok ? [] : [name]))
  )
    .pipe(Effect.map((lists) => lists.flat()))

const binariesIn = (bindir: string): Binaries => ({
  bindir,
  initdb: Path.join(bindir, "initdb"),
  pgCtl: Path.join(bindir, "pg_ctl")
})

/** `<root>/<version>/bin` (Debian: root `/usr/lib/postgresql`), highest version first. */
const versionBindirs = (root: string) =>
  Effect.promise(() => readdir(root).catch(() => [] as Array<string>)).pipe(
    Effect.map((names) =>
      names.filter((n) => /^\d+(\.\d+)?$/.test(n)).sort((a, b) => Number(b) - Number(a)).map((n) =>
        Path.join(root, n, "bin")
      )
    )
  )

/** Where `findBinariesFrom` looks; the defaults are this machine's. */
export interface SearchPlaces {
  /** default `pg_config` (looked up on PATH) */
  readonly pgConfig?: string
  /** default `/usr/lib/postgresql` */
  readonly versionsRoot?: string
  /** default `process.env.PATH` */
  readonly path?: string
}

/**
 * `initdb` and `pg_ctl`: from `pg_config --bindir` (Debian's says where the newest server is, but
 * it also ships with libpq-dev alone: the directory is checked), else the highest
 * `/usr/lib/postgresql/<version>/bin`, else the first PATH directory with both. Fails naming what
 * is missing where, and how to install it.
 */
export const findBinariesFrom = (places: SearchPlaces = {}): Effect.Effect<Binaries, PostgresError> =>
  Effect.gen(function*() {
    const pgConfig = places.pgConfig ?? "pg_config"
    const versionsRoot = places.versionsRoot ?? "/usr/lib/postgresql"
    const fromPgConfig = yield* exec(pgConfig, ["--bindir"]).pipe(
      Effect.map((out) => [out.trim()].filter((d) => d !== "")),
      Effect.orElseSucceed(() => [] as Array<string>)
    )
    const fromPath = (places.path ?? process.env.PATH ?? "").split(Path.delimiter).filter((d) => d !== "")
    const candidates = [...new Set([...fromPgConfig, ...(yield* versionBindirs(versionsRoot)), ...fromPath])]
    const lacking: Array<string> = []
    for (const dir of candidates) {
      const missing = yield* missingIn(dir)
      if (missing.length === 0) return binariesIn(dir)
      if (missing.length === 1) lacking.push(`${dir} has no ${missing[0]}`)
    }
    return yield* new PostgresError({
      message: [
        `PostgreSQL's server binaries (initdb and pg_ctl) were not found: looked in \`${pgConfig} --bindir\``,
        `(${fromPgConfig.length === 0 ? "no answer" : fromPgConfig[0]}), ${versionsRoot}/*/bin and PATH.`,
        ...lacking.map((l) => `${l}.`),
        "Install them: `apt-get install postgresql` (Debian/Ubuntu; `.ci/run` does it in CI)."
      ].join(" ")
    })
  }).pipe(Effect.withSpan("Postgres.findBinaries"))

/** `findBinariesFrom` this machine's places. */
export const findBinaries: Effect.Effect<Binaries, PostgresError> = findBinariesFrom()

const checkBindir = (bindir: string): Effect.Effect<Binaries, PostgresError> =>
  missingIn(bindir).pipe(
    Effect.filterOrFail((missing) => missing.length === 0, (missing) =>
      new PostgresError({ message: `${missing.join(" and ")} not found in ${bindir}` })),
    Effect.as(binariesIn(bindir))
  )

// -----------------------------------------------------------------------------
// the user
// -----------------------------------------------------------------------------

/** `nobody`'s uid and gid in an /etc/passwd text. */
export const nobodyIn = (passwd: string): RunAs | undefined => {
  const fields = passwd.split("\n").map((line) => line.split(":")).find((f) => f[0] === "nobody" && f.length >= 4)
  if (fields === undefined) return undefined
  const uid = Number(fields[2])
  const gid = Number(fields[3])
  return Number.isInteger(uid) && Number.isInteger(gid) && uid !== 0 ? { uid, gid } : undefined
}

/** `undefined`: run as this process's user; as root: `nobody`. */
const runAs: Effect.Effect<RunAs | undefined, PostgresError> = Effect.gen(function*() {
  if (process.getuid?.() !== 0) return undefined
  const passwd = yield* Effect.promise(() => readFile("/etc/passwd", "utf8").catch(() => ""))
  const nobody = nobodyIn(passwd)
  if (nobody === undefined) {
    return yield* new PostgresError({
      message: "running as root, and PostgreSQL refuses root: no user `nobody` in /etc/passwd to run it as"
    })
  }
  return nobody
})

// -----------------------------------------------------------------------------
// the server
// -----------------------------------------------------------------------------

const quote = (value: string | number) => typeof value === "number" ? String(value) : `'${value.replace(/'/g, "''")}'`

/**
 * A port nothing listens on right now (bind 0, read it, close): the server's first try, and a
 * runner process's port.
 */
export const freePort: Effect.Effect<number, PostgresError> = Effect.async((resume) => {
  const server = Net.createServer()
  server.once("error", (e) => resume(Effect.fail(new PostgresError({ message: `no free port: ${e.message}` }))))
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => resume(Effect.succeed(port)))
  })
})

class StartFailed extends Schema.TaggedError<StartFailed>()("StartFailed", {
  message: Schema.String,
  clash: Schema.Boolean
}) {}

const release = (bin: Binaries, dir: string, user: RunAs | undefined) =>
  Effect.gen(function*() {
    const data = Path.join(dir, "data")
    const pidFile = yield* Effect.promise(() => readFile(Path.join(data, "postmaster.pid"), "utf8").catch(() => ""))
    if (pidFile !== "") {
      yield* exec(bin.pgCtl, ["stop", "-D", data, "-m", "immediate", "-w", "-t", "30"], { cwd: dir, user }).pipe(
        Effect.catchAll((e) =>
          Effect.logWarning(`pg_ctl stop failed, killing the postmaster: ${e.message}`).pipe(
            Effect.zipRight(Effect.try(() => process.kill(Number(pidFile.split("\n")[0]), "SIGKILL"))),
            Effect.ignore
          )
        )
      )
    }
    yield* Effect.promise(() => rm(dir, { recursive: true, force: true }))
  }).pipe(Effect.withSpan("Postgres.stop"))

/**
 * Starts a throwaway server, stopped and deleted when the scope closes. The port is found by
 * binding port 0; when the server then finds it taken (another process won the race) it starts
 * again on another, up to five times.
 */
export const make = (options: Options = {}): Effect.Effect<Server, PostgresError, Scope.Scope> =>
  Effect.gen(function*() {
    const bin = yield* (options.bindir === undefined ? findBinaries : checkBindir(options.bindir))
    const user = yield* runAs
    const dir = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: async () => {
          const dir = await mkdtemp(Path.join(Os.tmpdir(), "asgardeo-pg-"))
          if (user !== undefined) await chown(dir, user.uid, user.gid)
          return dir
        },
        catch: (e) => new PostgresError({ message: `temporary directory: ${String(e)}` })
      }),
      (dir) => release(bin, dir, user)
    )
    const data = Path.join(dir, "data")
    const log = Path.join(dir, "postgres.log")
    yield* exec(bin.initdb, [
      "-D",
      data,
      "-U",
      "postgres",
      "--auth=trust",
      "--no-sync",
      "--encoding=UTF8",
      "--locale=C"
    ], { cwd: dir, user }).pipe(Effect.withSpan("Postgres.initdb"))
    const settings: Record<string, string | number> = {
      listen_addresses: "127.0.0.1",
      unix_socket_directories: dir,
      fsync: "off",
      synchronous_commit: "off",
      full_page_writes: "off",
      // several runner processes, each with a pool
      max_connections: 200,
      ...options.settings
    }
    yield* Effect.promise(() =>
      appendFile(
        Path.join(data, "postgresql.conf"),
        `\n# test harness (Postgres.ts)\n${Object.entries(settings).map(([k, v]) => `${k} = ${quote(v)}`).join("\n")}\n`
      )
    )

    const startOn = (port: number) =>
      Effect.promise(() => rm(log, { force: true })).pipe(
        Effect.zipRight(exec(bin.pgCtl, ["start", "-D", data, "-l", log, "-w", "-t", "60", "-o", `-p ${port}`], {
          cwd: dir,
          user
        })),
        Effect.as(port),
        Effect.catchAll((e) =>
          Effect.promise(() => readFile(log, "utf8").catch(() => "")).pipe(
            Effect.flatMap((text) =>
              new StartFailed({
                clash: /Address already in use|could not create any TCP\/IP sockets/.test(text),
                message: `PostgreSQL did not start on port ${port}: ${e.message}\nThe last lines of ${log}:\n${
                  lastLines(text, 20)
                }`
              })
            )
          )
        )
      )
    const attempts = yield* Ref.make(0)
    const port = yield* Ref.getAndUpdate(attempts, (n) => n + 1).pipe(
      Effect.flatMap((n) => n === 0 && options.port !== undefined ? Effect.succeed(options.port) : freePort),
      Effect.flatMap(startOn),
      Effect.retry({ schedule: Schedule.recurs(4), while: (e) => e._tag === "StartFailed" && e.clash }),
      Effect.catchTag("StartFailed", (e) => new PostgresError({ message: e.message })),
      Effect.withSpan("Postgres.start")
    )
    return {
      url: Redacted.make(`postgres://postgres@127.0.0.1:${port}/postgres`),
      port,
      dir,
      uid: user?.uid ?? process.getuid?.() ?? -1
    } satisfies Server
  }).pipe(Effect.withSpan("Postgres.make"))

/** A server for the layer's lifetime. */
export const layer = (options: Options = {}): Layer.Layer<PostgresServer, PostgresError> =>
  Layer.scoped(PostgresServer, make(options))

/** The environment a runner process needs to reach the server (`urlFromEnv` reads it). */
export const env = (server: Server): Record<string, string> => ({ [URL_ENV]: Redacted.value(server.url) })

/** In a runner process: the URL its parent passed with `env`. */
export const urlFromEnv: Effect.Effect<Redacted.Redacted, PostgresError> = Config.redacted(URL_ENV).pipe(
  Effect.mapError((e) => new PostgresError({ message: `${URL_ENV}: ${String(e)}` }))
)
