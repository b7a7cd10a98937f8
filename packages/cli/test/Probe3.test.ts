import { describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import { conn, harness } from "./utils.js"

describe("probe", () => {
  it.effect("probes", () =>
    Effect.gen(function*() {
      const { emu, run, runWith } = yield* harness({ subOrganizations: [{ name: "ABC Builders" }] })
      yield* emu.seedUsers([{ userName: "kim@example.com" }])
      yield* run("roles", "create", ...conn, "auditor")
      const p = function*(label: string, env: Record<string, string> | undefined, ...args: Array<string>) {
        yield* emu.clearLog
        const r = env === undefined ? yield* run(...args) : yield* runWith(env, ...args)
        const log = yield* emu.log
        console.log(`### ${label}: code=${r.code} reqs=${log.map((e) => `${e.method} ${e.path}`).join(" | ")}\nOUT: ${r.stdout.slice(0, 300)}\nERR: ${r.stderr.slice(0, 400)}`)
      }
      yield* p("blank user", undefined, "roles", "assign", ...conn, "auditor", " ")
      yield* p("bad user store", undefined, "roles", "assign", ...conn, "auditor", "BAD STORE/kim")
      yield* p("bad perm add", undefined, "roles", "permissions", ...conn, "auditor", "--add", "has space")
      yield* p("bad perm set", undefined, "roles", "permissions", ...conn, "auditor", "--set", "a\"b")
      yield* p("bad perm create", undefined, "roles", "create", ...conn, "r2", "--permission", "has space")
      yield* p("blank group", undefined, "roles", "assign", ...conn, "auditor", "--group", " ")
      yield* p("blank role", undefined, "roles", "assign", ...conn, " ", "kim@example.com")
      fs.writeFileSync("/tmp/r3/m.json", JSON.stringify({ employee: "Staff", admin: "Boss" }))
      yield* run("hr", "setup", ...conn, "--role-mapping", "/tmp/r3/m.json")
      yield* p("change-role __proto__", undefined, "hr", "change-role", ...conn, "kim@example.com", "__proto__", "--role-mapping", "/tmp/r3/m.json")
      yield* p("change-role toString", undefined, "hr", "change-role", ...conn, "kim@example.com", "toString", "--role-mapping", "/tmp/r3/m.json")
      yield* p("change-role ADMIN", undefined, "hr", "change-role", ...conn, "kim@example.com", "ADMIN", "--role-mapping", "/tmp/r3/m.json", "--json")
      yield* p("offboard", undefined, "hr", "offboard", ...conn, "kim@example.com", "--role-mapping", "/tmp/r3/m.json", "--json")
      yield* p("env sub + scim-url", { SCIM_TOKEN: "t", ASGARDEO_SUB_ORG: "ABC Builders" }, "users", "list", "--scim-url", "https://emulator.invalid/t/acme/scim2")
      yield* p("sub-org + --org missing secret", {}, "users", "list", ...conn, "--sub-org", "ABC Builders")
      yield* p("sub-org flag ws-only env", { ...{ ASGARDEO_CLIENT_SECRET: "emulator-secret" }, ASGARDEO_SUB_ORG: "   " }, "users", "list", ...conn)
      yield* p("orgs list bad filter", undefined, "orgs", "list", ...conn, "--filter", "name eq")
      yield* p("roles list json in sub", undefined, "roles", "list", ...conn, "--sub-org", "ABC Builders", "--json")
    }), { timeout: 120_000 })
})
