// A hostile review of the Roles service and forEachSubOrganization (issue 16): plain-JS callers
// passing what the types forbid must get a typed error before any request, token request included.
import { Role, Roles } from "@asgardeo-scim/directory"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
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
