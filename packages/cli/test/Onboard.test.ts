// hr onboard's CSV: roles in any case (the configured name kept), `;`-separated files read as
// such; and hr change-role's role in any case.
import { EmployeeCsv, ExitCode } from "@asgardeo-scim/cli"
import * as RoleMapping from "@asgardeo-scim/hr/RoleMapping"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { conn, csv, harness, row } from "./utils.js"

const tmp = (name: string, content: string) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "asgardeo-cli-")), name)
  fs.writeFileSync(file, content)
  return file
}

const header = "employeeId,email,firstName,lastName,department,role"

describe("roles without regard to case", () => {
  it("canonicalRole gives the configured name; an unknown or ambiguous name is left as it is", () => {
    const roles = RoleMapping.defaults
    assert.strictEqual(EmployeeCsv.canonicalRole(roles, "Admin"), "admin")
    assert.strictEqual(EmployeeCsv.canonicalRole(roles, "HR_MANAGER"), "hr_manager")
    assert.strictEqual(EmployeeCsv.canonicalRole(roles, "employee"), "employee")
    assert.strictEqual(EmployeeCsv.canonicalRole(roles, "Pilot"), "Pilot")
    const twins = Either.getOrThrow(RoleMapping.make({ Lead: "Leads", lead: "Team-Leads" }))
    assert.strictEqual(EmployeeCsv.canonicalRole(twins, "Lead"), "Lead")
    assert.strictEqual(EmployeeCsv.canonicalRole(twins, "lead"), "lead")
    assert.strictEqual(EmployeeCsv.canonicalRole(twins, "LEAD"), "LEAD")
    assert.isTrue(Either.isLeft(twins.groupOf(EmployeeCsv.canonicalRole(twins, "LEAD"))))
  })

  it.effect("hr onboard: Admin, HR_Manager and EMPLOYEE are the roles; outputs show the configured names", () =>
    Effect.gen(function*() {
      const { emu, run } = yield* harness()
      const file = tmp("employees.csv", csv([row(1, "Admin"), row(2, "HR_Manager"), row(3, "EMPLOYEE")]))
      const plan = yield* run("hr", "onboard", ...conn, file, "--dry-run", "--json")
      assert.strictEqual(plan.code, 0, plan.stderr)
      assert.deepStrictEqual(
        JSON.parse(plan.stdout).plan.map((p: { role: string; group: string }) => `${p.role}:${p.group}`),
        ["admin:HR-Admins", "hr_manager:HR-Managers", "employee:Employees"]
      )
      const result = yield* run("hr", "onboard", ...conn, file, "--json")
      assert.strictEqual(result.code, 0, result.stderr)
      assert.strictEqual(JSON.parse(result.stdout).summary.created, 3)
      const snapshot = yield* emu.snapshot()
      const groupOf = (n: number) => {
        const user = snapshot.users.find((u) => u.userName === `DEFAULT/person${n}@example.com`)!
        const membership = snapshot.memberships.find((m) => m.userId === user.id)!
        return snapshot.groups.find((g) => String(g.id) === membership.groupId)?.displayName
      }
      assert.deepStrictEqual([groupOf(1), groupOf(2), groupOf(3)], [
        "DEFAULT/HR-Admins",
        "DEFAULT/HR-Managers",
        "DEFAULT/Employees"
      ])
    }))

  it.effect("hr change-role takes the role in any case and prints its configured name", () =>
    Effect.gen(function*() {
      const { run } = yield* harness()
      assert.strictEqual((yield* run("hr", "onboard", ...conn, tmp("e.csv", csv([row(1)])))).code, 0)
      const change = yield* run("hr", "change-role", ...conn, "person1@example.com", "HR_MANAGER", "--json")
      assert.strictEqual(change.code, 0, change.stderr)
      assert.strictEqual(JSON.parse(change.stdout).role, "hr_manager")
      const text = yield* run("hr", "change-role", ...conn, "person1@example.com", "Admin")
      assert.include(text.stdout, ": now admin (left HR-Managers)")
      const unknown = yield* run("hr", "change-role", ...conn, "person1@example.com", "Pilot")
      assert.strictEqual(unknown.code, ExitCode.Usage)
      assert.include(unknown.stderr, "\"Pilot\"")
    }))
})

describe(";-separated CSV", () => {
  it("delimiterOf: the header line decides", () => {
    assert.strictEqual(EmployeeCsv.delimiterOf(`${header}\n`), ",")
    assert.strictEqual(EmployeeCsv.delimiterOf(header.replaceAll(",", ";") + "\r\nE1;a,b;c"), ";")
    assert.strictEqual(EmployeeCsv.delimiterOf(""), ",")
  })

  it.effect("a file separated by ; (quotes, a BOM, CRLF) is onboarded like the same file with commas", () =>
    Effect.gen(function*() {
      const { emu, run } = yield* harness()
      const text = "\ufeff" + [
        header.replaceAll(",", ";"),
        "E1;person1@example.com;Ann;\"Lee; Jr.\";R&D, Europe;employee",
        "E2;person2@example.com;Bo;Chen;Sales;Admin",
        "E3;person3@example.com;Cy;Dunn;Sales",
        ""
      ].join("\r\n")
      const file = tmp("excel.csv", text)
      const result = yield* run("hr", "onboard", ...conn, file, "--json")
      // E3 lacks a field: skipped with its line, the others onboarded.
      assert.strictEqual(result.code, ExitCode.Skipped, result.stderr)
      const out = JSON.parse(result.stdout)
      assert.strictEqual(out.summary.created, 2)
      assert.deepStrictEqual(out.invalid.map((r: { line: number; reason: string }) => `${r.line}: ${r.reason}`), [
        "4: expected 6 fields, found 5 (quote fields that hold semicolons)"
      ])
      const ann = (yield* emu.snapshot()).users.find((u) => u.userName === "DEFAULT/person1@example.com")!
      assert.strictEqual((ann.name as { readonly familyName?: string } | undefined)?.familyName, "Lee; Jr.")
    }))
})
