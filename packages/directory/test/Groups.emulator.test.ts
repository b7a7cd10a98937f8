import type { ScimError } from "@asgardeo-scim/core"
import { Scopes } from "@asgardeo-scim/core"
import { Bulk, Group, Groups, Users } from "@asgardeo-scim/directory"
import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Option, Redacted, Stream } from "effect"
import * as Emulated from "./utils/Emulated.js"

type R = Users.Users | Groups.Groups | Bulk.Bulk | AsgardeoEmulator.AsgardeoEmulator
const run = <A, E>(effect: Effect.Effect<A, E, R>, options: AsgardeoEmulator.Options = {}) =>
  effect.pipe(Effect.provide(Emulated.layer(options)))

const newUser = (users: Users.Service, email: string) => users.create({ userName: email, email, askPassword: true })

const memberPatches = Effect.map(
  Emulated.scimLog,
  (log) => log.filter((e) => e.method === "PATCH" && e.path.includes("/Groups/"))
)

describe("Groups on the emulator", () => {
  it.effect("create with members sends display = userName (looked up), findByName with or without DEFAULT/", () =>
    run(Effect.gen(function*() {
      const users = yield* Users.Users
      const groups = yield* Groups.Groups
      const kim = yield* newUser(users, "kim@example.com")
      const ann = yield* newUser(users, "ann@example.com")
      const group = yield* groups.create({
        displayName: "HR-Admins",
        members: [kim.id, { value: ann.id, display: ann.userName }]
      })
      assert.strictEqual(Group.nameWithoutDomain(group), "HR-Admins")
      assert.isTrue(Group.hasMember(group, kim.id) && Group.hasMember(group, ann.id))
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      const snap = yield* emu.snapshot()
      const stored = snap.groups.find((g) => g["id"] === group.id)!
      const displays = (stored["members"] as Array<{ display: string }>).map((m) => m.display).sort()
      assert.deepStrictEqual(displays, ["DEFAULT/ann@example.com", "DEFAULT/kim@example.com"])
      const a = yield* groups.findByName("hr-admins")
      const b = yield* groups.findByName("DEFAULT/HR-Admins")
      assert.strictEqual(Option.getOrThrow(a).id, group.id)
      assert.strictEqual(Option.getOrThrow(b).id, group.id)
      assert.isTrue(Option.isNone(yield* groups.findByName("Nobody")))
    })))

  for (const memberConflict of ["ok", "error"] as const) {
    for (const groupPatchResponse of ["group", "noContent"] as const) {
      it.effect(`addMembers/removeMembers are idempotent (memberConflict ${memberConflict}, ${groupPatchResponse})`, () =>
        run(
          Effect.gen(function*() {
            const users = yield* Users.Users
            const groups = yield* Groups.Groups
            const kim = yield* newUser(users, "kim@example.com")
            const group = yield* groups.create({ displayName: "Employees" })
            yield* groups.addMembers(group.id, [kim.id])
            yield* groups.addMembers(group.id, [kim.id])
            assert.isTrue(Group.hasMember(yield* groups.get(group.id), kim.id))
            yield* groups.removeMembers(group.id, [kim.id])
            yield* groups.removeMembers(group.id, [kim.id])
            assert.isFalse(Group.hasMember(yield* groups.get(group.id), kim.id))
            const patched = yield* groups.patch(group.id, [{ op: "replace", path: "displayName", value: "Staff" }])
            assert.strictEqual(Group.nameWithoutDomain(patched), "Staff")
            yield* groups.rename(group.id, "Employees")
            assert.strictEqual(Group.nameWithoutDomain(yield* groups.get(group.id)), "Employees")
            const patches = yield* memberPatches
            const adds = patches.filter((p) => p.status !== undefined)
            assert.isTrue(adds.length >= 4)
          }),
          { quirks: { memberConflict, groupPatchResponse } }
        ))
    }
  }

  it.effect("ensureMember creates the group once, then adds; the seed's assign_user_role", () =>
    run(Effect.gen(function*() {
      const users = yield* Users.Users
      const groups = yield* Groups.Groups
      const kim = yield* newUser(users, "kim@example.com")
      const ann = yield* newUser(users, "ann@example.com")
      const first = yield* groups.ensureMember("HR-Managers", kim.id)
      assert.isTrue(first.created)
      const second = yield* groups.ensureMember("HR-Managers", { value: ann.id, display: ann.userName })
      assert.isFalse(second.created)
      assert.strictEqual(second.group.id, first.group.id)
      const third = yield* groups.ensureMember("DEFAULT/HR-Managers", kim.id)
      assert.isFalse(third.created)
      const group = yield* groups.get(first.group.id)
      assert.strictEqual(group.members?.length, 2)
    })))

  it.effect("member writes ask Asgardeo for the id only, not the whole member list back", () =>
    run(Effect.gen(function*() {
      const users = yield* Users.Users
      const groups = yield* Groups.Groups
      const kim = yield* newUser(users, "kim.min@example.com")
      const group = yield* groups.create({ displayName: "Big" })
      yield* Emulated.clearLog
      yield* groups.addMembers(group.id, [{ value: kim.id, display: kim.userName }])
      yield* groups.removeMembers(group.id, [kim.id])
      const patches = yield* memberPatches
      assert.deepStrictEqual(patches.map((p) => p.query), ["attributes=id", "attributes=id"])
    })))

  it.effect("list, search, stream, replace, delete", () =>
    run(Effect.gen(function*() {
      const groups = yield* Groups.Groups
      const users = yield* Users.Users
      const kim = yield* newUser(users, "kim@example.com")
      const a = yield* groups.create({ displayName: "A-Team" })
      yield* groups.create({ displayName: "B-Team" })
      const listed = yield* groups.list({ filter: "displayName sw A" })
      assert.deepStrictEqual(listed.resources.map((g) => g.id), [a.id])
      const searched = yield* groups.search({ filter: "displayName eq \"B-Team\"" })
      assert.strictEqual(searched.resources.length, 1)
      const compound = yield* Effect.flip(groups.list({ filter: "displayName sw A and displayName ew m" }))
      assert.strictEqual(compound._tag, "UnsupportedFilter")
      const all = yield* Stream.runCollect(groups.stream())
      assert.strictEqual(Chunk.size(all), 2)
      const replaced = yield* groups.replace(a.id, { ...a, members: [{ value: kim.id }] })
      assert.isTrue(Group.hasMember(replaced, kim.id))
      yield* groups.delete(a.id)
      assert.strictEqual((yield* Effect.flip(groups.get(a.id)))._tag, "NotFound")
    })))

  it.effect("bad input fails before any request", () =>
    run(Effect.gen(function*() {
      const groups = yield* Groups.Groups
      yield* Emulated.clearLog
      const errors = [
        yield* Effect.flip(groups.create({ displayName: "" })),
        yield* Effect.flip(groups.create({ displayName: "X", members: ["not-a-uuid"] })),
        yield* Effect.flip(groups.addMembers("not-a-uuid", [])),
        yield* Effect.flip(groups.removeMembers("6c5f2b4e-1d9a-4f6e-9b7a-2f1c3d4e5f60", [""])),
        yield* Effect.flip(groups.rename("6c5f2b4e-1d9a-4f6e-9b7a-2f1c3d4e5f60", " ")),
        yield* Effect.flip(groups.findByName(""))
      ]
      assert.deepStrictEqual(errors.map((e) => e._tag), [
        "InvalidInput",
        "InvalidInput",
        "InvalidId",
        "InvalidInput",
        "InvalidInput",
        "InvalidInput"
      ])
      assert.deepStrictEqual(yield* Emulated.scimLog, [])
    })))

  it.effect("no nested groups: a member typed Group is refused before any request, a bare group id is NotFound as a user", () =>
    run(Effect.gen(function*() {
      const users = yield* Users.Users
      const groups = yield* Groups.Groups
      const kim = yield* newUser(users, "kim@example.com")
      const inner = yield* groups.create({ displayName: "Inner" })
      const outer = yield* groups.create({ displayName: "Outer" })
      yield* Emulated.clearLog
      const typed = yield* Effect.flip(groups.addMembers(outer.id, [{ value: inner.id, type: "Group" }]))
      assert.strictEqual(typed._tag === "InvalidInput" && typed.field, "members.0.type")
      assert.deepStrictEqual(yield* Emulated.scimLog, [])
      // A bare id is looked up as a user only (the target has no nested groups).
      const bare = yield* Effect.flip(groups.addMembers(outer.id, [inner.id]))
      assert.strictEqual(bare._tag, "NotFound")
      assert.deepStrictEqual((yield* Emulated.scimLog).map((e) => `${e.method} ${e.path.replace(/^.*scim2/, "")}`), [
        `GET /Users/${inner.id}`
      ])
      // Sent anyway (a raw PATCH), the emulator refuses it as 400 invalidValue and changes nothing.
      const raw = yield* Effect.flip(groups.patch(outer.id, [
        { op: "add", value: { members: [{ value: inner.id, display: "DEFAULT/Inner", type: "Group" }] } }
      ]))
      assert.strictEqual(raw._tag, "BadRequest")
      if (raw._tag === "BadRequest") {
        assert.strictEqual(raw.scimType, "invalidValue")
        assert.include(raw.detail ?? "", "Nested groups are not supported")
      }
      // A user typed User is a member (written without the type: NestedGroups.mock.test.ts).
      yield* groups.addMembers(outer.id, [{ value: kim.id, type: "User" }])
      assert.deepStrictEqual(Group.memberIds(yield* groups.get(outer.id)), [kim.id])
    })))
})

