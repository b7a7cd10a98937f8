/**
 * A runner: the process that does the durable work. It holds some of the cluster's shards and
 * runs the entities and workflows that fall in them (`EmployeeQueue`, `ApplyEvent`,
 * `DurableBatch`). Two set-ups:
 *
 * - `layerEmbedded`: one runner over SQLite in a file (`@effect/cluster`'s `SingleRunner`), no
 *   server, what `asgardeo-scim hr onboard --durable` uses. A killed run resumes where it stopped
 *   when a runner starts again on the same file. One process at a time per file.
 * - `layerSocket`: one of several runners over a shared SQL database (PostgreSQL:
 *   `Storage.layerPg`), talking to each other over TCP (`@effect/platform-node`'s
 *   `NodeClusterSocket`). Shards are spread over the live runners; when one dies, the others take
 *   its shards over and resume its work from the storage.
 *
 * Takeover time in production, with the cluster's defaults: a runner holds each of its shards
 * with a PostgreSQL advisory lock on one connection, and a heartbeat (its row in
 * `cluster_runners`) it refreshes every 10 s (`shardLockRefreshInterval`). When a runner process
 * dies, the server releases its locks as soon as its connections drop, but the others take its
 * shards only once they stop counting it as live: when its heartbeat is older than
 * `shardLockExpiration` (35 s), or when the health check (one runner pings the others every
 * `runnerHealthCheckInterval`, 1 minute) finds it dead. They see that at their next assignment
 * refresh (`refreshAssignmentsInterval`, 3 s), lock its shards, and resume its work from the
 * storage (`entityMessagePollInterval`: 1 s here, 10 s in the cluster's defaults). Measured from
 * a SIGKILL to the batch's next progress: about 30 s (the heartbeat expiry; the once-a-minute
 * health check rarely comes first). A runner stopped cleanly (SIGTERM) leaves the assignments at
 * once but works on for up to `entityTerminationTimeout` (15 s) before it lets its locks go; the
 * others resume within a second of that. A host that vanishes without closing its connections
 * keeps its locks until PostgreSQL drops them (TCP keepalive: hours by default). The package
 * README ("Runners in production: failure and takeover") has the measurements and how to shorten
 * these through `sharding`; the tests, with shortened settings, see takeovers of 3.5 to 7 s.
 *
 * @since 0.5.0
 */
import type * as Users from "@asgardeo-scim/directory/Users"
import type * as HrDirectory from "@asgardeo-scim/hr/HrDirectory"
import * as ClusterWorkflowEngine from "@effect/cluster/ClusterWorkflowEngine"
import type * as MessageStorage from "@effect/cluster/MessageStorage"
import * as RunnerAddress from "@effect/cluster/RunnerAddress"
import type * as Runners from "@effect/cluster/Runners"
import type * as Sharding from "@effect/cluster/Sharding"
import type * as ShardingConfig from "@effect/cluster/ShardingConfig"
import * as SingleRunner from "@effect/cluster/SingleRunner"
import * as NodeClusterSocket from "@effect/platform-node/NodeClusterSocket"
import type * as SocketServer from "@effect/platform/SocketServer"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import type * as WorkflowEngine from "@effect/workflow/WorkflowEngine"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as ApplyEvent from "./ApplyEvent.js"
import * as DurableBatch from "./DurableBatch.js"
import * as EmployeeQueue from "./EmployeeQueue.js"
import * as Storage from "./Storage.js"

/**
 * The cluster's settings a runner may override (`@effect/cluster`'s `ShardingConfig`). Those that
 * set how soon a dead runner's work moves: `shardLockExpiration`, `shardLockRefreshInterval`,
 * `runnerHealthCheckInterval`, `refreshAssignmentsInterval`, `entityMessagePollInterval` (see the
 * module's description). Every runner of a cluster should use the same values.
 *
 * @since 0.5.0
 * @category models
 */
export type ShardingOptions = Partial<ShardingConfig.ShardingConfig["Type"]>

/**
 * What a runner provides: the workflow engine and the cluster's services.
 *
 * @since 0.5.0
 * @category models
 */
export type Services =
  | WorkflowEngine.WorkflowEngine
  | Sharding.Sharding
  | Runners.Runners
  | MessageStorage.MessageStorage

/**
 * One runner over SQLite in a file (created when missing), with the storage it uses (`SqlClient`)
 * for the batch progress table and the shared budget.
 *
 * @since 0.5.0
 * @category layers
 */
