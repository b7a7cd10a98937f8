// The CLI, run in process against the in-process emulator: secrets given as flags are warned
// about on stderr (and never printed), and `--json` output stays exactly one JSON document on
// stdout when the log level is debug and the server fails (the retries are logged).
import { Backend, Cli, Io } from "@asgardeo-scim/cli"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { HttpClient } from "@effect/platform"
import { NodeContext } from "@effect/platform-node"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Fiber, Layer, Option, TestClock } from "effect"
import { recorder } from "./support/results.js"

const results = recorder("cli")
afterAll((file) => results.finish(file))

const secret = AsgardeoEmulator.defaultCredentials.clientSecret
const password = "Cli-Flag-Passw0rd-91"

const harness = Effect.gen(function*() {
  const emu = yield* AsgardeoEmulator.make()
  const backend = Layer.succeed(Backend.Backend, {
    httpClient: Layer.succeed(HttpClient.HttpClient, emu.client),
    embedded: Effect.succeed(emu)
  })
  const run = (env: Readonly<Record<string, string>>, args: ReadonlyArray<string>) =>
    Effect.gen(function*() {
      const io = Io.makeTest()
      const fiber = yield* Effect.fork(
        Cli.run(["node", "asgardeo-scim", ...args]).pipe(
          Effect.provide(Layer.mergeAll(io.layer, backend, NodeContext.layer)),
          Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))
        )
      )
      // Retries back off on the TestClock.
      while (Option.isNone(yield* Fiber.poll(fiber))) yield* TestClock.adjust("1 second")
      const code = yield* Fiber.join(fiber)
      return { code, stdout: io.stdout(), stderr: io.stderr() }
    })
  return { emu, run }
})

const conn = [
  "--org",
  "acme",
  "--client-id",
  AsgardeoEmulator.defaultCredentials.clientId,
  "--base-url",
  AsgardeoEmulator.defaultBaseUrl
]

describe("cli", () => {
  it.effect("cli.secret-flag-warning", () =>
    Effect.gen(function*() {
      const { run } = yield* harness
      const runs: ReadonlyArray<readonly [Record<string, string>, ReadonlyArray<string>, string]> = [
        [{}, ["users", "list", ...conn, "--client-secret", secret, "--json"], "ASGARDEO_CLIENT_SECRET"],
        [{}, ["groups", "list", ...conn, `--client-secret=${secret}`], "ASGARDEO_CLIENT_SECRET"],
        [
          { ASGARDEO_CLIENT_SECRET: secret },
          ["users", "create", ...conn, "--email", "kim@example.com", "--password", password, "--json"],
          "ASGARDEO_USER_PASSWORD"
        ],
        [
          { ASGARDEO_CLIENT_SECRET: secret },
          ["users", "create", ...conn, "--email", "lee@example.com", `--password=${password}`],
          "ASGARDEO_USER_PASSWORD"
        ]
      ]
      for (const [env, args, variable] of runs) {
        const result = yield* run(env, args)
        assert.strictEqual(result.code, 0, result.stderr)
        const warnings = result.stderr.split("\n").filter((l) => l.startsWith("warning:"))
        assert.strictEqual(warnings.length, 1, result.stderr)
        assert.include(warnings[0], variable)
        assert.include(warnings[0], "process list")
        for (const value of [secret, password]) {
          assert.notInclude(result.stdout, value)
          assert.notInclude(result.stderr, value)
        }
      }
      const quiet = yield* run({ ASGARDEO_CLIENT_SECRET: secret }, ["users", "list", ...conn, "--json"])
      assert.strictEqual(quiet.stderr, "")
      results.observe(
        "cli.secret-flag-warning",
        runs.length,
        "one warning on stderr naming the variable; the secret in neither stream"
      )
    }))

  it.effect("cli.json-stdout-debug", () =>
    Effect.gen(function*() {
      const { emu, run } = yield* harness
      yield* emu.seedUsers([{ userName: "kim@example.com", emails: [{ value: "kim@example.com" }] }])
      yield* emu.seedGroups([{ displayName: "Engineering", members: ["kim@example.com"] }])
      const commands: ReadonlyArray<ReadonlyArray<string>> = [
        ["users", "list"],
        ["users", "get", "kim@example.com"],
        ["groups", "list"],
        ["groups", "get", "Engineering"]
      ]
      let logLines = 0
      for (const command of commands) {
        yield* emu.injectFault(AsgardeoEmulator.status(503, { times: 2, path: "/scim2/*" }))
        const result = yield* run({ ASGARDEO_CLIENT_SECRET: secret }, [
          "--log-level",
          "debug",
          ...command,
          ...conn,
          "--json"
        ])
        assert.strictEqual(result.code, 0, result.stderr)
        assert.doesNotThrow(() => JSON.parse(result.stdout), command.join(" "))
        const debug = result.stderr.split("\n").filter((l) => l.includes("level=DEBUG"))
        assert.isAtLeast(debug.length, 2, command.join(" "))
        logLines += debug.length
        assert.notInclude(result.stderr, secret)
      }
      results.observe(
        "cli.json-stdout-debug",
        commands.length,
        `stdout one JSON document every time; ${logLines} debug lines, all on stderr`
      )
    }))
})
