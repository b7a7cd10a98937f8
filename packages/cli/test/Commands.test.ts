// The everyday commands (users patch/reactivate, groups rename/delete) and the raw resource
// commands (get, search, create, replace, patch, delete) on the in-process emulator: the happy
// paths, and each failure with its exit code: bad input (nothing sent), not found, ambiguous,
// missing scope.
import { ExitCode } from "@asgardeo-scim/cli"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { conn, harness, secretEnv } from "./utils.js"

const tmp = (name: string, content: string) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "asgardeo-cli-")), name)
  fs.writeFileSync(file, content)
  return file
}

const stores = { quirks: { userStores: ["DEFAULT", "PARTNERS"] } }

/** An app allowed only to read: every write fails its scope check before it is sent. */
const readerApps = {
  apps: [
    { clientId: "emulator-client", clientSecret: "emulator-secret" },
    {
      clientId: "reader",
      clientSecret: "reader-secret",
      scopes: ["internal_user_mgt_list", "internal_user_mgt_view", "internal_group_mgt_view"]
    }
  ]
}
const reader = ["--org", "acme", "--client-id", "reader", "--base-url", "https://emulator.invalid"]
const readerEnv = { ASGARDEO_CLIENT_SECRET: "reader-secret" }

describe("users patch and reactivate", () => {
  it.effect("patch from a file (an array) and from stdin (a PatchOp message); reactivate after deactivate", () =>
    Effect.gen(function*() {
      const { emu, run, runIo } = yield* harness()
      const [kim] = yield* emu.seedUsers([{ userName: "kim@example.com", emails: [{ value: "kim@example.com" }] }])
      const ops = tmp("ops.json", JSON.stringify([{ op: "replace", path: "name.givenName", value: "Kim" }]))
      const fromFile = yield* run("users", "patch", ...conn, "--operations", ops, "kim@example.com", "--json")
      assert.strictEqual(fromFile.code, 0, fromFile.stderr)
      assert.strictEqual(JSON.parse(fromFile.stdout).name.givenName, "Kim")
      const message = {
        schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        Operations: [{ op: "add", value: { title: "Engineer" } }]
      }
      const fromStdin = yield* runIo(
        { stdin: JSON.stringify(message) },
        secretEnv,
        "users",
        "patch",
        ...conn,
        "--operations",
        "-",
        kim!.id,
        "--json"
      )
      assert.strictEqual(fromStdin.code, 0, fromStdin.stderr)
      assert.strictEqual(JSON.parse(fromStdin.stdout).title, "Engineer")

      assert.strictEqual((yield* run("users", "deactivate", ...conn, kim!.id)).code, 0)
      const reactivated = yield* run("users", "reactivate", ...conn, "kim@example.com", "--json")
      assert.strictEqual(reactivated.code, 0, reactivated.stderr)
      assert.deepStrictEqual(JSON.parse(reactivated.stdout), { id: kim!.id, userName: kim!.userName, active: true })
      const after = JSON.parse((yield* run("users", "get", ...conn, kim!.id, "--json")).stdout)
      assert.strictEqual(after["urn:scim:wso2:schema"]?.accountDisabled, false)
      const text = yield* run("users", "reactivate", ...conn, kim!.id)
      assert.match(text.stdout, /^reactivated DEFAULT\/kim@example.com/)
    }))

  it.effect("bad operations are usage errors before anything is sent", () =>
    Effect.gen(function*() {
      const { emu, run, runIo } = yield* harness()
      yield* emu.seedUsers([{ userName: "kim@example.com" }])
      yield* emu.clearLog
      const cases: ReadonlyArray<readonly [string, RegExp]> = [
        ["{not json", /--operations: .* is not JSON .*nothing was sent/],
        ["", /is not JSON \(it is empty\)/],
        [JSON.stringify({ op: "replace" }), /expected an array of operations/],
        [JSON.stringify([{ op: "frobnicate", path: "title", value: "x" }]), /users patch/]
      ]
      for (const [content, expected] of cases) {
        const result = yield* run(
          "users",
          "patch",
          ...conn,
          "--operations",
          tmp("ops.json", content),
          "kim@example.com"
        )
        assert.strictEqual(result.code, ExitCode.Usage, `${content}: ${result.stderr}`)
        assert.match(result.stderr, expected)
        const piped = yield* runIo(
          { stdin: content },
          secretEnv,
          "users",
          "patch",
          ...conn,
          "--operations",
          "-",
          "kim@example.com"
        )
        assert.strictEqual(piped.code, ExitCode.Usage)
      }
      const missing = yield* run("users", "patch", ...conn, "--operations", "/nonexistent/ops.json", "kim@example.com")
      assert.strictEqual(missing.code, ExitCode.Usage)
      assert.match(missing.stderr, /cannot read \/nonexistent\/ops.json: no such file/)
      assert.deepStrictEqual(yield* emu.log, [])
    }))

  it.effect("not found 1, ambiguous 6, missing scope 3", () =>
    Effect.gen(function*() {
      const { emu, run, runWith } = yield* harness({ ...stores, ...readerApps })
      yield* emu.seedUsers([{ userName: "kim@example.com" }, { userName: "PARTNERS/kim@example.com" }])
      const ops = tmp("ops.json", JSON.stringify([{ op: "replace", path: "title", value: "x" }]))
      for (const command of [["patch", "--operations", ops], ["reactivate"]]) {
        const nobody = yield* run("users", ...command, ...conn, "nobody@example.com")
        assert.strictEqual(nobody.code, ExitCode.Failed, nobody.stderr)
        assert.match(nobody.stderr, /user "nobody@example.com" was not found/)
        const ambiguous = yield* run("users", ...command, ...conn, "--all-stores", "kim@example.com")
        assert.strictEqual(ambiguous.code, ExitCode.Ambiguous, ambiguous.stderr)
        const scope = yield* runWith(readerEnv, "users", ...command, ...reader, "kim@example.com")
        assert.strictEqual(scope.code, ExitCode.Auth, scope.stderr)
        assert.match(scope.stderr, /internal_user_mgt_update/)
      }
    }))
})

