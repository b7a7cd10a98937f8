// Secondary user stores, as on Asgardeo: the same name in two stores is two resources; `domain`
// lists one store; a bare `userName eq` matches in every store, a qualified one only in its own.
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { AsgardeoEmulator } from "../src/index.js"
import { createUser, scim } from "./helpers.js"

const stores = { quirks: { userStores: ["DEFAULT", "PARTNERS"] } } as const

const run = <A, E>(effect: Effect.Effect<A, E, any>, options: AsgardeoEmulator.Options = stores) =>
  Effect.provide(effect, AsgardeoEmulator.layerClient(options)) as Effect.Effect<A, E>

const names = (a: { json: any }): Array<string> => (a.json.Resources ?? []).map((r: any) => r.userName).sort()
const groupNames = (a: { json: any }): Array<string> => (a.json.Resources ?? []).map((r: any) => r.displayName).sort()

describe("user stores", () => {
  it.effect("the same userName in two stores is two users; POST and seeding in any known store", () =>
    run(Effect.gen(function*() {
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      const a = yield* createUser("kim@example.com")
      const b = yield* createUser("partners/kim@example.com")
      assert.strictEqual(a.userName, "DEFAULT/kim@example.com")
      assert.strictEqual(b.userName, "PARTNERS/kim@example.com")
      assert.notStrictEqual(a.id, b.id)
      const seeded = yield* emu.seedUsers([{ userName: "PARTNERS/lee@example.com" }, { userName: "lee@example.com" }])
      assert.deepStrictEqual(seeded.map((u) => u.userName), ["PARTNERS/lee@example.com", "DEFAULT/lee@example.com"])
      const post = yield* scim("POST", "/Users", {
        body: { userName: "OTHER/x@example.com", password: "Passw0rd1" }
      })
      assert.strictEqual(post.status, 400)
    })))

  it.effect("a bare userName eq matches in every store (each with its prefix); a qualified one only there", () =>
    run(Effect.gen(function*() {
      yield* createUser("kim@example.com")
      yield* createUser("PARTNERS/kim@example.com")
      yield* createUser("PARTNERS/ann@example.com")
      const bare = yield* scim("GET", "/Users", { query: { filter: "userName eq \"KIM@example.com\"" } })
      assert.deepStrictEqual(names(bare), ["DEFAULT/kim@example.com", "PARTNERS/kim@example.com"])
      const qualified = yield* scim("GET", "/Users", { query: { filter: "userName eq \"partners/kim@example.com\"" } })
      assert.deepStrictEqual(names(qualified), ["PARTNERS/kim@example.com"])
      const primary = yield* scim("GET", "/Users", { query: { filter: "userName eq \"DEFAULT/kim@example.com\"" } })
      assert.deepStrictEqual(names(primary), ["DEFAULT/kim@example.com"])
      // The same through the scan path (an `and`) and with `sw`.
      const scanned = yield* scim("POST", "/Users/.search", {
        body: { filter: "userName eq \"PARTNERS/kim@example.com\" and name.givenName eq \"Given\"" }
      })
      assert.deepStrictEqual(names(scanned), ["PARTNERS/kim@example.com"])
      const scannedBare = yield* scim("POST", "/Users/.search", {
        body: { filter: "userName eq \"kim@example.com\" and name.givenName eq \"Given\"" }
      })
      assert.deepStrictEqual(names(scannedBare), ["DEFAULT/kim@example.com", "PARTNERS/kim@example.com"])
      const sw = yield* scim("GET", "/Users", { query: { filter: "userName sw \"PARTNERS/k\"" } })
      assert.deepStrictEqual(names(sw), ["PARTNERS/kim@example.com"])
      const swBare = yield* scim("GET", "/Users", { query: { filter: "userName sw \"k\"" } })
      assert.deepStrictEqual(names(swBare), ["DEFAULT/kim@example.com", "PARTNERS/kim@example.com"])
    })))

  it.effect("domain on GET and .search restricts to one store; the ignoreDomainParameter quirk lists all", () =>
    run(Effect.gen(function*() {
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      yield* createUser("kim@example.com")
      yield* createUser("PARTNERS/kim@example.com")
      const filter = "userName eq \"kim@example.com\""
      const get = yield* scim("GET", "/Users", { query: { filter, domain: "partners" } })
      assert.deepStrictEqual(names(get), ["PARTNERS/kim@example.com"])
      const search = yield* scim("POST", "/Users/.search", { body: { filter, domain: "DEFAULT" } })
      assert.deepStrictEqual(names(search), ["DEFAULT/kim@example.com"])
      yield* emu.setQuirks({ ignoreDomainParameter: true })
      const ignored = yield* scim("GET", "/Users", { query: { filter, domain: "PARTNERS" } })
      assert.deepStrictEqual(names(ignored), ["DEFAULT/kim@example.com", "PARTNERS/kim@example.com"])
    })))

  it.effect("groups live in stores: the same name twice, domain and qualified filters, unknown store 400", () =>
    run(Effect.gen(function*() {
      const emu = yield* AsgardeoEmulator.AsgardeoEmulator
      yield* emu.seedGroups([{ displayName: "Engineering" }, { displayName: "partners/Engineering" }])
      const all = yield* scim("GET", "/Groups", { query: { filter: "displayName eq \"engineering\"" } })
      assert.deepStrictEqual(groupNames(all), ["DEFAULT/Engineering", "PARTNERS/Engineering"])
      const one = yield* scim("GET", "/Groups", { query: { filter: "displayName eq \"PARTNERS/Engineering\"" } })
      assert.deepStrictEqual(groupNames(one), ["PARTNERS/Engineering"])
      const byDomain = yield* scim("GET", "/Groups", {
        query: { filter: "displayName eq \"Engineering\"", domain: "DEFAULT" }
      })
      assert.deepStrictEqual(groupNames(byDomain), ["DEFAULT/Engineering"])
      const dup = yield* scim("POST", "/Groups", { body: { displayName: "PARTNERS/engineering" } })
      assert.strictEqual(dup.status, 409)
      const unknown = yield* scim("POST", "/Groups", { body: { displayName: "OTHER/Engineering" } })
      assert.strictEqual(unknown.status, 400)
    })))

  it.effect("one store (the default): names are as before", () =>
    run(
      Effect.gen(function*() {
        yield* createUser("kim@example.com")
        const bare = yield* scim("GET", "/Users", { query: { filter: "userName eq \"kim@example.com\"" } })
        assert.deepStrictEqual(names(bare), ["DEFAULT/kim@example.com"])
        const other = yield* scim("POST", "/Users", {
          body: { userName: "PARTNERS/x@example.com", password: "P4ssw0rd" }
        })
        assert.strictEqual(other.status, 400)
      }),
      {}
    ))
})