describe("Bulk on the emulator", () => {
  it.effect("creates users and a group referencing them, results by bulkId", () =>
    run(Effect.gen(function*() {
      const bulk = yield* Bulk.Bulk
      const groups = yield* Groups.Groups
      const result = yield* bulk.execute([
        Bulk.create("Groups", "g1", {
          schemas: [Group.CoreUrn],
          displayName: "New Team",
          members: [{ value: Bulk.ref("u1"), display: "DEFAULT/user1@example.com" }]
        }),
        Bulk.create("Users", "u1", {
          schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
          userName: "DEFAULT/user1@example.com",
          password: Redacted.make("Password123!"),
          emails: [{ primary: true, value: "user1@example.com" }]
        }),
        Bulk.create("Users", "u2", {
          schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
          userName: "DEFAULT/user2@example.com",
          password: Redacted.make("Password123!")
        })
      ])
      assert.strictEqual(result.failed, 0)
      assert.strictEqual(result.requests, 1)
      const u1 = result.byBulkId.get("u1")!
      const g1 = result.byBulkId.get("g1")!
      assert.strictEqual(u1.status, 201)
      assert.isString(u1.id)
      const group = yield* groups.get(g1.id!)
      assert.isTrue(Group.hasMember(group, u1.id!))
      // a PATCH and a DELETE, correlated by generated bulkIds
      const second = yield* bulk.execute([
        Bulk.patch("Users", u1.id!, [{ op: "replace", path: "name.givenName", value: "Jo" }]),
        Bulk.remove("Users", result.byBulkId.get("u2")!.id!),
        Bulk.remove("Users", "6c5f2b4e-1d9a-4f6e-9b7a-2f1c3d4e5f60", "missing")
      ])
      assert.deepStrictEqual(second.results.map((r) => [r.method, r.status]), [["PATCH", 200], ["DELETE", 204], [
        "DELETE",
        404
      ]])
      assert.strictEqual(second.failed, 1)
      assert.isFalse(second.byBulkId.get("missing")!.ok)
    })))

  it.effect("chunks by maxOperations, keeping bulkId references in one chunk", () =>
    run(
      Effect.gen(function*() {
        const bulk = yield* Bulk.Bulk
        const ops: Array<Bulk.Operation> = []
        for (let i = 0; i < 7; i++) {
          ops.push(
            Bulk.create("Users", `u${i}`, {
              userName: `DEFAULT/c${i}@example.com`,
              password: Redacted.make("Password123!")
            })
          )
        }
        ops.push(Bulk.create("Groups", "g", {
          displayName: "Chunked",
          members: [0, 1, 2].map((i) => ({ value: Bulk.ref(`u${i}`), display: `DEFAULT/c${i}@example.com` }))
        }))
        const result = yield* bulk.execute(ops)
        assert.strictEqual(result.failed, 0)
        assert.strictEqual(result.results.length, 8)
        assert.isTrue(result.requests >= 2)
        const posts = (yield* Emulated.scimLog).filter((e) => e.path.endsWith("/Bulk"))
        assert.strictEqual(posts.length, result.requests)
      }),
      { quirks: { maxBulkOperations: 4 } }
    ))

  it.effect("failOnErrors stops sending chunks; validation and scopes fail before sending", () =>
    run(
      Effect.gen(function*() {
        const bulk = yield* Bulk.Bulk
        const ops = [0, 1, 2, 3].map((i) =>
          Bulk.create("Users", `d${i}`, {
            userName: "DEFAULT/same@example.com",
            password: Redacted.make("Password123!")
          })
        )
        const result = yield* bulk.execute(ops, { failOnErrors: 1 })
        assert.strictEqual(result.failed, 1)
        assert.isTrue(result.notProcessed.length >= 1)
        yield* Emulated.clearLog
        const errors = [
          yield* Effect.flip(bulk.execute([])),
          yield* Effect.flip(bulk.execute([{ method: "POST", path: "/Users", data: {} } as unknown as Bulk.Operation])),
          yield* Effect.flip(bulk.execute([Bulk.remove("Users", "not-a-uuid")])),
          yield* Effect.flip(bulk.execute([Bulk.patch("Users", "6c5f2b4e-1d9a-4f6e-9b7a-2f1c3d4e5f60", [])])),
          yield* Effect.flip(bulk.execute([Bulk.create("Users", "x", {}), Bulk.create("Users", "x", {})]))
        ]
        assert.deepStrictEqual(errors.map((e) => e._tag), Array(5).fill("InvalidInput"))
        assert.deepStrictEqual((yield* Emulated.scimLog).filter((e) => e.path.endsWith("/Bulk")), [])
      }),
      { quirks: { maxBulkOperations: 2 } }
    ))

  it.effect("a token without a needed bulk scope is MissingScope", () =>
    run(
      Effect.gen(function*() {
        const bulk = yield* Bulk.Bulk
        const error = yield* Effect.flip(bulk.execute([Bulk.remove("Groups", "6c5f2b4e-1d9a-4f6e-9b7a-2f1c3d4e5f60")]))
        assert.strictEqual(error._tag, "MissingScope")
        assert.strictEqual((error as ScimError.MissingScope).scope, Scopes.byOperation["Bulk.deleteGroup"])
      }),
      {
        apps: [{
          clientId: "emulator-client",
          clientSecret: "emulator-secret",
          scopes: AsgardeoEmulator.allScopes.filter((s) => s !== Scopes.byOperation["Bulk.deleteGroup"])
        }]
      }
    ))
})
