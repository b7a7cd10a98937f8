// The README's worked example for any SCIM 2.0 server (readme/generic.ts), run against SCIMMY, a
// third-party RFC 7644 server, in its default and strict modes, and behind a proxy that makes it
// advertise no sorting and no Bulk: the example takes the other path, and the server's state says
// so each time.
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import * as ConfigProxy from "../../directory/test/utils/ConfigProxy.js"
import * as ScimmyServer from "../../directory/test/utils/ScimmyServer.js"
import * as generic from "../readme/generic.js"

const direct = (strict: boolean) =>
  Layer.unwrapEffect(
    Effect.map(ScimmyServer.Scimmy, (s) => generic.layer(s.baseUrl, Redacted.make(s.token)).pipe(Layer.orDie))
  ).pipe(
    Layer.provide(NodeHttpClient.layerUndici),
    Layer.provideMerge(strict ? ScimmyServer.layerStrict : ScimmyServer.layer)
  )

const withoutSortAndBulk = Layer.unwrapEffect(
  Effect.map(
    ConfigProxy.Proxy,
    (p) => generic.layer(p.baseUrl, Redacted.make(ScimmyServer.DEFAULT_TOKEN)).pipe(Layer.orDie)
  )
).pipe(
  Layer.provide(NodeHttpClient.layerUndici),
  Layer.provideMerge(ConfigProxy.layer({ sort: { supported: false }, bulk: { supported: false } })),
  Layer.provideMerge(ScimmyServer.layer)
)

const names = (users: ReadonlyArray<unknown>) => users.map((u) => (u as { userName: string }).userName).sort()

describe("README: the generic target's worked example on SCIMMY", () => {
  for (const strict of [false, true]) {
    it.live(`everything advertised (${strict ? "strict" : "default"} mode): sorted, nested, updated, Bulk`, () =>
      Effect.gen(function*() {
        const r = yield* generic.program
        const s = yield* ScimmyServer.Scimmy
        assert.strictEqual(r.first, "lee", "sorted by userName, descending")
        assert.strictEqual(r.members, 2)
        assert.deepStrictEqual(r.groupMembers, [r.staff], "a group in a group, typed")
        assert.strictEqual(r.title, "Staff Engineer")
        assert.isTrue(r.viaBulk)
        assert.deepStrictEqual(names(s.users()), ["kim", "lee", "sam"])
        const sent = s.requests.map((q) => `${q.method} ${q.path}`)
        assert.include(sent, "POST /scim/v2/Bulk")
        assert.isTrue(s.requests.some((q) => q.url.includes("sortBy=userName")))
      }).pipe(Effect.provide(direct(strict))))
  }

  it.live("no sorting, no Bulk advertised: the other paths, and nothing sent that the server lacks", () =>
    Effect.gen(function*() {
      const r = yield* generic.program
      const s = yield* ScimmyServer.Scimmy
      assert.isFalse(r.viaBulk)
      assert.strictEqual(r.title, "Staff Engineer")
      assert.deepStrictEqual(names(s.users()), ["kim", "lee", "sam"])
      assert.isFalse(s.requests.some((q) => q.path.endsWith("/Bulk")))
      assert.isFalse(s.requests.some((q) => q.url.includes("sortBy")))
    }).pipe(Effect.provide(withoutSortAndBulk)))
})
