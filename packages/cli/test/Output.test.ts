// What the users, groups and hr commands print, line by line: text and --json. These lines were
// written by each command on its own before they shared one printer; the test holds them fixed.
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { conn, csv, harness, row } from "./utils.js"

const lines = (text: string) => text.split("\n").filter((l) => l !== "")

describe("command output", () => {
  it.effect("users: list table and count, deactivate and delete lines, their --json", () =>
    Effect.gen(function*() {
      const { emu, run } = yield* harness()
      const [kim, lee] = yield* emu.seedUsers([
        { userName: "kim@example.com", emails: [{ value: "kim@example.com" }] },
        { userName: "lee@example.com", emails: [{ value: "lee@example.com" }] }
      ])

      const one = yield* run("users", "list", ...conn, "--limit", "1")
      assert.strictEqual(one.code, 0, one.stderr)
      assert.strictEqual(lines(one.stdout).length, 2)
      assert.deepStrictEqual(lines(one.stderr), ["1 user"])
      const both = yield* run("users", "list", ...conn)
      assert.deepStrictEqual(lines(both.stderr), ["2 users"])
      const json = yield* run("users", "list", ...conn, "--json")
      assert.strictEqual(json.stderr, "")
      assert.strictEqual(JSON.parse(json.stdout).length, 2)

      const off = yield* run("users", "deactivate", ...conn, "kim@example.com")
      assert.deepStrictEqual(lines(off.stdout), [`deactivated DEFAULT/kim@example.com (${kim!.id})`])
      const offJson = yield* run("users", "deactivate", ...conn, "--json", kim!.id)
      assert.deepStrictEqual(JSON.parse(offJson.stdout), {
        id: kim!.id,
        userName: "DEFAULT/kim@example.com",
        active: false
      })

      const del = yield* run("users", "delete", ...conn, "kim@example.com")
      assert.deepStrictEqual(lines(del.stdout), [`deleted DEFAULT/kim@example.com (${kim!.id})`])
      const delJson = yield* run("users", "delete", ...conn, "--json", "lee@example.com")
      assert.deepStrictEqual(JSON.parse(delJson.stdout), {
        id: lee!.id,
        userName: "DEFAULT/lee@example.com",
        deleted: true
      })
    }))

  it.effect("groups: list table and count, add-member and remove-member lines, their --json", () =>
    Effect.gen(function*() {
      const { emu, run } = yield* harness()
      const [lee] = yield* emu.seedUsers([{ userName: "lee@example.com" }])
      const [group] = yield* emu.seedGroups([{ displayName: "Engineering" }])

      const list = yield* run("groups", "list", ...conn)
      assert.match(lines(list.stdout)[0]!, /^ID\s+NAME\s+MEMBERS/)
      assert.deepStrictEqual(lines(list.stderr), ["1 group"])

      const add = yield* run("groups", "add-member", ...conn, "Engineering", "lee@example.com")
      assert.deepStrictEqual(lines(add.stdout), ["added DEFAULT/lee@example.com to Engineering"])
      // A second add says so, and sends no PATCH.
      const writes = (yield* emu.log).filter((e) => e.method === "PATCH").length
      const twice = yield* run("groups", "add-member", ...conn, "Engineering", "lee@example.com")
      assert.strictEqual(twice.code, 0, twice.stderr)
      assert.deepStrictEqual(lines(twice.stdout), ["already a member: DEFAULT/lee@example.com in Engineering"])
      const twiceJson = yield* run("groups", "add-member", ...conn, "--json", "Engineering", "lee@example.com")
      assert.deepStrictEqual(JSON.parse(twiceJson.stdout), {
        group: { id: group!.id, displayName: "DEFAULT/Engineering" },
        user: { id: lee!.id, userName: "DEFAULT/lee@example.com" },
        member: true,
        alreadyMember: true
      })
      assert.strictEqual((yield* emu.log).filter((e) => e.method === "PATCH").length, writes)
      assert.strictEqual((yield* emu.snapshot()).memberships.length, 1)
      const remove = yield* run("groups", "remove-member", ...conn, "--json", "Engineering", "lee@example.com")
      assert.deepStrictEqual(JSON.parse(remove.stdout), {
        group: { id: group!.id, displayName: "DEFAULT/Engineering" },
        user: { id: lee!.id, userName: "DEFAULT/lee@example.com" },
        member: false
      })
      const again = yield* run("groups", "remove-member", ...conn, "Engineering", "lee@example.com")
      assert.deepStrictEqual(lines(again.stdout), ["removed DEFAULT/lee@example.com from Engineering"])
    }))

  it.effect("hr: change-role and offboard lines", () =>
    Effect.gen(function*() {
      const { run } = yield* harness()
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "asgardeo-cli-")), "employees.csv")
      fs.writeFileSync(file, csv([row(1)]))
      assert.strictEqual((yield* run("hr", "onboard", ...conn, file)).code, 0)

      const change = yield* run("hr", "change-role", ...conn, "person1@example.com", "admin")
      assert.deepStrictEqual(lines(change.stdout), [
        "role changed DEFAULT/person1@example.com: now admin (left Employees)"
      ])
      const off = yield* run("hr", "offboard", ...conn, "person1@example.com", "--delete")
      assert.deepStrictEqual(lines(off.stdout), [
        "offboarded and deleted DEFAULT/person1@example.com: deactivated, removed from HR-Admins"
      ])
    }))
})
