// `asgardeo-scim doctor` on the in-process emulator: each verdict with its exit code (ok 0,
// degraded 1, failing 3 or 4), what it reads (and that it writes nothing), the scopes per command,
// the discovery documents present / absent / malformed, and the rate-limit headers it sees.
import { ExitCode } from "@asgardeo-scim/cli"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Option, TestClock } from "effect"
import { conn, harness } from "./utils.js"

const readerApps = {
  apps: [
    { clientId: "emulator-client", clientSecret: "emulator-secret" },
    { clientId: "reader", clientSecret: "reader-secret", scopes: ["internal_user_mgt_list", "internal_group_mgt_view"] }
  ]
}
const reader = ["--org", "acme", "--client-id", "reader", "--base-url", "https://emulator.invalid"]

describe("asgardeo-scim doctor", () => {
  it.effect("ok: every scope, every document, only reads; --json is the report", () =>
    Effect.gen(function*() {
      const { emu, run } = yield* harness()
      const result = yield* run("doctor", ...conn, "--json")
      assert.strictEqual(result.code, ExitCode.Ok, result.stderr)
      const report = JSON.parse(result.stdout)
      assert.strictEqual(report.verdict, "ok")
      assert.deepStrictEqual(report.problems, [])
      assert.strictEqual(report.target.dialect, "asgardeo")
      assert.strictEqual(report.target.scimBaseUrl, "https://emulator.invalid/t/acme/scim2")
      assert.strictEqual(report.token.state, "obtained")
      assert.include(report.token.grantedScopes, "internal_user_mgt_create")
      assert.isTrue(
        report.commands.every((c: { missing: Array<string>; checked: boolean }) => c.checked && c.missing.length === 0)
      )
      assert.strictEqual(report.discovery.serviceProviderConfig.state, "present")
      assert.strictEqual(report.discovery.schemas.state, "present")
      assert.strictEqual(report.discovery.resourceTypes.state, "present")
      assert.isTrue(report.advertised.patch)
      // Client-side budgets are on by default only for hosts on asgardeo.io.
      assert.isNull(report.budgets.rateLimits)
      assert.strictEqual(report.budgets.pageSize, 100)
      assert.deepStrictEqual(report.rateLimitHeaders.seen, [])
      assert.isTrue(report.rateLimitHeaders.answers >= 5)
      assert.include(report.quirks, "user stores: a bare name means DEFAULT")
      // Read-only: every request a GET, or the token request.
      for (const entry of yield* emu.log) {
        assert.isTrue(entry.method === "GET" || entry.path.endsWith("/oauth2/token"), `${entry.method} ${entry.path}`)
      }
      const text = yield* run("doctor", ...conn)
      assert.strictEqual(text.code, 0)
      assert.match(text.stdout, /verdict: ok$/)
      assert.include(text.stdout, "every command has the scopes it needs")
      assert.match(text.stdout, /rate limits:\s+off \(client side\)/)
      assert.notInclude(text.stdout + text.stderr, "emulator-secret")
    }), { timeout: 20_000 })

  it.effect(
    "degraded (exit 1): missing scopes per command; an absent and a malformed discovery document",
    () =>
      Effect.gen(function*() {
        const { emu, runWith } = yield* harness(readerApps)
        const env = { ASGARDEO_CLIENT_SECRET: "reader-secret" }
        const scopes = yield* runWith(env, "doctor", ...reader, "--json")
        assert.strictEqual(scopes.code, ExitCode.Failed, scopes.stderr)
        const report = JSON.parse(scopes.stdout)
        assert.strictEqual(report.verdict, "degraded")
        const create = report.commands.find((c: { command: string }) => c.command === "users create")
        assert.deepStrictEqual(create.missing, ["internal_user_mgt_create"])
        const list = report.commands.find((c: { command: string }) => c.command === "users list")
        assert.deepStrictEqual(list.missing, [])
        assert.match(report.problems[0].message, /lacks scopes for \d+ commands: .*internal_user_mgt_create/)
        const text = yield* runWith(env, "doctor", ...reader)
        assert.match(text.stdout, /users create\s+internal_user_mgt_create/)
        assert.match(text.stdout, /verdict: degraded$/)

        yield* emu.injectFault(AsgardeoEmulator.status(404, { path: "/scim2/Schemas" }))
        yield* emu.injectFault(AsgardeoEmulator.malformedBody({ path: "/scim2/ResourceTypes" }))
        const docs = yield* runWith({ ASGARDEO_CLIENT_SECRET: "emulator-secret" }, "doctor", ...conn, "--json")
        assert.strictEqual(docs.code, ExitCode.Failed, docs.stderr)
        const r = JSON.parse(docs.stdout)
        assert.deepStrictEqual(r.discovery.schemas, { state: "absent", status: 404 })
        assert.strictEqual(r.discovery.resourceTypes.state, "malformed")
        assert.strictEqual(r.verdict, "degraded")
      }),
    { timeout: 20_000 }
  )

  it.effect("failing: bad credentials exit 3; a server down exit 4; Retry-After is seen", () =>
    Effect.gen(function*() {
      const { emu, run, runWith } = yield* harness()
      const bad = yield* runWith({ ASGARDEO_CLIENT_SECRET: "Wrong-Doctor-Sekrit" }, "doctor", ...conn, "--json")
      assert.strictEqual(bad.code, ExitCode.Auth, bad.stderr)
      const report = JSON.parse(bad.stdout)
      assert.strictEqual(report.verdict, "failing")
      assert.strictEqual(report.token.state, "failed")
      assert.notInclude(bad.stdout + bad.stderr, "Wrong-Doctor-Sekrit")

      yield* emu.injectFault(AsgardeoEmulator.status(503, { path: "/scim2/*" }))
      const fiber = yield* Effect.fork(run("doctor", ...conn, "--json"))
      while (Option.isNone(yield* Fiber.poll(fiber))) yield* TestClock.adjust("1 second")
      const down = yield* Fiber.join(fiber)
      assert.strictEqual(down.code, ExitCode.Server, down.stderr)
      assert.strictEqual(JSON.parse(down.stdout).verdict, "failing")
      yield* emu.clearFaults

      yield* emu.injectFault(AsgardeoEmulator.tooManyRequests({ path: "/scim2/Users*", times: 1 }, 1))
      const limited = yield* Effect.fork(run("doctor", ...conn, "--json"))
      while (Option.isNone(yield* Fiber.poll(limited))) yield* TestClock.adjust("1 second")
      const seen = yield* Fiber.join(limited)
      assert.strictEqual(seen.code, ExitCode.Ok, seen.stderr)
      assert.deepStrictEqual(JSON.parse(seen.stdout).rateLimitHeaders.seen, ["retry-after"])
    }), { timeout: 20_000 })
})
