/**
 * The emulator on a real HTTP server (Node), for the CLI, demos, benchmarks and interop tests.
 * This is the only module of the package that loads `@effect/platform-node`.
 *
 * @since 0.1.0
 */
import { isLoopbackHost } from "@asgardeo-scim/core/ScimConfig"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as NodeHttpServerRequest from "@effect/platform-node/NodeHttpServerRequest"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeStream from "@effect/platform-node/NodeStream"
import type * as HttpServerError from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Clock from "effect/Clock"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import { createServer } from "node:http"
import type * as Api from "./AsgardeoEmulator.js"
import { AsgardeoEmulator, defaultCredentials } from "./AsgardeoEmulator.js"
import type { Source } from "./internal/body.js"
import { makeApp } from "./internal/serverApp.js"
import { engineFromOptions, makeService } from "./internal/service.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options extends Api.Options {
  /** Default 0 (an ephemeral port). */
  readonly port?: number | undefined
  /**
   * Default `127.0.0.1`. Any address other than `localhost`, `127.x.x.x` or `::1` (such as
   * `0.0.0.0`, `::` or a LAN address) is refused with {@link BindRefused} while an app uses the
   * default secret `emulator-secret`: register your own app (`apps`) to listen there.
   */
  readonly host?: string | undefined
}

/**
 * The server was asked to listen on an address other machines can reach while an app has the
 * well-known default secret, so anyone on the network could take a token and read or write the
 * directory. Nothing was bound.
 *
 * @since 0.2.0
 * @category errors
 */
export class BindRefused extends Schema.TaggedError<BindRefused>("@asgardeo-scim/testkit/EmulatorServer/BindRefused")(
  "BindRefused",
  { host: Schema.String }
) {
  /** @since 0.2.0 */
  override get message(): string {
    return `The emulator will not listen on ${JSON.stringify(this.host)} with the default app secret ` +
      `(${defaultCredentials.clientSecret}), which anyone who can reach that address would know. ` +
      "Listen on 127.0.0.1 (the default), or register an app with a secret of your own " +
      "(the apps option; EMULATOR_CLIENT_SECRET for the command line)."
  }
}

/**
 * Whether a listen address is a loopback one: `localhost`, `127.x.x.x` (dotted decimal) or an
 * IPv6 spelling of `::1`. An empty host (every interface) is not.
 *
 * @since 0.2.0
 * @category utils
 */
export const isLoopbackAddress = (host: string): boolean => {
  if (!host.includes(":")) return isLoopbackHost(host)
  try {
    return new URL(`http://${host.startsWith("[") ? host : `[${host}]`}/`).hostname === "[::1]"
  } catch {
    return false
  }
}

const usesDefaultSecret = (options: Options): boolean =>
  options.apps === undefined ||
  options.apps.some((app) => app?.clientSecret === defaultCredentials.clientSecret)

/** Reads the body from the socket and, at the limit, stops without closing it, so the 413 gets out. */
const socketBody: Source = (request) =>
  NodeStream.fromReadable(() => NodeHttpServerRequest.toIncomingMessage(request), (cause) => cause, {
    closeOnDone: false
  })

/**
 * Starts the server for the lifetime of the scope. `baseUrl` is the server's real address.
 * Fails with {@link BindRefused}, before binding, for a non-loopback `host` while an app has the
 * default secret.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: Options = {}
): Effect.Effect<AsgardeoEmulator.Service, HttpServerError.ServeError | BindRefused, Scope.Scope> =>
  Effect.gen(function*() {
    const host = options.host ?? "127.0.0.1"
    if (typeof host !== "string" || (!isLoopbackAddress(host) && usesDefaultSecret(options))) {
      return yield* new BindRefused({ host: String(host) })
    }
    const server = yield* NodeHttpServer.make(() => createServer(), { port: options.port ?? 0, host })
    const address = server.address
    const origin = address._tag === "TcpAddress"
      ? `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`
      : `http://localhost`
    const engine = engineFromOptions(options, origin, yield* Clock.currentTimeMillis)
    const app = makeApp(engine, socketBody).pipe(
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
export const layerServer = (
  options: Options = {}
): Layer.Layer<AsgardeoEmulator, HttpServerError.ServeError | BindRefused> =>
  Layer.scoped(AsgardeoEmulator, make(options))

const banner = (
  emulator: AsgardeoEmulator.Service,
  subOrganizations: ReadonlyArray<Api.SubOrganization> = []
): string =>
  [
    `Asgardeo emulator listening on ${emulator.baseUrl}`,
    `  token endpoint: ${emulator.tokenUrl}`,
    `  SCIM base:      ${emulator.scimUrl}`,
    `  client id:      ${emulator.credentials.clientId}`,
    `  client secret:  ${
      emulator.credentials.clientSecret === defaultCredentials.clientSecret
        ? emulator.credentials.clientSecret
        : "(not shown: the secret you configured)"
    }`,
    `  admin:          ${emulator.baseUrl}/__emulator/{info,log,counters,faults,reset,seed,snapshot,expire-tokens,rate-limits,quirks}`,
    ...subOrganizations.map((o) =>
      `  sub-org:        ${o.name} (${o.id}) of ${o.root}, under ${emulator.baseUrl}/t/${o.root}/o/`
    )
  ].join("\n")

/**
 * Starts the server, prints where it listens and the credentials, and runs until interrupted.
 *
 * @since 0.1.0
 * @category programs
 */
export const serve = (options: Options = {}): Effect.Effect<never, HttpServerError.ServeError | BindRefused> =>
  Effect.scoped(
    Effect.gen(function*() {
      const emulator = yield* make(options)
      yield* Console.log(banner(emulator, yield* emulator.subOrganizations))
      return yield* Effect.never
    })
  )

/**
 * Reads `--port`, `--host`, `--org` (repeatable; the first is the default), `--sub-org <name>`
 * (repeatable: sub-organizations of the default organization, with which the default app is
 * shared) and `--seed-users <n>`, or the `PORT`/`HOST`/`ORG` environment variables.
 * `EMULATOR_CLIENT_SECRET` (environment only, never a flag) replaces the default app's secret,
 * which a non-loopback `--host` needs.
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
  const repeated = (flag: string) =>
    args.flatMap((a, i) => (a === flag && args[i + 1] !== undefined ? [args[i + 1]!] : []))
  const orgs = repeated("--org")
  const subOrgs = repeated("--sub-org")
  const port = value("--port") ?? env["PORT"]
  const organization = orgs[0] ?? env["ORG"]
  const secret = env["EMULATOR_CLIENT_SECRET"]
  return {
    ...(port === undefined ? {} : { port: Number(port) }),
    ...(secret === undefined || secret.trim() === ""
      ? {}
      : { apps: [{ clientId: defaultCredentials.clientId, clientSecret: secret }] }),
    ...(value("--host") ?? env["HOST"] ? { host: value("--host") ?? env["HOST"] } : {}),
    ...(organization === undefined ? {} : { organization }),
    organizations: orgs.slice(1),
    ...(subOrgs.length === 0 ? {} : { subOrganizations: subOrgs.map((name) => ({ name })) }),
    ...(args.includes("--etag") ? { etag: true } : {}),
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
        yield* Console.log(banner(emulator, yield* emulator.subOrganizations))
        return yield* Effect.never
      })
    ).pipe(
      Effect.catchTag("BindRefused", (error) =>
        Effect.zipRight(
          Console.error(`error: ${error.message}`),
          Effect.sync(() => {
            process.exitCode = 2
          })
        ))
    )
  )
}
