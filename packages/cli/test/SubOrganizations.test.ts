// `--sub-org` (and ASGARDEO_SUB_ORG) on the in-process emulator's B2B tree, and `orgs list`: a
// user created in a sub-organization is not in the root; the embedded emulator of --emulator has
// one; each failure with its exit code: an unknown name 2, an ambiguous one 6, an application not
// shared with it 3, --sub-org on a generic target 2 (nothing sent).
import { Backend, Cli, ExitCode, Io } from "@asgardeo-scim/cli"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { HttpClient, HttpClientResponse } from "@effect/platform"
import { NodeContext } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer } from "effect"
import { conn, harness, secretEnv } from "./utils.js"

const tree = {
  subOrganizations: [
    { name: "ABC Builders", attributes: { Country: "USA" } },
    { name: "ABC East", parent: "ABC Builders" },
    { name: "Dormant", status: "DISABLED" as const }
  ]
}

const userNames = (stdout: string): Array<string> => JSON.parse(stdout).map((u: { userName: string }) => u.userName)

describe("--sub-org", () => {
  it.effect(
    "a user created in a sub-organization (by name) is there (by id), not in the root",
    () =>
      Effect.gen(function*() {
        const { emu, run, runWith } = yield* harness(tree)
        const abc = (yield* emu.subOrganizations).find((o) => o.name === "ABC Builders")!.id
        const created = yield* run(
          "users",
          "create",
          ...conn,
          "--sub-org",
          "ABC Builders",
          "--email",
          "kim@example.com",
          "--json"
        )
        assert.strictEqual(created.code, 0, created.stderr)
        const inSub = yield* run("users", "list", ...conn, "--sub-org", abc, "--json")
        assert.strictEqual(inSub.code, 0, inSub.stderr)
        assert.deepStrictEqual(userNames(inSub.stdout), ["DEFAULT/kim@example.com"])
        const inRoot = yield* run("users", "list", ...conn, "--json")
        assert.deepStrictEqual(userNames(inRoot.stdout), [])
        assert.strictEqual((yield* emu.snapshot({ organization: abc })).users.length, 1)
        assert.strictEqual((yield* emu.snapshot()).users.length, 0)
        // The requests went to /o/scim2 with a switched token.
        const log = yield* emu.log
        assert.isTrue(log.some((e) => e.method === "POST" && e.path === "/t/acme/o/scim2/Users"))
        assert.isFalse(log.some((e) => e.method === "POST" && e.path === "/t/acme/scim2/Users"))

        // ASGARDEO_SUB_ORG does the same; a group made there is not in the root either.
        const env = { ...secretEnv, ASGARDEO_SUB_ORG: "ABC East" }
        assert.strictEqual((yield* runWith(env, "groups", "create", ...conn, "Site crew")).code, 0)
        const groups = JSON.parse((yield* runWith(env, "groups", "list", ...conn, "--json")).stdout)
        assert.deepStrictEqual(groups.map((g: { displayName: string }) => g.displayName), ["DEFAULT/Site crew"])
        assert.deepStrictEqual(JSON.parse((yield* run("groups", "list", ...conn, "--json")).stdout), [])
        // The flag beats the variable.
        const flag = yield* runWith(env, "users", "list", ...conn, "--sub-org", "ABC Builders", "--json")
        assert.deepStrictEqual(userNames(flag.stdout), ["DEFAULT/kim@example.com"])
      }),
    { timeout: 20_000 }
  )

  it.effect(
    "an unknown name is exit 2; a disabled organization or an app not shared with it exit 3",
    () =>
      Effect.gen(function*() {
        const { run } = yield* harness(tree)
        const unknown = yield* run("users", "list", ...conn, "--sub-org", "Nowhere")
        assert.strictEqual(unknown.code, ExitCode.Usage, unknown.stderr)
        assert.match(unknown.stderr, /no sub-organization is named "Nowhere"/)
        const dormant = yield* run("users", "list", ...conn, "--sub-org", "Dormant")
        assert.strictEqual(dormant.code, ExitCode.Auth, dormant.stderr)
        assert.match(dormant.stderr, /deactivated state/)
        const blank = yield* run("users", "list", ...conn, "--sub-org", " ")
        assert.strictEqual(blank.code, ExitCode.Usage, blank.stderr)
        assert.match(blank.stderr, /--sub-org is empty/)

        const { run: runUnshared } = yield* harness({
          ...tree,
          apps: [{ ...AsgardeoEmulator.defaultCredentials, sharedWith: [] }]
        })
        const unshared = yield* runUnshared("users", "list", ...conn, "--sub-org", "ABC Builders")
        assert.strictEqual(unshared.code, ExitCode.Auth, unshared.stderr)
        assert.match(unshared.stderr, /refused to switch to the sub-organization .*have not shared the application/)
        assert.notInclude(unshared.stderr, "emulator-secret")
      }),
    { timeout: 20_000 }
  )

  it.effect("a name two organizations have is exit 6 and nothing is switched to", () =>
    Effect.gen(function*() {
      // The emulator keeps names unique in a root organization; this listing answers two twins.
      const twins = JSON.stringify({
        links: [],
        organizations: [
          { id: "0b7c5a3e-6a1f-4c59-9d3e-1f2a3b4c5d6e", name: "Twin", status: "ACTIVE" },
          { id: "6f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f", name: "Twin", status: "ACTIVE" }
        ]
      })
      const { emu, run } = yield* harness(tree, (client) =>
        HttpClient.make((request) =>
          new URL(request.url).pathname.endsWith("/api/server/v1/organizations")
            ? Effect.succeed(HttpClientResponse.fromWeb(
              request,
              new Response(twins, { status: 200, headers: { "content-type": "application/json" } })
            ))
            : client.execute(request)
        ))
      const result = yield* run("users", "list", ...conn, "--sub-org", "Twin")
      assert.strictEqual(result.code, ExitCode.Ambiguous, result.stderr)
      assert.include(result.stderr, "0b7c5a3e-6a1f-4c59-9d3e-1f2a3b4c5d6e")
      assert.isFalse((yield* emu.log).some((e) =>
        e.path.includes("/o/")
      ))
    }))

  it.effect("on a generic target --sub-org is a usage error before anything is sent", () =>
    Effect.gen(function*() {
      const { emu, runWith } = yield* harness(tree)
      const result = yield* runWith(
        { SCIM_TOKEN: "token" },
        "users",
        "list",
        "--scim-url",
        "https://emulator.invalid/t/acme/scim2",
        "--sub-org",
        "ABC Builders"
      )
      assert.strictEqual(result.code, ExitCode.Usage, result.stderr)
      assert.match(result.stderr, /--sub-org .*a generic SCIM server \(--scim-url\) has none/)
      assert.deepStrictEqual(yield* emu.log, [])
    }))
})

