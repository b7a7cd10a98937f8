/**
 * Where durable work is kept: the `SqlClient` the cluster's message and runner storage, the batch
 * progress table and the shared rate-limit budget use. Two drivers, both from Effect's SQL family:
 *
 * - SQLite in a file (`layerSqlite`), the embedded default: `@effect/sql-libsql`, whose
 *   `@libsql/client` ships its native binary as prebuilt npm packages, so an install needs no
 *   compiler. One process at a time may run on a file.
 * - PostgreSQL (`layerPg`), for several runners sharing the work: `@effect/sql-pg`.
 *
 * The cluster's snowflake ids do not fit a JavaScript number: the SQLite client reads integers as
 * `bigint` (`intMode: "bigint"`), which the cluster's SQL storage expects. A SQLite file is put in
 * write-ahead-log mode (`PRAGMA journal_mode = WAL`, kept in the file): readers in other processes
 * (`DurableBatch.progress`, the CLI's `hr batch status`) then never block the runner's writes,
 * which the client, with no busy timeout, would otherwise see fail at once (`SQLITE_BUSY`).
 *
 * @since 0.5.0
 */
import * as LibsqlClient from "@effect/sql-libsql/LibsqlClient"
import * as PgClient from "@effect/sql-pg/PgClient"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"

/**
 * SQLite in a file (created when missing), for one runner.
 *
 * @since 0.5.0
 * @category layers
 */
export const layerSqlite = (options: {
  /**
   * A file path. (Not `:memory:`: the SQLite client opens a connection per transaction, and each
   * in-memory connection is a database of its own.)
   */
  readonly filename: string
}): Layer.Layer<SqlClient.SqlClient> =>
  LibsqlClient.layer({
    url: `file:${options.filename}`,
    intMode: "bigint"
  }).pipe(
    Layer.project(SqlClient.SqlClient, SqlClient.SqlClient, (c) => c),
    // Switching needs the file to itself: tried for about a second while another process has it
    // open. Best effort: a file that cannot take it (not a database) fails on its first real query.
    Layer.tap((context) =>
      Context.get(context, SqlClient.SqlClient)`PRAGMA journal_mode = WAL`.pipe(
        Effect.retry({ times: 20, schedule: Schedule.spaced("50 millis") }),
        Effect.catchAll((error) => Effect.logDebug("SQLite: write-ahead log not enabled", error.message))
      )
    )
  )

/**
 * PostgreSQL, for runners that share the work. `url`: `postgres://user:password@host:port/db`.
 *
 * @since 0.5.0
 * @category layers
 */
export const layerPg = (options: {
  readonly url: Redacted.Redacted
  /**
   * Connections of this runner's pool (default 10). A socket runner (`Runner.layerSocket`) needs
   * at least 3 to start: the cluster's start uses 2 at once, and the start-up lock holds one.
   */
  readonly maxConnections?: number | undefined
  /**
   * The connections' `application_name` (default `asgardeo-scim-workflow`): name each runner
   * (`asgardeo-scim-workflow runner-2`) to tell in `pg_stat_activity` and `pg_locks` which
   * runner holds which shard lock.
   */
  readonly applicationName?: string | undefined
}): Layer.Layer<SqlClient.SqlClient, SqlError> =>
  PgClient.layer({
    url: options.url,
    maxConnections: options.maxConnections,
    applicationName: options.applicationName ?? "asgardeo-scim-workflow"
  }).pipe(Layer.project(SqlClient.SqlClient, SqlClient.SqlClient, (c) => c))
