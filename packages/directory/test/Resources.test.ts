// The generic resource service (`Resources.make`): the lifecycle of /Users and /Groups through it
// on the Asgardeo emulator and on SCIMMY (a third-party RFC 7644 server), and each typed failure it
// names, sent before any request.
import { Filter, Patch } from "@asgardeo-scim/core"
import type { Directory as D } from "@asgardeo-scim/directory"
import { Group, Resources, User } from "@asgardeo-scim/directory"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Redacted, Schema, Stream } from "effect"
import * as Emulated from "./utils/Emulated.js"
import * as Generic from "./utils/Generic.js"
import type * as ScimmyServer from "./utils/ScimmyServer.js"

const password = Redacted.make("S3cret-Passw0rd!")

describe("Resources on the emulator", () => {
  it.effect("Users through the generic service: create, get, list, search, stream, patch, replace, delete", () =>
    Effect.gen(function*() {
      const users = yield* Resources.make(Resources.users)
      const kim = yield* users.create({
        userName: "DEFAULT/kim@example.com",
        password,
        emails: [{ value: "kim@example.com", primary: true }],
        name: { givenName: "Kim", familyName: "Lee" }
      })
      assert.strictEqual(kim.userName, "DEFAULT/kim@example.com")
      assert.strictEqual((yield* users.get(kim.id)).id, kim.id)
      const projected = yield* users.get(kim.id, { attributes: ["userName"] })
      assert.strictEqual(projected.id, kim.id)
      const listed = yield* users.list({ filter: Filter.eq("userName", "kim@example.com") })
      assert.deepStrictEqual(listed.resources.map((u) => u.id), [kim.id])
      const searched = yield* users.search({ filter: "userName eq \"kim@example.com\"", count: 5 })
      assert.deepStrictEqual(searched.resources.map((u) => u.id), [kim.id])
      const streamed = yield* Stream.runCollect(users.stream())
      assert.isTrue(Chunk.some(streamed, (u) => u.id === kim.id))
      const patched = yield* users.patch(kim.id, [Patch.replace("title", "Engineer")])
      assert.strictEqual(patched.title, "Engineer")
      const replaced = yield* users.replace(kim.id, { ...(yield* users.get(kim.id)), nickName: "K" })
      assert.strictEqual(replaced.nickName, "K")
      assert.strictEqual(replaced.title, "Engineer")
      yield* users.delete(kim.id)
      assert.strictEqual((yield* Effect.flip(users.get(kim.id)))._tag, "NotFound")
    }).pipe(Effect.provide(Emulated.layer())))

  it.effect("Groups through the generic service: members sent as given", () =>
    Effect.gen(function*() {
      const users = yield* Resources.make(Resources.users)
      const groups = yield* Resources.make(Resources.groups)
      const kim = yield* users.create({ userName: "kim@example.com", password })
      const team = yield* groups.create({
        displayName: "Team",
        members: [{ value: kim.id, display: kim.userName }]
      })
      assert.isTrue(Group.hasMember(yield* groups.get(team.id), kim.id))
      yield* groups.delete(team.id)
      assert.strictEqual((yield* Effect.flip(groups.get(team.id)))._tag, "NotFound")
    }).pipe(Effect.provide(Emulated.layer())))

  it.effect("each typed failure comes before any request, and a secret is never echoed", () =>
    Effect.gen(function*() {
      const users = yield* Resources.make(Resources.users)
      yield* Emulated.clearLog
      // bad id: the target's id rule (Asgardeo ids are UUIDs)
      const badId = yield* Effect.flip(users.get("../Groups"))
      assert.strictEqual(badId._tag, "InvalidId")
      assert.strictEqual((yield* Effect.flip(users.delete("not-a-uuid")))._tag, "InvalidId")
      // bad options
      const sort = yield* Effect.flip(users.list({ sortBy: "userName" } as Resources.ListOptions))
      assert.strictEqual(sort._tag, "Unsupported")
      const notFilter = yield* Effect.flip(users.list({ filter: 42 } as unknown as Resources.ListOptions))
      assert.strictEqual(notFilter._tag, "InvalidFilter")
      const badCount = yield* Effect.flip(users.search({ count: -1 }))
      assert.strictEqual(badCount._tag === "InvalidInput" && badCount.field, "count")
      const badStream = yield* Effect.flip(Stream.runDrain(users.stream({ count: 5 } as Resources.StreamOptions)))
      assert.strictEqual(badStream._tag, "InvalidInput")
      const badProjection = yield* Effect.flip(users.get(crypto.randomUUID(), { attributes: ["no such(path"] }))
      assert.strictEqual(badProjection._tag === "InvalidInput" && badProjection.field, "attributes")
      // bad patch
      const badPatch = yield* Effect.flip(users.patch(crypto.randomUUID(), [{ op: "move", path: "title" }]))
      assert.strictEqual(badPatch._tag, "InvalidInput")
      const notPatch = yield* Effect.flip(users.patch(crypto.randomUUID(), "title" as unknown as []))
      assert.strictEqual(notPatch._tag, "InvalidInput")
      // bad bodies: a plain-string password, an id chosen by the caller, a user-store prefix that is none
      const plain = yield* Effect.flip(users.create({ userName: "ann@example.com", password: "hunter2-plain" }))
      assert.strictEqual(plain._tag === "InvalidInput" && plain.field, "password")
      assert.notInclude(JSON.stringify(plain), "hunter2-plain")
      assert.notInclude(String(plain), "hunter2-plain")
      const withId = yield* Effect.flip(users.create({ id: "x", userName: "ann@example.com", password }))
      assert.strictEqual(withId._tag === "InvalidInput" && withId.field, "id")
      const store = yield* Effect.flip(users.create({ userName: "no store!/ann@example.com", password }))
      assert.strictEqual(store._tag === "InvalidInput" && store.field, "userName")
      const patchStore = yield* Effect.flip(users.patch(crypto.randomUUID(), [Patch.replace("userName", "a b/c")]))
      assert.strictEqual(patchStore._tag === "InvalidInput" && patchStore.field, "Operations.0.value")
      const replaceId = yield* Effect.flip(users.replace(crypto.randomUUID(), { id: "other", userName: "x" }))
      assert.strictEqual(replaceId._tag === "InvalidInput" && replaceId.field, "id")
      const notObject = yield* Effect.flip(users.replace(crypto.randomUUID(), null as unknown as {}))
      assert.strictEqual(notObject._tag, "InvalidInput")
      assert.deepStrictEqual(yield* Emulated.scimLog, [])
      // NotFound: a well-formed id nobody has
      const missing = crypto.randomUUID()
      assert.strictEqual((yield* Effect.flip(users.get(missing)))._tag, "NotFound")
      assert.strictEqual((yield* Effect.flip(users.patch(missing, [Patch.replace("title", "x")])))._tag, "NotFound")
      assert.strictEqual((yield* Effect.flip(users.delete(missing)))._tag, "NotFound")
    }).pipe(Effect.provide(Emulated.layer())))

  it.effect("a bad definition fails with InvalidInput from Resources.make", () =>
    Effect.gen(function*() {
      const Device = Schema.Struct({ id: Schema.String })
      const base = { name: "Devices", path: "/Devices", schema: Device, projection: Resources.Projected }
      const cases: ReadonlyArray<readonly [unknown, string]> = [
        [null, ""],
        [{ ...base, name: "Dev ices" }, "name"],
        [{ ...base, path: "Devices" }, "path"],
        [{ ...base, path: "/Devices?x=1" }, "path"],
        [{ ...base, schema: {} }, "schema"],
        [{ ...base, projection: "id" }, "projection"],
        [{ ...base, scopes: { create: "Devices.create" } }, "scopes.create"],
        [{ ...base, scopes: { move: "Users.patch" } }, "scopes.move"],
        [{ ...base, filters: "users" }, "filters"]
      ]
      for (const [definition, field] of cases) {
        const error = yield* Effect.flip(
          Resources.make(
            definition as Resources.Definition<{ readonly id: string }, unknown, Resources.Projected, unknown>
          )
        )
        assert.strictEqual(error._tag, "InvalidInput")
        assert.strictEqual(error.field, field)
        assert.strictEqual(error.operation, "Resources.make")
      }
    }).pipe(Effect.provide(Emulated.layer())))

  it.effect("a custom resource type: operations named after it, scopes as asked, answers decoded by its schema", () =>
    Effect.gen(function*() {
      const Device = Schema.Struct({ id: Schema.String, serial: Schema.String })
      const devices = yield* Resources.make({
        name: "Devices",
        path: "/Devices",
        schema: Device,
        projection: Resources.Projected,
        scopes: { get: "Users.get" }
      })
      // The emulator has no /Devices: the answer is a typed error naming the request, not a guess.
      const error = yield* Effect.flip(devices.get(crypto.randomUUID()))
      assert.include(["NotFound", "BadRequest", "InvalidResponse"], error._tag)
      const bad = yield* Effect.flip(devices.create({ serial: "SN\u0000" }))
      assert.strictEqual(bad._tag === "InvalidInput" && bad.operation, "Devices.create")
    }).pipe(Effect.provide(Emulated.layer())))
})

