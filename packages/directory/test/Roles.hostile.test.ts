// A hostile review of the Roles service and forEachSubOrganization (issue 16): plain-JS callers
// passing what the types forbid must get a typed error before any request, token request included.
import { Role, Roles } from "@asgardeo-scim/directory"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import * as Mock from "./utils/Mock.js"

const ROLE = "4645709c-ea8c-4495-8590-e1fa0efe3de0"
const U1 = "008bba85-451d-414b-87de-c03b5a1f4217"

const server = () =>
  Mock.asgardeo((req) =>
    req.method === "GET"
      ? { status: 200, body: { schemas: [Role.RoleUrn], id: ROLE, displayName: "auditor" } }
      : { status: 200, body: { schemas: [Role.RoleUrn], id: ROLE, displayName: "auditor" } }
  )

const any = <A>(u: unknown) => u as A
const throwing = (key: string, rest: Record<string, unknown> = {}) =>
  Object.defineProperty({ ...rest }, key, {
    enumerable: true,
    get: () => {
      throw new Error("hostile getter")
    }
  })

/** 30,000 distinct ids: the body of a write of them all is over 1 MiB. */
const many = Array.from({ length: 30_000 }, (_, i) => `${i.toString(16).padStart(8, "0")}-451d-414b-87de-c03b5a1f4217`)
const scopes = many.map((id) => `p${id}`)

describe("Roles: what plain JavaScript passes is refused before any request", () => {
  type Call = (roles: Roles.Service) => Effect.Effect<unknown, { readonly _tag: string; readonly message: string }>
  const cases: ReadonlyArray<readonly [string, Call]> = [
    ["an id in an array", (r) => r.get(any([ROLE]))],
    ["an id object whose toString is an id", (r) => r.delete(any({ toString: () => ROLE }))],
    ["a replace of an id in an array", (r) => r.replace(any([ROLE]), { displayName: "a", permissions: [] })],
    ["an assignment to an id in an array", (r) => r.assignUsers(any([ROLE]), [U1])],
    ["a user's id in an array", (r) => r.ofUser(any([U1]))],
    ["a name behind a throwing getter", (r) => r.create(any(throwing("displayName")))],
    ["an audience behind a throwing getter", (r) => r.create(any(throwing("audience", { displayName: "a" })))],
    [
      "a replacement behind a throwing getter",
      (r) => r.replace(ROLE, any(throwing("permissions", { displayName: "a" })))
    ],
    ["find options behind a throwing getter", (r) => r.findByName("a", any(throwing("audience")))],
    [
      "ids behind a throwing element",
      (r) =>
        r.assignUsers(
          ROLE,
          any(Object.defineProperty([U1], 0, {
            get: () => {
              throw new Error("x")
            }
          }))
        )
    ],
    // With the version told from the token, a body over 1 MiB must be refused before that token too.
    ["30,000 users to assign", (r) => r.assignUsers(ROLE, many)],
    ["30,000 users to unassign", (r) => r.unassignUsers(ROLE, many)],
    ["30,000 groups to assign", (r) => r.assignGroups(ROLE, many)],
    ["30,000 permissions to add", (r) => r.addPermissions(ROLE, scopes)],
    ["30,000 permissions to set", (r) => r.setPermissions(ROLE, scopes)],
    ["a new role with 30,000 permissions", (r) => r.create({ displayName: "a", permissions: scopes })],
    ["a role ensured with 30,000 permissions", (r) => r.ensure({ displayName: "a", permissions: scopes })],
    ["a replace with 30,000 permissions", (r) => r.replace(ROLE, { displayName: "a", permissions: scopes })],
    [
      "a PATCH of 30,000 permissions",
      (r) => r.patch(ROLE, [{ op: "add", path: "permissions", value: scopes.map((value) => ({ value })) }])
    ],
    [
      "a proxy that throws on every key",
      (r) =>
        r.create(any(
          new Proxy({}, {
            ownKeys: () => {
              throw new Error("x")
            }
          })
        ))
    ]
  ]
  for (const [name, call] of cases) {
    it.effect(name, () => {
      const m = server()
      return Effect.gen(function*() {
        const roles = yield* Roles.Roles
        const exit = yield* Effect.exit(Effect.suspend(() => call(roles)))
        assert.isTrue(exit._tag === "Failure" && exit.cause._tag === "Fail", String(exit))
        if (exit._tag === "Failure" && exit.cause._tag === "Fail") {
          assert.include(["InvalidInput", "InvalidId"], exit.cause.error._tag)
        }
        assert.deepStrictEqual(m.received, [])
        assert.deepStrictEqual(m.tokenRequests, [])
      }).pipe(Effect.provide(m.layer))
    })
  }
})

describe("Roles lookups against a server that answers badly", () => {
  const ORG = "10084a8d-113f-4211-a0d5-efe36b082211"
  const APP = "3645709f-ea8d-5595-7690-e1fa0efe3df9"
  const R2 = "5645709c-ea8c-4495-8590-e1fa0efe3de1"
  const R3 = "6645709c-ea8c-4495-8590-e1fa0efe3de2"
  const role = (
    id: string,
    displayName: string,
    audience: { type: string; value: string } = { type: "organization", value: ORG }
  ) => ({
    schemas: [Role.RoleUrn],
    id,
    displayName,
    audience
  })
  const page = (resources: ReadonlyArray<unknown>, totalResults = resources.length) => ({
    status: 200,
    body: {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
      totalResults,
      itemsPerPage: resources.length,
      startIndex: 1,
      Resources: resources
    }
  })

  it.effect("ignoring the filter and startIndex (the same full page again): PagingAborted, never the first match", () => {
    // The second "auditor" (an application's) is never shown: the lookup cannot tell it is unique.
    const m = Mock.asgardeo(() => page([role(ROLE, "auditor"), role(R2, "other")], 3), { rolesApi: "v2", pageSize: 2 })
    return Effect.gen(function*() {
      const roles = yield* Roles.Roles
      const error = yield* Effect.flip(roles.findByName("auditor"))
      assert.strictEqual(error._tag, "PagingAborted")
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("ignoring the filter, over pages: the same name in another audience is AmbiguousRole", () => {
    const m = Mock.asgardeo((req) =>
      req.url.searchParams.get("startIndex") === null
        ? page([role(ROLE, "Auditor"), role(R2, "x")], 3)
        : page([role(R3, "auditor", { type: "application", value: APP })], 3), { rolesApi: "v2", pageSize: 2 })
    return Effect.gen(function*() {
      const roles = yield* Roles.Roles
      const error = yield* Effect.flip(roles.findByName("auditor"))
      assert.strictEqual(error._tag, "AmbiguousRole")
      const app = yield* roles.findByName("auditor", { audience: { value: APP } })
      assert.strictEqual(Option.getOrThrow(app).id, R3)
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("one role repeated across pages is one match; a Kelvin sign or extra spaces are another name", () => {
    const m = Mock.asgardeo((req) =>
      req.url.searchParams.get("startIndex") === null
        ? page([role(ROLE, "kiosk"), role(R2, "\u212Aiosk"), role(R3, " kiosk")], 5)
        : page([role(ROLE, "kiosk"), role(R3, "kiosk  ")], 5), { rolesApi: "v2", pageSize: 3 })
    return Effect.gen(function*() {
      const roles = yield* Roles.Roles
      const found = yield* roles.findByName("KIOSK")
      assert.strictEqual(Option.getOrThrow(found).id, ROLE)
    }).pipe(Effect.provide(m.layer))
  })
})
