// The generic subset of the service surface against SCIMMY (a third-party RFC 7644 server on a
// real socket), once over undici and once over fetch.
import { Discovery, Patch } from "@asgardeo-scim/core"
import type { Directory as D } from "@asgardeo-scim/directory"
import { Bulk, Group, Groups, User, Users } from "@asgardeo-scim/directory"
import type { HttpClient } from "@effect/platform"
import { FetchHttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import type { Layer } from "effect"
import { Chunk, Effect, Option, Redacted, Stream } from "effect"
import * as Generic from "./utils/Generic.js"
import * as ScimmyServer from "./utils/ScimmyServer.js"

const suite = (name: string, http: Layer.Layer<HttpClient.HttpClient>) =>
  describe(`generic target on SCIMMY over ${name}`, () => {
    const run = <A, E>(
      effect: Effect.Effect<A, E, D.Services | ScimmyServer.Scimmy>,
      options: { readonly pageSize?: number; readonly strict?: boolean } = {}
    ) => effect.pipe(Effect.provide(Generic.layer(http, options)))

    it.live("user lifecycle: create, get, find, list, projection, replace, patch, setActive, delete", () =>
      run(Effect.gen(function*() {
        const users = yield* Users.Users
        const user = yield* users.create({
          userName: "kim",
          name: { givenName: "Kim", familyName: "Lee" },
          emails: [{ type: "work", value: "kim@example.com", primary: true }],
          enterprise: { employeeNumber: "E-1", department: "Eng" }
        })
        assert.strictEqual(user.userName, "kim")
        assert.strictEqual(user[User.EnterpriseUrn]?.department, "Eng")
        assert.strictEqual((yield* users.get(user.id)).id, user.id)
        assert.strictEqual(Option.getOrThrow(yield* users.findByUserName("kim")).id, user.id)
        assert.isTrue(Option.isNone(yield* users.findByUserName("nobody")))
        const listed = yield* users.list({ filter: "userName eq \"kim\"" })
        assert.strictEqual(listed.resources.length, 1)
        const searched = yield* users.search({ filter: "userName eq \"kim\"", count: 5 })
        assert.strictEqual(searched.resources[0]?.id, user.id)
        const projected = yield* users.list({ attributes: ["userName"] })
        assert.strictEqual(projected.resources[0]?.id, user.id)
        const fetched = yield* users.get(user.id)
        const replaced = yield* users.replace(user.id, { ...fetched, title: "Engineer" })
        assert.strictEqual(replaced.title, "Engineer")
        assert.strictEqual(replaced.name?.familyName, "Lee")
        assert.strictEqual(replaced[User.EnterpriseUrn]?.employeeNumber, "E-1")
        const patched = yield* users.patch(user.id, [
          Patch.replace("name.givenName", "Jane"),
          Patch.addValue({ phoneNumbers: [{ type: "mobile", value: "+1234567890" }] })
        ])
        assert.strictEqual(patched.name?.givenName, "Jane")
        assert.strictEqual(patched.phoneNumbers?.[0]?.value, "+1234567890")
        // nothing changes: SCIMMY answers 204, the user is read again
        const same = yield* users.patch(user.id, [Patch.replace("title", "Engineer")])
        assert.strictEqual(same.id, user.id)
        yield* users.setActive(user.id, false)
        assert.isFalse(User.isActive(yield* users.get(user.id)))
        yield* users.delete(user.id)
        assert.strictEqual((yield* Effect.flip(users.get(user.id)))._tag, "NotFound")
      })))

    it.live("ensure: 409 then found; create fails with Conflict", () =>
      run(Effect.gen(function*() {
        const users = yield* Users.Users
        const first = yield* users.ensure({ userName: "ann", emails: [{ value: "ann@example.com" }] })
        assert.isTrue(first.created)
        assert.strictEqual((yield* Effect.flip(users.create({ userName: "ann" })))._tag, "Conflict")
        const again = yield* users.ensure({ userName: "ann" })
        assert.isFalse(again.created)
        assert.strictEqual(again.user.id, first.user.id)
      })))

    it.live("exact-name lookups: no user stores, '/' is an ordinary character, allStores refused", () =>
      run(Effect.gen(function*() {
        const users = yield* Users.Users
        const groups = yield* Groups.Groups
        const plain = yield* users.create({ userName: "lee" })
        const slashed = yield* users.create({ userName: "team/lee" })
        assert.strictEqual(Option.getOrThrow(yield* users.findByUserName("lee")).id, plain.id)
        assert.strictEqual(Option.getOrThrow(yield* users.findByUserName("team/lee")).id, slashed.id)
        assert.isTrue(Option.isNone(yield* users.findByUserName("other/lee")))
        const crew = yield* groups.create({ displayName: "ops/crew" })
        assert.strictEqual(Option.getOrThrow(yield* groups.findByName("ops/crew")).id, crew.id)
        assert.isTrue(Option.isNone(yield* groups.findByName("crew")))
        const s = yield* ScimmyServer.Scimmy
        s.clearRequests()
        assert.strictEqual((yield* Effect.flip(users.findByUserName("lee", { allStores: true })))._tag, "InvalidInput")
        assert.strictEqual((yield* Effect.flip(groups.findByName("crew", { allStores: true })))._tag, "InvalidInput")
        assert.deepStrictEqual(s.requests, [])
      })))

    it.live("stream survives SCIMMY repeating page 1 past the end", () =>
      run(
        Effect.gen(function*() {
          const users = yield* Users.Users
          yield* Effect.forEach(Array.from({ length: 23 }, (_, i) => i), (i) => users.create({ userName: `u${i}` }), {
            concurrency: 4
          })
          const all = yield* Stream.runCollect(users.stream())
          assert.strictEqual(Chunk.size(all), 23)
          assert.strictEqual(new Set(Chunk.toArray(all).map((u) => u.id)).size, 23)
        }),
        { pageSize: 10 }
      ))

    it.live("sorting where SCIMMY advertises it: list, search and stream, ascending and descending", () =>
      run(
        Effect.gen(function*() {
          const users = yield* Users.Users
          const s = yield* ScimmyServer.Scimmy
          for (const name of ["sort-b", "sort-d", "sort-a", "sort-c"]) yield* users.create({ userName: name })
          const filter = "userName sw \"sort-\""
          const names = (page: { readonly resources: ReadonlyArray<User.User> }) =>
            page.resources.map((u) => u.userName)
          s.clearRequests()
          assert.deepStrictEqual(names(yield* users.list({ filter, sortBy: "userName", count: 10 })), [
            "sort-a",
            "sort-b",
            "sort-c",
            "sort-d"
          ])
          assert.deepStrictEqual(
            names(yield* users.search({ filter, sortBy: "userName", sortOrder: "descending", count: 10 })),
            ["sort-d", "sort-c", "sort-b", "sort-a"]
          )
          const streamed = yield* Stream.runCollect(
            users.stream({ filter, sortBy: "userName", sortOrder: "descending" })
          )
          assert.deepStrictEqual(Chunk.toArray(streamed).map((u) => u.userName), [
            "sort-d",
            "sort-c",
            "sort-b",
            "sort-a"
          ])
          // The configuration was read once, by the first sorted list.
          assert.strictEqual(s.requests.filter((r) => r.path.endsWith("/ServiceProviderConfig")).length, 1)
          assert.isTrue(s.requests.some((r) => r.path.endsWith("/Users") && r.url.includes("sortBy=userName")))
        }),
        { pageSize: 3 }
      ))

    it.live("Asgardeo-only options fail with InvalidInput and send nothing", () =>
      run(Effect.gen(function*() {
        const users = yield* Users.Users
        const groups = yield* Groups.Groups
        const s = yield* ScimmyServer.Scimmy
        s.clearRequests()
        const errors = [
          yield* Effect.flip(users.create({ userName: "x", askPassword: true, email: "x@example.com" })),
          yield* Effect.flip(
            users.create({ userName: "x", password: Redacted.make("pw12345678!"), verifyEmail: true, email: "x@e.co" })
          ),
          yield* Effect.flip(users.create({ userName: "DEFAULT/x@example.com" })),
          yield* Effect.flip(users.list({ domain: "DEFAULT" })),
          yield* Effect.flip(users.findByUserName("DEFAULT/x")),
          yield* Effect.flip(groups.findByName("DEFAULT/Team")),
          yield* Effect.flip(groups.create({ displayName: "DEFAULT/Team" }))
        ]
        assert.deepStrictEqual(errors.map((e) => e._tag), Array(7).fill("InvalidInput"))
        assert.deepStrictEqual(s.requests, [])
      })))

    it.live("groups: create with members, findByName, add/remove idempotent, rename, ensureMember, replace, delete", () =>
      run(Effect.gen(function*() {
        const users = yield* Users.Users
        const groups = yield* Groups.Groups
        const kim = yield* users.create({ userName: "kim" })
        const ann = yield* users.create({ userName: "ann" })
        const group = yield* groups.create({ displayName: "Team", members: [kim.id] })
        assert.strictEqual(group.members?.[0]?.display, "kim")
        assert.strictEqual(Option.getOrThrow(yield* groups.findByName("Team")).id, group.id)
        yield* groups.addMembers(group.id, [ann.id])
        yield* groups.addMembers(group.id, [ann.id])
        assert.strictEqual((yield* groups.get(group.id)).members?.length, 2)
        yield* groups.removeMembers(group.id, [kim.id])
        yield* groups.removeMembers(group.id, [kim.id])
        const after = yield* groups.get(group.id)
        assert.isFalse(Group.hasMember(after, kim.id))
        assert.isTrue(Group.hasMember(after, ann.id))
        yield* groups.rename(group.id, "Crew")
        assert.strictEqual((yield* groups.get(group.id)).displayName, "Crew")
        const ensured = yield* groups.ensureMember("Managers", kim.id)
        assert.isTrue(ensured.created)
        const again = yield* groups.ensureMember("Managers", { value: ann.id, display: "ann" })
        assert.isFalse(again.created)
        assert.strictEqual((yield* groups.get(ensured.group.id)).members?.length, 2)
        const replaced = yield* groups.replace(group.id, { displayName: "Crew", members: [{ value: kim.id }] })
        assert.deepStrictEqual(replaced.members?.map((m) => m.value), [kim.id])
        const listed = yield* groups.list({ filter: "displayName sw \"Cr\"" })
        assert.strictEqual(listed.resources.length, 1)
        assert.strictEqual(Chunk.size(yield* Stream.runCollect(groups.stream())), 2)
        yield* groups.delete(group.id)
        assert.strictEqual((yield* Effect.flip(groups.get(group.id)))._tag, "NotFound")
      })))

    it.live("bulk: string statuses, backward references, chunked by maxOperations", () =>
      run(Effect.gen(function*() {
        const bulk = yield* Bulk.Bulk
        const groups = yield* Groups.Groups
        const ops: Array<Bulk.Operation> = Array.from(
          { length: 12 },
          (_, i) => Bulk.create("Users", `u${i}`, { schemas: [User.CoreUrn], userName: `bulk${i}` })
        )
        ops.push(Bulk.create("Groups", "g", {
          schemas: [Group.CoreUrn],
          displayName: "Bulk Team",
          members: [{ value: Bulk.ref("u11") }]
        }))
        const result = yield* bulk.execute(ops)
        assert.strictEqual(result.failed, 0)
        assert.strictEqual(result.results.length, 13)
        assert.strictEqual(result.requests, 2)
        assert.strictEqual(result.byBulkId.get("u0")!.status, 201)
        const group = yield* groups.get(result.byBulkId.get("g")!.id!)
        assert.isTrue(Group.hasMember(group, result.byBulkId.get("u11")!.id!))
      })))

    it.live("group names: '/' is an ordinary character, the domain option is Asgardeo-only", () =>
      run(Effect.gen(function*() {
        const groups = yield* Groups.Groups
        const s = yield* ScimmyServer.Scimmy
        const slash = yield* groups.create({ displayName: "R&D/Platform" })
        assert.strictEqual(slash.displayName, "R&D/Platform")
        yield* groups.rename(slash.id, "R&D/Infra")
        assert.strictEqual((yield* groups.get(slash.id)).displayName, "R&D/Infra")
        s.clearRequests()
        const error = yield* Effect.flip(groups.create({ displayName: "Team", domain: "PARTNERS" }))
        assert.strictEqual(error._tag, "InvalidInput")
        assert.strictEqual((error as { field?: string }).field, "domain")
        const control = yield* Effect.flip(groups.create({ displayName: "R&D/Te\u0000am" }))
        assert.strictEqual((control as { field?: string }).field, "displayName")
        assert.deepStrictEqual(s.requests, [])
      })))

    it.live("discovery through the same layer", () =>
      run(Effect.gen(function*() {
        const discovery = yield* Discovery.Discovery
        const spc = yield* discovery.serviceProviderConfig
        assert.strictEqual(spc.bulk.maxOperations, ScimmyServer.MAX_OPERATIONS)
        const types = yield* discovery.resourceTypes
        assert.isTrue(types.some((t) => t.name === "User"))
      })))
  })

suite("undici", NodeHttpClient.layerUndici)
suite("fetch", FetchHttpClient.layer)
