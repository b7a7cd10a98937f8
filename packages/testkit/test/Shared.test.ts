// The emulator's shared walks, held fixed where users and groups (or projection and PATCH) now
// go through one piece of code: nested removal, the list page loop, the resource routes and
// the schema documents.
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { createUser, ENTERPRISE, scim, withEmulator as run } from "./helpers.js"

const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

describe("shared walks", () => {
  it.effect("excludedAttributes goes into arrays, ignores case, never drops id", () =>
    run(Effect.gen(function*() {
      const u = yield* createUser("walk")
      const a = yield* scim("GET", `/Users/${u.id}`, {
        query: { excludedAttributes: "Emails.Primary,NAME.givenName,id" }
      })
      assert.deepStrictEqual(a.json.emails, [{ value: "walk@example.com" }])
      assert.deepStrictEqual(a.json.name, { familyName: "Family" })
      assert.strictEqual(a.json.id, u.id)
    })))

  it.effect("PATCH remove of an extension sub-attribute keeps its siblings", () =>
    run(Effect.gen(function*() {
      const u = yield* createUser("ext", {
        [ENTERPRISE]: { employeeNumber: "1", manager: { value: "m", displayName: "M" } }
      })
      const a = yield* scim("PATCH", `/Users/${u.id}`, {
        body: { schemas: [PATCH], Operations: [{ op: "remove", path: `${ENTERPRISE}:MANAGER.displayName` }] }
      })
      assert.strictEqual(a.status, 200, a.text)
      assert.deepStrictEqual(a.json[ENTERPRISE], { employeeNumber: "1", manager: { value: "m" } })
    })))

  it.effect("groups are paged like users: filter, domain, startIndex and count", () =>
    run(
      Effect.gen(function*() {
        for (const name of ["Eng-1", "Eng-2", "Eng-3", "Ops", "PARTNERS/Eng-4"]) {
          assert.strictEqual((yield* scim("POST", "/Groups", { body: { displayName: name } })).status, 201)
        }
        const page = yield* scim("GET", "/Groups", {
          query: { filter: "displayName sw \"Eng\"", startIndex: "2", count: "2", domain: "DEFAULT" }
        })
        assert.strictEqual(page.json.totalResults, 3)
        assert.strictEqual(page.json.startIndex, 2)
        assert.deepStrictEqual(page.json.Resources.map((g: any) => g.displayName), ["DEFAULT/Eng-2", "DEFAULT/Eng-3"])
        const search = yield* scim("POST", "/Groups/.search", {
          body: { domain: "partners", attributes: ["displayName"] }
        })
        assert.deepStrictEqual(search.json.Resources.map((g: any) => Object.keys(g).sort()), [[
          "displayName",
          "id",
          "schemas"
        ]])
        const users = yield* scim("GET", "/Users", { query: { filter: "userName eq \"nobody\"", count: "5" } })
        assert.strictEqual(users.json.totalResults, 0)
        assert.isUndefined(users.json.Resources)
      }),
      { quirks: { userStores: ["DEFAULT", "PARTNERS"] } }
    ))

  it.effect("the routes of both resource types: get, replace, delete, 404", () =>
    run(Effect.gen(function*() {
      const u = yield* createUser("route")
      const g = yield* scim("POST", "/Groups", { body: { displayName: "R" } })
      const group = yield* scim("GET", `/Groups/${g.json.id}`, { query: { attributes: "displayName" } })
      assert.deepStrictEqual(Object.keys(group.json).sort(), ["displayName", "id", "schemas"])
      const put = yield* scim("PUT", `/Groups/${g.json.id}`, { body: { displayName: "R2" } })
      assert.strictEqual(put.json.displayName, "DEFAULT/R2")
      assert.strictEqual((yield* scim("DELETE", `/Users/${u.id}`)).status, 204)
      assert.strictEqual((yield* scim("DELETE", `/Groups/${g.json.id}`)).status, 204)
      assert.strictEqual((yield* scim("GET", `/Users/${u.id}`)).status, 404)
      assert.strictEqual((yield* scim("GET", `/Groups/${g.json.id}`)).status, 404)
    })))

  it.effect("each schema document names its own location", () =>
    run(Effect.gen(function*() {
      const all = yield* scim("GET", "/Schemas")
      assert.deepStrictEqual(
        all.json.map((s: any) => [s.id, s.name, s.meta.location.endsWith(`/Schemas/${s.id}`)]),
        [
          ["urn:ietf:params:scim:schemas:core:2.0:User", "User", true],
          ["urn:ietf:params:scim:schemas:core:2.0:Group", "Group", true],
          [ENTERPRISE, "EnterpriseUser", true],
          ["urn:scim:wso2:schema", "WSO2User", true],
          ["urn:scim:schemas:extension:custom:User", "CustomUser", true]
        ]
      )
      assert.deepStrictEqual(Object.keys(all.json[0]), ["id", "name", "description", "attributes", "meta"])
    })))
})
