// A real PostgreSQL (test/utils/Postgres.ts: initdb + pg_ctl in a temporary directory, as `nobody`
// when this runs as root): Storage.layerPg reaches it, and a durable workflow on @effect/cluster
// keeps its state there. A server suite (vitest.workspace.ts): it starts a server of its own.
import { Runner, Storage } from "@asgardeo-scim/workflow"
import { ClusterWorkflowEngine, SingleRunner } from "@effect/cluster"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { assert, describe, it, layer } from "@effect/vitest"
import { Activity, Workflow } from "@effect/workflow"
import { ConfigProvider, Context, Effect, Fiber, Layer, Logger, LogLevel, Option, Redacted, Schema } from "effect"
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises"
import * as Net from "node:net"
import { tmpdir } from "node:os"
import * as Path from "node:path"
import { pollUntil, quiet } from "./utils/Fixtures.js"
import * as Postgres from "./utils/Postgres.js"

const isRoot = process.getuid?.() === 0

/** The uid of a running process, from /proc (Linux). */
const uidOf = (pid: number) =>
  Effect.promise(() => readFile(`/proc/${pid}/status`, "utf8")).pipe(
    Effect.map((status) => Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]))
  )

const sqlOn = (server: Postgres.Server) => Storage.layerPg({ url: server.url, maxConnections: 4 })

/** Rows of one query on the server, through Storage.layerPg. */
const query = <A extends object>(
  server: Postgres.Server,
  statement: (sql: SqlClient.SqlClient) => Effect.Effect<ReadonlyArray<A>, SqlError>
) => SqlClient.SqlClient.pipe(Effect.flatMap(statement), Effect.provide(sqlOn(server)))

