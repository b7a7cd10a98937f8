// The opt-in RFC 9865 cursor mode (`quirks.cursorPaging`). Asgardeo has no cursor paging, so the
// shapes checked here come from RFC 9865 as recalled without network access (no copy of the RFC
// was at hand): the `pagination` object of ServiceProviderConfig, `cursor` (empty for the first
// page) and `count` in, `nextCursor` (absent on the last page) and `previousCursor` out, and 400
// with scimType `invalidCursor` / `expiredCursor`.
import { assert, describe, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"
import { AsgardeoEmulator } from "../src/index.js"
import { scim } from "./helpers.js"

const run = <A, E>(effect: Effect.Effect<A, E, any>, options?: AsgardeoEmulator.Options) =>
  Effect.provide(effect, AsgardeoEmulator.layerClient(options)) as Effect.Effect<A, E>

const cursorMode: AsgardeoEmulator.Options = { quirks: { cursorPaging: true, cursorTimeoutSeconds: 60 } }

const seed = (n: number) =>
  Effect.flatMap(AsgardeoEmulator.AsgardeoEmulator, (e) =>
    e.seedUsers(Array.from({ length: n }, (_, i) => ({
      userName: `user${String(i + 1).padStart(3, "0")}@example.com`,
      emails: [{ value: `user${i + 1}@example.com` }]
    }))))

const names = (json: { Resources?: ReadonlyArray<{ userName: string }> }) =>
  (json.Resources ?? []).map((u) => u.userName.replace("DEFAULT/", "").replace("@example.com", ""))

describe("cursor mode (RFC 9865, opt-in)", () => {
  it.effect("off by default: no pagination advertised, a cursor is ignored (index paging)", () =>
    run(Effect.gen(function*() {
      yield* seed(3)
      const spc = yield* scim("GET", "/ServiceProviderConfig")
      assert.isUndefined(spc.json.pagination)
      const page = yield* scim("GET", "/Users", { query: { cursor: "", count: "2" } })
      assert.strictEqual(page.json.startIndex, 1)
      assert.isUndefined(page.json.nextCursor)
    })))

  it.effect("advertises pagination; pages by cursor to the end, GET and .search, no startIndex", () =>
    run(
      Effect.gen(function*() {
        yield* seed(5)
        const spc = yield* scim("GET", "/ServiceProviderConfig")
        assert.deepStrictEqual(spc.json.pagination, {
          cursor: true,
          index: true,
          defaultPaginationMethod: "index",
          defaultPageSize: 100,
          maxPageSize: 100,
          cursorTimeout: 60
        })
        const first = yield* scim("GET", "/Users", { query: { cursor: "", count: "2" } })
        assert.deepStrictEqual(names(first.json), ["user001", "user002"])
        assert.isUndefined(first.json.startIndex)
        assert.isUndefined(first.json.previousCursor)
        assert.strictEqual(first.json.totalResults, 5)
        assert.isString(first.json.nextCursor)
        const second = yield* scim("POST", "/Users/.search", {
          body: {
            schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
            cursor: first.json.nextCursor,
            count: 2
          }
        })
        assert.deepStrictEqual(names(second.json), ["user003", "user004"])
        assert.isString(second.json.previousCursor)
        const last = yield* scim("GET", "/Users", { query: { cursor: second.json.nextCursor, count: "2" } })
        assert.deepStrictEqual(names(last.json), ["user005"])
        assert.isUndefined(last.json.nextCursor)
        const back = yield* scim("GET", "/Users", { query: { cursor: last.json.previousCursor, count: "2" } })
        assert.deepStrictEqual(names(back.json), ["user003", "user004"])
        // Without a cursor the same server still pages by index.
        const indexed = yield* scim("GET", "/Users", { query: { startIndex: "2", count: "1" } })
        assert.strictEqual(indexed.json.startIndex, 2)
        assert.isUndefined(indexed.json.nextCursor)
      }),
      cursorMode
    ))

  it.effect("a filtered list pages by cursor within the filter; the cursor is tied to its query", () =>
    run(
      Effect.gen(function*() {
        yield* seed(6)
        const filter = "userName sw \"user00\""
        const first = yield* scim("GET", "/Users", { query: { filter, cursor: "", count: "4" } })
        assert.strictEqual(first.json.Resources.length, 4)
        const other = yield* scim("GET", "/Users", { query: { cursor: first.json.nextCursor, count: "4" } })
        assert.strictEqual(other.status, 400)
        assert.strictEqual(other.json.scimType, "invalidCursor")
      }),
      cursorMode
    ))

  it.effect("invalid cursors: 400 invalidCursor; cursor with startIndex: 400 invalidValue", () =>
    run(
      Effect.gen(function*() {
        yield* seed(2)
        for (const cursor of ["not-a-cursor", "!!", btoa("emu1.x.1.y")]) {
          const bad = yield* scim("GET", "/Users", { query: { cursor } })
          assert.strictEqual(bad.status, 400, cursor)
          assert.strictEqual(bad.json.scimType, "invalidCursor")
          assert.deepStrictEqual(bad.json.schemas, ["urn:ietf:params:scim:api:messages:2.0:Error"])
        }
        const both = yield* scim("GET", "/Users", { query: { cursor: "", startIndex: "1" } })
        assert.strictEqual(both.status, 400)
        assert.strictEqual(both.json.scimType, "invalidValue")
      }),
      cursorMode
    ))

  it.effect("a cursor expires after cursorTimeoutSeconds (emulator time): 400 expiredCursor", () =>
    run(
      Effect.gen(function*() {
        yield* seed(3)
        const first = yield* scim("GET", "/Users", { query: { cursor: "", count: "1" } })
        yield* TestClock.adjust("60 seconds")
        const stillValid = yield* scim("GET", "/Users", { query: { cursor: first.json.nextCursor, count: "1" } })
        assert.strictEqual(stillValid.status, 200)
        yield* TestClock.adjust("1 second")
        const expired = yield* scim("GET", "/Users", { query: { cursor: first.json.nextCursor, count: "1" } })
        assert.strictEqual(expired.status, 400)
        assert.strictEqual(expired.json.scimType, "expiredCursor")
      }),
      cursorMode
    ))

  it.effect("setQuirks turns the mode on at run time; groups page by cursor too", () =>
    run(Effect.gen(function*() {
      const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
      yield* emulator.setQuirks({ cursorPaging: true })
      for (const name of ["a", "b", "c"]) {
        yield* scim("POST", "/Groups", {
          body: { schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: name }
        })
      }
      const first = yield* scim("GET", "/Groups", { query: { cursor: "", count: "2" } })
      assert.strictEqual(first.json.Resources.length, 2)
      const rest = yield* scim("GET", "/Groups", { query: { cursor: first.json.nextCursor, count: "2" } })
      assert.strictEqual(rest.json.Resources.length, 1)
      assert.isUndefined(rest.json.nextCursor)
      const users = yield* scim("GET", "/Users", { query: { cursor: first.json.nextCursor } })
      assert.strictEqual(users.json.scimType, "invalidCursor")
    })))
})
