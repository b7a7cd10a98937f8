import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { scim } from "./helpers.js"
import { createRole, people, run, SEARCH } from "./rolesHelpers.js"

const APP = "3645709f-ea8d-5595-7690-e1fa0efe3df9"
const options = {
  apps: [{ clientId: "emulator-client", clientSecret: "emulator-secret" }, {
    clientId: "hr",
    clientSecret: "hr-secret",
    id: APP,
    name: "HR"
  }]
}

/** Three organization roles and one application role. */
const fixture = Effect.gen(function*() {
  yield* createRole("loginRole", { permissions: [{ value: "internal_login" }] })
  yield* createRole("adminRole")
  yield* createRole("auditor")
  yield* createRole("loginRole", { audience: { type: "application", value: APP } })
})

const names = (list: { readonly json: any }): Array<string> =>
  (list.json.Resources ?? []).map((r: any) => r.displayName)

const list = (filter: string, query: Record<string, string> = {}) =>
  scim("GET", "/v2/Roles", { query: { filter, ...query } })

describe("roles: list and search", () => {
  it.effect("items carry id, displayName, audience and meta; users, groups, permissions only when asked", () =>
    run(
      Effect.gen(function*() {
        const { kim } = yield* people
        yield* createRole("withUser", { users: [{ value: kim.id }], permissions: [{ value: "internal_login" }] })
        const all = yield* scim("GET", "/v2/Roles")
        assert.strictEqual(all.status, 200)
        assert.strictEqual(all.json.totalResults, 1)
        assert.strictEqual(all.json.startIndex, 1)
        assert.strictEqual(all.json.itemsPerPage, 1)
        const item = all.json.Resources[0]
        assert.deepStrictEqual(Object.keys(item).sort(), ["audience", "displayName", "id", "meta", "schemas"])
        assert.strictEqual(item.meta.location, `https://emulator.invalid/t/acme/scim2/v2/Roles/${item.id}`)
        const asked = yield* scim("GET", "/v3/Roles", { query: { attributes: "displayName,users,permissions" } })
        const withUsers = asked.json.Resources[0]
        assert.deepStrictEqual(Object.keys(withUsers).sort(), ["displayName", "id", "permissions", "schemas", "users"])
        assert.strictEqual(withUsers.users[0].value, kim.id)
        const excluded = yield* scim("GET", "/v2/Roles", { query: { excludedAttributes: "audience" } })
        assert.isUndefined(excluded.json.Resources[0].audience)
        assert.isDefined(excluded.json.Resources[0].displayName)
      }),
      options
    ))

  it.effect("filters on displayName, audience.value and audience.type with eq ne co sw ew, joined by and", () =>
    run(
      Effect.gen(function*() {
        yield* fixture
        assert.deepStrictEqual(names(yield* list("displayName eq loginRole")), ["loginRole", "loginRole"])
        assert.deepStrictEqual(names(yield* list("displayName eq \"LOGINROLE\"")), ["loginRole", "loginRole"])
        assert.deepStrictEqual(names(yield* list(`displayName eq loginRole and audience.value eq ${APP}`)), [
          "loginRole"
        ])
        assert.deepStrictEqual(names(yield* list("audience.type eq application")), ["loginRole"])
        assert.deepStrictEqual(names(yield* list("audience.type ne application")), [
          "loginRole",
          "adminRole",
          "auditor"
        ])
        assert.deepStrictEqual(names(yield* list("displayName co Role and audience.type eq organization")), [
          "loginRole",
          "adminRole"
        ])
        assert.deepStrictEqual(names(yield* list("displayName sw ad")), ["adminRole"])
        assert.deepStrictEqual(names(yield* list("displayName ew tor")), ["auditor"])
        assert.deepStrictEqual(
          names(yield* list("urn:ietf:params:scim:schemas:extension:2.0:Role:displayName eq auditor")),
          ["auditor"]
        )
        const none = yield* list("displayName eq nobody")
        assert.strictEqual(none.status, 200)
        assert.strictEqual(none.json.totalResults, 0)
        assert.isUndefined(none.json.Resources)
      }),
      options
    ))

  it.effect("other attributes, operators and or/not: 400 with the server's wording; a bad filter 400", () =>
    run(Effect.gen(function*() {
      yield* createRole("r")
      const attribute = yield* list("permissions eq internal_login")
      assert.strictEqual(attribute.status, 400)
      assert.strictEqual(attribute.json.detail, "Filtering based on attribute: permissions is not supported.")
      const operator = yield* list("displayName gt a")
      assert.strictEqual(operator.status, 400)
      assert.strictEqual(operator.json.detail, "Filter operation: gt is not supported for role filtering.")
      const or = yield* list("displayName eq a or displayName eq b")
      assert.strictEqual(or.status, 400)
      assert.strictEqual(or.json.detail, "Filter operator: or is not supported for role filtering.")
      const not = yield* list("not (displayName eq a)")
      assert.strictEqual(not.status, 400)
      const present = yield* list("displayName pr")
      assert.strictEqual(present.status, 400)
      assert.strictEqual(present.json.detail, "Filter operation: pr is not supported for role filtering.")
      const syntax = yield* list("displayName eq")
      assert.strictEqual(syntax.status, 400)
      assert.strictEqual(syntax.json.status, "400")
    })))

  it.effect("sortBy / sortOrder: 501; count=0 answers no roles before the filter's attributes are checked", () =>
    run(Effect.gen(function*() {
      yield* createRole("r")
      const sorted = yield* scim("GET", "/v2/Roles", { query: { sortBy: "displayName" } })
      assert.strictEqual(sorted.status, 501)
      assert.strictEqual(sorted.json.detail, "Sorting is not supported.")
      const order = yield* scim("POST", "/v3/Roles/.search", { body: { schemas: [SEARCH], sortOrder: "ascending" } })
      assert.strictEqual(order.status, 501)
      const zero = yield* scim("GET", "/v2/Roles", { query: { count: "0", filter: "permissions eq x" } })
      assert.strictEqual(zero.status, 200)
      assert.strictEqual(zero.json.totalResults, 0)
      assert.isUndefined(zero.json.Resources)
    })))

  it.effect("paging: startIndex below 1 counts as 1, a negative count as 0; totalResults counts every match", () =>
    run(
      Effect.gen(function*() {
        yield* fixture
        const page = yield* scim("GET", "/v2/Roles", { query: { startIndex: "2", count: "2" } })
        assert.deepStrictEqual(names(page), ["adminRole", "auditor"])
        assert.strictEqual(page.json.totalResults, 4)
        assert.strictEqual(page.json.startIndex, 2)
        assert.strictEqual(page.json.itemsPerPage, 2)
        const low = yield* scim("GET", "/v2/Roles", { query: { startIndex: "-3", count: "1" } })
        assert.deepStrictEqual(names(low), ["loginRole"])
        assert.strictEqual(low.json.startIndex, 1)
        const negative = yield* scim("GET", "/v2/Roles", { query: { count: "-1" } })
        assert.strictEqual(negative.json.totalResults, 0)
        const past = yield* scim("GET", "/v2/Roles", { query: { startIndex: "10" } })
        assert.strictEqual(past.json.totalResults, 4)
        assert.isUndefined(past.json.Resources)
      }),
      options
    ))

  it.effect(".search: a SearchRequest body with filter, paging and attributes; other schemas 400 invalidValue", () =>
    run(
      Effect.gen(function*() {
        yield* fixture
        const found = yield* scim("POST", "/v2/Roles/.search", {
          body: {
            schemas: [SEARCH],
            filter: "displayName eq loginRole",
            startIndex: 1,
            count: 1,
            attributes: ["permissions"]
          }
        })
        assert.strictEqual(found.status, 200)
        assert.strictEqual(found.json.totalResults, 2)
        assert.strictEqual(found.json.itemsPerPage, 1)
        assert.deepStrictEqual(found.json.Resources[0].permissions.map((p: any) => p.value), ["internal_login"])
        const noSchemas = yield* scim("POST", "/v3/Roles/.search", { body: { filter: "displayName eq auditor" } })
        assert.deepStrictEqual(names(noSchemas), ["auditor"])
        assert.strictEqual(noSchemas.json.Resources[0].meta.location.includes("/v3/Roles/"), true)
        const wrong = yield* scim("POST", "/v2/Roles/.search", {
          body: { schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"] }
        })
        assert.strictEqual(wrong.status, 400)
        assert.strictEqual(wrong.json.scimType, "invalidValue")
        const bad = yield* scim("POST", "/v2/Roles/.search", { body: { schemas: [SEARCH], filter: "members eq x" } })
        assert.strictEqual(bad.status, 400)
      }),
      options
    ))

  it.effect(".search: a filter that is not a string is 400 invalidFilter, never every role", () =>
    run(
      Effect.gen(function*() {
        yield* fixture
        for (const filter of [5, true, {}, ["displayName eq auditor"]]) {
          const answer = yield* scim("POST", "/v2/Roles/.search", { body: { schemas: [SEARCH], filter } })
          assert.strictEqual(answer.status, 400, JSON.stringify(filter))
          assert.strictEqual(answer.json.scimType, "invalidFilter")
        }
        // The Users endpoint reads its search body the same way.
        const users = yield* scim("POST", "/Users/.search", { body: { schemas: [SEARCH], filter: 5 } })
        assert.strictEqual(users.status, 400)
      }),
      options
    ))
})
