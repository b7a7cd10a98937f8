// The Roles service on the wire (asgardeo-rbac-orgs.md Part 1): the exact requests of v2 and v3
// (paths, bodies, scopes), the version told from the granted scopes, replace never losing
// assignments, and what is refused before anything is sent.
import { Scopes } from "@asgardeo-scim/core"
import { Role, Roles } from "@asgardeo-scim/directory"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Option, Stream, Tracer } from "effect"
import * as Mock from "./utils/Mock.js"

const ROLE = "4645709c-ea8c-4495-8590-e1fa0efe3de0"
const ROLE2 = "5645709c-ea8c-4495-8590-e1fa0efe3de1"
const APP = "3645709f-ea8d-5595-7690-e1fa0efe3df9"
const ORG = "10084a8d-113f-4211-a0d5-efe36b082211"
const U1 = "008bba85-451d-414b-87de-c03b5a1f4217"
const U2 = "118bba85-451d-414b-87de-c03b5a1f4218"
const G1 = "7bac6a86-1f21-4937-9fb1-5be4a93ef469"
const BASE = "/t/acme/scim2"

/** What an application authorized for one Roles API is granted when it asks for `Scopes.all`. */
const v2Granted = Scopes.all.filter((s) => !Scopes.rolesV3Only.includes(s))
const v3Granted = Scopes.all.filter((s) =>
  !Scopes.rolesV2Only.includes(s) && s !== "internal_role_mgt_permissions_update"
)

const roleJson = (id: string, displayName: string, extra: Record<string, unknown> = {}) => ({
  schemas: [Role.RoleUrn],
  id,
  displayName,
  audience: { value: ORG, display: "acme", type: "organization" },
  meta: { location: `https://api.asgardeo.io/t/acme/scim2/v2/Roles/${id}` },
  ...extra
})

const list = (...resources: ReadonlyArray<unknown>) => ({
  schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
  totalResults: resources.length,
  startIndex: 1,
  itemsPerPage: resources.length,
  Resources: resources
})

const sent = (m: { readonly received: ReadonlyArray<Mock.Received> }) =>
  m.received.map((r) => `${r.method} ${r.url.pathname.slice(BASE.length)}${decodeURIComponent(r.url.search)}`)

const bodies = (m: { readonly received: ReadonlyArray<Mock.Received> }) => m.received.map((r) => r.json)

/** A server that answers each role request with a role (a list for GET /vN/Roles). */
const server = (options: Parameters<typeof Mock.asgardeo>[1] = {}, roles = [roleJson(ROLE, "auditor")]) =>
  Mock.asgardeo((req) => {
    const path = req.url.pathname.slice(BASE.length)
    if (req.method === "GET" && /^\/v[23]\/Roles$/.test(path)) {
      const start = Number(req.url.searchParams.get("startIndex") ?? "1")
      return { status: 200, body: start > 1 ? list() : list(...roles) }
    }
    if (req.method === "POST" && path.endsWith("/.search")) return { status: 200, body: list(...roles) }
    if (req.method === "POST") return { status: 201, body: roleJson(ROLE, "auditor") }
    if (req.method === "DELETE") return { status: 204 }
    return { status: 200, body: roleJson(ROLE, "auditor", { users: [{ value: U1 }] }) }
  }, options)

const patchOf = (...Operations: ReadonlyArray<unknown>) => ({
  schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  Operations
})

describe("Roles: the version", () => {
  const cases = [
    ["configured v3 (no token asked for it)", { rolesApi: "v3" as const, granted: v2Granted }, "v3", 0],
    ["configured v2", { rolesApi: "v2" as const, granted: v3Granted }, "v2", 0],
    ["v3 scopes without v2's: v3", { granted: v3Granted }, "v3", 1],
    ["v2 scopes: v2", { granted: v2Granted }, "v2", 1],
    ["both (cannot tell): v2", { granted: Scopes.all }, "v2", 1],
    ["neither (no roles API authorized): v2", { granted: ["internal_user_mgt_view"] }, "v2", 1],
    [
      "a sub-organization's internal_org_ v3 scopes: v3",
      {
        granted: ["internal_org_role_mgt_view", "internal_org_role_mgt_meta_create"]
      },
      "v3",
      1
    ],
    [
      "a sub-organization's internal_org_ v2 scopes: v2",
      {
        granted: ["internal_org_role_mgt_meta_update", "internal_org_role_mgt_update"]
      },
      "v2",
      1
    ]
  ] as const
  for (const [name, options, expected, tokens] of cases) {
    it.effect(name, () => {
      const m = server(options)
      return Effect.gen(function*() {
        const roles = yield* Roles.Roles
        assert.strictEqual(yield* roles.version, expected)
        assert.strictEqual(m.tokenRequests.length, tokens)
        assert.deepStrictEqual(m.received, [])
      }).pipe(Effect.provide(m.layer))
    })
  }

  it.effect("told once per layer: the calls after the first use it (GET /v3/Roles/{id} each time)", () => {
    const m = server({ granted: v3Granted })
    return Effect.gen(function*() {
      const roles = yield* Roles.Roles
      yield* roles.get(ROLE)
      yield* roles.get(ROLE)
      assert.strictEqual(yield* roles.version, "v3")
      assert.deepStrictEqual(sent(m), [`GET /v3/Roles/${ROLE}`, `GET /v3/Roles/${ROLE}`])
      assert.strictEqual(m.tokenRequests.length, 1)
    }).pipe(Effect.provide(m.layer))
  })
})