describe("groups rename and delete", () => {
  it.effect("rename by name, delete by id; members stay users", () =>
    Effect.gen(function*() {
      const { emu, run } = yield* harness()
      const [kim] = yield* emu.seedUsers([{ userName: "kim@example.com" }])
      const [eng] = yield* emu.seedGroups([{ displayName: "Engineering", members: [kim!.id] }])
      const renamed = yield* run("groups", "rename", ...conn, "Engineering", "Platform", "--json")
      assert.strictEqual(renamed.code, 0, renamed.stderr)
      assert.deepStrictEqual(JSON.parse(renamed.stdout), {
        id: eng!.id,
        displayName: "DEFAULT/Engineering",
        newDisplayName: "Platform"
      })
      const got = JSON.parse((yield* run("groups", "get", ...conn, "Platform", "--json")).stdout)
      assert.strictEqual(got.id, eng!.id)
      const deleted = yield* run("groups", "delete", ...conn, eng!.id)
      assert.strictEqual(deleted.code, 0, deleted.stderr)
      assert.match(deleted.stdout, /^deleted Platform/)
      const snapshot = yield* emu.snapshot()
      assert.deepStrictEqual(snapshot.groups, [])
      assert.deepStrictEqual(snapshot.users.map((u) => u.id), [kim!.id])
    }))

  it.effect("a bad new name is a usage error before sending; not found 1, ambiguous 6, missing scope 3", () =>
    Effect.gen(function*() {
      const { emu, run, runWith } = yield* harness({ ...stores, ...readerApps })
      yield* emu.seedGroups([{ displayName: "Engineering" }, { displayName: "PARTNERS/Engineering" }])
      const bad = yield* run("groups", "rename", ...conn, "Engineering", "  ")
      assert.strictEqual(bad.code, ExitCode.Usage, bad.stderr)
      for (const command of [["rename"], ["delete"]]) {
        const extra = command[0] === "rename" ? ["New"] : []
        const nobody = yield* run("groups", ...command, ...conn, "Nobody", ...extra)
        assert.strictEqual(nobody.code, ExitCode.Failed, nobody.stderr)
        assert.match(nobody.stderr, /group "Nobody" was not found/)
        const ambiguous = yield* run("groups", ...command, ...conn, "--all-stores", "Engineering", ...extra)
        assert.strictEqual(ambiguous.code, ExitCode.Ambiguous, ambiguous.stderr)
        const scope = yield* runWith(readerEnv, "groups", ...command, ...reader, "Engineering", ...extra)
        assert.strictEqual(scope.code, ExitCode.Auth, scope.stderr)
        assert.match(scope.stderr, command[0] === "rename" ? /internal_group_mgt_update/ : /internal_group_mgt_delete/)
      }
      assert.strictEqual((yield* emu.snapshot()).groups.length, 2)
    }))
})

