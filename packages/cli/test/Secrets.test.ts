// Secrets on the command line and where log lines go: a secret flag gets one warning on stderr
// that names the environment variable to use instead (never the secret); every log line goes to
// stderr, so `--json` output on stdout is exactly one JSON document even at debug level.
import { ExitCode, Flags } from "@asgardeo-scim/cli"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Option, TestClock } from "effect"
import { conn, harness, secretEnv } from "./utils.js"

const clientSecret = "emulator-secret"

describe("secrets on the command line", () => {
  it.effect("--client-secret works but warns once on stderr, naming ASGARDEO_CLIENT_SECRET, never the secret", () =>
    Effect.gen(function*() {
      const { runWith } = yield* harness()
      for (const flag of [["--client-secret", clientSecret], [`--client-secret=${clientSecret}`]]) {
        const result = yield* runWith({}, "users", "list", ...conn, ...flag, "--json")
        assert.strictEqual(result.code, 0, result.stderr)
        assert.deepStrictEqual(JSON.parse(result.stdout), [])
        const lines = result.stderr.split("\n")
        assert.strictEqual(lines.length, 1, result.stderr)
        assert.match(lines[0]!, /^warning: --client-secret .*process list.*shell history.*set ASGARDEO_CLIENT_SECRET/)
        assert.notInclude(result.stderr, clientSecret)
        assert.notInclude(result.stdout, clientSecret)
      }
      const quiet = yield* runWith(secretEnv, "users", "list", ...conn, "--json")
      assert.strictEqual(quiet.code, 0)
      assert.strictEqual(quiet.stderr, "", "no warning when the secret comes from the environment")
    }))

  it.effect("--password warns, naming ASGARDEO_USER_PASSWORD, which sets the password without a flag", () =>
    Effect.gen(function*() {
      const { runWith } = yield* harness()
      const password = "Flag-Passw0rd-7f3a"
      const flagged = yield* runWith(
        secretEnv,
        "users",
        "create",
        ...conn,
        "--email",
        "kim@example.com",
        "--password",
        password,
        "--json"
      )
      assert.strictEqual(flagged.code, 0, flagged.stderr)
      assert.match(flagged.stderr, /^warning: --password .*set ASGARDEO_USER_PASSWORD/)
      assert.notInclude(flagged.stderr, password)
      assert.notInclude(flagged.stdout, password)
      assert.strictEqual(JSON.parse(flagged.stdout).userName, "DEFAULT/kim@example.com")

      // From the environment: no warning, and the password is sent (the emulator's password
      // policy refuses a weak one; an invitation would have succeeded).
      const weak = yield* runWith(
        { ...secretEnv, ASGARDEO_USER_PASSWORD: "weak" },
        "users",
        "create",
        ...conn,
        "--email",
        "lee@example.com"
      )
      assert.strictEqual(weak.code, ExitCode.Failed)
      assert.include(weak.stderr, "Password must have at least 8 characters")
      assert.notInclude(weak.stderr, "warning")
      const strong = yield* runWith(
        { ...secretEnv, ASGARDEO_USER_PASSWORD: password },
        "users",
        "create",
        ...conn,
        "--email",
        "lee@example.com",
        "--json"
      )
      assert.strictEqual(strong.code, 0, strong.stderr)
      assert.strictEqual(strong.stderr, "")
      assert.notInclude(strong.stdout, password)
    }))

  it("every flag that carries a secret is listed with its variable", () => {
    assert.deepStrictEqual(Flags.secretFlags.map((f) => f.flag), ["--client-secret", "--bearer-token", "--password"])
    assert.deepStrictEqual(Flags.secretFlagWarnings(["users", "list", "--client-id", "x"]), [])
    const both = Flags.secretFlagWarnings(["--client-secret", "s", "--password=p"])
    assert.strictEqual(both.length, 2)
    for (const line of both) assert.notMatch(line, /\bs\b.*\bp\b/)
  })
})

describe("log lines", () => {
  it.effect("with --json at debug level, stdout is one JSON document and the log lines are on stderr", () =>
    Effect.gen(function*() {
      const { emu, run } = yield* harness()
      yield* emu.seedUsers([{ userName: "kim@example.com", emails: [{ value: "kim@example.com" }] }])
      // One 503: the client retries, and logs the retry at debug level.
      yield* emu.injectFault(AsgardeoEmulator.status(503, { path: "/scim2/Users*", times: 1 }))
      const fiber = yield* Effect.fork(run("--log-level", "debug", "users", "list", ...conn, "--json"))
      // The retry's backoff sleeps on the TestClock.
      while (Option.isNone(yield* Fiber.poll(fiber))) yield* TestClock.adjust("1 second")
      const result = yield* Fiber.join(fiber)
      assert.strictEqual(result.code, 0, result.stderr)
      const users = JSON.parse(result.stdout)
      assert.strictEqual(users.length, 1)
      assert.match(result.stderr, /level=DEBUG .*SCIM request failed \(503\), retry in/)
      assert.notInclude(result.stdout, "DEBUG")
      assert.notInclude(result.stderr, clientSecret)
    }))
})

describe("asgardeo-scim emulator", () => {
  it.effect("refuses a non-loopback --host with the default secret, naming EMULATOR_CLIENT_SECRET", () =>
    Effect.gen(function*() {
      const { runWith } = yield* harness()
      for (const host of ["0.0.0.0", "::"]) {
        const result = yield* runWith({}, "emulator", "--host", host, "--port", "0")
        assert.strictEqual(result.code, ExitCode.Usage, host)
        assert.match(result.stderr, /^error: emulator: refusing to listen on .*EMULATOR_CLIENT_SECRET/)
        assert.strictEqual(result.stdout, "")
      }
    }))
})
