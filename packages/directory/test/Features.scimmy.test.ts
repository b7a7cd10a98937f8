// A real third-party server (SCIMMY) behind a proxy that changes only what its
// ServiceProviderConfig advertises: features the server does not offer are refused before
// anything is sent for them, and the rest keeps working (SCIMMY's own lack of ETags too). Default
// and strict SCIMMY alike.
import type { Directory as D } from "@asgardeo-scim/directory"
import { Bulk, Directory, User, Users } from "@asgardeo-scim/directory"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Option, Redacted } from "effect"
import * as ConfigProxy from "./utils/ConfigProxy.js"
import * as ScimmyServer from "./utils/ScimmyServer.js"

/** The directory on the proxy's URL; the proxy in front of a fresh SCIMMY. */
const behind = (advertise: Readonly<Record<string, unknown>>, strict: boolean) =>
  Layer.unwrapEffect(Effect.map(ConfigProxy.Proxy, (proxy) =>
    Directory.layerGeneric({
      scimBaseUrl: proxy.baseUrl,
      auth: { bearerToken: Redacted.make(ScimmyServer.DEFAULT_TOKEN) }
    }).pipe(Layer.orDie))).pipe(
      Layer.provide(NodeHttpClient.layerUndici),
      Layer.provideMerge(ConfigProxy.layer(advertise)),
      Layer.provideMerge(strict ? ScimmyServer.layerStrict : ScimmyServer.layer)
    )

const run = <A, E>(
  advertise: Readonly<Record<string, unknown>>,
  strict: boolean,
  effect: Effect.Effect<A, E, D.Services | ScimmyServer.Scimmy | ConfigProxy.Proxy>
) => Effect.provide(effect, behind(advertise, strict))

for (const strict of [false, true]) {
  describe(`features SCIMMY does not advertise (${strict ? "strict" : "default"} mode)`, () => {
    it.live("bulk.supported false: Bulk.execute fails with Unsupported, no Bulk request; single requests work", () =>
      run(
        { bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 } },
        strict,
        Effect.gen(function*() {
          const bulk = yield* Bulk.Bulk
          const users = yield* Users.Users
          const scimmy = yield* ScimmyServer.Scimmy
          const error = yield* Effect.flip(bulk.execute([
            Bulk.create("Users", "ann", { schemas: [User.CoreUrn], userName: "ann" })
          ]))
          assert.strictEqual(error._tag, "Unsupported")
          if (error._tag === "Unsupported") {
            assert.strictEqual(error.feature, "bulk")
            assert.strictEqual(error.operation, "Bulk.execute")
            assert.include(error.reason, "bulk.supported false")
          }
          assert.deepStrictEqual(scimmy.requests.map((r) => `${r.method} ${r.path}`), [
            "GET /scim/v2/ServiceProviderConfig"
          ])
          // Bad input is still named first, and the configuration is not read again.
          const bad = yield* Effect.flip(bulk.execute([]))
          assert.strictEqual(bad._tag, "InvalidInput")
          assert.strictEqual(scimmy.requests.length, 1)
          // The same operation as a single request goes through.
          const ann = yield* users.create({ userName: "ann" })
          assert.strictEqual(Option.getOrThrow(yield* users.findByUserName("ann")).id, ann.id)
          assert.isFalse(scimmy.requests.some((r) => r.path.endsWith("/Bulk")))
        })
      ))

    it.live("the proxy changes nothing else: with Bulk advertised, the same call goes through", () =>
      run(
        {},
        strict,
        Effect.gen(function*() {
          const result = yield* (yield* Bulk.Bulk).execute([
            Bulk.create("Users", "ann", { schemas: [User.CoreUrn], userName: "ann" })
          ])
          assert.strictEqual(result.byBulkId.get("ann")?.status, 201)
          assert.include((yield* ConfigProxy.Proxy).forwarded, "POST /scim/v2/Bulk")
        })
      ))

    it.live("no ETags (SCIMMY has none): update and ifMatch refused before any write; unconditional update writes", () =>
      run(
        {},
        strict,
        Effect.gen(function*() {
          const users = yield* Users.Users
          const scimmy = yield* ScimmyServer.Scimmy
          const kim = yield* users.create({ userName: "kim" })
          scimmy.clearRequests()
          const refused = yield* Effect.flip(users.update(kim.id, (u) => ({ ...u, title: "A" })))
          assert.strictEqual(refused._tag, "Unsupported")
          assert.strictEqual(refused._tag === "Unsupported" && refused.feature, "etag")
          const ifMatch = yield* Effect.flip(users.delete(kim.id, { ifMatch: "W/\"1\"" }))
          assert.strictEqual(ifMatch._tag, "Unsupported")
          assert.isFalse(scimmy.requests.some((r) => r.method !== "GET"))
          const updated = yield* users.update(kim.id, (u) => ({ ...u, title: "A" }), { unconditional: true })
          assert.strictEqual(updated.title, "A")
          assert.strictEqual((yield* users.get(kim.id)).title, "A")
        })
      ))

    it.live("sort.supported false: sortBy fails with Unsupported before the list request", () =>
      run(
        { sort: { supported: false } },
        strict,
        Effect.gen(function*() {
          const users = yield* Users.Users
          const scimmy = yield* ScimmyServer.Scimmy
          const error = yield* Effect.flip(users.list({ sortBy: "userName" }))
          assert.strictEqual(error._tag, "Unsupported")
          assert.strictEqual(error._tag === "Unsupported" && error.feature, "sort")
          assert.isFalse(scimmy.requests.some((r) => r.path.endsWith("/Users")))
        })
      ))
  })
}
