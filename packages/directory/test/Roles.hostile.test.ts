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
