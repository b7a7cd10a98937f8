import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { AsgardeoEmulator } from "../src/index.js"
import { call, createUser, SCIM, scim, token } from "./helpers.js"

const run = <A, E>(effect: Effect.Effect<A, E, any>, options?: AsgardeoEmulator.Options) =>
  Effect.provide(effect, AsgardeoEmulator.layerClient(options)) as Effect.Effect<A, E>

const seed = (n: number) =>
  Effect.flatMap(AsgardeoEmulator.AsgardeoEmulator, (e) =>
    e.seedUsers(Array.from({ length: n }, (_, i) => ({
      userName: `user${String(i + 1).padStart(3, "0")}@example.com`,
      name: { givenName: `G${i + 1}`, familyName: i % 2 === 0 ? "Even" : "Odd" },
      emails: [{ value: `user${i + 1}@example.com` }],
      meta: undefined
    }))))

describe("listing and paging", () => {
  it.effect("omitted count returns everything; count capped at 100 silently; count=0", () =>
    run(Effect.gen(function*() {
      yield* seed(150)
      const all = yield* scim("GET", "/Users")
      assert.strictEqual(all.json.totalResults, 150)
      assert.strictEqual(all.json.Resources.length, 150)
      assert.deepStrictEqual(all.json.schemas, ["urn:ietf:params:scim:api:messages:2.0:ListResponse"])
      const capped = yield* scim("GET", "/Users", { query: { count: "500" } })
      assert.strictEqual(capped.json.itemsPerPage, 100)
      assert.strictEqual(capped.json.totalResults, 150)
      const search = yield* scim("POST", "/Users/.search", {
        body: { schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], count: 1000, startIndex: 101 }
      })
      assert.strictEqual(search.json.itemsPerPage, 50)
      assert.strictEqual(search.json.startIndex, 101)
      const zero = yield* scim("GET", "/Users", { query: { count: "0" } })
      assert.strictEqual(zero.json.totalResults, 0)
      assert.isUndefined(zero.json.Resources)
      const low = yield* scim("GET", "/Users", { query: { startIndex: "-5", count: "2" } })
      assert.strictEqual(low.json.startIndex, 1)
      assert.strictEqual(low.json.Resources[0].userName, "DEFAULT/user001@example.com")
      const past = yield* scim("GET", "/Users", { query: { startIndex: "151", count: "10" } })
      assert.strictEqual(past.json.itemsPerPage, 0)
      assert.isUndefined(past.json.Resources)
      const sort = yield* scim("GET", "/Users", { query: { sortBy: "userName" } })
      assert.strictEqual(sort.status, 501)
      const sortSearch = yield* scim("POST", "/Groups/.search", { body: { sortOrder: "ascending" } })
      assert.strictEqual(sortSearch.status, 501)
    })))

  it.effect("totalResults as the page size (quirk)", () =>
    run(
      Effect.gen(function*() {
        yield* seed(30)
        const page = yield* scim("GET", "/Users", { query: { count: "10" } })
        assert.strictEqual(page.json.totalResults, 10)
      }),
      { quirks: { totalResultsIsPageSize: true } }
    ))

  it.effect("attributes / excludedAttributes; id always returned", () =>
    run(Effect.gen(function*() {
      const u = yield* createUser("proj", {
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { employeeNumber: "7", department: "d" }
      })
      const a = yield* scim("GET", "/Users", { query: { attributes: "userName,name.givenName" } })
      const r = a.json.Resources[0]
      assert.strictEqual(r.id, u.id)
      assert.strictEqual(r.userName, "DEFAULT/proj")
      assert.deepStrictEqual(r.name, { givenName: "Given" })
      assert.isUndefined(r.emails)
      const b = yield* scim("GET", `/Users/${u.id}`, { query: { excludedAttributes: "emails,name,id" } })
      assert.isUndefined(b.json.emails)
      assert.isUndefined(b.json.name)
      assert.strictEqual(b.json.id, u.id)
      const c = yield* scim("POST", "/Users/.search", {
        body: { attributes: ["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber"] }
      })
      assert.deepStrictEqual(c.json.Resources[0]["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"], {
        employeeNumber: "7"
      })
      const g = yield* scim("POST", "/Groups", {
        body: { displayName: "big", members: [{ value: u.id, display: "proj" }] }
      })
      const groups = yield* scim("GET", "/Groups", { query: { excludedAttributes: "members" } })
      assert.isUndefined(groups.json.Resources[0].members)
      assert.strictEqual(groups.json.Resources[0].id, g.json.id)
    })))

  it.effect("domain parameter filters by user store", () =>
    run(
      Effect.gen(function*() {
        yield* createUser("a")
        yield* createUser("SECONDARY/b")
        const d = yield* scim("GET", "/Users", { query: { domain: "SECONDARY" } })
        assert.deepStrictEqual(d.json.Resources.map((r: any) => r.userName), ["SECONDARY/b"])
        const e = yield* scim("POST", "/Users/.search", { body: { domain: "DEFAULT" } })
        assert.deepStrictEqual(e.json.Resources.map((r: any) => r.userName), ["DEFAULT/a"])
      }),
      { quirks: { userStores: ["DEFAULT", "SECONDARY"] } }
    ))
})

