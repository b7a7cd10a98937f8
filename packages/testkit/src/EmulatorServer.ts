/**
 * The emulator on a real HTTP server (Node), for the CLI, demos, benchmarks and interop tests.
 * This is the only module of the package that loads `@effect/platform-node`.
 *
 * @since 0.1.0
 */
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as NodeHttpServerRequest from "@effect/platform-node/NodeHttpServerRequest"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import type * as HttpServerError from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import { createServer } from "node:http"
import type * as Api from "./AsgardeoEmulator.js"
import { AsgardeoEmulator } from "./AsgardeoEmulator.js"
import { makeApp } from "./internal/router.js"
import { engineFromOptions, makeService } from "./internal/service.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options extends Api.Options {
  /** Default 0 (an ephemeral port). */
  readonly port?: number | undefined
  /** Default `127.0.0.1`. */
  readonly host?: string | undefined
}

/**
 * Starts the server for the lifetime of the scope. `baseUrl` is the server's real address.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: Options = {}
): Effect.Effect<AsgardeoEmulator.Service, HttpServerError.ServeError, Scope.Scope> =>
  Effect.gen(function*() {
    const host = options.host ?? "127.0.0.1"
    const server = yield* NodeHttpServer.make(() => createServer(), { port: options.port ?? 0, host })
    const address = server.address
    const origin = address._tag === "TcpAddress"
      ? `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`
      : `http://localhost`
    const engine = engineFromOptions(options, origin)
    const app = makeApp(engine).pipe(
      Effect.catchTag("DropConnection", () =>
        Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
          NodeHttpServerRequest.toServerResponse(request).socket?.destroy()
          return Effect.interrupt
        }))
    )
    yield* server.serve(app)
    return makeService(engine)
  })

/**
 * The emulator on a real port, as the `AsgardeoEmulator` service (use `FetchHttpClient` or
 * `NodeHttpClient` against its `baseUrl`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerServer = (options: Options = {}): Layer.Layer<AsgardeoEmulator, HttpServerError.ServeError> =>
  Layer.scoped(AsgardeoEmulator, make(options))

const banner = (emulator: AsgardeoEmulator.Service): string =>
  [
    `Asgardeo emulator listening on ${emulator.baseUrl}`,
    `  token endpoint: ${emulator.tokenUrl}`,
    `  SCIM base:      ${emulator.scimUrl}`,
    `  client id:      ${emulator.credentials.clientId}`,
    `  client secret:  ${emulator.credentials.clientSecret}`,
    `  admin:          ${emulator.baseUrl}/__emulator/{info,log,counters,faults,reset,seed,snapshot,expire-tokens,rate-limits,quirks}`
  ].join("\n")

/**
 * Starts the server, prints where it listens and the credentials, and runs until interrupted.
 *
 * @since 0.1.0
 * @category programs
 */
export const serve = (options: Options = {}): Effect.Effect<never, HttpServerError.ServeError> =>
  Effect.scoped(
    Effect.gen(function*() {
      const emulator = yield* make(options)
      yield* Console.log(banner(emulator))
      return yield* Effect.never
    })
  )

/**
 * Reads `--port`, `--host`, `--org` (repeatable; the first is the default) and
 * `--seed-users <n>`, or the `PORT`/`HOST`/`ORG` environment variables.
 *
 * @since 0.1.0
 * @category programs
 */
export const optionsFromArgs = (
  args: ReadonlyArray<string>,
  env: Readonly<Record<string, string | undefined>> = {}
): Options & { readonly seedUsers: number } => {
  const value = (name: string) => {
    const i = args.indexOf(name)
    return i === -1 ? undefined : args[i + 1]
  }
  const orgs = args.flatMap((a, i) => (a === "--org" && args[i + 1] !== undefined ? [args[i + 1]!] : []))
  const port = value("--port") ?? env["PORT"]
  const organization = orgs[0] ?? env["ORG"]
  return {
    ...(port === undefined ? {} : { port: Number(port) }),
    ...(value("--host") ?? env["HOST"] ? { host: value("--host") ?? env["HOST"] } : {}),
    ...(organization === undefined ? {} : { organization }),
    organizations: orgs.slice(1),
    seedUsers: Number(value("--seed-users") ?? 0)
  }
}

/**
 * The command-line entry point (`node packages/testkit/dist/bin.js`).
 *
 * @since 0.1.0
 * @category programs
 */
export const main = (args: ReadonlyArray<string> = process.argv.slice(2)): void => {
  const options = optionsFromArgs(args, process.env)
  NodeRuntime.runMain(
    Effect.scoped(
      Effect.gen(function*() {
        const emulator = yield* make({ port: 8790, ...options })
        if (options.seedUsers > 0) {
          yield* Effect.orDie(emulator.seedUsers(
            Array.from({ length: options.seedUsers }, (_, i) => ({
              userName: `user${i + 1}@example.com`,
              name: { givenName: `User${i + 1}`, familyName: "Seed" },
              emails: [{ value: `user${i + 1}@example.com`, primary: true }]
            }))
          ))
        }
        yield* Console.log(banner(emulator))
        return yield* Effect.never
      })
    )
  )
}
