// Roles in Bulk (asgardeo-rbac-orgs.md §1.14): operations on /v2/Roles whichever Roles API is in
// use, each checked against its bulk role scope before sending, a new role's users given by the
// bulkId of a user created in the same request (and kept in one chunk with it), and refused before
// sending on a target without Asgardeo's Roles API.
import { Patch, Scopes } from "@asgardeo-scim/core"
import { Bulk, Role } from "@asgardeo-scim/directory"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Mock from "./utils/Mock.js"

const ROLE = "4645709c-ea8c-4495-8590-e1fa0efe3de0"
const USER = "008bba85-451d-414b-87de-c03b5a1f4217"

const answer = (json: unknown): Mock.Reply => {
  const operations = (json as { readonly Operations: ReadonlyArray<Record<string, unknown>> }).Operations
  return {
    status: 200,
    body: {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:BulkResponse"],
      Operations: operations.map((o) => ({
        method: o.method,
        bulkId: o.bulkId,
        status: o.method === "POST" ? "201" : o.method === "DELETE" ? "204" : "200",
        ...(o.method === "POST"
          ? {
            location: o.path === "/Users"
              ? `https://api.asgardeo.io/t/acme/scim2/Users/${USER}`
              : `https://api.asgardeo.io/t/acme/scim2/v2/Roles/${ROLE}`
          }
          : {})
      }))
    }
  }
}

const bulkServer = (
  options: Parameters<typeof Mock.asgardeo>[1] = {},
  spc = Mock.spc(100)
) =>
  Mock.asgardeo((req) =>
    req.url.pathname.endsWith("/ServiceProviderConfig")
      ? { status: 200, body: spc }
      : req.url.pathname.endsWith("/Bulk")
      ? answer(req.json)
      : { status: 404, body: {} }, options)

const operations: ReadonlyArray<Bulk.Operation> = [
  Bulk.create("Roles", "auditor", {
    displayName: "auditor",
    users: [{ value: Bulk.ref("kim") }],
    permissions: [{ value: "internal_login" }]
  }),
  Bulk.create("Users", "kim", {
    userName: "kim@example.com",
    emails: [{ value: "kim@example.com", primary: true }],
    "urn:scim:wso2:schema": { askPassword: true }
  }),
  Bulk.patch("Roles", ROLE, [Patch.add("users", [{ value: USER }])], "p"),
  Bulk.replace("Roles", ROLE, { displayName: "x", permissions: [] }, "r"),
  Bulk.remove("Roles", ROLE, "d")
]

