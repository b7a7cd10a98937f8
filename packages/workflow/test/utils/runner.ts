/**
 * One runner process of the distributed tests (started by `Runners.start`; the protocol is
 * described there): `Runner.work` over `Runner.layerSocket` over `Storage.layerPg` over the HR
 * service of the directory in `ASGARDEO_*` (`HrDirectory.layer`, `RoleMapping.layer()`,
 * `Directory.layerConfig`, or `SharedBudget.layerDirectory` with a budget; undici). Prints
 * `ready <port>`, then answers the commands it reads on stdin. Exits on SIGTERM, and when stdin
 * closes.
 */
import * as ScimConfig from "@asgardeo-scim/core/ScimConfig"
import * as Directory from "@asgardeo-scim/directory/Directory"
import * as HrDirectory from "@asgardeo-scim/hr/HrDirectory"
import * as RoleMapping from "@asgardeo-scim/hr/RoleMapping"
import * as DurableBatch from "@asgardeo-scim/workflow/DurableBatch"
import * as EmployeeQueue from "@asgardeo-scim/workflow/EmployeeQueue"
import * as Runner from "@asgardeo-scim/workflow/Runner"
import * as SharedBudget from "@asgardeo-scim/workflow/SharedBudget"
import * as Storage from "@asgardeo-scim/workflow/Storage"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import type * as SqlClient from "@effect/sql/SqlClient"
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { readFile } from "node:fs/promises"
import { createInterface } from "node:readline"
import * as Postgres from "./Postgres.js"
import { applicationName, Command, Settings, SETTINGS_ENV } from "./Runners.js"

const decodeCommand = Schema.decodeUnknown(Schema.parseJson(Command))

/** What a command answers. */
const run = (
  command: Command
): Effect.Effect<
  unknown,
  { readonly _tag: string; readonly message: string },
  Runner.Services | SqlClient.SqlClient
> => {
  switch (command._tag) {
    case "SubmitBatch":
      return Effect.flatMap(
        Effect.promise(() => readFile(command.file, "utf8")),
        (text) =>
          DurableBatch.submit(JSON.parse(text) as ReadonlyArray<unknown>, {
            batchId: command.batchId,
            concurrency: command.concurrency
          })
      )
    case "SubmitEvent":
      return EmployeeQueue.submit(command.event)
    case "Status":
      return EmployeeQueue.status(command.eventId)
  }
}

const reply = (id: number, ok: boolean, value: unknown) => Console.log(`reply ${JSON.stringify({ id, ok, value })}`)

/** Every stdin line as a command, handled concurrently; ends when stdin closes. */
const serveCommands = Stream.fromAsyncIterable(createInterface({ input: process.stdin }), (e) => e).pipe(
  Stream.orDie,
  Stream.mapEffect((line) =>
    decodeCommand(line).pipe(
      Effect.flatMap((command) =>
        run(command).pipe(
          Effect.matchEffect({
            onFailure: (e) => reply(command.id, false, { _tag: e._tag, message: e.message }),
            onSuccess: (value) => reply(command.id, true, value)
          })
        )
      ),
      Effect.catchAll((e) => Console.error(`bad command: ${e.message}`))
    ), { concurrency: "unbounded" }),
  Stream.runDrain
)

const main = Effect.gen(function*() {
  const settings = yield* Config.string(SETTINGS_ENV).pipe(
    Effect.flatMap(Schema.decodeUnknown(Schema.parseJson(Settings)))
  )
  const url = yield* Postgres.urlFromEnv
  // One pool for the cluster, the batch tables and the budget (a layer is built once per use).
  const storage = Storage.layerPg({ url, applicationName: applicationName(settings.name) })
  const budget = settings.budget
  const directory = budget === undefined
    ? Directory.layerConfig({ rateLimits: false })
    : SharedBudget.layerDirectory().pipe(
      Layer.provideMerge(ScimConfig.layerConfig({
        rateLimits: {
          scim: { limit: budget.scim, window: budget.window },
          token: { limit: budget.token, window: budget.window }
        }
      })),
      Layer.provide(storage)
    )
  const hr = HrDirectory.layer.pipe(
    Layer.provide(RoleMapping.layer()),
    Layer.provideMerge(directory),
    Layer.provide(NodeHttpClient.layerUndici)
  )
  const runner = Runner.work({ backoff: settings.backoff }).pipe(
    Layer.provideMerge(Runner.layerSocket({
      listen: { host: "127.0.0.1", port: settings.port },
      sharding: settings.sharding
    })),
    Layer.provideMerge(storage),
    Layer.provideMerge(hr)
  )
  yield* Effect.zipRight(Console.log(`ready ${settings.port}`), serveCommands).pipe(Effect.provide(runner))
})

main.pipe(
  // The cluster logs every shard move at INFO; stdout is the protocol's: warnings and up, on stderr.
  Effect.provide(Logger.replace(Logger.defaultLogger, Logger.withConsoleError(Logger.logfmtLogger))),
  Effect.provide(Logger.minimumLogLevel(LogLevel.Warning)),
  NodeRuntime.runMain
)
