// Optimistic concurrency (RFC 7644 §3.14) on the emulator's ETag mode: reads keep meta.version,
// replace/patch/delete send If-Match, `update` reads, applies, writes conditionally and tries again
// on 412 up to its bound; on a server without ETags (Asgardeo) `ifMatch` and `update` are refused
// before anything is written, unless `update` is told `unconditional: true`.
import type { ScimError } from "@asgardeo-scim/core"
import { Patch } from "@asgardeo-scim/core"
import { Groups, Users } from "@asgardeo-scim/directory"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Emulated from "./utils/Emulated.js"

const withEtags = Emulated.layer({ etag: true })

const writes = Effect.map(Emulated.scimLog, (log) => log.filter((e) => e.method !== "GET"))

/** The requests to resources (the configuration read left out), as `METHOD status`. */
const resourceRequests = Effect.map(
  Emulated.scimLog,
  (log) => log.filter((e) => !e.path.endsWith("/ServiceProviderConfig")).map((e) => `${e.method} ${e.status}`)
)

/** Another writer: a PATCH of the user's title between the client's read and its write. */
const otherWriter = (id: string, title: string) =>
  Effect.flatMap(Users.Users, (users) => users.patch(id, [Patch.replace("title", title)]))

describe("conditional writes on a server with ETags (the emulator's ETag mode)", () => {
  it.effect("reads keep meta.version: create, get, list and search agree", () =>
    Effect.gen(function*() {
      const users = yield* Users.Users
      const created = yield* users.create({ userName: "kim@example.com", email: "kim@example.com", askPassword: true })
      const version = created.meta?.version
      assert.isString(version)
      assert.strictEqual((yield* users.get(created.id)).meta?.version, version)
      assert.strictEqual((yield* users.list()).resources[0]?.meta?.version, version)
      const found = yield* users.findByUserName("kim@example.com")
      assert.strictEqual(found._tag === "Some" ? found.value.meta?.version : undefined, version)
    }).pipe(Effect.provide(withEtags)))

  it.effect("replace, patch and delete with the current version write; with a stale one, PreconditionFailed", () =>
    Effect.gen(function*() {
      const users = yield* Users.Users
      const kim = yield* users.create({ userName: "kim@example.com", email: "kim@example.com", askPassword: true })
      const v1 = kim.meta!.version!
      const patched = yield* users.patch(kim.id, [Patch.replace("title", "A")], { ifMatch: v1 })
      const v2 = patched.meta!.version!
      assert.notStrictEqual(v2, v1)
      const stale = yield* Effect.flip(users.patch(kim.id, [Patch.replace("title", "B")], { ifMatch: v1 }))
      assert.strictEqual(stale._tag, "PreconditionFailed")
      assert.strictEqual((stale as ScimError.PreconditionFailed).status, 412)
      assert.include(stale.message, "read it again")
      assert.strictEqual((yield* users.get(kim.id)).title, "A")
      const replaceStale = yield* Effect.flip(users.replace(kim.id, { ...patched, title: "C" }, { ifMatch: v1 }))
      assert.strictEqual(replaceStale._tag, "PreconditionFailed")
      const replaced = yield* users.replace(kim.id, { ...patched, title: "C" }, { ifMatch: v2 })
      assert.strictEqual(replaced.title, "C")
      const deleteStale = yield* Effect.flip(users.delete(kim.id, { ifMatch: v2 }))
      assert.strictEqual(deleteStale._tag, "PreconditionFailed")
      yield* users.delete(kim.id, { ifMatch: replaced.meta!.version! })
      assert.strictEqual((yield* Effect.flip(users.get(kim.id)))._tag, "NotFound")
      // Each conditional write went out once: a 412 is not retried by the client.
      const sent = (yield* Emulated.scimLog).filter((e) => e.method !== "GET" && e.method !== "POST")
      assert.deepStrictEqual(sent.map((e) => `${e.method} ${e.status}`), [
        "PATCH 200",
        "PATCH 412",
        "PUT 412",
        "PUT 200",
        "DELETE 412",
        "DELETE 204"
      ])
    }).pipe(Effect.provide(withEtags)))

  it.effect("update: one read and one conditional write when nobody else writes", () =>
    Effect.gen(function*() {
      const users = yield* Users.Users
      const kim = yield* users.create({ userName: "kim@example.com", email: "kim@example.com", askPassword: true })
      yield* Emulated.clearLog
      const updated = yield* users.update(kim.id, (u) => ({ ...u, title: "Engineer" }))
      assert.strictEqual(updated.title, "Engineer")
      assert.deepStrictEqual(yield* resourceRequests, ["GET 200", "PUT 200"])
    }).pipe(Effect.provide(withEtags)))

  it.effect("update: another writer in between: 412, read again, f applied to the new state", () =>
    Effect.gen(function*() {
      const users = yield* Users.Users
      const kim = yield* users.create({ userName: "kim@example.com", email: "kim@example.com", askPassword: true })
      yield* Emulated.clearLog
      const seen: Array<string | undefined> = []
      const updated = yield* users.update(kim.id, (u) =>
        Effect.gen(function*() {
          seen.push(u.title)
          // The first time only, someone else writes between this read and the write.
          if (seen.length === 1) yield* otherWriter(kim.id, "Other")
          return { ...u, displayName: `${u.title ?? "none"} seen` }
        }))
      assert.deepStrictEqual(seen, [undefined, "Other"])
      assert.strictEqual(updated.displayName, "Other seen")
      assert.strictEqual(updated.title, "Other")
      assert.deepStrictEqual(yield* resourceRequests, [
        "GET 200",
        "PATCH 200",
        "PUT 412",
        "GET 200",
        "PUT 200"
      ])
    }).pipe(Effect.provide(withEtags)))

  it.effect("update: a writer that always wins: PreconditionFailed after maxAttempts, each attempt read afresh", () =>
    Effect.gen(function*() {
      const users = yield* Users.Users
      const kim = yield* users.create({ userName: "kim@example.com", email: "kim@example.com", askPassword: true })
      yield* Emulated.clearLog
      let calls = 0
      const error = yield* Effect.flip(
        users.update(kim.id, (u) => Effect.as(otherWriter(kim.id, `Other ${++calls}`), { ...u, title: "Mine" }), {
          maxAttempts: 2
        })
      )
      assert.strictEqual(error._tag, "PreconditionFailed")
      assert.strictEqual(calls, 2)
      const puts = (yield* Emulated.scimLog).filter((e) => e.method === "PUT")
      assert.deepStrictEqual(puts.map((e) => e.status), [412, 412])
      assert.strictEqual((yield* users.get(kim.id)).title, "Other 2")
    }).pipe(Effect.provide(withEtags)))

  it.effect("a conditional write whose answer is lost is not sent again: TransportError, f applied once", () =>
    Effect.gen(function*() {
      const users = yield* Users.Users
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      const kim = yield* users.create({ userName: "kim@example.com", email: "kim@example.com", askPassword: true })
      yield* users.patch(kim.id, [Patch.replace("title", "0")])
      yield* emu.injectFault(AsgardeoEmulator.dropConnection("after", { method: "PUT", times: 1 }))
      yield* Emulated.clearLog
      let calls = 0
      const error = yield* Effect.flip(users.update(kim.id, (u) => {
        calls++
        return { ...u, title: String(Number(u.title) + 1) }
      }))
      assert.strictEqual(error._tag, "TransportError")
      assert.strictEqual(calls, 1)
      assert.strictEqual((yield* users.get(kim.id)).title, "1", "the write landed once")
      assert.deepStrictEqual((yield* resourceRequests).filter((r) => r.startsWith("PUT")).length, 1)
    }).pipe(Effect.provide(Emulated.layer({ etag: true }, { retry: { maxAttempts: 4 } }))))

  it.effect("update: f returning a Promise (plain JavaScript) is refused; nothing is written", () =>
    Effect.gen(function*() {
      const users = yield* Users.Users
      const kim = yield* users.create({ userName: "kim@example.com", email: "kim@example.com", askPassword: true })
      yield* Emulated.clearLog
      const error = yield* Effect.flip(users.update(kim.id, (async (u: object) => u) as never))
      assert.strictEqual(error._tag, "InvalidInput")
      assert.strictEqual((error as ScimError.InvalidInput).field, "f")
      const replaced = yield* Effect.flip(users.replace(kim.id, Promise.resolve(kim) as never))
      assert.strictEqual(replaced._tag, "InvalidInput")
      assert.deepStrictEqual(yield* writes, [])
    }).pipe(Effect.provide(withEtags)))

  it.effect("update: f's own failure is the caller's, and nothing is written", () =>
    Effect.gen(function*() {
      const users = yield* Users.Users
      const kim = yield* users.create({ userName: "kim@example.com", email: "kim@example.com", askPassword: true })
      yield* Emulated.clearLog
      const error = yield* Effect.flip(users.update(kim.id, () => Effect.fail("no, thanks" as const)))
      assert.strictEqual(error, "no, thanks")
      assert.deepStrictEqual(yield* writes, [])
    }).pipe(Effect.provide(withEtags)))

  it.effect("groups: update and a conditional rename by patch", () =>
    Effect.gen(function*() {
      const groups = yield* Groups.Groups
      const team = yield* groups.create({ displayName: "Team" })
      const renamed = yield* groups.update(team.id, (g) => ({ ...g, displayName: "Team 2" }))
      assert.strictEqual(renamed.displayName.replace(/^DEFAULT\//, ""), "Team 2")
      const stale = yield* Effect.flip(
        groups.patch(team.id, [Patch.replace("displayName", "Team 3")], { ifMatch: team.meta!.version! })
      )
      assert.strictEqual(stale._tag, "PreconditionFailed")
    }).pipe(Effect.provide(withEtags)))
})

describe("on a server without ETags (Asgardeo, the emulator's default)", () => {
  it.effect("ifMatch: Unsupported naming etag, nothing written", () =>
    Effect.gen(function*() {
      const users = yield* Users.Users
      const kim = yield* users.create({ userName: "kim@example.com", email: "kim@example.com", askPassword: true })
      yield* Emulated.clearLog
      for (
        const call of [
          users.patch(kim.id, [Patch.replace("title", "A")], { ifMatch: "W/\"1\"" }),
          users.replace(kim.id, kim, { ifMatch: "W/\"1\"" }),
          users.delete(kim.id, { ifMatch: "W/\"1\"" })
        ]
      ) {
        const error = yield* Effect.flip(call)
        assert.strictEqual(error._tag, "Unsupported")
        if (error._tag === "Unsupported") {
          assert.strictEqual(error.feature, "etag")
          assert.include(error.reason, "etag.supported false")
        }
      }
      assert.deepStrictEqual(yield* writes, [])
    }).pipe(Effect.provide(Emulated.layer())))

  it.effect("update: Unsupported before anything is read; with unconditional: true, a plain write", () =>
    Effect.gen(function*() {
      const users = yield* Users.Users
      const kim = yield* users.create({ userName: "kim@example.com", email: "kim@example.com", askPassword: true })
      yield* Emulated.clearLog
      const error = yield* Effect.flip(users.update(kim.id, (u) => ({ ...u, title: "A" })))
      assert.strictEqual(error._tag, "Unsupported")
      assert.include(error._tag === "Unsupported" ? error.reason : "", "unconditional: true")
      assert.deepStrictEqual((yield* Emulated.scimLog).map((e) => `${e.method} ${e.path}`), [
        "GET /t/acme/scim2/ServiceProviderConfig"
      ])
      const updated = yield* users.update(kim.id, (u) => ({ ...u, title: "A" }), { unconditional: true })
      assert.strictEqual(updated.title, "A")
      const put = (yield* AsgardeoEmulator.AsgardeoEmulator.pipe(Effect.flatMap((e) => e.log)))
        .filter((e) => e.method === "PUT")
      assert.strictEqual(put.length, 1)
    }).pipe(Effect.provide(Emulated.layer())))
})

describe("bad input from plain JavaScript: InvalidInput before any request", () => {
  it.effect("ifMatch, update's options and f", () =>
    Effect.gen(function*() {
      const users = yield* Users.Users
      const id = "6c5f2b4e-1d9a-4f6e-9b7a-2f1c3d4e5f60"
      const cases: ReadonlyArray<readonly [Effect.Effect<unknown, { readonly _tag: string }>, string]> = [
        [users.patch(id, [Patch.replace("title", "A")], { ifMatch: "W/\"1\"\r\nX-Evil: yes" }), "ifMatch"],
        [users.delete(id, { ifMatch: "" }), "ifMatch"],
        [users.delete(id, { ifMatch: 42 } as never), "ifMatch"],
        [users.delete(id, { ifMatch: "x".repeat(1025) }), "ifMatch"],
        [users.replace(id, { userName: "kim" }, { ifMacth: "W/\"1\"" } as never), "ifMacth"],
        [users.delete(id, "W/\"1\"" as never), ""],
        [users.update(id, (u) => u, { maxAttempts: 0 }), "maxAttempts"],
        [users.update(id, (u) => u, { maxAttempts: 11 }), "maxAttempts"],
        [users.update(id, (u) => u, { maxAttempts: "3" } as never), "maxAttempts"],
        [users.update(id, (u) => u, { unconditional: "yes" } as never), "unconditional"],
        [users.update(id, (u) => u, { force: true } as never), "force"],
        [users.update(id, "not a function" as never), "f"]
      ]
      for (const [call, field] of cases) {
        const error = yield* Effect.flip(call)
        assert.strictEqual(error._tag, "InvalidInput", field)
        assert.strictEqual((error as ScimError.InvalidInput).field, field)
      }
      const badId = yield* Effect.flip(users.update("not-a-uuid", (u) => u))
      assert.strictEqual(badId._tag, "InvalidId")
      assert.deepStrictEqual(yield* Emulated.scimLog, [])
    }).pipe(Effect.provide(withEtags)))
})
