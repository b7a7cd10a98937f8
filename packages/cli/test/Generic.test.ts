// The generic target (any SCIM 2.0 server: `--scim-url`/`SCIM_BASE_URL` with a bearer token or a
// token URL and client credentials) on the in-process emulator: every command works on it, its
// configuration errors are usage errors that name the setting, and no secret ever reaches stdout,
// stderr or the log lines.
import { ExitCode } from "@asgardeo-scim/cli"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { harness } from "./utils.js"

const scimUrl = "https://emulator.invalid/t/acme/scim2"
const tokenUrl = "https://emulator.invalid/t/acme/oauth2/token"
const secret = "Generic-Sekrit-9f2c7e"
const env = {
  SCIM_BASE_URL: scimUrl,
  SCIM_TOKEN_URL: tokenUrl,
  SCIM_CLIENT_ID: "generic-client",
  SCIM_CLIENT_SECRET: secret,
  SCIM_SCOPES: AsgardeoEmulator.allScopes.join(" ")
}
const apps = [{ clientId: "generic-client", clientSecret: secret }]

describe("generic target", () => {
  it.effect("from SCIM_* variables: users and groups commands work end to end", () =>
    Effect.gen(function*() {
      const { emu, runWith } = yield* harness({ apps })
      const run = (...args: Array<string>) => runWith(env, ...args)
      // The emulator (an Asgardeo) wants a password or an invitation; a generic target sends no
      // askPassword, so the password comes from ASGARDEO_USER_PASSWORD.
      const created = yield* runWith(
        { ...env, ASGARDEO_USER_PASSWORD: "Passw0rd-Generic-1" },
        "users",
        "create",
        "--email",
        "kim@example.com",
        "--json"
      )
      assert.strictEqual(created.code, 0, created.stderr)
      const kim = JSON.parse(created.stdout)
      const listed = yield* run("users", "list", "--json")
      assert.deepStrictEqual(JSON.parse(listed.stdout).map((u: { id: string }) => u.id), [kim.id])
      assert.strictEqual((yield* run("users", "get", kim.id)).code, 0)
      // By id: the emulator answers names with Asgardeo's "DEFAULT/" prefix, which a generic
      // target (no user stores) takes literally. Lookups by name: Generic.scimmy.test.ts.
      const engineering = JSON.parse((yield* run("groups", "create", "Engineering", "--json")).stdout)
      const added = yield* run("groups", "add-member", engineering.id, kim.id, "--json")
      assert.strictEqual(added.code, 0, added.stderr)
      const group = JSON.parse((yield* run("groups", "get", engineering.id, "--json")).stdout)
      assert.deepStrictEqual(group.members.map((m: { value: string }) => m.value), [kim.id])
      assert.strictEqual((yield* run("users", "deactivate", kim.id)).code, 0)
      assert.strictEqual((yield* run("users", "reactivate", kim.id)).code, 0)
      assert.strictEqual((yield* run("hr", "setup", "--json")).code, 0)
      assert.strictEqual((yield* run("users", "delete", kim.id)).code, 0)
      // Every request went to the generic URLs: a token from the token URL, SCIM under the base URL.
      const log = yield* emu.log
      assert.isTrue(log.length > 0)
      for (const entry of log) assert.match(entry.path, /^\/t\/acme\/(scim2|oauth2\/token)/)
    }))

  it.effect("the flags instead of the variables; --client-secret and --bearer-token warn, never print the secret", () =>
    Effect.gen(function*() {
      const { runWith } = yield* harness({ apps })
      const flagged = yield* runWith(
        { SCIM_SCOPES: env.SCIM_SCOPES },
        "--log-level",
        "debug",
        "users",
        "list",
        "--scim-url",
        scimUrl,
        "--token-url",
        tokenUrl,
        "--client-id",
        "generic-client",
        "--client-secret",
        secret,
        "--json"
      )
      assert.strictEqual(flagged.code, 0, flagged.stderr)
      assert.match(flagged.stderr, /^warning: --client-secret .*SCIM_CLIENT_SECRET/)
      assert.notInclude(flagged.stdout + flagged.stderr, secret)
      // A flag beats the environment: --token-url leaves SCIM_TOKEN aside.
      const beats = yield* runWith({ ...env, SCIM_TOKEN: "Ignored-Token-1" }, "users", "list", "--token-url", tokenUrl)
      assert.strictEqual(beats.code, 0, beats.stderr)
      // A wrong secret and a wrong bearer token: exit code 3, the values named nowhere.
      const wrong = "Wrong-Sekrit-41d8aa"
      const bad = yield* runWith({ ...env, SCIM_CLIENT_SECRET: wrong }, "--log-level", "debug", "users", "list")
      assert.strictEqual(bad.code, ExitCode.Auth, bad.stderr)
      assert.notInclude(bad.stdout + bad.stderr, wrong)
      const token = "Bearer-Sekrit-77e1f0"
      const bearer = yield* runWith(
        {},
        "--log-level",
        "debug",
        "users",
        "list",
        "--scim-url",
        scimUrl,
        "--bearer-token",
        token
      )
      assert.strictEqual(bearer.code, ExitCode.Auth, bearer.stderr)
      assert.match(bearer.stderr, /^warning: --bearer-token .*set SCIM_TOKEN/)
      assert.notInclude(bearer.stdout + bearer.stderr, token)
    }))

  it.effect("configuration errors are usage errors (exit code 2) that name the setting; nothing is sent", () =>
    Effect.gen(function*() {
      const { emu, runWith } = yield* harness({ apps })
      const cases: ReadonlyArray<readonly [Record<string, string>, ReadonlyArray<string>, RegExp]> = [
        [{ SCIM_BASE_URL: scimUrl }, [], /SCIM_TOKEN is not set\. Export it or pass --bearer-token/],
        [{ SCIM_BASE_URL: scimUrl, SCIM_TOKEN_URL: tokenUrl }, [], /SCIM_CLIENT_ID and SCIM_CLIENT_SECRET are not set/],
        [{ ...env, SCIM_TOKEN: "t" }, [], /SCIM_TOKEN and SCIM_TOKEN_URL are both set/],
        [{ SCIM_BASE_URL: scimUrl }, ["--bearer-token", "t", "--token-url", tokenUrl], /two ways to authenticate/],
        [{ ...env, ASGARDEO_ORG: "acme" }, [], /both SCIM_BASE_URL and ASGARDEO_ORG are set/],
        [{}, ["--scim-url", scimUrl, "--org", "acme"], /--org and --scim-url name two targets/],
        [env, ["--base-url", "https://api.asgardeo.io"], /--org and --base-url are Asgardeo settings/],
        [{ ...env, SCIM_BASE_URL: "http://scim.example.com/scim/v2" }, [], /scimBaseUrl/],
        [{ ...env, SCIM_BASE_URL: "" }, ["--org", "acme"], /ASGARDEO_CLIENT_ID and ASGARDEO_CLIENT_SECRET are not set/]
      ]
      for (const [vars, flags, expected] of cases) {
        const result = yield* runWith(vars, "users", "list", ...flags)
        assert.strictEqual(result.code, ExitCode.Usage, `${JSON.stringify(vars)} ${flags.join(" ")}: ${result.stderr}`)
        assert.match(result.stderr, expected)
      }
      assert.deepStrictEqual(yield* emu.log, [])
    }))
})
