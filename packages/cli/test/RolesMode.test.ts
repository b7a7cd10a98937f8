// `hr ... --role-mapping FILE` on the in-process emulator: the HR package's roles mode (each HR
// role one of Asgardeo's roles, assigned to the user): setup creates the mapped roles, onboard
// assigns them, change-role moves a user, offboard unassigns; the mapping file is checked before
// anything is sent (2), a mapped role that is missing is 2 and one whose name is in two audiences 6.
import { ExitCode } from "@asgardeo-scim/cli"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { conn, csv, harness, row } from "./utils.js"

const APP = "3645709f-ea8d-5595-7690-e1fa0efe3df9"

const tmp = (name: string, content: string) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "asgardeo-cli-")), name)
  fs.writeFileSync(file, content)
  return file
}

const mappingFile = () =>
  tmp(
    "roles.json",
    JSON.stringify({
      admin: "HR Admin",
      hr_manager: { displayName: "HR Manager", audience: { type: "organization" } },
      employee: { displayName: "Employee", audience: { type: "application", value: APP } }
    })
  )

const withApp = { apps: [{ ...AsgardeoEmulator.defaultCredentials, id: APP, name: "HR App" }] }

type Member = { readonly value: string }
type StoredRole = { readonly displayName: string; readonly users?: ReadonlyArray<Member> }

/** Each role's users (ids), by name, as the emulator holds them. */
const holders = (emu: AsgardeoEmulator.AsgardeoEmulator.Service) =>
  Effect.map(emu.snapshot(), (s) =>
    Object.fromEntries(
      (s.roles as ReadonlyArray<StoredRole>).map((r) => [r.displayName, (r.users ?? []).map((u) => u.value)])
    ))