describe("Roles v2 and v3 on the wire", () => {
  for (const version of ["v2", "v3"] as const) {
    const granted = version === "v2" ? v2Granted : v3Granted
    const api = `/${version}/Roles`

    it.effect(`${version}: create sends the role, its audience and its permissions; spans name the operation`, () => {
      const m = server({ granted })
      const spans: Array<{ name: string; attributes: Map<string, unknown> }> = []
      const tracer = Tracer.make({
        span: (name, parent, context, links, startTime, kind) => {
          const attributes = new Map<string, unknown>()
          spans.push({ name, attributes })
          return {
            _tag: "Span",
            name,
            spanId: String(spans.length),
            traceId: "t",
            parent,
            context,
            status: { _tag: "Started", startTime },
            attributes,
            links,
            sampled: true,
            kind,
            end: () => {},
            attribute: (key, value) => void attributes.set(key, value),
            event: () => {},
            addLinks: () => {}
          }
        },
        context: (f) => f()
      })
      return Effect.gen(function*() {
        const roles = yield* Roles.Roles
        const role = yield* roles.create({
          displayName: " auditor ",
          audience: { type: "Application" as never, value: APP.toUpperCase() },
          permissions: ["internal_login", "internal_user_mgt_view", "internal_login"]
        }).pipe(Effect.withTracer(tracer))
        assert.strictEqual(role.id, ROLE)
        assert.strictEqual(role.audience?.type, "organization")
        assert.deepStrictEqual(sent(m), [`POST ${api}`])
        assert.deepStrictEqual(bodies(m), [{
          schemas: ["urn:ietf:params:scim:schemas:extension:2.0:Role"],
          displayName: "auditor",
          audience: { type: "application", value: APP },
          permissions: [{ value: "internal_login" }, { value: "internal_user_mgt_view" }]
        }])
        const outer = spans.find((s) => s.name === "Roles.create")
        assert.strictEqual(outer?.attributes.get("scim.roles.version"), version)
      }).pipe(Effect.provide(m.layer))
    })

    it.effect(`${version}: get, delete, list, search and stream go to ${api}`, () => {
      const m = server({ granted }, [roleJson(ROLE, "auditor"), roleJson(ROLE2, "admin")])
      return Effect.gen(function*() {
        const roles = yield* Roles.Roles
        assert.strictEqual((yield* roles.get(ROLE.toUpperCase())).displayName, "auditor")
        yield* roles.delete(ROLE)
        const page = yield* roles.list({
          filter: "displayName sw \"aud\" and audience.type eq \"organization\"",
          count: 10,
          attributes: ["displayName", "users"]
        })
        assert.deepStrictEqual(page.resources.map((r) => r.id), [ROLE, ROLE2])
        yield* roles.search({ filter: "audience.value eq \"" + ORG + "\"", startIndex: 2 })
        const all = yield* Stream.runCollect(roles.stream({ filter: "displayName co \"a\"" }))
        assert.strictEqual(all.length, 2)
        assert.deepStrictEqual(sent(m), [
          `GET ${api}/${ROLE}`,
          `DELETE ${api}/${ROLE}`,
          `GET ${api}?filter=displayName sw "aud" and audience.type eq "organization"&count=10&attributes=displayName,users`,
          `POST ${api}/.search`,
          `GET ${api}?filter=displayName co "a"&startIndex=1&count=100`,
          `GET ${api}?filter=displayName co "a"&startIndex=3&count=100`
        ])
        assert.deepStrictEqual(m.received[3]!.json, {
          schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
          filter: `audience.value eq "${ORG}"`,
          startIndex: 2,
          count: 100
        })
      }).pipe(Effect.provide(m.layer))
    })

    it.effect(`${version}: permissions are added, removed and set by PATCH of the role`, () => {
      const m = server({ granted })
      return Effect.gen(function*() {
        const roles = yield* Roles.Roles
        yield* roles.addPermissions(ROLE, ["internal_login", "internal_user_mgt_view"])
        yield* roles.removePermissions(ROLE, ["internal_login", "internal_user_mgt_view"])
        yield* roles.setPermissions(ROLE, ["internal_group_mgt_view"])
        yield* roles.setPermissions(ROLE, [])
        yield* roles.addPermissions(ROLE, [])
        assert.deepStrictEqual(sent(m), Array.from({ length: 4 }, () => `PATCH ${api}/${ROLE}`))
        assert.deepStrictEqual(bodies(m), [
          patchOf({
            op: "add",
            path: "permissions",
            value: [{ value: "internal_login" }, { value: "internal_user_mgt_view" }]
          }),
          patchOf(
            { op: "remove", path: "permissions[value eq internal_login]" },
            { op: "remove", path: "permissions[value eq internal_user_mgt_view]" }
          ),
          patchOf({ op: "replace", path: "permissions", value: [{ value: "internal_group_mgt_view" }] }),
          patchOf({ op: "replace", path: "permissions", value: [] })
        ])
      }).pipe(Effect.provide(m.layer))
    })
  }

  it.effect("v2: users and groups are assigned and unassigned by PATCH /v2/Roles/{id}", () => {
    const m = server({ granted: v2Granted })
    return Effect.gen(function*() {
      const roles = yield* Roles.Roles
      yield* roles.assignUsers(ROLE, [U1, U2.toUpperCase(), U1])
      yield* roles.unassignUsers(ROLE, [U1, U2])
      yield* roles.assignGroups(ROLE, [G1])
      yield* roles.unassignGroups(ROLE, [G1])
      assert.deepStrictEqual(sent(m), Array.from({ length: 4 }, () => `PATCH /v2/Roles/${ROLE}`))
      assert.deepStrictEqual(bodies(m), [
        patchOf({ op: "add", path: "users", value: [{ value: U1 }, { value: U2 }] }),
        patchOf({ op: "remove", path: `users[value eq ${U1}]` }, { op: "remove", path: `users[value eq ${U2}]` }),
        patchOf({ op: "add", path: "groups", value: [{ value: G1 }] }),
        patchOf({ op: "remove", path: `groups[value eq ${G1}]` })
      ])
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("v3: users and groups go to /v3/Roles/{id}/Users and /Groups, with their own scopes", () => {
    const m = server({ granted: v3Granted })
    return Effect.gen(function*() {
      const roles = yield* Roles.Roles
      yield* roles.assignUsers(ROLE, [U1, U2])
      yield* roles.unassignUsers(ROLE, [U1])
      yield* roles.assignGroups(ROLE, [G1])
      yield* roles.unassignGroups(ROLE, [G1])
      assert.deepStrictEqual(sent(m), [
        `PATCH /v3/Roles/${ROLE}/Users`,
        `PATCH /v3/Roles/${ROLE}/Users`,
        `PATCH /v3/Roles/${ROLE}/Groups`,
        `PATCH /v3/Roles/${ROLE}/Groups`
      ])
      assert.deepStrictEqual(bodies(m), [
        patchOf({ op: "add", path: "users", value: [{ value: U1 }, { value: U2 }] }),
        patchOf({ op: "remove", path: `users[value eq ${U1}]` }),
        patchOf({ op: "add", path: "groups", value: [{ value: G1 }] }),
        patchOf({ op: "remove", path: `groups[value eq ${G1}]` })
      ])
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("v3 scopes are checked before sending: /Users needs internal_role_mgt_users_update", () => {
    const m = server({ granted: v3Granted.filter((s) => s !== "internal_role_mgt_users_update") })
    return Effect.gen(function*() {
      const roles = yield* Roles.Roles
      const error = yield* Effect.flip(roles.assignUsers(ROLE, [U1]))
      assert.strictEqual(error._tag, "MissingScope")
      if (error._tag === "MissingScope") {
        assert.strictEqual(error.scope, "internal_role_mgt_users_update")
        assert.strictEqual(error.operation, "Roles.assignUsers")
      }
      yield* roles.assignGroups(ROLE, [G1])
      assert.deepStrictEqual(sent(m), [`PATCH /v3/Roles/${ROLE}/Groups`])
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("v3 create needs internal_role_mgt_meta_create, v2 create internal_role_mgt_create", () => {
    const v3 = server({ rolesApi: "v3", granted: ["internal_role_mgt_create", "internal_role_mgt_view"] })
    const v2 = server({ rolesApi: "v2", granted: ["internal_role_mgt_meta_create", "internal_role_mgt_view"] })
    return Effect.gen(function*() {
      for (const [m, scope] of [[v3, "internal_role_mgt_meta_create"], [v2, "internal_role_mgt_create"]] as const) {
        const error = yield* Effect.flip(Effect.flatMap(Roles.Roles, (r) => r.create({ displayName: "x" }))).pipe(
          Effect.provide(m.layer)
        )
        assert.strictEqual(error._tag === "MissingScope" ? error.scope : error._tag, scope)
        assert.deepStrictEqual(m.received, [])
      }
    })
  })
})

describe("Roles.replace never loses assignments", () => {
  it.effect("v2: PATCH replace of displayName and permissions, never a PUT (which would empty users and groups)", () => {
    const m = server({ granted: v2Granted })
    return Effect.gen(function*() {
      const roles = yield* Roles.Roles
      const role = yield* roles.replace(ROLE, { displayName: "auditors", permissions: ["internal_login"] })
      assert.strictEqual(role.id, ROLE)
      assert.deepStrictEqual(sent(m), [`PATCH /v2/Roles/${ROLE}`])
      assert.deepStrictEqual(bodies(m), [
        patchOf(
          { op: "replace", path: "displayName", value: "auditors" },
          { op: "replace", path: "permissions", value: [{ value: "internal_login" }] }
        )
      ])
      assert.notInclude(m.received[0]!.body, "\"users\"")
      assert.notInclude(m.received[0]!.body, "\"groups\"")
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("v3: PUT /v3/Roles/{id} with displayName and permissions (v3's PUT touches nothing else)", () => {
    const m = server({ granted: v3Granted })
    return Effect.gen(function*() {
      const roles = yield* Roles.Roles
      yield* roles.replace(ROLE, { displayName: "auditors", permissions: [] })
      assert.deepStrictEqual(sent(m), [`PUT /v3/Roles/${ROLE}`])
      assert.deepStrictEqual(bodies(m), [{
        schemas: ["urn:ietf:params:scim:schemas:extension:2.0:Role"],
        displayName: "auditors",
        permissions: []
      }])
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("a replace without permissions is refused (it sets the whole set)", () => {
    const m = server({ rolesApi: "v2" })
    return Effect.gen(function*() {
      const roles = yield* Roles.Roles
      const error = yield* Effect.flip(roles.replace(ROLE, { displayName: "x" } as never))
      assert.strictEqual(error._tag === "InvalidInput" ? error.field : error._tag, "permissions")
      assert.deepStrictEqual(m.received, [])
    }).pipe(Effect.provide(m.layer))
  })
})

describe("Roles.patch", () => {
  it.effect("v2: raw operations as given (ops lower-cased)", () => {
    const m = server({ granted: v2Granted })
    return Effect.gen(function*() {
      const roles = yield* Roles.Roles
      yield* roles.patch(ROLE, [
        { op: "Replace", path: "displayName", value: "x" },
        { op: "add", path: "users", value: [{ value: U1 }] },
        { op: "remove", path: `groups[value eq "${G1}"]` }
      ])
      assert.deepStrictEqual(bodies(m), [
        patchOf(
          { op: "replace", path: "displayName", value: "x" },
          { op: "add", path: "users", value: [{ value: U1 }] },
          { op: "remove", path: `groups[value eq "${G1}"]` }
        )
      ])
    }).pipe(Effect.provide(m.layer))
  })

  const refused: ReadonlyArray<readonly [string, "v2" | "v3", ReadonlyArray<unknown>, string, string]> = [
    [
      "v3: users on the role's own endpoint",
      "v3",
      [{ op: "add", path: "users", value: [{ value: U1 }] }],
      "InvalidInput",
      "assignUsers"
    ],
    [
      "v3: groups in a path-less value",
      "v3",
      [{ op: "replace", value: { groups: [] } }],
      "InvalidInput",
      "assignGroups"
    ],
    [
      "a users replace with a permission add",
      "v2",
      [
        { op: "replace", path: "users", value: [{ value: U1 }] },
        { op: "add", path: "permissions", value: [{ value: "internal_login" }] }
      ],
      "Unsupported",
      "501"
    ],
    [
      "a remove of all users with a permission remove",
      "v2",
      [
        { op: "remove", path: "users" },
        { op: "remove", path: "permissions[value eq internal_login]" }
      ],
      "Unsupported",
      "501"
    ],
    ["a filter other than eq", "v2", [{ op: "remove", path: `users[value ne ${U1}]` }], "InvalidInput", "501"],
    [
      "a filter on another sub-attribute",
      "v2",
      [{ op: "remove", path: "users[type eq User]" }],
      "InvalidInput",
      "value eq"
    ],
    ["a filtered add", "v2", [{ op: "add", path: `users[value eq ${U1}]`, value: [] }], "InvalidInput", "remove"],
    ["another attribute", "v2", [{ op: "replace", path: "audience", value: {} }], "InvalidInput", "displayName, users"],
    ["a remove of displayName", "v2", [{ op: "remove", path: "displayName" }], "InvalidInput", "cannot be removed"],
    ["no operations", "v2", [], "InvalidInput", "at least one"],
    ["a path-less remove", "v2", [{ op: "remove" }], "InvalidInput", "needs a path"]
  ]
  for (const [name, version, operations, tag, reason] of refused) {
    it.effect(`refused before sending: ${name}`, () => {
      const m = server({ rolesApi: version })
      return Effect.gen(function*() {
        const roles = yield* Roles.Roles
        const error = yield* Effect.flip(roles.patch(ROLE, operations as never))
        assert.strictEqual(error._tag, tag)
        assert.include(error.message, reason)
        assert.deepStrictEqual(m.received, [])
        assert.deepStrictEqual(m.tokenRequests, [])
      }).pipe(Effect.provide(m.layer))
    })
  }

  it.effect("a users replace alone, and a permission replace with it, are sent", () => {
    const m = server({ rolesApi: "v2" })
    return Effect.gen(function*() {
      const roles = yield* Roles.Roles
      yield* roles.patch(ROLE, [
        { op: "replace", path: "users", value: [{ value: U1 }] },
        { op: "replace", path: "permissions", value: [{ value: "internal_login" }] }
      ])
      assert.strictEqual(m.received.length, 1)
    }).pipe(Effect.provide(m.layer))
  })
})

describe("Roles: input refused before anything is sent (no token, no request)", () => {
  type Call = (roles: Roles.Service) => Effect.Effect<unknown, { readonly _tag: string; readonly message: string }>
  const cases: ReadonlyArray<readonly [string, Call, string, string]> = [
    ["a name with '/'", (r) => r.create({ displayName: "Internal/x" }), "InvalidInput", "'/'"],
    ["a blank name", (r) => r.create({ displayName: " " }), "InvalidInput", "non-empty"],
    ["a control character", (r) => r.create({ displayName: "a\u0007" }), "InvalidInput", "control"],
    ["an unknown field", (r) => r.create({ displayName: "a", users: [] } as never), "InvalidInput", "users"],
    [
      "an audience type",
      (r) => r.create({ displayName: "a", audience: { type: "tenant", value: APP } as never }),
      "InvalidInput",
      "organization"
    ],
    [
      "an audience without value",
      (r) => r.create({ displayName: "a", audience: { type: "application" } as never }),
      "InvalidInput",
      "audience.value"
    ],
    [
      "an audience value that is no id",
      (r) => r.create({ displayName: "a", audience: { type: "application", value: "my app" } }),
      "InvalidInput",
      "UUID"
    ],
    [
      "a permission with a space",
      (r) => r.create({ displayName: "a", permissions: ["a b"] }),
      "InvalidInput",
      "permissions.0"
    ],
    [
      "permissions not an array",
      (r) => r.create({ displayName: "a", permissions: "internal_login" as never }),
      "InvalidInput",
      "array"
    ],
    ["a role id", (r) => r.get("not-a-uuid"), "InvalidId", "UUID"],
    ["a user id", (r) => r.assignUsers(ROLE, [U1, "kim"]), "InvalidInput", "userIds.1"],
    ["group ids not an array", (r) => r.assignGroups(ROLE, G1 as never), "InvalidInput", "groupIds"],
    ["a permission with a bracket", (r) => r.removePermissions(ROLE, ["a]"]), "InvalidInput", "permissions.0"],
    [
      "a filter on another attribute",
      (r) => r.list({ filter: `users.value eq "${U1}"` }),
      "UnsupportedFilter",
      "users.value"
    ],
    ["an or", (r) => r.list({ filter: "displayName eq \"a\" or displayName eq \"b\"" }), "UnsupportedFilter", "'or'"],
    ["a gt", (r) => r.search({ filter: "displayName gt \"a\"" }), "UnsupportedFilter", "'gt'"],
    ["a filter that does not parse", (r) => r.list({ filter: "displayName eq" }), "InvalidFilter", "Invalid filter"],
    ["sorting", (r) => r.list({ sortBy: "displayName" }), "Unsupported", "sort"],
    ["a user store", (r) => r.list({ domain: "DEFAULT" }), "InvalidInput", "domain"],
    ["a count over 100", (r) => r.list({ count: 101 }), "InvalidInput", "count"],
    [
      "a stream's user store",
      (r) => Stream.runDrain(r.stream({ domain: "DEFAULT" } as never)),
      "InvalidInput",
      "domain"
    ],
    ["a stream's filter", (r) => Stream.runDrain(r.stream({ filter: "id eq \"x\"" })), "UnsupportedFilter", "\"id\""],
    ["a lookup option", (r) => r.findByName("a", { allStores: true } as never), "InvalidInput", "allStores"],
    [
      "a lookup audience type",
      (r) => r.findByName("a", { audience: { type: "app" as never } }),
      "InvalidInput",
      "audience.type"
    ],
    ["an ensure name", (r) => r.ensure({ displayName: "" }), "InvalidInput", "displayName"],
    ["a user id of ofUser", (r) => r.ofUser("kim"), "InvalidId", "UUID"]
  ]
  for (const [name, call, tag, text] of cases) {
    it.effect(name, () => {
      const m = server()
      return Effect.gen(function*() {
        const roles = yield* Roles.Roles
        const error = yield* Effect.flip(call(roles))
        assert.strictEqual(error._tag, tag, error.message)
        assert.include(error.message, text)
        assert.deepStrictEqual(m.received, [])
        assert.deepStrictEqual(m.tokenRequests, [])
      }).pipe(Effect.provide(m.layer))
    })
  }
})

describe("Roles: assignment answered 400 or 409", () => {
  it.effect("already assigned: the role is read, and the call succeeds when every user is there", () => {
    const m = Mock.asgardeo((req) =>
      req.method === "PATCH"
        ? { status: 400, body: { status: "400", detail: "already assigned" } }
        : { status: 200, body: roleJson(ROLE, "auditor", { users: [{ value: U1 }] }) }, { rolesApi: "v2" })
    return Effect.gen(function*() {
      const roles = yield* Roles.Roles
      yield* roles.assignUsers(ROLE, [U1])
      const error = yield* Effect.flip(roles.assignUsers(ROLE, [U1, U2]))
      assert.strictEqual(error._tag, "BadRequest")
      yield* roles.unassignUsers(ROLE, [U2])
      const still = yield* Effect.flip(roles.unassignUsers(ROLE, [U1]))
      assert.strictEqual(still._tag, "BadRequest")
      assert.deepStrictEqual(sent(m), [
        `PATCH /v2/Roles/${ROLE}`,
        `GET /v2/Roles/${ROLE}`,
        `PATCH /v2/Roles/${ROLE}`,
        `GET /v2/Roles/${ROLE}`,
        `PATCH /v2/Roles/${ROLE}`,
        `GET /v2/Roles/${ROLE}`,
        `PATCH /v2/Roles/${ROLE}`,
        `GET /v2/Roles/${ROLE}`
      ])
    }).pipe(Effect.provide(m.layer))
  })
})

describe("Roles.findByName and ensure", () => {
  const app = (id: string, name: string) =>
    roleJson(id, name, { audience: { value: APP, display: "My App", type: "application" } })

  it.effect("the name (ignoring case) and the audience go in the filter; two audiences are AmbiguousRole", () => {
    const m = server({ rolesApi: "v2" }, [roleJson(ROLE, "Auditor"), app(ROLE2, "auditor")])
    return Effect.gen(function*() {
      const roles = yield* Roles.Roles
      const error = yield* Effect.flip(roles.findByName("auditor"))
      assert.strictEqual(error._tag, "AmbiguousRole")
      if (error._tag === "AmbiguousRole") {
        assert.deepStrictEqual(error.candidates.map((c) => [c.id, c.audienceType, c.audienceValue]), [
          [ROLE, "organization", ORG],
          [ROLE2, "application", APP]
        ])
      }
      // The server here ignores the audience filter: the audience is checked on what it answers.
      const found = yield* roles.findByName("AUDITOR", { audience: { type: "application", value: APP } })
      assert.strictEqual(Option.getOrThrow(found).id, ROLE2)
      const org = yield* roles.findByName("auditor", { audience: { type: "organization" } })
      assert.strictEqual(Option.getOrThrow(org).id, ROLE)
      assert.isTrue(Option.isNone(yield* roles.findByName("auditors")))
      assert.deepStrictEqual(sent(m), [
        "GET /v2/Roles?filter=displayName eq \"auditor\"&count=100",
        `GET /v2/Roles?filter=displayName eq "AUDITOR" and audience.value eq "${APP}" and audience.type eq "application"&count=100`,
        "GET /v2/Roles?filter=displayName eq \"auditor\" and audience.type eq \"organization\"&count=100",
        "GET /v2/Roles?filter=displayName eq \"auditors\"&count=100"
      ])
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("ensure: found in the organization (no create); absent: created", () => {
    const found = server({ rolesApi: "v3" }, [app(ROLE2, "auditor"), roleJson(ROLE, "auditor")])
    const absent = server({ rolesApi: "v3" }, [])
    return Effect.gen(function*() {
      const ensure = Effect.flatMap(Roles.Roles, (r) => r.ensure({ displayName: "auditor" }))
      const a = yield* ensure.pipe(Effect.provide(found.layer))
      assert.deepStrictEqual([a.role.id, a.created], [ROLE, false])
      assert.deepStrictEqual(sent(found), [
        "GET /v3/Roles?filter=displayName eq \"auditor\" and audience.type eq \"organization\"&count=100"
      ])
      const b = yield* ensure.pipe(Effect.provide(absent.layer))
      assert.deepStrictEqual([b.role.id, b.created], [ROLE, true])
      assert.deepStrictEqual(sent(absent), [
        "GET /v3/Roles?filter=displayName eq \"auditor\" and audience.type eq \"organization\"&count=100",
        "POST /v3/Roles"
      ])
    })
  })

  it.effect("ensure: a create answered 409 (a race) looks again; none found fails with the Conflict", () => {
    let lists = 0
    const race = Mock.asgardeo((req) =>
      req.method === "POST"
        ? { status: 409, body: { status: "409", detail: "Role with name: auditor already exists in the system." } }
        : { status: 200, body: lists++ === 0 ? list() : list(app(ROLE2, "auditor")) }, { rolesApi: "v2" })
    const lost = Mock.asgardeo(
      (req) => req.method === "POST" ? { status: 409, body: { detail: "exists" } } : { status: 200, body: list() },
      { rolesApi: "v2" }
    )
    return Effect.gen(function*() {
      const input = { displayName: "auditor", audience: { type: "application" as const, value: APP } }
      const ensure = Effect.flatMap(Roles.Roles, (r) => r.ensure(input))
      const a = yield* ensure.pipe(Effect.provide(race.layer))
      assert.deepStrictEqual([a.role.id, a.created], [ROLE2, false])
      assert.deepStrictEqual(sent(race).map((s) => s.slice(0, 13)), ["GET /v2/Roles", "POST /v2/Role", "GET /v2/Roles"])
      const exit = yield* Effect.exit(ensure.pipe(Effect.provide(lost.layer)))
      assert.isTrue(Exit.isFailure(exit))
      const error = yield* Effect.flip(ensure.pipe(Effect.provide(lost.layer)))
      assert.strictEqual(error._tag, "Conflict")
    })
  })
})

describe("Roles.ofUser", () => {
  it.effect("reads the user's roles attribute, with each role's audience", () => {
    const m = Mock.asgardeo(() => ({
      status: 200,
      body: Mock.userJson(U1, "DEFAULT/kim@example.com", {
        roles: [
          {
            value: ROLE,
            display: "auditor",
            $ref: `https://api.asgardeo.io/t/acme/scim2/v2/Roles/${ROLE}`,
            audienceValue: APP,
            audienceDisplay: "My App",
            audienceType: "application"
          },
          { type: "default", value: "Internal/everyone" },
          { display: "no id" }
        ]
      })
    }))
    return Effect.gen(function*() {
      const roles = yield* Roles.Roles
      const assigned = yield* roles.ofUser(U1)
      assert.deepStrictEqual(assigned, [
        { id: ROLE, displayName: "auditor", audience: { type: "application", value: APP, display: "My App" } },
        { id: "Internal/everyone", displayName: undefined, audience: undefined }
      ])
      assert.deepStrictEqual(sent(m), [`GET /Users/${U1}?attributes=roles`])
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("needs internal_user_mgt_view, checked before sending", () => {
    const m = server({ granted: Scopes.all.filter((s) => s !== "internal_user_mgt_view") })
    return Effect.gen(function*() {
      const error = yield* Effect.flip(Effect.flatMap(Roles.Roles, (r) => r.ofUser(U1)))
      assert.strictEqual(error._tag === "MissingScope" ? error.scope : error._tag, "internal_user_mgt_view")
      assert.deepStrictEqual(m.received, [])
    }).pipe(Effect.provide(m.layer))
  })
})

describe("Roles on a target without them", () => {
  it.effect("every operation fails with Unsupported (feature roles) before sending", () => {
    const m = Mock.generic(() => ({ status: 200, body: {} }))
    return Effect.gen(function*() {
      const roles = yield* Roles.Roles
      const calls: ReadonlyArray<Effect.Effect<unknown, { readonly _tag: string }>> = [
        roles.version,
        roles.create({ displayName: "a" }),
        roles.get(ROLE),
        roles.list(),
        roles.search(),
        Stream.runDrain(roles.stream()),
        roles.replace(ROLE, { displayName: "a", permissions: [] }),
        roles.patch(ROLE, [{ op: "remove", path: "users" }]),
        roles.delete(ROLE),
        roles.assignUsers(ROLE, [U1]),
        roles.unassignUsers(ROLE, [U1]),
        roles.assignGroups(ROLE, [G1]),
        roles.unassignGroups(ROLE, [G1]),
        roles.addPermissions(ROLE, ["p"]),
        roles.removePermissions(ROLE, ["p"]),
        roles.setPermissions(ROLE, ["p"]),
        roles.findByName("a"),
        roles.ensure({ displayName: "a" }),
        roles.ofUser(U1)
      ]
      for (const call of calls) {
        const error = yield* Effect.flip(call)
        assert.strictEqual(error._tag, "Unsupported")
        if (error._tag === "Unsupported") {
          const e = error as unknown as { readonly feature: string; readonly message: string }
          assert.strictEqual(e.feature, "roles")
          assert.include(e.message, "rfc7644")
        }
      }
      assert.deepStrictEqual(m.received, [])
    }).pipe(Effect.provide(m.layer))
  })
})

describe("Roles in a sub-organization", () => {
  const SUB = "0b8f2c1e-1111-4a5b-9c3d-000000000001"
  it.effect("the version is told from the internal_org_ scopes; requests go under /o/scim2 with them", () => {
    const granted = v3Granted.map(Scopes.inOrganization)
    const m = Mock.asgardeo((req) =>
      req.method === "POST"
        ? { status: 201, body: roleJson(ROLE, "auditor") }
        : { status: 200, body: roleJson(ROLE, "auditor") }, { subOrganization: { id: SUB }, granted })
    return Effect.gen(function*() {
      const roles = yield* Roles.Roles
      assert.strictEqual(yield* roles.version, "v3")
      yield* roles.create({ displayName: "auditor" })
      yield* roles.assignUsers(ROLE, [U1])
      assert.deepStrictEqual(m.received.map((r) => `${r.method} ${r.url.pathname}`), [
        "POST /t/acme/o/scim2/v3/Roles",
        `PATCH /t/acme/o/scim2/v3/Roles/${ROLE}/Users`
      ])
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("a missing scope is named in its internal_org_ form", () => {
    const granted = v3Granted.filter((s) => s !== "internal_role_mgt_users_update").map(Scopes.inOrganization)
    const m = Mock.asgardeo(() => ({ status: 200, body: {} }), { subOrganization: { id: SUB }, granted })
    return Effect.gen(function*() {
      const error = yield* Effect.flip(Effect.flatMap(Roles.Roles, (r) => r.assignUsers(ROLE, [U1])))
      assert.strictEqual(error._tag === "MissingScope" ? error.scope : error._tag, "internal_org_role_mgt_users_update")
      assert.deepStrictEqual(m.received, [])
    }).pipe(Effect.provide(m.layer))
  })
})