describe("Resources on SCIMMY", () => {
  const run = <A, E>(effect: Effect.Effect<A, E, D.Services | ScimmyServer.Scimmy>) =>
    effect.pipe(Effect.provide(Generic.layer(NodeHttpClient.layerUndici)))

  it.live("Users through the generic service: create, get, list, patch (200 and 204), replace, delete", () =>
    run(Effect.gen(function*() {
      const users = yield* Resources.make(Resources.users)
      const lee = yield* users.create({
        userName: "team/lee",
        name: { givenName: "Lee", familyName: "Park" },
        [User.EnterpriseUrn]: { department: "Eng" }
      })
      assert.strictEqual(lee.userName, "team/lee")
      assert.deepStrictEqual(lee.schemas, [User.CoreUrn, User.EnterpriseUrn])
      assert.strictEqual((yield* users.get(lee.id)).id, lee.id)
      const listed = yield* users.list({ filter: "userName eq \"team/lee\"" })
      assert.deepStrictEqual(listed.resources.map((u) => u.id), [lee.id])
      const projected = yield* users.list({ attributes: ["userName"] })
      assert.isTrue(projected.resources.some((u) => u.id === lee.id))
      const patched = yield* users.patch(lee.id, [Patch.replace("title", "Engineer")])
      assert.strictEqual(patched.title, "Engineer")
      // nothing changes: SCIMMY answers 204 and the user is read again
      const same = yield* users.patch(lee.id, [Patch.replace("title", "Engineer")])
      assert.strictEqual(same.title, "Engineer")
      const replaced = yield* users.replace(lee.id, { ...(yield* users.get(lee.id)), nickName: "L" })
      assert.strictEqual(replaced.nickName, "L")
      assert.strictEqual(replaced[User.EnterpriseUrn]?.department, "Eng")
      yield* users.delete(lee.id)
      assert.strictEqual((yield* Effect.flip(users.get(lee.id)))._tag, "NotFound")
      assert.strictEqual((yield* Effect.flip(users.delete(lee.id)))._tag, "NotFound")
      const conflict = yield* users.create({ userName: "dup" }).pipe(
        Effect.zipRight(Effect.flip(users.create({ userName: "dup" })))
      )
      assert.strictEqual(conflict._tag, "Conflict")
    })))

  it.live("typed failures before any request on a generic target", () =>
    run(Effect.gen(function*() {
      const users = yield* Resources.make(Resources.users)
      const domain = yield* Effect.flip(users.list({ domain: "PARTNERS" }))
      assert.strictEqual(domain._tag === "InvalidInput" && domain.field, "domain")
      const badPatch = yield* Effect.flip(users.patch("some-id", [{ op: "remove" }]))
      assert.strictEqual(badPatch._tag, "InvalidInput")
      const badId = yield* Effect.flip(users.get("a/b"))
      assert.strictEqual(badId._tag, "InvalidId")
    })))
})
