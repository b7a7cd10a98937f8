// Degrading gracefully on a third-party server: SCIMMY with features taken away (POST .search
// answering 404; filters answering 501, its ServiceProviderConfig saying filter.supported false or
// still true), in default and strict modes. Lookups by name, ensure and search keep working, choosing what the
// server offers once (two matches are AmbiguousUser: see Degrading.mock.test.ts, as this
// fixture's uniqueness check keeps two such users from existing).
import { ScimClient } from "@asgardeo-scim/core"
import type { Directory as D } from "@asgardeo-scim/directory"
import { Groups, Users } from "@asgardeo-scim/directory"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Option, Stream } from "effect"
import * as Generic from "./utils/Generic.js"
import * as ScimmyServer from "./utils/ScimmyServer.js"

const cases = [
  { strict: false, filters: "advertised" },
  { strict: true, filters: "advertised" },
  { strict: false, filters: "unadvertised" },
  { strict: true, filters: "unadvertised" }
] as const

for (const { filters, strict } of cases) {
  describe(`SCIMMY without .search and filters, ${filters} (${strict ? "strict" : "default"} mode)`, () => {
    const run = <A, E>(effect: Effect.Effect<A, E, D.Services | ScimmyServer.Scimmy>) =>
      effect.pipe(
        Effect.provide(
          Generic.layer(NodeHttpClient.layerUndici, { strict, pageSize: 3, lacks: { search: true, filters } })
        )
      )

    it.live("findByUserName, ensure and Groups.findByName page the list and match here; asked once", () =>
      run(Effect.gen(function*() {
        const users = yield* Users.Users
        const groups = yield* Groups.Groups
        const s = yield* ScimmyServer.Scimmy
        for (const name of ["ann", "bob", "kim", "lee", "max", "ned", "oz"]) yield* users.create({ userName: name })
        const ops = yield* groups.create({ displayName: "ops" })
        s.clearRequests()
        const kim = yield* users.findByUserName("kim")
        assert.strictEqual(Option.getOrThrow(kim).userName, "kim")
        const lists = (path: string) =>
          s.requests.filter((r) => r.path.endsWith(path)).map((r) => `${r.status} ${r.url.replace(/^.*\/v2/, "")}`)
        // Said in the configuration: no filter is sent; not said: the first one is refused (501).
        assert.deepStrictEqual(lists("/Users"), [
          ...(filters === "unadvertised" ? ["501 /Users?filter=userName%20eq%20%22kim%22&count=3"] : []),
          "200 /Users?count=3",
          "200 /Users?startIndex=4&count=3",
          "200 /Users?startIndex=7&count=3"
        ])
        s.clearRequests()
        assert.isTrue(Option.isNone(yield* users.findByUserName("zed")))
        const again = yield* users.ensure({ userName: "lee" })
        assert.isFalse(again.created)
        assert.isTrue(s.requests.every((r) => !r.url.includes("filter=")))
        assert.strictEqual(Option.getOrThrow(yield* groups.findByName("ops")).id, ops.id)
      })))

    it.live("stream with a filter: the whole list, filtered here (pr, and, a value path)", () =>
      run(Effect.gen(function*() {
        const users = yield* Users.Users
        const s = yield* ScimmyServer.Scimmy
        yield* users.create({ userName: "ann", title: "Engineer", emails: [{ type: "work", value: "ann@a.example" }] })
        yield* users.create({ userName: "bob" })
        yield* users.create({ userName: "kim", title: "Manager", emails: [{ type: "home", value: "kim@a.example" }] })
        yield* users.create({ userName: "lee", title: "Engineer" })
        s.clearRequests()
        const names = (filter: string) =>
          Effect.map(Stream.runCollect(users.stream({ filter })), (c) => Chunk.toArray(c).map((u) => u.userName).sort())
        assert.deepStrictEqual(yield* names("title pr"), ["ann", "kim", "lee"])
        assert.deepStrictEqual(yield* names("title eq \"engineer\" and not (userName eq \"lee\")"), ["ann"])
        assert.deepStrictEqual(yield* names("emails[type eq \"work\"]"), ["ann"])
        // At most the first filter was sent (refused, 501: remembered); the rest paged unfiltered.
        const filtered = s.requests.filter((r) => r.url.includes("filter="))
        assert.isAtMost(filtered.length, filters === "unadvertised" ? 1 : 0)
      })))

    it.live("search without .search goes by GET, where the filter is refused as by any list", () =>
      run(Effect.gen(function*() {
        const users = yield* Users.Users
        const s = yield* ScimmyServer.Scimmy
        yield* users.create({ userName: "pat" })
        s.clearRequests()
        const all = yield* users.search({ count: 10 })
        assert.isTrue(all.resources.some((u) => u.userName === "pat"))
        yield* users.search({ count: 10 })
        assert.deepStrictEqual(s.requests.map((r) => `${r.method} ${r.status}`), ["POST 404", "GET 200", "GET 200"])
        const refused = yield* Effect.flip(users.search({ filter: "userName eq \"pat\"" }))
        assert.strictEqual(refused._tag, "NotImplemented")
      })))

    it.live("a name asked in another case is found (matched here, case-insensitively, in both modes)", () =>
      run(Effect.gen(function*() {
        const users = yield* Users.Users
        const quinn = yield* users.create({ userName: "Quinn" })
        assert.strictEqual(Option.getOrThrow(yield* users.findByUserName("QUINN")).id, quinn.id)
        // The fixture's configuration says what it lacks, or not.
        const client = yield* ScimClient.ScimClient
        assert.strictEqual((yield* client.serviceProviderConfig).filter.supported, filters === "unadvertised")
      })))
  })
}