describe("filters", () => {
  const users = (filter: string) =>
    Effect.map(scim("GET", "/Users", { query: { filter } }), (a) => ({
      status: a.status,
      json: a.json,
      names: (a.json?.Resources ?? []).map((r: any) => r.userName.replace("DEFAULT/", ""))
    }))

  it.effect("users: eq ne co sw ew ge le and `and`; case-insensitive names, prefix-insensitive", () =>
    run(Effect.gen(function*() {
      yield* seed(5)
      assert.deepStrictEqual((yield* users("userName eq \"USER002@example.com\"")).names, ["user002@example.com"])
      assert.deepStrictEqual((yield* users("userName eq DEFAULT/user002@example.com")).names, ["user002@example.com"])
      assert.deepStrictEqual((yield* users("userName Eq user003@example.com")).names, ["user003@example.com"])
      assert.strictEqual((yield* users("userName ne \"user002@example.com\"")).names.length, 4)
      assert.strictEqual((yield* users("userName co \"00\"")).names.length, 5)
      assert.deepStrictEqual((yield* users("userName sw \"user00\" and name.familyName eq \"Odd\"")).names, [
        "user002@example.com",
        "user004@example.com"
      ])
      assert.strictEqual((yield* users("userName ew \"5@example.com\"")).names.length, 1)
      assert.strictEqual((yield* users("name.givenName ge \"G3\"")).names.length, 3)
      assert.strictEqual((yield* users("name.givenName le \"G2\"")).names.length, 2)
      assert.strictEqual((yield* users("emails co \"user1@\"")).names.length, 1)
      const none = yield* users("userName eq \"nobody\"")
      assert.strictEqual(none.status, 200)
      assert.strictEqual(none.json.totalResults, 0)
    })))

  it.effect("users: or/not 501; gt/lt/pr and parse errors 400 InvalidFilter", () =>
    run(Effect.gen(function*() {
      for (const f of ["userName eq a or userName eq b", "not (userName eq a)"]) {
        assert.strictEqual((yield* users(f)).status, 501, f)
      }
      for (const f of ["userName gt a", "userName lt a", "userName pr", "userName eq", "(userName eq a"]) {
        const a = yield* users(f)
        assert.strictEqual(a.status, 400, f)
        assert.strictEqual(a.json.scimType, "InvalidFilter")
      }
    })))

  it.effect("groups: one expression of eq co sw ew ge le; ne 400; compound 501", () =>
    run(Effect.gen(function*() {
      for (const name of ["admins", "sales", "support"]) yield* scim("POST", "/Groups", { body: { displayName: name } })
      const q = (filter: string) => scim("GET", "/Groups", { query: { filter } })
      assert.strictEqual((yield* q("displayName eq ADMINS")).json.totalResults, 1)
      assert.strictEqual((yield* q("displayName sw \"s\"")).json.totalResults, 2)
      assert.strictEqual((yield* q("displayName co \"port\"")).json.totalResults, 1)
      assert.strictEqual((yield* q("displayName ew \"s\"")).json.totalResults, 2)
      assert.strictEqual((yield* q("displayName ne \"sales\"")).status, 400)
      const compound = yield* q("displayName eq a and displayName eq b")
      assert.strictEqual(compound.status, 501)
      assert.strictEqual(compound.json.detail, "Complex filters are not supported yet")
      const search = yield* scim("POST", "/Groups/.search", { body: { filter: "displayName eq \"sales\"" } })
      assert.strictEqual(search.json.totalResults, 1)
    })))

  it.effect("users can be filtered by group name", () =>
    run(Effect.gen(function*() {
      const u = yield* createUser("member")
      yield* createUser("other")
      yield* scim("POST", "/Groups", { body: { displayName: "crew", members: [{ value: u.id, display: "member" }] } })
      assert.deepStrictEqual((yield* users("groups eq crew")).names, ["member"])
    })))

  it.effect("`+` double decoding of GET filters (quirk), not in .search bodies", () =>
    Effect.gen(function*() {
      for (const quirk of [false, true]) {
        yield* run(
          Effect.gen(function*() {
            yield* createUser("a+b@example.com")
            yield* createUser("a b@example.com")
            const t = yield* token()
            const raw = yield* call(
              "GET",
              `${SCIM}/Users?filter=${encodeURIComponent("userName eq \"a+b@example.com\"")}`,
              {
                token: t
              }
            )
            const names = raw.json.Resources.map((r: any) => r.userName)
            assert.deepStrictEqual(names, quirk ? ["DEFAULT/a b@example.com"] : ["DEFAULT/a+b@example.com"])
            const doubled = yield* call(
              "GET",
              `${SCIM}/Users?filter=${encodeURIComponent(`userName eq "${encodeURIComponent("a+b@example.com")}"`)}`,
              { token: t }
            )
            if (quirk) {
              assert.deepStrictEqual(doubled.json.Resources.map((r: any) => r.userName), ["DEFAULT/a+b@example.com"])
            }
            const body = yield* scim("POST", "/Users/.search", { body: { filter: "userName eq \"a+b@example.com\"" } })
            assert.deepStrictEqual(body.json.Resources.map((r: any) => r.userName), ["DEFAULT/a+b@example.com"])
          }),
          { quirks: { doubleDecodeFilterPlus: quirk } }
        )
      }
    }))
})