/** A temporary directory for the scope. */
const tempDir = Effect.acquireRelease(
  Effect.promise(() => mkdtemp(Path.join(tmpdir(), "pg-find-"))),
  (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
)

let runs = 0
const Hello = Workflow.make({
  name: "Hello",
  payload: { id: Schema.String },
  success: Schema.String,
  idempotencyKey: (p) => p.id
})
const HelloLive = Hello.toLayer(Effect.fnUntraced(function*(p) {
  return yield* Activity.make({
    name: "step",
    success: Schema.String,
    execute: Effect.sync(() => {
      runs++
      return `hi ${p.id}`
    })
  })
}))
const engineOn = (server: Postgres.Server) =>
  HelloLive.pipe(
    Layer.provideMerge(ClusterWorkflowEngine.layer),
    // On PostgreSQL the first execution on a fresh runner now and then waits for the storage poll
    // (entityMessagePollInterval, 10 s by default; seen in 1 start of 8 with no other load, never
    // on SQLite): a shorter poll keeps this test quick, the once-only check does not depend on it.
    Layer.provideMerge(SingleRunner.layer({
      runnerStorage: "sql",
      shardingConfig: { entityMessagePollInterval: "1 second" }
    })),
    Layer.provide(sqlOn(server)),
    // the cluster's info logs (shards acquired, runner registered) are noise here
    Layer.provide(Logger.minimumLogLevel(LogLevel.Warning))
  )

layer(Postgres.layer(), { excludeTestServices: true, timeout: "60 seconds" })("a throwaway PostgreSQL", (it) => {
  it.effect("Storage.layerPg connects and answers SELECT 1", () =>
    Effect.gen(function*() {
      const server = yield* Postgres.PostgresServer
      assert.match(Redacted.value(server.url), /^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/)
      const rows = yield* query(server, (sql) => sql<{ one: number }>`SELECT 1 AS one`)
      assert.deepStrictEqual(rows.map((r) => r.one), [1])
    }))

  it.effect("runs as an unprivileged user (nobody when this process is root) and owns its directory", () =>
    Effect.gen(function*() {
      const server = yield* Postgres.PostgresServer
      const expected = isRoot
        ? Postgres.nobodyIn(yield* Effect.promise(() => readFile("/etc/passwd", "utf8")))
        : undefined
      assert.notStrictEqual(server.uid, 0)
      assert.strictEqual(server.uid, expected?.uid ?? process.getuid?.())
      const data = Path.join(server.dir, "data")
      assert.strictEqual((yield* Effect.promise(() => stat(data))).uid, server.uid)
      // the postmaster (first line of postmaster.pid) runs as that user
      const pid = Number(
        (yield* Effect.promise(() => readFile(Path.join(data, "postmaster.pid"), "utf8"))).split("\n")[0]
      )
      assert.strictEqual(yield* uidOf(pid), server.uid)
      // and it is this server's cluster, not a system one
      const rows = yield* query(
        server,
        (sql) =>
          sql<{ dir: string; port: string }>`SELECT current_setting('data_directory') AS dir,
          current_setting('port') AS port`
      )
      assert.deepStrictEqual(rows, [{ dir: data, port: String(server.port) }])
    }))

  it.effect(
    "a workflow on ClusterWorkflowEngine over PostgreSQL runs its activity once per idempotency key",
    () =>
      Effect.gen(function*() {
        const server = yield* Postgres.PostgresServer
        runs = 0
        const results = yield* Effect.gen(function*() {
          const first = yield* Hello.execute({ id: "alice" })
          const second = yield* Hello.execute({ id: "alice" })
          return [first, second]
        }).pipe(Effect.provide(engineOn(server)))
        assert.deepStrictEqual(results, ["hi alice", "hi alice"])
        assert.strictEqual(runs, 1)
        // the result is in PostgreSQL: a fresh engine on the same database answers without running it
        const again = yield* Hello.execute({ id: "alice" }).pipe(Effect.provide(engineOn(server)))
        assert.strictEqual(again, "hi alice")
        assert.strictEqual(runs, 1)
        const other = yield* Hello.execute({ id: "bob" }).pipe(Effect.provide(engineOn(server)))
        assert.strictEqual(other, "hi bob")
        assert.strictEqual(runs, 2)
      }),
    { timeout: 60_000 }
  )

  it.effect(
    "socket runners start one at a time: a runner waits for the start-up lock another holds, then comes up",
    () =>
      Effect.gen(function*() {
        const server = yield* Postgres.PostgresServer
        // A database of its own: a runner joins the cluster of the database it is given.
        yield* query(server, (sql) => sql`CREATE DATABASE runner_lock`)
        const url = Redacted.make(Redacted.value(server.url).replace(/\/postgres$/, "/runner_lock"))
        const own = Storage.layerPg({ url })
        const sql = Context.get(yield* Layer.build(own), SqlClient.SqlClient)
        const holder = yield* sql.reserve
        yield* holder.executeRaw("SELECT pg_advisory_lock(hashtext('asgardeo-scim/Runner'))", [])
        const port = yield* Postgres.freePort
        const runner = yield* Layer.build(
          Runner.layerSocket({ listen: { host: "127.0.0.1", port } }).pipe(Layer.provide(own), Layer.provide(quiet))
        ).pipe(Effect.fork)
        const waiting = sql<
          { n: string }
        >`SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`
        // The runner's start waits on the lock (pg_locks shows it), and nothing else has happened.
        yield* pollUntil(waiting, (rows) => Number(rows[0]!.n) === 1)
        assert.isTrue(Option.isNone(yield* Fiber.poll(runner)))
        assert.deepStrictEqual(yield* sql`SELECT to_regclass('cluster_runners') AS t`, [{ t: null }])
        yield* holder.executeRaw("SELECT pg_advisory_unlock(hashtext('asgardeo-scim/Runner'))", [])
        yield* Fiber.join(runner)
        // The runner registers itself in the background once its layer is built.
        const runners = yield* pollUntil(
          sql<{ address: string }>`SELECT address FROM cluster_runners`,
          (rows) => rows.length > 0
        ).pipe(Effect.timeout("30 seconds"))
        assert.deepStrictEqual(runners.map((r) => r.address), [`127.0.0.1:${port}`])
      }).pipe(Effect.scoped),
    { timeout: 60_000 }
  )
})

describe("the harness's failures", () => {
  it.live("a server that does not start: the error carries the last lines of its log", () =>
    Effect.gen(function*() {
      const error = yield* Postgres.make({ settings: { shared_buffers: "not a size" } }).pipe(
        Effect.scoped,
        Effect.flip
      )
      assert.strictEqual(error._tag, "PostgresError")
      assert.include(error.message, "PostgreSQL did not start")
      assert.include(error.message, "shared_buffers")
    }), { timeout: 60_000 })

  it.live("a port taken between the probe and the start: the server starts on another", () =>
    Effect.gen(function*() {
      const taken = yield* Effect.acquireRelease(
        Effect.async<Net.Server>((resume) => {
          const server = Net.createServer()
          server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
        }),
        (server) => Effect.async<void>((resume) => void server.close(() => resume(Effect.void)))
      )
      const takenPort = (taken.address() as Net.AddressInfo).port
      const server = yield* Postgres.make({ port: takenPort })
      assert.notStrictEqual(server.port, takenPort)
      const rows = yield* query(server, (sql) => sql<{ port: string }>`SELECT current_setting('port') AS port`)
      assert.deepStrictEqual(rows, [{ port: String(server.port) }])
    }).pipe(Effect.scoped), { timeout: 60_000 })

  it.live("binaries missing: the error names what is missing and how to install it", () =>
    Effect.gen(function*() {
      const error = yield* Postgres.make({ bindir: "/nonexistent/postgresql/bin" }).pipe(Effect.scoped, Effect.flip)
      assert.strictEqual(error.message, "initdb and pg_ctl not found in /nonexistent/postgresql/bin")
    }))

  it.live("no server binaries anywhere: the error says where it looked, what each place lacks, how to install", () =>
    Effect.gen(function*() {
      // a PATH directory with an initdb but no pg_ctl, an empty versions root, no pg_config
      const dir = yield* tempDir
      yield* Effect.promise(() => writeFile(Path.join(dir, "initdb"), "#!/bin/sh\n", { mode: 0o755 }))
      const error = yield* Postgres.findBinariesFrom({
        pgConfig: Path.join(dir, "pg_config"),
        versionsRoot: Path.join(dir, "versions"),
        path: dir
      }).pipe(Effect.flip)
      assert.include(error.message, "(initdb and pg_ctl) were not found")
      assert.include(error.message, `${dir}/versions/*/bin`)
      assert.include(error.message, `${dir} has no pg_ctl.`)
      assert.include(error.message, "apt-get install postgresql")
      // with pg_ctl there too, that directory is the answer
      yield* Effect.promise(() => writeFile(Path.join(dir, "pg_ctl"), "#!/bin/sh\n", { mode: 0o755 }))
      const found = yield* Postgres.findBinariesFrom({
        pgConfig: Path.join(dir, "pg_config"),
        versionsRoot: dir,
        path: dir
      })
      assert.deepStrictEqual(found, { bindir: dir, initdb: Path.join(dir, "initdb"), pgCtl: Path.join(dir, "pg_ctl") })
    }).pipe(Effect.scoped))

  it.live("pg_config --bindir comes first, then the highest version under the versions root", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const bindir = (name: string) =>
        Effect.promise(async () => {
          const bin = Path.join(dir, name, "bin")
          await mkdir(bin, { recursive: true })
          for (const tool of ["initdb", "pg_ctl"]) await writeFile(Path.join(bin, tool), "#!/bin/sh\n", { mode: 0o755 })
          return bin
        })
      yield* bindir("9.6")
      const v16 = yield* bindir("16")
      yield* bindir("15")
      const places = { pgConfig: Path.join(dir, "pg_config"), versionsRoot: dir, path: "" }
      assert.strictEqual((yield* Postgres.findBinariesFrom(places)).bindir, v16)
      const pinned = yield* bindir("pinned")
      yield* Effect.promise(() => writeFile(places.pgConfig, `#!/bin/sh\necho ${pinned}\n`, { mode: 0o755 }))
      assert.strictEqual((yield* Postgres.findBinariesFrom(places)).bindir, pinned)
    }).pipe(Effect.scoped))

  it("nobody is found in /etc/passwd, and root is never chosen", () => {
    assert.deepStrictEqual(
      Postgres.nobodyIn(
        "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
      ),
      { uid: 65534, gid: 65534 }
    )
    assert.strictEqual(Postgres.nobodyIn("root:x:0:0:root:/root:/bin/bash\n"), undefined)
    assert.strictEqual(Postgres.nobodyIn("nobody:x:0:0::/:/bin/sh\n"), undefined)
  })

  it.effect("urlFromEnv reads what env wrote", () =>
    Effect.gen(function*() {
      const server: Postgres.Server = { url: Redacted.make("postgres://x@127.0.0.1:1/y"), port: 1, dir: "/d", uid: 1 }
      const provider = ConfigProvider.fromMap(new Map(Object.entries(Postgres.env(server))))
      const url = yield* Postgres.urlFromEnv.pipe(Effect.withConfigProvider(provider))
      assert.strictEqual(Redacted.value(url), "postgres://x@127.0.0.1:1/y")
      const missing = yield* Postgres.urlFromEnv.pipe(
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map())),
        Effect.flip
      )
      assert.include(missing.message, Postgres.URL_ENV)
    }))
})