describe("hr --role-mapping", () => {
  it.effect(
    "setup creates the mapped roles; onboard assigns them; change-role and offboard move and unassign",
    () =>
      Effect.gen(function*() {
        const { emu, run } = yield* harness(withApp)
        const mapping = mappingFile()
        const setup = yield* run("hr", "setup", ...conn, "--role-mapping", mapping)
        assert.strictEqual(setup.code, 0, setup.stderr)
        assert.match(setup.stdout, /^ROLE\s+ASGARDEO ROLE\s+ID\nadmin\s+HR Admin/)
        assert.match(setup.stderr, /has no permissions/)
        assert.deepStrictEqual(Object.keys(yield* holders(emu)).sort(), ["Employee", "HR Admin", "HR Manager"])
        // Found the second time, not created again; no group is made in this mode.
        assert.strictEqual((yield* run("hr", "setup", ...conn, "--role-mapping", mapping)).code, 0)
        assert.strictEqual((yield* emu.snapshot()).roles.length, 3)
        assert.deepStrictEqual((yield* emu.snapshot()).groups, [])

        const file = tmp("employees.csv", csv([row(1), row(2, "hr_manager")]))
        const onboard = yield* run("hr", "onboard", ...conn, file, "--role-mapping", mapping, "--json")
        assert.strictEqual(onboard.code, 0, onboard.stderr)
        assert.strictEqual(JSON.parse(onboard.stdout).summary.created, 2)
        const users = (yield* emu.snapshot()).users as ReadonlyArray<{ id: string; userName: string }>
        const idOf = (n: number) => users.find((u) => u.userName === `DEFAULT/person${n}@example.com`)!.id
        assert.deepStrictEqual(yield* holders(emu), {
          "HR Admin": [],
          "HR Manager": [idOf(2)],
          "Employee": [idOf(1)]
        })
        assert.deepStrictEqual((yield* emu.snapshot()).groups, [])

        const change = yield* run(
          "hr",
          "change-role",
          ...conn,
          "person1@example.com",
          "HR_Manager",
          "--role-mapping",
          mapping
        )
        assert.strictEqual(change.code, 0, change.stderr)
        assert.match(change.stdout, /^role changed DEFAULT\/person1@example.com: now hr_manager \(left Employee\)$/)
        assert.sameMembers((yield* holders(emu))["HR Manager"]!, [idOf(1), idOf(2)])
        assert.deepStrictEqual((yield* holders(emu))["Employee"], [])

        const offboard = yield* run(
          "hr",
          "offboard",
          ...conn,
          "person2@example.com",
          "--role-mapping",
          mapping,
          "--json"
        )
        assert.strictEqual(offboard.code, 0, offboard.stderr)
        assert.deepStrictEqual(JSON.parse(offboard.stdout).removedFrom, ["HR Manager"])
        assert.deepStrictEqual((yield* holders(emu))["HR Manager"], [idOf(1)])
      }),
    { timeout: 30_000 }
  )

  it.effect("--dry-run names the Asgardeo role and sends nothing; a role outside the mapping is skipped (7)", () =>
    Effect.gen(function*() {
      const { emu, run } = yield* harness(withApp)
      const file = tmp("employees.csv", csv([row(1), row(2, "auditor")]))
      const plan = yield* run("hr", "onboard", ...conn, file, "--role-mapping", mappingFile(), "--dry-run", "--json")
      assert.strictEqual(plan.code, ExitCode.Skipped, plan.stderr)
      const out = JSON.parse(plan.stdout)
      assert.deepStrictEqual(out.plan.map((p: { asgardeoRole: string }) => p.asgardeoRole), ["Employee"])
      assert.match(out.invalid[0].reason, /Unknown role "auditor"; known roles: admin, hr_manager, employee/)
      const text = yield* run("hr", "onboard", ...conn, file, "--role-mapping", mappingFile(), "--dry-run")
      assert.match(
        text.stdout,
        /^LINE\s+EMPLOYEE\s+EMAIL\s+ROLE\s+ASGARDEO ROLE\s+ACTION\n2\s+E1\s+.*employee\s+Employee/
      )
      assert.deepStrictEqual(yield* emu.log, [])
    }))

  it.effect("a mapping file that is not JSON or not a mapping: exit 2, nothing sent", () =>
    Effect.gen(function*() {
      const { emu, run } = yield* harness(withApp)
      const file = tmp("employees.csv", csv([row(1)]))
      const cases: ReadonlyArray<readonly [string, RegExp]> = [
        ["{\"admin\": ", /--role-mapping: .* is not JSON/],
        ["[\"HR Admin\"]", /expected an object of HR role names to Asgardeo roles/],
        [JSON.stringify({ admin: "HR/Admin" }), /cannot contain '\/'/],
        [JSON.stringify({ admin: { displayName: "A", audience: { type: "application" } } }), /needs its value/]
      ]
      for (const [content, expected] of cases) {
        const mapping = tmp("roles.json", content)
        for (const args of [["onboard", file], ["change-role", "kim", "admin"], ["offboard", "kim"], ["setup"]]) {
          const result = yield* run("hr", ...args, ...conn, "--role-mapping", mapping)
          assert.strictEqual(result.code, ExitCode.Usage, `${args[0]} ${content}: ${result.stderr}`)
          assert.match(result.stderr, expected)
        }
      }
      const missing = yield* run("hr", "offboard", ...conn, "kim", "--role-mapping", "/nonexistent/roles.json")
      assert.strictEqual(missing.code, ExitCode.Usage)
      // A role outside the mapping (`__proto__` and `toString` too), in either mode: before any request.
      const mapping = tmp("roles.json", JSON.stringify({ admin: "HR Admin" }))
      for (const role of ["employee", "__proto__", "toString"]) {
        const outside = yield* run("hr", "change-role", ...conn, "kim", role, "--role-mapping", mapping)
        assert.strictEqual(outside.code, ExitCode.Usage, outside.stderr)
        assert.match(outside.stderr, /Unknown role .*; known roles: admin/)
      }
      const groupsMode = yield* run("hr", "change-role", ...conn, "kim", "toString")
      assert.strictEqual(groupsMode.code, ExitCode.Usage, groupsMode.stderr)
      assert.deepStrictEqual(yield* emu.log, [])
    }), { timeout: 20_000 })

  it.effect("a mapped role missing: exit 2 naming hr setup; a name in two audiences: exit 6; nothing written", () =>
    Effect.gen(function*() {
      const { emu, run } = yield* harness(withApp)
      yield* emu.seedUsers([{ userName: "kim@example.com" }])
      const mapping = mappingFile()
      const missing = yield* run("hr", "change-role", ...conn, "kim@example.com", "admin", "--role-mapping", mapping)
      assert.strictEqual(missing.code, ExitCode.Usage, missing.stderr)
      assert.match(missing.stderr, /"HR Admin" of HR role "admin" does not exist/)
      assert.include(missing.stderr, "`asgardeo-scim hr setup --role-mapping <file>` creates the missing roles")

      yield* emu.seedRoles([
        { displayName: "Staff" },
        { displayName: "Staff", audience: { type: "application", value: APP } }
      ])
      const twins = tmp("roles.json", JSON.stringify({ employee: "Staff" }))
      yield* emu.clearLog
      const ambiguous = yield* run("hr", "offboard", ...conn, "kim@example.com", "--role-mapping", twins)
      assert.strictEqual(ambiguous.code, ExitCode.Ambiguous, ambiguous.stderr)
      assert.isTrue((yield* emu.log).every((e) => e.method === "GET" || e.path.endsWith("/oauth2/token")))
      const active = ((yield* emu.snapshot()).users[0] as { active?: boolean }).active
      assert.notStrictEqual(active, false)
    }))
})