describe("Bulk: roles", () => {
  it.effect("role operations go to /v2/Roles in one request with the user they reference", () => {
    const m = bulkServer({ rolesApi: "v3" })
    return Effect.gen(function*() {
      const bulk = yield* Bulk.Bulk
      const result = yield* bulk.execute(operations)
      assert.strictEqual(result.failed, 0)
      assert.strictEqual(result.requests, 1)
      assert.strictEqual(result.byBulkId.get("auditor")?.id, ROLE)
      assert.strictEqual(result.byBulkId.get("kim")?.id, USER)
      const sent = m.received.filter((r) => r.url.pathname.endsWith("/Bulk"))
      assert.strictEqual(sent.length, 1)
      const body = sent[0]!.json as { readonly Operations: ReadonlyArray<Record<string, unknown>> }
      assert.deepStrictEqual(body.Operations.map((o) => `${o.method} ${o.path}`), [
        "POST /v2/Roles",
        "POST /Users",
        `PATCH /v2/Roles/${ROLE}`,
        `PUT /v2/Roles/${ROLE}`,
        `DELETE /v2/Roles/${ROLE}`
      ])
      assert.deepStrictEqual(body.Operations[0], {
        method: "POST",
        path: "/v2/Roles",
        bulkId: "auditor",
        data: { displayName: "auditor", users: [{ value: "bulkId:kim" }], permissions: [{ value: "internal_login" }] }
      })
      assert.deepStrictEqual(body.Operations[2]!.data, {
        schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        Operations: [{ op: "add", path: "users", value: [{ value: USER }] }]
      })
      assert.strictEqual(Role.RoleUrn, "urn:ietf:params:scim:schemas:extension:2.0:Role")
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("a role and the user it references stay in one chunk when the operations are split", () => {
    const m = bulkServer({}, Mock.spc(2))
    return Effect.gen(function*() {
      const bulk = yield* Bulk.Bulk
      const result = yield* bulk.execute([
        Bulk.create("Users", "other", { userName: "lee@example.com", emails: [{ value: "lee@example.com" }] }),
        operations[0]!,
        operations[1]!
      ])
      assert.strictEqual(result.requests, 2)
      const chunks = m.received.filter((r) => r.url.pathname.endsWith("/Bulk")).map((r) =>
        (r.json as { readonly Operations: ReadonlyArray<{ readonly bulkId: string }> }).Operations.map((o) => o.bulkId)
      )
      assert.deepStrictEqual(chunks.find((c) => c.includes("auditor"))?.slice().sort(), ["auditor", "kim"])
    }).pipe(Effect.provide(m.layer))
  })

  for (
    const [kind, scope, operation] of [
      ["create", "internal_bulk_role_create", operations[0]!],
      ["update (PATCH)", "internal_bulk_role_update", operations[2]!],
      ["update (PUT)", "internal_bulk_role_update", operations[3]!],
      ["delete", "internal_bulk_role_delete", operations[4]!]
    ] as const
  ) {
    it.effect(`a role ${kind} needs ${scope}: MissingScope before sending`, () => {
      const m = bulkServer({ granted: Scopes.all.filter((s) => s !== scope) })
      return Effect.gen(function*() {
        const bulk = yield* Bulk.Bulk
        const error = yield* Effect.flip(bulk.execute([operation]))
        assert.strictEqual(error._tag, "MissingScope")
        if (error._tag === "MissingScope") assert.strictEqual(error.scope, scope)
        assert.deepStrictEqual(m.received.filter((r) => r.url.pathname.endsWith("/Bulk")), [])
      }).pipe(Effect.provide(m.layer))
    })
  }

  it.effect("paths: a role goes by /v2/Roles only; bad ids and a v3 path are refused before sending", () => {
    const m = bulkServer()
    return Effect.gen(function*() {
      const bulk = yield* Bulk.Bulk
      const bad: ReadonlyArray<readonly [Bulk.Operation, string]> = [
        [{ method: "POST", path: "/v3/Roles", bulkId: "r", data: { displayName: "x" } } as never, "/v2/Roles"],
        [{ method: "DELETE", path: "/v2/Roles/not-a-uuid" }, "UUID"],
        [{ method: "DELETE", path: "/v2/Roles" }, "/v2/Roles/{id}"],
        [{ method: "POST", path: `/v2/Roles/${ROLE}`, bulkId: "r", data: {} } as never, "a POST goes to /v2/Roles"]
      ]
      for (const [operation, reason] of bad) {
        const error = yield* Effect.flip(bulk.execute([operation]))
        assert.strictEqual(error._tag, "InvalidInput")
        assert.include(error.message, reason)
      }
      assert.deepStrictEqual(m.received, [])
    }).pipe(Effect.provide(m.layer))
  })

  it.effect("on a target without Asgardeo's Roles API a role operation is Unsupported, nothing sent", () => {
    const m = Mock.generic((req) =>
      req.url.pathname.endsWith("/ServiceProviderConfig") ? { status: 200, body: Mock.spc() } : answer(req.json)
    )
    return Effect.gen(function*() {
      const bulk = yield* Bulk.Bulk
      const error = yield* Effect.flip(bulk.execute([operations[1]!, operations[0]!]))
      assert.strictEqual(error._tag, "Unsupported")
      if (error._tag === "Unsupported") {
        assert.strictEqual(error.feature, "roles")
        assert.include(error.reason, "operations.1")
      }
      assert.deepStrictEqual(m.received, [])
    }).pipe(Effect.provide(m.layer))
  })
})

describe("Bulk: roles in a sub-organization", () => {
  const SUB = "0b8f2c1e-1111-4a5b-9c3d-000000000001"
  it.effect("the bulk role scopes are checked in their internal_org_ form", () => {
    const granted = Scopes.all.map(Scopes.inOrganization)
    const ok = bulkServer({ subOrganization: { id: SUB }, granted })
    const missing = bulkServer({
      subOrganization: { id: SUB },
      granted: granted.filter((s) => s !== "internal_org_bulk_role_create")
    })
    return Effect.gen(function*() {
      const execute = Effect.flatMap(Bulk.Bulk, (bulk) => bulk.execute([operations[1]!, operations[0]!]))
      const result = yield* execute.pipe(Effect.provide(ok.layer))
      assert.strictEqual(result.failed, 0)
      assert.isTrue(ok.received.some((r) => r.url.pathname === "/t/acme/o/scim2/Bulk"))
      const error = yield* Effect.flip(execute.pipe(Effect.provide(missing.layer)))
      assert.strictEqual(error._tag === "MissingScope" ? error.scope : error._tag, "internal_org_bulk_role_create")
    })
  })
})
