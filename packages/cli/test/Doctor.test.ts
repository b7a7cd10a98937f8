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

describe("asgardeo-scim doctor: organization switch and roles", () => {
  const one = { subOrganizations: [{ name: "ABC Builders" }] }
  const app = (more: Omit<AsgardeoEmulator.App, "clientId" | "clientSecret">) => ({
    ...one,
    apps: [{ ...AsgardeoEmulator.defaultCredentials, ...more }]
  })
  type Entry = { method: string; path: string }
  const onlyReads = (log: ReadonlyArray<Entry>) =>
    log.every((e) => e.method === "GET" || e.path.endsWith("/oauth2/token"))

  it.effect(
    "ok: a token for the first listed sub-organization, nothing written; the Roles API checked",
    () =>
      Effect.gen(function*() {
        const { emu, run } = yield* harness(one)
        const result = yield* run("doctor", ...conn, "--json")
        assert.strictEqual(result.code, ExitCode.Ok, result.stderr)
        const report = JSON.parse(result.stdout)
        assert.strictEqual(report.verdict, "ok")
        assert.strictEqual(report.organizationSwitch.state, "ok")
        assert.strictEqual(report.organizationSwitch.organization.name, "ABC Builders")
        assert.isNull(report.organizationSwitch.reason)
        assert.strictEqual(report.rolesApi, "v2")
        const rows = report.commands.filter((c: { command: string }) => c.command === "roles create")
        assert.deepStrictEqual(rows.map((c: { scopes: Array<string> }) => c.scopes), [["internal_role_mgt_create"]])
        assert.isTrue(report.commands.some((c: { command: string }) => c.command === "orgs list"))
        const log = yield* emu.log
        assert.isTrue(onlyReads(log))
        assert.isTrue(log.some((e) => e.path === "/t/acme/api/server/v1/organizations"))
        const text = yield* run("doctor", ...conn)
        assert.match(text.stdout, /ORGANIZATION SWITCH\nok: a token for ABC Builders \(/)

        // No sub-organization: not checked, and still ok.
        const { run: runBare } = yield* harness()
        const bare = JSON.parse((yield* runBare("doctor", ...conn, "--json")).stdout)
        assert.deepStrictEqual(bare.organizationSwitch, {
          state: "not checked",
          organization: null,
          reason: "no sub-organization is listed"
        })
        assert.strictEqual(bare.verdict, "ok")
      }),
    { timeout: 20_000 }
  )

  it.effect(
    "failing switch (reported, not counted: ok, exit 0): not shared, grant not enabled, the M2M template",
    () =>
      Effect.gen(function*() {
        const cases: ReadonlyArray<readonly [Omit<AsgardeoEmulator.App, "clientId" | "clientSecret">, RegExp]> = [
          [{ sharedWith: [] }, /the application is not shared with this sub-organization/],
          [{ grants: ["client_credentials"] }, /may not use the organization-switch grant/],
          [{ template: "m2m" }, /may not use the organization-switch grant: .*M2M template/]
        ]
        for (const [more, reason] of cases) {
          const { emu, run } = yield* harness(app(more))
          const result = yield* run("doctor", ...conn, "--json")
          assert.strictEqual(result.code, ExitCode.Ok, `${JSON.stringify(more)}: ${result.stderr}`)
          const report = JSON.parse(result.stdout)
          assert.strictEqual(report.organizationSwitch.state, "failing")
          assert.strictEqual(report.organizationSwitch.organization.name, "ABC Builders")
          assert.match(report.organizationSwitch.reason, reason)
          // An application that never acts in a sub-organization need not switch.
          assert.strictEqual(report.verdict, "ok")
          assert.deepStrictEqual(report.problems, [])
          assert.isTrue(onlyReads(yield* emu.log))
          assert.match((yield* run("doctor", ...conn)).stdout, /failing for ABC Builders \(.*\): /)
        }
      }),
    { timeout: 30_000 }
  )

  it.effect(
    "a deactivated sub-organization listed first is passed over: the switch is tried in an active one",
    () =>
      Effect.gen(function*() {
        const { run } = yield* harness({
          subOrganizations: [{ name: "ZZZ Active" }, { name: "AAA Dormant", status: "DISABLED" as const }]
        })
        const report = JSON.parse((yield* run("doctor", ...conn, "--json")).stdout)
        assert.strictEqual(report.organizationSwitch.state, "ok", report.organizationSwitch.reason)
        assert.strictEqual(report.organizationSwitch.organization.name, "ZZZ Active")

        // Only deactivated ones: not checked, with the reason (a switch into one always fails).
        const { run: runDormant } = yield* harness({
          subOrganizations: [{ name: "Dormant", status: "DISABLED" as const }]
        })
        const dormant = JSON.parse((yield* runDormant("doctor", ...conn, "--json")).stdout)
        assert.strictEqual(dormant.organizationSwitch.state, "not checked")
        assert.match(dormant.organizationSwitch.reason, /no active sub-organization is listed/)
      }),
    { timeout: 20_000 }
  )

  it.effect("without internal_organization_view the switch cannot be tried: counted with the scopes", () =>
    Effect.gen(function*() {
      const scopes = AsgardeoEmulator.allScopes.filter((s) => !s.endsWith("organization_view"))
      const { run } = yield* harness(app({ scopes }))
      const result = yield* run("doctor", ...conn, "--json")
      assert.strictEqual(result.code, ExitCode.Failed, result.stderr)
      const report = JSON.parse(result.stdout)
      assert.strictEqual(report.organizationSwitch.state, "failing")
      assert.isNull(report.organizationSwitch.organization)
      assert.match(report.organizationSwitch.reason, /lacks internal_organization_view/)
      const orgs = report.commands.find((c: { command: string }) => c.command === "orgs list")
      assert.deepStrictEqual(orgs.missing, ["internal_organization_view"])
      assert.strictEqual(report.problems.length, 1)
      assert.match(report.problems[0].message, /lacks scopes for 1 command: internal_organization_view$/)
    }))

  it.effect(
    "--sub-org: the check is the sub-organization's token (exit 3 when refused); scopes in internal_org_ form",
    () =>
      Effect.gen(function*() {
        const { run } = yield* harness(one)
        const result = yield* run("doctor", ...conn, "--sub-org", "ABC Builders", "--json")
        assert.strictEqual(result.code, ExitCode.Ok, result.stderr)
        const report = JSON.parse(result.stdout)
        assert.strictEqual(report.target.scimBaseUrl, "https://emulator.invalid/t/acme/o/scim2")
        assert.deepStrictEqual(report.organizationSwitch, {
          state: "ok",
          organization: { id: null, name: "ABC Builders" },
          reason: null
        })
        const list = report.commands.find((c: { command: string }) => c.command === "users list")
        assert.deepStrictEqual(list.scopes, ["internal_org_user_mgt_list"])
        assert.deepStrictEqual(list.missing, [])

        const { run: runUnshared } = yield* harness(app({ sharedWith: [] }))
        const refused = yield* runUnshared("doctor", ...conn, "--sub-org", "ABC Builders", "--json")
        assert.strictEqual(refused.code, ExitCode.Auth, refused.stderr)
        const failed = JSON.parse(refused.stdout)
        assert.strictEqual(failed.verdict, "failing")
        assert.strictEqual(failed.organizationSwitch.state, "failing")
        assert.match(failed.organizationSwitch.reason, /not shared with this sub-organization/)
      }),
    { timeout: 20_000 }
  )

  it.effect("an app authorized for Roles v3: the roles commands' v3 scopes are the ones checked", () =>
    Effect.gen(function*() {
      const { run } = yield* harness({ apps: [{ ...AsgardeoEmulator.defaultCredentials, rolesApi: "v3" }] })
      const report = JSON.parse((yield* run("doctor", ...conn, "--json")).stdout)
      assert.strictEqual(report.rolesApi, "v3")
      assert.strictEqual(report.verdict, "ok")
      const create = report.commands.filter((c: { command: string }) => c.command === "roles create")
      assert.deepStrictEqual(create.map((c: { scopes: Array<string> }) => c.scopes), [[
        "internal_role_mgt_meta_create"
      ]])
    }))
})
