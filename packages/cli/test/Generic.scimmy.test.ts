// The CLI on a generic target against SCIMMY (a third-party RFC 7644 server on a real socket,
// see packages/directory/test/utils/ScimmyServer.ts), with a static bearer token: the users and
// groups commands by name, the raw resource commands, doctor, and the token never in any output;
// SCIMMY in its default and strict modes.
import { Backend, Cli, ExitCode, Io } from "@asgardeo-scim/cli"
import { NodeContext } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as ScimmyServer from "../../directory/test/utils/ScimmyServer.js"

const token = "Scimmy-Bearer-Sekrit-5d1e"

const cli = (env: Readonly<Record<string, string>>, args: ReadonlyArray<string>, stdin?: string) =>
  Effect.gen(function*() {
    const io = Io.makeTest(stdin === undefined ? {} : { stdin })
    const code = yield* Cli.run(["node", "asgardeo-scim", ...args]).pipe(
      Effect.provide(Layer.mergeAll(io.layer, Backend.layer, NodeContext.layer)),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))
    )
    return { code, stdout: io.stdout(), stderr: io.stderr() }
  })

const suite = (strict: boolean) => {
  const withServer = <A, E>(
    f: (
      run: (...args: Array<string>) => Effect.Effect<{ code: number; stdout: string; stderr: string }>,
      server: ScimmyServer.ScimmyServer,
      env: Readonly<Record<string, string>>
    ) => Effect.Effect<A, E>
  ) =>
    Effect.gen(function*() {
      const server = yield* ScimmyServer.Scimmy
      const env = { SCIM_BASE_URL: server.baseUrl, SCIM_TOKEN: token }
      return yield* f((...args) => cli(env, args), server, env)
    }).pipe(Effect.provide(ScimmyServer.layerWith({ token, strict })))

  const scan = (result: { stdout: string; stderr: string }) => assert.notInclude(result.stdout + result.stderr, token)

  describe(`the CLI on SCIMMY (generic target, bearer token, ${strict ? "strict" : "default"} mode)`, () => {
    it.live("users and groups by name: create, get, patch, deactivate, reactivate, rename, members, delete", () =>
      withServer((run, _server, env) =>
        Effect.gen(function*() {
          const results: Array<{ code: number; stdout: string; stderr: string }> = []
          const step = (...args: Array<string>) =>
            Effect.tap(run(...args), (r) => {
              results.push(r)
              assert.strictEqual(r.code, 0, `${args.join(" ")}: ${r.stderr}`)
            })
          const kim = JSON.parse(
            (yield* step("users", "create", "--email", "kim@example.com", "--user-name", "kim", "--json")).stdout
          )
          assert.strictEqual(kim.userName, "kim")
          assert.strictEqual(JSON.parse((yield* step("users", "get", "kim", "--json")).stdout).id, kim.id)
          const patched = yield* cli(
            env,
            ["users", "patch", "--operations", "-", "kim", "--json"],
            JSON.stringify([{ op: "replace", path: "title", value: "Engineer" }])
          )
          results.push(patched)
          assert.strictEqual(patched.code, 0, patched.stderr)
          assert.strictEqual(JSON.parse(patched.stdout).title, "Engineer")
          yield* step("users", "deactivate", "kim")
          assert.isFalse(JSON.parse((yield* step("users", "get", "kim", "--json")).stdout).active)
          yield* step("users", "reactivate", "kim")
          assert.isTrue(JSON.parse((yield* step("users", "get", "kim", "--json")).stdout).active)

          yield* step("groups", "create", "Engineering")
          yield* step("groups", "add-member", "Engineering", "kim")
          yield* step("groups", "rename", "Engineering", "Platform")
          const platform = JSON.parse((yield* step("groups", "get", "Platform", "--json")).stdout)
          assert.deepStrictEqual(platform.members.map((m: { value: string }) => m.value), [kim.id])
          assert.strictEqual((yield* run("groups", "get", "Engineering")).code, ExitCode.Failed)
          yield* step("groups", "delete", "Platform")
          yield* step("users", "delete", "kim")
          const gone = yield* run("users", "get", "kim")
          assert.strictEqual(gone.code, ExitCode.Failed)
          // No user stores on a generic target: --all-stores is refused before sending.
          const stores = yield* run("users", "get", "--all-stores", "kim")
          assert.strictEqual(stores.code, ExitCode.Usage, stores.stderr)
          for (const r of [...results, gone, stores]) scan(r)
        })
      ))

    it.live("the hr commands: setup, onboard from a CSV, change-role, offboard", () =>
      withServer((run, server) =>
        Effect.gen(function*() {
          const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "asgardeo-cli-")), "employees.csv")
          fs.writeFileSync(
            file,
            "employeeId,email,firstName,lastName,department,role\n" +
              "E1,ann@example.com,Ann,Lee,Engineering,employee\nE2,bob@example.com,Bob,Kim,HR,hr_manager\n"
          )
          const setup = yield* run("hr", "setup", "--json")
          assert.strictEqual(setup.code, 0, setup.stderr)
          const onboard = yield* run("hr", "onboard", file, "--json")
          assert.strictEqual(onboard.code, 0, onboard.stdout + onboard.stderr)
          assert.strictEqual(server.users().length, 2)
          const change = yield* run("hr", "change-role", "ann@example.com", "hr_manager")
          assert.strictEqual(change.code, 0, change.stderr)
          const off = yield* run("hr", "offboard", "bob@example.com", "--delete")
          assert.strictEqual(off.code, 0, off.stderr)
          assert.strictEqual(server.users().length, 1)
          for (const r of [setup, onboard, change, off]) scan(r)
        })
      ))

    it.live("raw commands: create, get, search, replace, patch, delete; an unlisted endpoint is refused", () =>
      withServer((run, _server, env) =>
        Effect.gen(function*() {
          const created = yield* cli(env, ["create", "--data", "-", "/Users"], JSON.stringify({ userName: "lee" }))
          assert.strictEqual(created.code, 0, created.stderr)
          const lee = JSON.parse(created.stdout)
          assert.strictEqual(JSON.parse((yield* run("get", "/Users", lee.id)).stdout).userName, "lee")
          const search = yield* cli(
            env,
            ["search", "--data", "-", "Users"],
            JSON.stringify({ filter: "userName eq \"lee\"" })
          )
          assert.strictEqual(search.code, 0, search.stderr)
          assert.strictEqual(JSON.parse(search.stdout).Resources[0].id, lee.id)
          const replaced = yield* cli(
            env,
            ["replace", "--data", "-", "/Users", lee.id],
            JSON.stringify({ userName: "lee", displayName: "Lee" })
          )
          assert.strictEqual(replaced.code, 0, replaced.stderr)
          assert.strictEqual(JSON.parse(replaced.stdout).displayName, "Lee")
          const patched = yield* cli(
            env,
            ["patch", "--data", "-", "/Users", lee.id],
            JSON.stringify({ Operations: [{ op: "add", path: "title", value: "Lead" }] })
          )
          assert.strictEqual(patched.code, 0, patched.stderr)
          assert.strictEqual(JSON.parse(patched.stdout).title, "Lead")
          assert.strictEqual((yield* run("delete", "/Users", lee.id)).code, 0)
          assert.strictEqual((yield* run("get", "/Users", lee.id)).code, ExitCode.Failed)
          const devices = yield* run("get", "/Devices", "x")
          assert.strictEqual(devices.code, ExitCode.Usage)
          assert.match(devices.stderr, /\/Devices is not an endpoint the server lists/)
        })
      ))

    it.live("doctor: ok with a static token (scopes not reported), rfc7644 dialect, SCIMMY's advertised features", () =>
      withServer((run) =>
        Effect.gen(function*() {
          const result = yield* run("doctor", "--json")
          assert.strictEqual(result.code, ExitCode.Ok, result.stdout)
          const report = JSON.parse(result.stdout)
          assert.strictEqual(report.verdict, "ok")
          assert.strictEqual(report.target.dialect, "rfc7644")
          assert.strictEqual(report.target.auth, "static bearer token")
          assert.strictEqual(report.token.state, "static")
          assert.isNull(report.token.grantedScopes)
          assert.isTrue(report.commands.every((c: { checked: boolean }) => !c.checked))
          assert.strictEqual(report.discovery.serviceProviderConfig.state, "present")
          assert.strictEqual(report.advertised.bulk.maxOperations, ScimmyServer.MAX_OPERATIONS)
          assert.isTrue(report.advertised.patch)
          assert.include(report.quirks, "no user stores: '/' in a name is an ordinary character")
          scan(result)
          const text = yield* run("doctor")
          assert.include(text.stdout, "not checked (this target does not report or check scopes)")
          assert.match(text.stdout, /verdict: ok$/)
        })
      ))

    it.live("a wrong bearer token: exit 3 for commands and for doctor; the token is never printed, at any log level", () =>
      withServer((_run, server) =>
        Effect.gen(function*() {
          const wrong = "Wrong-Bearer-Sekrit-c0ffee"
          for (const args of [["users", "list"], ["doctor", "--json"], ["get", "/Users", "x"]]) {
            const result = yield* cli(
              {},
              ["--log-level", "debug", ...args, "--scim-url", server.baseUrl, "--bearer-token", wrong]
            )
            assert.strictEqual(result.code, ExitCode.Auth, `${args.join(" ")}: ${result.stdout}${result.stderr}`)
            assert.match(result.stderr, /^warning: --bearer-token .*set SCIM_TOKEN/)
            assert.notInclude(result.stdout + result.stderr, wrong)
          }
          const right = yield* cli({}, [
            "--log-level",
            "debug",
            "users",
            "list",
            "--json",
            "--scim-url",
            server.baseUrl,
            "--bearer-token",
            token
          ])
          assert.strictEqual(right.code, 0, right.stderr)
          scan(right)
        })
      ))
  })
}

suite(false)
suite(true)