export const layerEmbedded = (options: {
  readonly filename: string
  readonly sharding?: ShardingOptions | undefined
}): Layer.Layer<Services | SqlClient.SqlClient, ConfigError.ConfigError> =>
  ClusterWorkflowEngine.layer.pipe(
    Layer.provideMerge(SingleRunner.layer({
      runnerStorage: "sql",
      // The message poll is the embedded runner's only way to see work another fiber stored.
      shardingConfig: { entityMessagePollInterval: "1 second", ...options.sharding }
    })),
    Layer.provideMerge(Storage.layerSqlite({ filename: options.filename }))
  )

/** The advisory lock (PostgreSQL) that runners hold while they start: `hashtext('asgardeo-scim/Runner')`. */
const startupLock = "SELECT pg_advisory_lock(hashtext('asgardeo-scim/Runner'))"
const startupUnlock = "SELECT pg_advisory_unlock(hashtext('asgardeo-scim/Runner'))"

/**
 * Builds `layer` while holding the start-up lock, on PostgreSQL: the cluster's storage creates
 * its tables with `CREATE TABLE IF NOT EXISTS` outside any lock, and two runners doing that at
 * once on an empty database make one of them fail (`duplicate key value violates unique
 * constraint "pg_type_typname_nsp_index"`). The lock is taken on a connection reserved from the
 * pool and released once the layer is built; other databases build it as it is.
 */
const oneStartAtATime = <A, E, R>(
  layer: Layer.Layer<A, E, R>
): Layer.Layer<A, E | SqlError, R | SqlClient.SqlClient> =>
  Layer.scopedContext(Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const scope = yield* Effect.scope
    return yield* sql.onDialectOrElse({
      pg: () =>
        Effect.scoped(Effect.gen(function*() {
          const connection = yield* sql.reserve
          yield* connection.executeRaw(startupLock, [])
          yield* Effect.addFinalizer(() => Effect.ignore(connection.executeRaw(startupUnlock, [])))
          return yield* Layer.buildWithScope(layer, scope)
        })),
      orElse: () => Layer.buildWithScope(layer, scope)
    })
  }))

/**
 * One of several runners over a shared SQL database (give it `Storage.layerPg`). `listen`: where
 * this runner takes the others' connections; `advertise`: the address the others use to reach
 * it (default: `listen`; set it behind NAT or in containers). The port has no authentication and
 * no TLS (`@effect/cluster`'s protocol): keep it where only the runners reach it. Runners may start together on an
 * empty database: on PostgreSQL they start one at a time (an advisory lock, held on a connection
 * of the pool while each creates the cluster's tables and registers: give the pool at least 3).
 *
 * @since 0.5.0
 * @category layers
 */
export const layerSocket = (options: {
  readonly listen: { readonly host: string; readonly port: number }
  readonly advertise?: { readonly host: string; readonly port: number } | undefined
  readonly sharding?: ShardingOptions | undefined
}): Layer.Layer<
  Services,
  ConfigError.ConfigError | SocketServer.SocketServerError | SqlError,
  SqlClient.SqlClient
> => {
  const listen = RunnerAddress.make(options.listen.host, options.listen.port)
  const advertise = options.advertise === undefined
    ? listen
    : RunnerAddress.make(options.advertise.host, options.advertise.port)
  return oneStartAtATime(ClusterWorkflowEngine.layer.pipe(
    Layer.provideMerge(NodeClusterSocket.layer({
      storage: "sql",
      runnerHealth: "ping",
      shardingConfig: {
        runnerAddress: Option.some(advertise),
        runnerListenAddress: Option.some(listen),
        entityMessagePollInterval: "1 second",
        ...options.sharding
      }
    }))
  ))
}

/**
 * The work a runner does: the event workflow (`ApplyEvent`), the employees' queues
 * (`EmployeeQueue`) and the batches (`DurableBatch`), over the HR service of the directory to
 * provision (`HrDirectory.layer` or `layerRoles`, with the directory's services) and a runner
 * (`layerEmbedded` or `layerSocket`, with the storage). Every runner of a cluster registers the
 * same work.
 *
 * @since 0.5.0
 * @category layers
 */
export const work = (
  options: ApplyEvent.Options = {}
): Layer.Layer<
  never,
  never,
  WorkflowEngine.WorkflowEngine | Sharding.Sharding | SqlClient.SqlClient | HrDirectory.HrDirectory | Users.Users
> => Layer.mergeAll(ApplyEvent.layer(options), EmployeeQueue.layer, DurableBatch.layer)