describe("orgs list", () => {
  it.effect(
    "the direct children, --recursive, --filter, --json; inside a sub-organization what is below it",
    () =>
      Effect.gen(function*() {
        const { emu, run } = yield* harness(tree)
        const table = yield* run("orgs", "list", ...conn)
        assert.strictEqual(table.code, 0, table.stderr)
        assert.match(table.stdout, /^ID\s+NAME\s+HANDLE\s+STATUS\s+CHILDREN\n/)
        assert.match(table.stdout, /ABC Builders\s+abcbuilders\s+ACTIVE\s+yes/)
        assert.match(table.stderr, /2 sub-organizations/)
        const names = (stdout: string) => JSON.parse(stdout).map((o: { name: string }) => o.name).sort()
        assert.deepStrictEqual(names((yield* run("orgs", "list", ...conn, "--json")).stdout), [
          "ABC Builders",
          "Dormant"
        ])
        const all = yield* run("orgs", "list", ...conn, "--recursive", "--json")
        assert.deepStrictEqual(names(all.stdout), ["ABC Builders", "ABC East", "Dormant"])
        const active = yield* run("orgs", "list", ...conn, "--recursive", "--filter", "status eq ACTIVE", "--json")
        assert.deepStrictEqual(names(active.stdout), ["ABC Builders", "ABC East"])
        const below = yield* run("orgs", "list", ...conn, "--sub-org", "ABC Builders", "--json")
        assert.strictEqual(below.code, 0, below.stderr)
        assert.deepStrictEqual(names(below.stdout), ["ABC East"])
        assert.isTrue((yield* emu.log).some((e) => e.path === "/t/acme/api/server/v1/organizations"))
      }),
    { timeout: 20_000 }
  )

  it.effect("without internal_organization_view exit 3; on a generic target exit 2", () =>
    Effect.gen(function*() {
      const { emu, runWith } = yield* harness({
        ...tree,
        apps: [{ clientId: "reader", clientSecret: "reader-secret", scopes: ["internal_user_mgt_list"] }]
      })
      const reader = ["--org", "acme", "--client-id", "reader", "--base-url", "https://emulator.invalid"]
      const missing = yield* runWith({ ASGARDEO_CLIENT_SECRET: "reader-secret" }, "orgs", "list", ...reader)
      assert.strictEqual(missing.code, ExitCode.Auth, missing.stderr)
      assert.match(missing.stderr, /needs the scope internal_organization_view, .*Organization Management API/)
      const generic = yield* runWith(
        { SCIM_TOKEN: "token" },
        "orgs",
        "list",
        "--scim-url",
        "https://emulator.invalid/t/acme/scim2"
      )
      assert.strictEqual(generic.code, ExitCode.Usage, generic.stderr)
      assert.isFalse((yield* emu.log).some((e) => e.path.includes("organizations")))
    }))
})

describe("--emulator --sub-org", () => {
  /** The CLI with the real backend: the embedded emulator `--emulator` starts. */
  const runEmbedded = (env: Readonly<Record<string, string>>, ...args: Array<string>) =>
    Effect.gen(function*() {
      const io = Io.makeTest({})
      const code = yield* Cli.run(["node", "asgardeo-scim", ...args]).pipe(
        Effect.provide(Layer.mergeAll(io.layer, Backend.layer, NodeContext.layer)),
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))
      )
      return { code, stdout: io.stdout(), stderr: io.stderr() }
    })

  it.effect("the embedded emulator has a sub-organization to act in; ASGARDEO_SUB_ORG is not read there", () =>
    Effect.gen(function*() {
      const orgs = yield* runEmbedded({}, "orgs", "list", "--emulator", "--json")
      assert.strictEqual(orgs.code, 0, orgs.stderr)
      assert.deepStrictEqual(JSON.parse(orgs.stdout).map((o: { name: string }) => o.name), [
        Backend.embeddedSubOrganization
      ])
      const created = yield* runEmbedded(
        { ASGARDEO_USER_PASSWORD: "Passw0rd!x" },
        "users",
        "create",
        "--emulator",
        "--sub-org",
        Backend.embeddedSubOrganization,
        "--email",
        "kim@example.com"
      )
      assert.strictEqual(created.code, 0, created.stderr)
      const ignored = yield* runEmbedded({ ASGARDEO_SUB_ORG: "Nowhere" }, "users", "list", "--emulator")
      assert.strictEqual(ignored.code, 0, ignored.stderr)
      const unknown = yield* runEmbedded({}, "users", "list", "--emulator", "--sub-org", "Nowhere")
      assert.strictEqual(unknown.code, ExitCode.Usage, unknown.stderr)
    }))
})
