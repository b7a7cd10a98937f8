// Hostile inputs and a hostile server for `roles` and `hr --role-mapping`: a change half made is
// reported as such (what was done, what was not); a mapping file nested too deep or not UTF-8 is
// exit 2 with a message, before any request.
import { ExitCode } from "@asgardeo-scim/cli"
import { HttpClient, HttpClientResponse } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { conn, harness } from "./utils.js"

/** A client that answers the `n`th PATCH with a SCIM 400 (not retried) and passes the rest on. */
const failPatch = (n: number) => (client: HttpClient.HttpClient) => {
  let patches = 0
  return HttpClient.make((request) =>
    request.method === "PATCH" && ++patches === n
      ? Effect.succeed(HttpClientResponse.fromWeb(
        request,
        new Response(
          JSON.stringify({
            schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
            status: "400",
            detail: "refused"
          }),
          { status: 400, headers: { "content-type": "application/scim+json" } }
        )
      ))
      : client.execute(request)
  )
}

type StoredRole = {
  readonly displayName: string
  readonly users?: ReadonlyArray<unknown>
  readonly permissions?: ReadonlyArray<{ readonly value: string }>
}

describe("roles: a change half made", () => {
  it.effect(
    "assign: the users assigned, the groups refused: the error says the users were assigned",
    () =>
      Effect.gen(function*() {
        const { emu, run } = yield* harness({}, failPatch(2))
        yield* emu.seedUsers([{ userName: "kim@example.com" }])
        assert.strictEqual((yield* run("groups", "create", ...conn, "crew")).code, 0)
        assert.strictEqual((yield* run("roles", "create", ...conn, "auditor")).code, 0)
        const result = yield* run("roles", "assign", ...conn, "auditor", "kim@example.com", "--group", "crew")
        assert.strictEqual(result.code, ExitCode.Failed, result.stderr)
        const role = ((yield* emu.snapshot()).roles as ReadonlyArray<StoredRole>).find((r) =>
          r.displayName === "auditor"
        )
        assert.strictEqual(role?.users?.length, 1, "the users step was done")
        assert.match(result.stderr, /refused/)
        assert.match(result.stderr, /already done: .*kim@example\.com assigned/)
        assert.match(result.stderr, /not done: .*crew/)
      }),
    { timeout: 20_000 }
  )

  it.effect("permissions: --add done, --remove refused: the error says what was added", () =>
    Effect.gen(function*() {
      const { emu, run } = yield* harness({}, failPatch(2))
      assert.strictEqual(
        (yield* run("roles", "create", ...conn, "auditor", "--permission", "internal_user_mgt_view")).code,
        0
      )
      const result = yield* run(
        "roles",
        "permissions",
        ...conn,
        "auditor",
        "--add",
        "internal_login",
        "--remove",
        "internal_user_mgt_view"
      )
      assert.strictEqual(result.code, ExitCode.Failed, result.stderr)
      const role = ((yield* emu.snapshot()).roles as ReadonlyArray<StoredRole>).find((r) => r.displayName === "auditor")
      assert.include((role?.permissions ?? []).map((p) => p.value), "internal_login")
      assert.match(result.stderr, /already done: internal_login added/)
      assert.match(result.stderr, /not done: .*internal_user_mgt_view/)
    }), { timeout: 20_000 })
})

describe("hr --role-mapping: hostile files", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "asgardeo-scim-hostile-"))
  const file = (name: string, body: string | Uint8Array) => {
    const p = path.join(dir, name)
    fs.writeFileSync(p, body)
    return p
  }

  it.effect("nested too deep: exit 2 with a message, nothing sent", () =>
    Effect.gen(function*() {
      const { emu, run } = yield* harness()
      const deep = file("deep.json", `{"employee": ${"[".repeat(100_000)}${"]".repeat(100_000)}}`)
      const result = yield* run("hr", "setup", ...conn, "--role-mapping", deep)
      assert.strictEqual(result.code, ExitCode.Usage, result.stderr)
      assert.match(result.stderr, /nested more than \d+ levels deep/)
      assert.deepStrictEqual(yield* emu.log, [])
    }))

  it.effect("not UTF-8: exit 2 with a message, nothing sent (no role named with U+FFFD)", () =>
    Effect.gen(function*() {
      const { emu, run } = yield* harness()
      const bytes = new Uint8Array([...Buffer.from("{\"employee\": \""), 0xff, 0xfe, ...Buffer.from("\"}")])
      const latin = file("latin1.json", bytes)
      const result = yield* run("hr", "setup", ...conn, "--role-mapping", latin)
      assert.strictEqual(result.code, ExitCode.Usage, result.stderr)
      assert.match(result.stderr, /not UTF-8/)
      assert.deepStrictEqual(yield* emu.log, [])
      // A byte-order mark is UTF-8: still read.
      const bom = file("bom.json", "\ufeff{\"employee\": \"Staff\"}")
      assert.strictEqual((yield* run("hr", "setup", ...conn, "--role-mapping", bom)).code, 0)
    }))
})
