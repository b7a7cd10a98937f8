/**
 * The durable HR backend (`DurableHrApi`) as a process: an HTTP server and, in the same
 * process, a runner of the cluster (`Runner.work` over `Runner.layerSocket` over
 * `Storage.layerPg`). Start as many replicas as you like on one PostgreSQL database: each takes
 * some of the employees' shards, and any of them answers any request.
 *
 * Configured from the environment:
 *
 * | variable | default | what |
 * | --- | --- | --- |
 * | `DATABASE_URL` | (required) | `postgres://user:password@host:port/db`, shared by the replicas |
 * | `HTTP_HOST`, `HTTP_PORT` | `127.0.0.1`, `3000` | where the API listens (`0`: a free port) |
 * | `RUNNER_HOST`, `RUNNER_PORT` | `127.0.0.1`, `34431` | where this runner takes the other replicas' connections |
 * | `RUNNER_ADVERTISE_HOST`, `RUNNER_ADVERTISE_PORT` | the two above | the address the others use (behind NAT, in containers) |
 * | `LOG_LEVEL` | `info` | `debug`, `info`, `warn`, `error`, `off` |
 * | `ASGARDEO_ORG`, `ASGARDEO_CLIENT_ID`, `ASGARDEO_CLIENT_SECRET`, ... | (required) | the organization (`Directory.layerConfig()`) |
 *
 * The cluster's own settings are read from the environment too (`ShardingConfig.layerFromEnv`:
 * `SHARDS_PER_GROUP`, `REFRESH_ASSIGNMENTS_INTERVAL`, ...); every replica must use the same.
 * Once it serves, it prints one line: `HR backend listening on http://HOST:PORT (runner HOST:PORT)`.
 *
 * ```sh
 * pnpm build
 * DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres HTTP_PORT=3001 RUNNER_PORT=34431 \
 *   ASGARDEO_ORG=... ASGARDEO_CLIENT_ID=... ASGARDEO_CLIENT_SECRET=... \
 *   node packages/examples/dist/backend/durableMain.js
 * ```
 *
 * @since 0.5.0
 */
import * as ScimConfig from "@asgardeo-scim/core/ScimConfig"
import * as HrDirectory from "@asgardeo-scim/hr/HrDirectory"
import * as RoleMapping from "@asgardeo-scim/hr/RoleMapping"
import * as Runner from "@asgardeo-scim/workflow/Runner"
import * as SharedBudget from "@asgardeo-scim/workflow/SharedBudget"
import * as Storage from "@asgardeo-scim/workflow/Storage"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpMiddleware from "@effect/platform/HttpMiddleware"
import * as HttpServer from "@effect/platform/HttpServer"
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import { createServer } from "node:http"
import { DurableHrApiLive } from "./DurableApiLive.js"

/**
 * HR on the `ASGARDEO_*` organization over undici, every request within the budget all replicas
 * share (`SharedBudget.layerDirectory`: a row of the database; `ASGARDEO_EGRESS` names this
 * replica's egress address when replicas leave through different ones).
 *
 * @since 0.5.0
 * @category layers
 */
export const HrShared = HrDirectory.layer.pipe(
  Layer.provide(RoleMapping.layer()),
  Layer.provideMerge(SharedBudget.layerDirectory()),
  Layer.provideMerge(ScimConfig.layerConfig()),
  Layer.provide(NodeHttpClient.layerUndici)
)

/**
 * A host and a port.
 *
 * @since 0.5.0
 * @category models
 */
export interface Address {
  readonly host: string
  readonly port: number
}

/**
 * The backend's settings.
 *
 * @since 0.5.0
 * @category models
 */
export interface Options {
  /** The PostgreSQL database the replicas share. */
  readonly databaseUrl: Redacted.Redacted
  /** Where the API listens (port 0: a free one). */
  readonly http: Address
  /** Where this runner listens for the other replicas. */
  readonly runner: Address
  /** The runner's address as the others reach it (default: `runner`). */
  readonly advertise?: Address | undefined
}

const port = (name: string) =>
  Config.integer(name).pipe(
    Config.validate({ message: "must be a port, 0 to 65535", validation: (n) => n >= 0 && n <= 65535 })
  )

/**
 * The settings from the environment (see the module's table).
 *
 * @since 0.5.0
 * @category config
 */
export const config: Config.Config<Options> = Config.all({
  databaseUrl: Config.redacted("DATABASE_URL"),
  http: Config.all({
    host: Config.string("HTTP_HOST").pipe(Config.withDefault("127.0.0.1")),
    port: port("HTTP_PORT").pipe(Config.withDefault(3000))
  }),
  runner: Config.all({
    host: Config.string("RUNNER_HOST").pipe(Config.withDefault("127.0.0.1")),
    port: port("RUNNER_PORT").pipe(Config.withDefault(34431))
  }),
  advertise: Config.all({
    host: Config.string("RUNNER_ADVERTISE_HOST"),
    port: port("RUNNER_ADVERTISE_PORT")
  }).pipe(Config.option, Config.map(Option.getOrUndefined))
})

/**
 * The backend: the API served on `http`, a runner doing the work (`Runner.work`) over the
 * database, HR on the `ASGARDEO_*` organization within the shared budget (`HrShared`). Prints the line above once it serves.
 *
 * @since 0.5.0
 * @category layers
 */
export const layer = (options: Options) => {
  const RunnerLive = Runner.work().pipe(
    Layer.provideMerge(Runner.layerSocket({ listen: options.runner, advertise: options.advertise })),
    Layer.provideMerge(HrShared),
    Layer.provideMerge(Storage.layerPg({ url: options.databaseUrl }))
  )
  const ready = Layer.effectDiscard(
    HttpServer.addressFormattedWith((address) =>
      Console.log(`HR backend listening on ${address} (runner ${options.runner.host}:${options.runner.port})`)
    )
  )
  const app = HttpApiBuilder.serve(HttpMiddleware.logger).pipe(Layer.provide(DurableHrApiLive))
  // In this order: the runner (storage, cluster), then the port, then the handlers, then the line.
  // A port open before its handlers would take requests that nobody answers.
  return ready.pipe(
    Layer.provide(app),
    Layer.provide(NodeHttpServer.layer(createServer, { host: options.http.host, port: options.http.port })),
    Layer.provide(RunnerLive)
  )
}

/**
 * {@link layer} with the settings from the environment, logging at `LOG_LEVEL`.
 *
 * @since 0.5.0
 * @category layers
 */
export const layerConfig = Layer.unwrapEffect(Effect.map(config, layer)).pipe(
  Layer.provide(Layer.unwrapEffect(
    Effect.map(
      Config.logLevel("LOG_LEVEL").pipe(Config.withDefault(LogLevel.Info)),
      Logger.minimumLogLevel
    )
  ))
)

if (import.meta.url === `file://${process.argv[1]}`) {
  NodeRuntime.runMain(Layer.launch(layerConfig))
}
