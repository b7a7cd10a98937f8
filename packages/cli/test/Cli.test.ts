import { Csv, ExitCode } from "@asgardeo-scim/cli"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { conn, csv, harness, row } from "./utils.js"

const tmp = (name: string, content?: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "asgardeo-cli-"))
  const file = path.join(dir, name)
  if (content !== undefined) fs.writeFileSync(file, content)
  return file
}

describe("Csv", () => {
  it("parses RFC 4180 quoting and keeps the line each record starts on", () => {
    const parsed = Csv.parse("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n\"multi\nline\",z\n\nlast,1")
    assert.deepStrictEqual(Either.getOrThrow(parsed), [
      { line: 1, fields: ["a", "b"] },
      { line: 2, fields: ["x, y", "say \"hi\""] },
      { line: 3, fields: ["multi\nline", "z"] },
      { line: 6, fields: ["last", "1"] }
    ])
  })

  it("reports an unterminated quote with its line", () => {
    const parsed = Csv.parse("a,b\n1,\"open\n2,3\n", "f.csv")
    assert.isTrue(Either.isLeft(parsed))
    if (Either.isLeft(parsed)) assert.strictEqual(parsed.left.message, "f.csv:2: unterminated quoted field")
  })
})

describe("asgardeo-scim", () => {
  it.effect("users create, list --json, get by userName, deactivate, delete", () =>
    Effect.gen(function*() {
      const { run } = yield* harness()
      const created = yield* run(
        "users",
        "create",
        ...conn,
        "--email",
        "kim@example.com",
        "--given-name",
        "Kim",
        "--json"
      )
      assert.strictEqual(created.code, 0, created.stderr)
      const user = JSON.parse(created.stdout)
      assert.strictEqual(user.userName, "DEFAULT/kim@example.com")

      const list = yield* run("users", "list", ...conn, "--json")
      assert.strictEqual(list.code, 0)
      const users = JSON.parse(list.stdout)
      assert.isArray(users)
      assert.deepStrictEqual(users.map((u: { id: string }) => u.id), [user.id])

      const table = yield* run("users", "list", ...conn)
      assert.match(table.stdout, /^ID\s+USERNAME\s+NAME\s+EMAIL\s+ACTIVE/)
      assert.include(table.stdout, "kim@example.com")

      const get = yield* run("users", "get", ...conn, "kim@example.com")
      assert.strictEqual(get.code, 0)
      assert.include(get.stdout, user.id)

      assert.strictEqual((yield* run("users", "deactivate", ...conn, user.id)).code, 0)
      const after = JSON.parse((yield* run("users", "get", ...conn, user.id, "--json")).stdout)
      assert.strictEqual(after["urn:scim:wso2:schema"]?.accountDisabled, true)

      assert.strictEqual((yield* run("users", "delete", ...conn, "kim@example.com")).code, 0)
      const gone = yield* run("users", "get", ...conn, "kim@example.com")
      assert.strictEqual(gone.code, ExitCode.Failed)
      assert.match(gone.stderr, /^error: user "kim@example.com" was not found/)
    }))

  it.effect("groups create, add-member, get, remove-member, list", () =>
    Effect.gen(function*() {
      const { emu, run } = yield* harness()
      yield* emu.seedUsers([{ userName: "lee@example.com", emails: [{ value: "lee@example.com" }] }])
      assert.strictEqual((yield* run("groups", "create", ...conn, "Engineering")).code, 0)
      const add = yield* run("groups", "add-member", ...conn, "Engineering", "lee@example.com")
      assert.strictEqual(add.code, 0, add.stderr)
      const group = JSON.parse((yield* run("groups", "get", ...conn, "Engineering", "--json")).stdout)
      assert.deepStrictEqual(group.members.map((m: { display: string }) => m.display), ["DEFAULT/lee@example.com"])
      assert.strictEqual((yield* run("groups", "remove-member", ...conn, "Engineering", "lee@example.com")).code, 0)
      const list = JSON.parse((yield* run("groups", "list", ...conn, "--json")).stdout)
      assert.strictEqual(list.length, 1)
      assert.strictEqual(list[0].members?.length ?? 0, 0)
    }))

  it.effect("names across user stores: users delete PARTNERS/kim deletes exactly that user; --all-stores, exit 6", () =>
    Effect.gen(function*() {
      const { emu, run } = yield* harness({ quirks: { userStores: ["DEFAULT", "PARTNERS"] } })
      const [primary, partners] = yield* emu.seedUsers([
        { userName: "kim@example.com" },
        { userName: "PARTNERS/kim@example.com" }
      ])
      yield* emu.seedGroups([{ displayName: "Engineering" }, { displayName: "PARTNERS/Engineering" }])

      const ambiguous = yield* run("users", "get", ...conn, "--all-stores", "kim@example.com")
      assert.strictEqual(ambiguous.code, ExitCode.Ambiguous)
      assert.strictEqual(ExitCode.Ambiguous, 6)
      assert.include(ambiguous.stderr, "\"DEFAULT/kim@example.com\"")
      assert.include(ambiguous.stderr, "\"PARTNERS/kim@example.com\"")
      assert.include(ambiguous.stderr, "qualify the name with its store")
      assert.strictEqual(ambiguous.stdout, "")
      const groupAmbiguous = yield* run("groups", "get", ...conn, "--all-stores", "Engineering")
      assert.strictEqual(groupAmbiguous.code, ExitCode.Ambiguous)

      const add = yield* run("groups", "add-member", ...conn, "PARTNERS/Engineering", "PARTNERS/kim@example.com")
      assert.strictEqual(add.code, 0, add.stderr)
      const snapshot = yield* emu.snapshot()
      const partnersGroup = snapshot.groups.find((g) => g.displayName === "PARTNERS/Engineering")!
      assert.deepStrictEqual(snapshot.memberships, [{ groupId: String(partnersGroup.id), userId: partners!.id }])

      const del = yield* run("users", "delete", ...conn, "--json", "PARTNERS/kim@example.com")
      assert.strictEqual(del.code, 0, del.stderr)
      assert.strictEqual(JSON.parse(del.stdout).id, partners!.id)
      assert.deepStrictEqual((yield* emu.snapshot()).users.map((u) => u.id), [primary!.id])

      // Now one kim is left in any store: --all-stores finds her; the bare name is DEFAULT's.
      const found = yield* run("users", "get", ...conn, "--all-stores", "--json", "kim@example.com")
      assert.strictEqual(found.code, 0, found.stderr)
      assert.strictEqual(JSON.parse(found.stdout).id, primary!.id)
      const gone = yield* run("users", "get", ...conn, "PARTNERS/kim@example.com")
      assert.strictEqual(gone.code, ExitCode.Failed)
    }))

  it.effect("--emulator needs no configuration", () =>
    Effect.gen(function*() {
      const { run } = yield* harness()
      const setup = yield* run("hr", "setup", "--emulator", "--json")
      assert.strictEqual(setup.code, 0, setup.stderr)
      assert.deepStrictEqual(JSON.parse(setup.stdout).map((g: { name: string }) => g.name), [
        "HR-Admins",
        "HR-Managers",
        "Employees"
      ])
    }))

  it.effect("hr onboard reports a bad row with its line number, skips it, onboards the rest, writes the report; exit 7", () =>
    Effect.gen(function*() {
      const { emu, run } = yield* harness()
      const file = tmp(
        "employees.csv",
        csv([row(1), row(2, "hr_manager"), "E3,not-an-email,A,B,C,employee", row(4, "pilot"), row(5)])
      )
      const report = tmp("report.jsonl")
      const result = yield* run("hr", "onboard", ...conn, file, "--report", report)
      // The batch finished, every valid row done, invalid rows skipped: its own code, not 2 (usage).
      assert.strictEqual(result.code, ExitCode.Skipped, result.stderr)
      assert.strictEqual(ExitCode.Skipped, 7)
      assert.include(result.stderr, "line 4 (E3): email: email is not a valid address; skipped")
      assert.include(result.stderr, "line 5 (E4): Unknown role \"pilot\"")
      const snapshot = yield* emu.snapshot()
      assert.strictEqual(snapshot.users.length, 3)
      const lines = fs.readFileSync(report, "utf8").trim().split("\n").map((l) => JSON.parse(l))
      assert.deepStrictEqual(lines.map((l) => `${l.employeeId}:${l.outcome}`).sort(), [
        "E1:created",
        "E2:created",
        "E3:invalid",
        "E4:invalid",
        "E5:created"
      ])
    }))

  it.effect("hr onboard --dry-run sends nothing", () =>
    Effect.gen(function*() {
      const { emu, run } = yield* harness()
      const file = tmp("employees.csv", csv([row(1), row(2)]))
      const result = yield* run("hr", "onboard", ...conn, file, "--dry-run", "--json")
      assert.strictEqual(result.code, 0, result.stderr)
      const out = JSON.parse(result.stdout)
      assert.deepStrictEqual(out.plan.map((p: { action: string }) => p.action), ["onboard", "onboard"])
      assert.deepStrictEqual(yield* emu.log, [])
    }))

  it.effect("hr onboard resumes from a report: done employees are skipped", () =>
    Effect.gen(function*() {
      const { emu, run } = yield* harness()
      const file = tmp("employees.csv", csv([row(1), row(2), row(3)]))
      const report = tmp(
        "report.jsonl",
        JSON.stringify({ employeeId: "E1", userName: "DEFAULT/person1@example.com", outcome: "created" }) + "\n" +
          "{\"employeeId\":\"E2\",\"userN" // a line cut short by Ctrl-C
      )
      const result = yield* run("hr", "onboard", ...conn, file, "--report", report, "--json")
      assert.strictEqual(result.code, 0, result.stderr)
      const summary = JSON.parse(result.stdout).summary
      assert.strictEqual(summary.skipped, 1)
      assert.strictEqual(summary.created, 2)
      const names = (yield* emu.snapshot()).users.map((u) => u.userName).sort()
      assert.deepStrictEqual(names, ["DEFAULT/person2@example.com", "DEFAULT/person3@example.com"])
    }))

  it.effect("a CSV without the required header is exit code 2 and sends nothing", () =>
    Effect.gen(function*() {
      const { emu, run } = yield* harness()
      const file = tmp("bad.csv", "id,mail\n1,a@b.c\n")
      const result = yield* run("hr", "onboard", ...conn, file)
      assert.strictEqual(result.code, ExitCode.Usage)
      assert.match(result.stderr, /the header lacks the column employeeId/)
      assert.deepStrictEqual(yield* emu.log, [])
      const missing = yield* run("hr", "onboard", ...conn, tmp("nothing-here.csv"))
      assert.strictEqual(missing.code, ExitCode.Usage)
      assert.match(missing.stderr, /cannot read .*nothing-here.csv: no such file/)
    }))

  it.effect("hr change-role and hr offboard", () =>
    Effect.gen(function*() {
      const { emu, run } = yield* harness()
      const file = tmp("employees.csv", csv([row(1)]))
      assert.strictEqual((yield* run("hr", "onboard", ...conn, file)).code, 0)
      const change = yield* run("hr", "change-role", ...conn, "person1@example.com", "admin", "--json")
      assert.strictEqual(change.code, 0, change.stderr)
      assert.deepStrictEqual(JSON.parse(change.stdout).removedFrom, ["Employees"])
      const off = yield* run("hr", "offboard", ...conn, "person1@example.com", "--delete")
      assert.strictEqual(off.code, 0, off.stderr)
      assert.strictEqual((yield* emu.snapshot()).users.length, 0)
      const unknown = yield* run("hr", "change-role", ...conn, "nobody@example.com", "admin")
      assert.strictEqual(unknown.code, ExitCode.Failed)
    }))

  it.live(
    "exit codes: missing configuration 2, bad credentials 3, missing scope 3, server errors 4, usage 2",
    () =>
      Effect.gen(function*() {
        const { emu, run, runWith } = yield* harness({
          apps: [
            { clientId: "emulator-client", clientSecret: "emulator-secret" },
            { clientId: "reader", clientSecret: "reader-secret", scopes: ["internal_user_mgt_list"] }
          ]
        })
        // Every missing setting named at once, each with its flag.
        const missing = yield* runWith({}, "users", "list")
        assert.strictEqual(missing.code, ExitCode.Usage)
        assert.strictEqual(
          missing.stderr,
          "error: configuration: ASGARDEO_ORG, ASGARDEO_CLIENT_ID and ASGARDEO_CLIENT_SECRET are not set. " +
            "Export them or pass --org, --client-id and --client-secret (or try the embedded emulator with --emulator)"
        )
        const two = yield* runWith({}, "users", "list", "--org", "acme")
        assert.match(two.stderr, /^error: configuration: ASGARDEO_CLIENT_ID and ASGARDEO_CLIENT_SECRET are not set\./)
        const one = yield* run("users", "list", "--org", "acme")
        assert.match(
          one.stderr,
          /^error: configuration: ASGARDEO_CLIENT_ID is not set\. Export it or pass --client-id /
        )

        const bad = yield* runWith({ ASGARDEO_CLIENT_SECRET: "wrong" }, "users", "list", ...conn)
        assert.strictEqual(bad.code, ExitCode.Auth, bad.stderr)
        assert.match(bad.stderr, /refused the client credentials.*Check ASGARDEO_CLIENT_ID/)

        const reader = ["--org", "acme", "--client-id", "reader", "--base-url", "https://emulator.invalid"]
        const scope = yield* runWith(
          { ASGARDEO_CLIENT_SECRET: "reader-secret" },
          "users",
          "create",
          ...reader,
          "--email",
          "x@example.com"
        )
        assert.strictEqual(scope.code, ExitCode.Auth)
        assert.match(scope.stderr, /internal_user_mgt_create.*SCIM2 Users API/)
        assert.strictEqual(scope.stderr.split("\n").length, 1)

        yield* emu.injectFault(AsgardeoEmulator.status(503, { path: "/scim2/Users*" }))
        const down = yield* run("users", "list", ...conn)
        assert.strictEqual(down.code, ExitCode.Server)
        yield* emu.clearFaults

        assert.strictEqual((yield* run("users", "frobnicate")).code, ExitCode.Usage)
        assert.strictEqual((yield* run("users", "list", ...conn, "--limit", "many")).code, ExitCode.Usage)
      }),
    { timeout: 30_000 }
  )

  it.effect("scopes --json lists the scopes of each command and the whole set", () =>
    Effect.gen(function*() {
      const { emu, run } = yield* harness()
      const result = yield* run("scopes", "--json")
      assert.strictEqual(result.code, 0)
      const out = JSON.parse(result.stdout)
      const onboard = out.commands.find((c: { command: string }) => c.command === "hr onboard")
      assert.include(onboard.scopes, "internal_user_mgt_create")
      assert.include(out.all, "internal_group_mgt_view")
      assert.deepStrictEqual(yield* emu.log, [])
    }))

  it.effect("scopes: the roles commands per Roles API, the unconfirmed v2 scopes, orgs list, internal_org_* forms", () =>
    Effect.gen(function*() {
      const { run } = yield* harness()
      const out = JSON.parse((yield* run("scopes", "--json")).stdout)
      type Row = {
        command: string
        scopes: Array<string>
        inSubOrganization: Array<string>
        rolesApi?: string
        unconfirmed?: Array<string>
      }
      const rows = (command: string): Array<Row> => out.commands.filter((c: Row) => c.command === command)
      const assign = rows("roles assign")
      assert.deepStrictEqual(assign.map((r) => r.rolesApi), ["v2", "v3"])
      assert.include(assign[0]!.scopes, "internal_role_mgt_update")
      assert.deepStrictEqual(assign[0]!.unconfirmed, [
        "internal_role_mgt_users_update",
        "internal_role_mgt_groups_update"
      ])
      assert.includeMembers(assign[1]!.scopes, ["internal_role_mgt_users_update", "internal_role_mgt_groups_update"])
      assert.notInclude(assign[1]!.scopes, "internal_role_mgt_update")
      assert.isUndefined(assign[1]!.unconfirmed)
      assert.deepStrictEqual(rows("roles create").map((r) => r.scopes), [
        ["internal_role_mgt_create"],
        ["internal_role_mgt_meta_create"]
      ])
      assert.deepStrictEqual(rows("orgs list")[0]!.scopes, ["internal_organization_view"])
      assert.deepStrictEqual(rows("orgs list")[0]!.inSubOrganization, ["internal_org_organization_view"])
      assert.deepStrictEqual(rows("users list")[0]!.inSubOrganization, ["internal_org_user_mgt_list"])
      assert.deepStrictEqual(out.unconfirmed, [
        "internal_role_mgt_users_update",
        "internal_role_mgt_groups_update",
        "internal_role_mgt_permissions_update"
      ])
      assert.match(out.notes.subOrganization, /internal_org_\*/)

      const text = (yield* run("scopes")).stdout
      assert.match(
        text,
        /roles create \(Roles v2\)\s+internal_role_mgt_create\s+SCIM2 Roles V2 API\n\s+internal_role_mgt_permissions_update \(unconfirmed\)/
      )
      assert.match(text, /roles create \(Roles v3\)\s+internal_role_mgt_meta_create\s+SCIM2 Roles V3 API/)
      assert.match(text, /orgs list\s+internal_organization_view\s+Organization Management API/)
      assert.match(text, /\(unconfirmed\) Unconfirmed: newer servers may also check/)
      assert.include(text, "Inside a sub-organization (--sub-org) each scope is its internal_org_* form")
    }))
})
