// The organizations API (asgardeo-rbac-orgs.md 2.4): listing with cursors, recursion, filters and
// limits; one organization by id; its errors; the same API from inside a sub-organization.
import { assert, describe, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"
import { AsgardeoEmulator } from "../src/index.js"
import { call, switchedToken, token } from "./helpers.js"

const run = <A, E>(effect: Effect.Effect<A, E, any>, options?: AsgardeoEmulator.Options) =>
  Effect.provide(effect, AsgardeoEmulator.layerClient(options)) as Effect.Effect<A, E>

const API = "/t/acme/api/server/v1/organizations"
const O_API = "/t/acme/o/api/server/v1/organizations"
const VIEW = ["internal_organization_view"]

const tree: AsgardeoEmulator.Options = {
  organizations: ["beta"],
  subOrganizations: [
    { name: "ABC Builders", attributes: { Country: "USA" } },
    { name: "Bravo" },
    { name: "ABC East", parent: "ABC Builders" },
    { name: "ABC East Depot", parent: "ABC East", status: "DISABLED" },
    { name: "Beta Child", root: "beta" }
  ]
}

const byName = Effect.gen(function*() {
  const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
  return Object.fromEntries((yield* emulator.subOrganizations).map((o) => [o.name, o]))
})

const names = (answer: { json: any }) => answer.json.organizations.map((o: any) => o.name)

/** Follows a relative `href` of `links` (relative to `/t/{root}`). */
const follow = (answer: { json: any }, rel: "next" | "previous", viewToken: string, root = "/t/acme") => {
  const link = answer.json.links.find((l: any) => l.rel === rel)
  assert.isDefined(link, `no ${rel} link in ${JSON.stringify(answer.json.links)}`)
  return call("GET", `${root}${link.href}`, { token: viewToken })
}

describe("organizations API", () => {
  it.effect("lists the root's direct children, newest first, in the documented shape", () =>
    run(
      Effect.gen(function*() {
        const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
        const orgs = yield* byName
        yield* TestClock.adjust("1 minute")
        const later = yield* emulator.createSubOrganization({ name: "Charlie" })
        const a = yield* call("GET", API, { token: yield* token(VIEW) })
        assert.strictEqual(a.status, 200, a.text)
        assert.match(a.headers["content-type"]!, /application\/json/)
        assert.deepStrictEqual(a.json, {
          links: [],
          organizations: [
            {
              id: later.id,
              name: "Charlie",
              orgHandle: "charlie",
              status: "ACTIVE",
              hasChildren: false,
              ref: `/api/server/v1/organizations/${later.id}`
            },
            {
              id: orgs["Bravo"]!.id,
              name: "Bravo",
              orgHandle: "bravo",
              status: "ACTIVE",
              hasChildren: false,
              ref: `/api/server/v1/organizations/${orgs["Bravo"]!.id}`
            },
            {
              id: orgs["ABC Builders"]!.id,
              name: "ABC Builders",
              orgHandle: "abcbuilders",
              status: "ACTIVE",
              hasChildren: true,
              ref: `/api/server/v1/organizations/${orgs["ABC Builders"]!.id}`,
              attributes: [{ key: "Country", value: "USA" }]
            }
          ]
        })
        const recursive = yield* call("GET", API, { token: yield* token(VIEW), query: { recursive: "true" } })
        assert.deepStrictEqual(names(recursive), ["Charlie", "ABC East Depot", "ABC East", "Bravo", "ABC Builders"])
        const beta = yield* call("GET", "/t/beta/api/server/v1/organizations", {
          token: yield* token(VIEW, "beta")
        })
        assert.deepStrictEqual(names(beta), ["Beta Child"])
      }),
      tree
    ))

  it.effect("pages with limit (default 10) and opaque after/before cursors, forward and back", () =>
    run(
      Effect.gen(function*() {
        const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
        for (let i = 1; i <= 25; i++) {
          yield* emulator.createSubOrganization({ name: `Org ${String(i).padStart(2, "0")}` })
          yield* TestClock.adjust("1 second")
        }
        const view = yield* token(VIEW)
        const first = yield* call("GET", API, { token: view })
        assert.strictEqual(first.json.organizations.length, 10)
        assert.strictEqual(names(first)[0], "Org 25")
        assert.deepStrictEqual(first.json.links.map((l: any) => l.rel), ["next"])
        assert.match(first.json.links[0].href, /^\/api\/server\/v1\/organizations\?limit=10&after=/)
        const second = yield* follow(first, "next", view)
        assert.deepStrictEqual(
          names(second),
          Array.from({ length: 10 }, (_, i) => `Org ${String(15 - i).padStart(2, "0")}`)
        )
        assert.deepStrictEqual(second.json.links.map((l: any) => l.rel).sort(), ["next", "previous"])
        const third = yield* follow(second, "next", view)
        assert.deepStrictEqual(names(third), ["Org 05", "Org 04", "Org 03", "Org 02", "Org 01"])
        assert.deepStrictEqual(third.json.links.map((l: any) => l.rel), ["previous"])
        const back = yield* follow(third, "previous", view)
        assert.deepStrictEqual(names(back), names(second))
        const start = yield* follow(back, "previous", view)
        assert.deepStrictEqual(names(start), names(first))
        assert.deepStrictEqual(start.json.links.map((l: any) => l.rel), ["next"])
        // limit, and the filter carried by the links.
        const small = yield* call("GET", API, { token: view, query: { limit: "4", filter: "name sw Org 1" } })
        assert.deepStrictEqual(names(small), ["Org 19", "Org 18", "Org 17", "Org 16"])
        const rest = yield* follow(small, "next", view)
        assert.deepStrictEqual(names(rest), ["Org 15", "Org 14", "Org 13", "Org 12"])
        assert.deepStrictEqual(
          names(yield* follow(rest, "next", view)),
          ["Org 11", "Org 10"]
        )
        const none = yield* call("GET", API, { token: view, query: { limit: "0" } })
        assert.deepStrictEqual(none.json, { links: [], organizations: [] })
      })
    ))

  it.effect("filters: eq co sw ew on id, name, parentId, status, attributes; ge le gt lt on times; and", () =>
    run(
      Effect.gen(function*() {
        const orgs = yield* byName
        const view = yield* token(VIEW)
        const list = (filter: string, recursive = "true") =>
          Effect.map(call("GET", API, { token: view, query: { filter, recursive } }), names)
        assert.deepStrictEqual(yield* list("name co east"), ["ABC East Depot", "ABC East"])
        assert.deepStrictEqual(yield* list("name sw ABC and name ew depot"), ["ABC East Depot"])
        assert.deepStrictEqual(yield* list("name eq \"ABC East\""), ["ABC East"])
        assert.deepStrictEqual(yield* list("name eq ABC Builders", "false"), ["ABC Builders"])
        assert.deepStrictEqual(yield* list("status eq DISABLED"), ["ABC East Depot"])
        assert.deepStrictEqual(yield* list(`parentId eq ${orgs["ABC Builders"]!.id}`), ["ABC East"])
        assert.deepStrictEqual(yield* list(`id eq ${orgs["Bravo"]!.id}`), ["Bravo"])
        assert.deepStrictEqual(yield* list("attributes.Country eq usa"), ["ABC Builders"])
        assert.deepStrictEqual(yield* list("created ge 1970-01-01T00:00:00Z and status eq active"), [
          "ABC East",
          "Bravo",
          "ABC Builders"
        ])
        assert.deepStrictEqual(yield* list("created gt 1970-01-01T00:00:00Z"), [])
        assert.deepStrictEqual(yield* list("name lt B"), ["ABC East Depot", "ABC East", "ABC Builders"])
        // A long run of white space is read in linear time (a lazy pattern made this take minutes).
        assert.deepStrictEqual(yield* list(`name eq ABC${" ".repeat(200_000)}x`), [])
        assert.deepStrictEqual(yield* list(`name eq Bravo${" ".repeat(200_000)}`), ["Bravo"])
      }),
      tree
    ))

  it.effect("errors: ORG- codes with message, description and traceId", () =>
    run(
      Effect.gen(function*() {
        const view = yield* token(VIEW)
        const error = (query: Record<string, string>) => call("GET", API, { token: view, query })
        const check = (answer: { status: number; json: any }, status: number, code: string) => {
          assert.strictEqual(answer.status, status, JSON.stringify(answer.json))
          assert.strictEqual(answer.json.code, code)
          assert.isString(answer.json.message)
          assert.isString(answer.json.description)
          assert.match(answer.json.traceId, /^[0-9a-f-]{36}$/)
        }
        check(yield* error({ filter: "name eq A or name eq B" }), 400, "ORG-60024")
        const attribute = yield* error({ filter: "color eq red" })
        check(attribute, 400, "ORG-60023")
        assert.strictEqual(attribute.json.description, "The filter attribute 'color' is not supported.")
        check(yield* error({ filter: "name" }), 400, "ORG-60022")
        check(yield* error({ filter: "name has x" }), 400, "ORG-60022")
        check(yield* error({ filter: "id gt 1" }), 400, "ORG-60022")
        check(yield* error({ filter: "created ge yesterday" }), 400, "ORG-60022")
        check(yield* error({ limit: "-1" }), 400, "ORG-60025")
        check(yield* error({ limit: "ten" }), 400, "ORG-60025")
        check(yield* error({ after: "%%%" }), 400, "ORG-60026")
        check(yield* error({ before: btoa("not a cursor") }), 400, "ORG-60026")
        const unknown = yield* call("GET", `${API}/11111111-2222-4333-8444-555555555555`, { token: view })
        check(unknown, 404, "ORG-60015")
        check(yield* call("GET", "/t/nowhere/api/server/v1/organizations", { token: view }), 404, "ORG-60054")
      }),
      tree
    ))

  it.effect("one organization by id: created, lastModified, type TENANT, parent", () =>
    run(
      Effect.gen(function*() {
        const emulator = yield* AsgardeoEmulator.AsgardeoEmulator
        const orgs = yield* byName
        const view = yield* token(VIEW)
        const east = orgs["ABC East"]!
        const a = yield* call("GET", `${API}/${east.id}`, { token: view })
        assert.deepStrictEqual(a.json, {
          id: east.id,
          name: "ABC East",
          orgHandle: "abceast",
          status: "ACTIVE",
          created: "1970-01-01T00:00:00.000Z",
          lastModified: "1970-01-01T00:00:00.000Z",
          type: "TENANT",
          parent: {
            id: orgs["ABC Builders"]!.id,
            ref: `/api/server/v1/organizations/${orgs["ABC Builders"]!.id}`
          }
        })
        const top = yield* call("GET", `${API}/${orgs["ABC Builders"]!.id}`, { token: view })
        assert.strictEqual(top.json.parent.id, emulator.organizationId("acme"))
        assert.deepStrictEqual(top.json.attributes, [{ key: "Country", value: "USA" }])
        yield* TestClock.adjust("5 seconds")
        yield* emulator.setSubOrganizationStatus(orgs["ABC East Depot"]!.id, "ACTIVE")
        const depot = yield* call("GET", `${API}/${orgs["ABC East Depot"]!.id}`, { token: view })
        assert.strictEqual(depot.json.status, "ACTIVE")
        assert.strictEqual(depot.json.lastModified, "1970-01-01T00:00:05.000Z")
        // Another root's organization is not found here.
        const other = yield* call("GET", `${API}/${orgs["Beta Child"]!.id}`, { token: view })
        assert.strictEqual(other.status, 404)
      }),
      tree
    ))

  it.effect("401 without a (root) token and 403 without internal_organization_view, both without a body", () =>
    run(
      Effect.gen(function*() {
        const orgs = yield* byName
        const none = yield* call("GET", API)
        assert.strictEqual(none.status, 401)
        assert.strictEqual(none.text, "")
        const forbidden = yield* call("GET", API, { token: yield* token(["internal_user_mgt_list"]) })
        assert.strictEqual(forbidden.status, 403)
        assert.strictEqual(forbidden.text, "")
        const switched = yield* switchedToken(orgs["ABC Builders"]!.id)
        assert.strictEqual((yield* call("GET", API, { token: switched })).status, 401)
        assert.strictEqual((yield* call("GET", `${API}/${orgs["Bravo"]!.id}`)).status, 401)
      }),
      tree
    ))

  it.effect("from inside a sub-organization (/o/, internal_org_organization_view): what is below it", () =>
    run(
      Effect.gen(function*() {
        const orgs = yield* byName
        const abc = orgs["ABC Builders"]!
        const switched = yield* switchedToken(abc.id)
        const a = yield* call("GET", O_API, { token: switched })
        assert.strictEqual(a.status, 200, a.text)
        assert.deepStrictEqual(names(a), ["ABC East"])
        assert.strictEqual(a.json.organizations[0].ref, `/o/api/server/v1/organizations/${orgs["ABC East"]!.id}`)
        const all = yield* call("GET", O_API, { token: switched, query: { recursive: "true", limit: "1" } })
        assert.deepStrictEqual(names(all), ["ABC East Depot"])
        assert.match(all.json.links[0].href, /^\/o\/api\/server\/v1\/organizations\?limit=1&recursive=true&after=/)
        assert.deepStrictEqual(names(yield* follow(all, "next", switched)), ["ABC East"])
        const one = yield* call("GET", `${O_API}/${orgs["ABC East"]!.id}`, { token: switched })
        assert.strictEqual(one.json.parent.ref, `/o/api/server/v1/organizations/${abc.id}`)
        assert.strictEqual((yield* call("GET", `${O_API}/${abc.id}`, { token: switched })).status, 200)
        const sibling = yield* call("GET", `${O_API}/${orgs["Bravo"]!.id}`, { token: switched })
        assert.strictEqual(sibling.status, 404)
        assert.strictEqual(sibling.json.code, "ORG-60015")
        assert.strictEqual((yield* call("GET", O_API, { token: yield* token(VIEW) })).status, 401)
        const noScope = yield* switchedToken(abc.id, ["internal_org_user_mgt_list", "internal_organization_view"])
        assert.strictEqual((yield* call("GET", O_API, { token: noScope })).status, 403)
      }),
      tree
    ))
})
