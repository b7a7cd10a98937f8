import { assert, describe, layer } from "@effect/vitest"
import { Effect } from "effect"
import * as EmulatorServer from "../src/EmulatorServer.js"
import { AsgardeoEmulator } from "../src/index.js"

describe("roles on the server face", () => {
  layer(EmulatorServer.layerServer(), { excludeTestServices: true })((it) => {
    it.effect("seedRoles, the admin seed and snapshot, and the Roles API on a real port", () =>
      Effect.gen(function*() {
        const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
        yield* emulator.seedRoles([{ displayName: "served" }])
        const seeded = yield* Effect.promise(() =>
          fetch(`${emulator.baseUrl}/__emulator/seed`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ roles: [{ displayName: "admin-seeded", permissions: ["internal_login"] }] })
          }).then((r) => r.json() as Promise<any>)
        )
        assert.deepStrictEqual(seeded.roles.map((r: any) => r.displayName), ["admin-seeded"])
        const snapshot = yield* Effect.promise(() =>
          fetch(`${emulator.baseUrl}/__emulator/snapshot`).then((r) => r.json() as Promise<any>)
        )
        assert.deepStrictEqual(snapshot.roles.map((r: any) => r.displayName), ["served", "admin-seeded"])
        const tokenAnswer = yield* Effect.promise(() =>
          fetch(emulator.tokenUrl, {
            method: "POST",
            headers: {
              authorization: `Basic ${btoa("emulator-client:emulator-secret")}`,
              "content-type": "application/x-www-form-urlencoded"
            },
            body: "grant_type=client_credentials&scope=internal_role_mgt_view"
          }).then((r) => r.json() as Promise<any>)
        )
        const listed = yield* Effect.promise(() =>
          fetch(`${emulator.scimUrl}/v3/Roles?filter=displayName%20eq%20served`, {
            headers: { authorization: `Bearer ${tokenAnswer.access_token}` }
          }).then((r) => r.json() as Promise<any>)
        )
        assert.strictEqual(listed.totalResults, 1)
        assert.strictEqual(listed.Resources[0].meta.location, `${emulator.scimUrl}/v3/Roles/${listed.Resources[0].id}`)
      }))
  })
})
