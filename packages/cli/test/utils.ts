// Runs the CLI in process against an in-process emulator, recording stdout and stderr.
import { Backend, Cli, Io } from "@asgardeo-scim/cli"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { HttpClient } from "@effect/platform"
import { NodeContext } from "@effect/platform-node"
import { ConfigProvider, Effect, Layer } from "effect"

// The connection flags; the secret comes from the environment (ASGARDEO_CLIENT_SECRET), as the
// CLI recommends: a --client-secret flag gets a warning on stderr.
export const conn = [
  "--org",
  "acme",
  "--client-id",
  "emulator-client",
  "--base-url",
  "https://emulator.invalid"
]

export const secretEnv = { ASGARDEO_CLIENT_SECRET: "emulator-secret" }

/**
 * An in-process emulator and runners of the CLI against it; `wrap` changes the HTTP client the
 * connected commands get (a test that must answer one request itself).
 */
export const harness = (
  options: AsgardeoEmulator.Options = {},
  wrap: (client: HttpClient.HttpClient) => HttpClient.HttpClient = (client) => client
) =>
  Effect.gen(function*() {
    const emu = yield* AsgardeoEmulator.make(options)
    const backend = Layer.succeed(Backend.Backend, {
      httpClient: Layer.succeed(HttpClient.HttpClient, wrap(emu.client)),
      embedded: Effect.succeed(emu)
    })
    /** Runs with this `Io` (colours, a terminal) and exactly these environment variables. */
    const runIo = (
      ioOptions: Parameters<typeof Io.makeTest>[0],
      env: Readonly<Record<string, string>>,
      ...args: Array<string>
    ) =>
      Effect.gen(function*() {
        const io = Io.makeTest(ioOptions)
        const code = yield* Cli.run(["node", "asgardeo-scim", ...args]).pipe(
          Effect.provide(Layer.mergeAll(io.layer, backend, NodeContext.layer)),
          Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))
        )
        return { code, stdout: io.stdout(), stderr: io.stderr(), statuses: io.statuses() }
      })
    /** Runs with exactly these environment variables (none from the developer's shell). */
    const runWith = (env: Readonly<Record<string, string>>, ...args: Array<string>) => runIo({}, env, ...args)
    /** Runs with ASGARDEO_CLIENT_SECRET set (the other settings come from `conn`). */
    const run = (...args: Array<string>) => runWith(secretEnv, ...args)
    return { emu, run, runWith, runIo }
  })

export const csv = (rows: ReadonlyArray<string>) =>
  ["employeeId,email,firstName,lastName,department,role", ...rows].join("\n") + "\n"

export const row = (n: number, role = "employee") =>
  `E${n},person${n}@example.com,First${n},Last${n},Engineering,${role}`
