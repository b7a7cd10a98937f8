// Runs the CLI in process against an in-process emulator, recording stdout and stderr.
import { Backend, Cli, Io } from "@asgardeo-scim/cli"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { HttpClient } from "@effect/platform"
import { NodeContext } from "@effect/platform-node"
import { ConfigProvider, Effect, Layer } from "effect"

export const conn = [
  "--org",
  "acme",
  "--client-id",
  "emulator-client",
  "--client-secret",
  "emulator-secret",
  "--base-url",
  "https://emulator.invalid"
]

export const harness = (options: AsgardeoEmulator.Options = {}) =>
  Effect.gen(function*() {
    const emu = yield* AsgardeoEmulator.make(options)
    const backend = Layer.succeed(Backend.Backend, {
      httpClient: Layer.succeed(HttpClient.HttpClient, emu.client),
      embedded: Effect.succeed(emu)
    })
    const run = (...args: Array<string>) =>
      Effect.gen(function*() {
        const io = Io.makeTest()
        const code = yield* Cli.run(["node", "asgardeo-scim", ...args]).pipe(
          Effect.provide(Layer.mergeAll(io.layer, backend, NodeContext.layer)),
          // No ASGARDEO_* from the developer's shell.
          Effect.withConfigProvider(ConfigProvider.fromMap(new Map()))
        )
        return { code, stdout: io.stdout(), stderr: io.stderr() }
      })
    return { emu, run }
  })

export const csv = (rows: ReadonlyArray<string>) =>
  ["employeeId,email,firstName,lastName,department,role", ...rows].join("\n") + "\n"

export const row = (n: number, role = "employee") =>
  `E${n},person${n}@example.com,First${n},Last${n},Engineering,${role}`