describe("raw resource commands", () => {
  it.effect("create, get, search, replace, patch, delete on /Groups and /Users, JSON in and out", () =>
    Effect.gen(function*() {
      const { emu, run, runIo } = yield* harness()
      const [kim] = yield* emu.seedUsers([{ userName: "kim@example.com" }])
      const created = yield* run(
        "create",
        ...conn,
        "--data",
        tmp("g.json", JSON.stringify({ displayName: "Ops" })),
        "/Groups"
      )
      assert.strictEqual(created.code, 0, created.stderr)
      const group = JSON.parse(created.stdout)
      assert.strictEqual(group.displayName, "DEFAULT/Ops")

      const got = yield* run("get", ...conn, "Groups", group.id)
      assert.strictEqual(JSON.parse(got.stdout).id, group.id)
      const projected = yield* run("get", ...conn, "--attributes", "userName", "/Users", kim!.id)
      assert.strictEqual(projected.code, 0, projected.stderr)
      assert.strictEqual(JSON.parse(projected.stdout).userName, kim!.userName)

      const patched = yield* runIo(
        {
          stdin: JSON.stringify([{ op: "add", path: "members", value: [{ value: kim!.id, display: kim!.userName }] }])
        },
        secretEnv,
        "patch",
        ...conn,
        "--data",
        "-",
        "/Groups",
        group.id
      )
      assert.strictEqual(patched.code, 0, patched.stderr)
      assert.deepStrictEqual((yield* emu.snapshot()).memberships, [{ groupId: group.id, userId: kim!.id }])

      const replaced = yield* run(
        "replace",
        ...conn,
        "--data",
        tmp("g.json", JSON.stringify({ displayName: "Ops", members: [] })),
        "/Groups",
        group.id
      )
      assert.strictEqual(replaced.code, 0, replaced.stderr)
      assert.deepStrictEqual((yield* emu.snapshot()).memberships, [])

      const search = yield* runIo(
        { stdin: JSON.stringify({ schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], count: 10 }) },
        secretEnv,
        "search",
        ...conn,
        "--data",
        "-",
        "--filter",
        "userName eq \"kim@example.com\"",
        "/Users"
      )
      assert.strictEqual(search.code, 0, search.stderr)
      const page = JSON.parse(search.stdout)
      assert.deepStrictEqual(page.schemas, ["urn:ietf:params:scim:api:messages:2.0:ListResponse"])
      assert.deepStrictEqual(page.Resources.map((u: { id: string }) => u.id), [kim!.id])

      const deleted = yield* run("delete", ...conn, "/Groups", group.id)
      assert.strictEqual(deleted.code, 0, deleted.stderr)
      assert.deepStrictEqual(JSON.parse(deleted.stdout), { endpoint: "/Groups", id: group.id, deleted: true })
      const gone = yield* run("get", ...conn, "/Groups", group.id)
      assert.strictEqual(gone.code, ExitCode.Failed, gone.stderr)
    }))

  it.effect("bad input is a usage error and nothing is sent", () =>
    Effect.gen(function*() {
      const { emu, runIo } = yield* harness()
      const [kim] = yield* emu.seedUsers([{ userName: "kim@example.com" }])
      yield* emu.clearLog
      const cases: ReadonlyArray<readonly [ReadonlyArray<string>, string, RegExp]> = [
        [["create", "/Groups"], "{", /--data: stdin is not JSON/],
        [["create", "/Groups"], "[]", /expected a JSON object, got an array/],
        [["replace", "/Users", kim!.id], "null", /expected a JSON object, got null/],
        [["patch", "/Users", kim!.id], "{}", /expected an array of operations/],
        [["search", "/Users"], JSON.stringify({ filtre: "x" }), /filtre is not a SearchRequest attribute/],
        [["create", "/Users"], JSON.stringify({ userName: "kim\u0000@example.com" }), /userName/],
        [["create", "/Groups"], `{"displayName": "${"x".repeat(2 * 1_048_576)}"}`, /stdin is over 2097152 bytes/],
        [["get", "../Users", kim!.id], "", /is not an endpoint/]
      ]
      for (const [command, stdin, expected] of cases) {
        const [name, ...rest] = command
        const result = yield* runIo(
          { stdin },
          secretEnv,
          name!,
          ...conn,
          ...(name === "get" ? [] : ["--data", "-"]),
          ...rest
        )
        assert.strictEqual(result.code, ExitCode.Usage, `${command.join(" ")}: ${result.stderr}`)
        assert.match(result.stderr, expected)
        assert.strictEqual(result.stdout, "")
      }
      assert.deepStrictEqual(yield* emu.log, [])
    }))

  it.effect("a password in a JSON file is taken as a secret: sent, never printed", () =>
    Effect.gen(function*() {
      const { emu, runIo } = yield* harness()
      const secret = "Pw-From-File-7f3a!"
      const created = yield* runIo(
        {
          stdin: JSON.stringify({
            userName: "kim@example.com",
            password: secret,
            emails: [{ value: "kim@example.com", primary: true }]
          })
        },
        secretEnv,
        "create",
        ...conn,
        "--data",
        "-",
        "/Users"
      )
      assert.strictEqual(created.code, 0, created.stderr)
      assert.notInclude(created.stdout + created.stderr, secret)
      const post = (yield* emu.log).find((e) => e.method === "POST" && e.path.endsWith("/Users"))
      assert.strictEqual(post?.status, 201)
      const id = JSON.parse(created.stdout).id as string
      const patched = yield* runIo(
        { stdin: JSON.stringify([{ op: "replace", path: "password", value: `${secret}-2` }]) },
        secretEnv,
        "patch",
        ...conn,
        "--data",
        "-",
        "/Users",
        id
      )
      assert.strictEqual(patched.code, 0, patched.stderr)
      assert.notInclude(patched.stdout + patched.stderr, secret)
    }))

  it.effect("a file that is not a regular file is refused before it is read", () =>
    Effect.gen(function*() {
      const { emu, runIo } = yield* harness()
      const result = yield* runIo({}, secretEnv, "create", ...conn, "--data", os.tmpdir(), "/Groups")
      assert.strictEqual(result.code, ExitCode.Usage)
      assert.match(result.stderr, /not a file/)
      assert.deepStrictEqual(yield* emu.log, [])
    }))

  it.effect("an endpoint /ResourceTypes lists is reached as any other", () =>
    Effect.gen(function*() {
      const { emu, run } = yield* harness()
      const types = {
        Resources: [{ id: "Device", name: "Device", endpoint: "/Devices", schema: "urn:example:Device" }]
      }
      yield* emu.injectFault(AsgardeoEmulator.garbage({ path: "/scim2/ResourceTypes" }, JSON.stringify(types), 200))
      yield* emu.injectFault(
        AsgardeoEmulator.garbage({ path: "/scim2/Devices/*" }, JSON.stringify({ id: "d-1", serial: "SN-1" }), 200)
      )
      const device = yield* run("get", ...conn, "/Devices", "0b4e7d8c-0000-4000-8000-000000000001")
      assert.strictEqual(device.code, 0, device.stderr)
      assert.deepStrictEqual(JSON.parse(device.stdout), { id: "d-1", serial: "SN-1" })
      const log = (yield* emu.log).map((e) => `${e.method} ${e.path}`)
      assert.include(log, "GET /t/acme/scim2/Devices/0b4e7d8c-0000-4000-8000-000000000001")
    }))

  it.effect("an endpoint /ResourceTypes does not list: usage; not found 1; missing scope 3", () =>
    Effect.gen(function*() {
      const { run, runWith } = yield* harness(readerApps)
      const devices = yield* run("get", ...conn, "/Devices", "d-1")
      assert.strictEqual(devices.code, ExitCode.Usage, devices.stderr)
      assert.match(
        devices.stderr,
        /\/Devices is not an endpoint the server lists in \/ResourceTypes \(it lists .*\/Users/
      )
      const missing = yield* run("get", ...conn, "/Users", "0b4e7d8c-0000-4000-8000-000000000000")
      assert.strictEqual(missing.code, ExitCode.Failed, missing.stderr)
      const scope = yield* runWith(readerEnv, "delete", ...reader, "/Users", "0b4e7d8c-0000-4000-8000-000000000000")
      assert.strictEqual(scope.code, ExitCode.Auth, scope.stderr)
      assert.match(scope.stderr, /internal_user_mgt_delete/)
    }))
})
