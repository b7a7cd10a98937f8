import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit } from "effect"
import { AsgardeoEmulator } from "../src/index.js"
import { call, SCIM, token, tokenRequest } from "./helpers.js"
import { createRole, FORBIDDEN, patchBody, people, roleBody, run } from "./rolesHelpers.js"

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE"

/** Every Roles operation, with the scope the note's table names (§1.2). */
const table = (id: string): ReadonlyArray<readonly [Method, string, string, unknown]> => [
  ["GET", "/v2/Roles", "internal_role_mgt_view", undefined],
  ["POST", "/v2/Roles/.search", "internal_role_mgt_view", {}],
  ["GET", `/v2/Roles/${id}`, "internal_role_mgt_view", undefined],
  ["POST", "/v2/Roles", "internal_role_mgt_create", roleBody("new2")],
  ["PUT", `/v2/Roles/${id}`, "internal_role_mgt_update", { displayName: "r" }],
  [
    "PATCH",
    `/v2/Roles/${id}`,
    "internal_role_mgt_update",
    patchBody({ op: "replace", path: "displayName", value: "r" })
  ],
  ["GET", "/v3/Roles", "internal_role_mgt_view", undefined],
  ["POST", "/v3/Roles/.search", "internal_role_mgt_view", {}],
  ["GET", `/v3/Roles/${id}`, "internal_role_mgt_view", undefined],
  ["POST", "/v3/Roles", "internal_role_mgt_meta_create", roleBody("new3")],
  ["PUT", `/v3/Roles/${id}`, "internal_role_mgt_meta_update", { displayName: "r" }],
  [
    "PATCH",
    `/v3/Roles/${id}`,
    "internal_role_mgt_meta_update",
    patchBody({ op: "replace", path: "displayName", value: "r" })
  ],
  ["PUT", `/v3/Roles/${id}/Users`, "internal_role_mgt_users_update", []],
  ["PATCH", `/v3/Roles/${id}/Users`, "internal_role_mgt_users_update", patchBody({ op: "replace", value: [] })],
  ["PUT", `/v3/Roles/${id}/Groups`, "internal_role_mgt_groups_update", []],
  ["PATCH", `/v3/Roles/${id}/Groups`, "internal_role_mgt_groups_update", patchBody({ op: "replace", value: [] })]
]

describe("roles: scopes", () => {
  it.effect("each operation needs its scope (v2 and v3 as the note's table): 403 without it, allowed with it", () =>
    run(Effect.gen(function*() {
      const role = yield* createRole("r")
      const all = [...new Set(table(role.id).map(([, , scope]) => scope)), "internal_role_mgt_delete"]
      for (const [method, path, scope, body] of table(role.id)) {
        const without = yield* token(all.filter((s) => s !== scope))
        const refused = yield* call(method, `${SCIM}${path}`, { token: without, body })
        assert.strictEqual(refused.status, 403, `${method} ${path} without ${scope}`)
        assert.strictEqual(refused.json.detail, FORBIDDEN)
        assert.strictEqual(refused.json.status, "403")
        const allowed = yield* call(method, `${SCIM}${path}`, { token: yield* token([scope]), body })
        assert.oneOf(allowed.status, [200, 201], `${method} ${path} with ${scope}: ${allowed.text}`)
      }
      for (const version of ["v2", "v3"]) {
        const doomed = yield* createRole(`doomed-${version}`)
        const path = `${SCIM}/${version}/Roles/${doomed.id}`
        assert.strictEqual(
          (yield* call("DELETE", path, { token: yield* token(["internal_role_mgt_view"]) })).status,
          403
        )
        assert.strictEqual(
          (yield* call("DELETE", path, { token: yield* token(["internal_role_mgt_delete"]) })).status,
          204
        )
      }
      const none = yield* call("GET", `${SCIM}/v2/Roles`)
      assert.strictEqual(none.status, 401)
    })))

  it.effect("strictV2RoleScopes: v2 bodies touching users, groups or permissions need the fine-grained scopes", () =>
    run(
      Effect.gen(function*() {
        const { group, kim } = yield* people
        const role = yield* createRole("r")
        const basic = yield* token(["internal_role_mgt_create", "internal_role_mgt_update", "internal_role_mgt_view"])
        const cases: ReadonlyArray<readonly [Method, string, unknown, string]> = [
          ["POST", "/v2/Roles", roleBody("p", { permissions: [{ value: "internal_login" }] }), "permissions"],
          ["POST", "/v2/Roles", roleBody("u", { users: [{ value: kim.id }] }), "users"],
          ["PUT", `/v2/Roles/${role.id}`, { displayName: "r", groups: [{ value: group.id }] }, "groups"],
          [
            "PATCH",
            `/v2/Roles/${role.id}`,
            patchBody({ op: "add", path: "users", value: [{ value: kim.id }] }),
            "users"
          ],
          [
            "PATCH",
            `/v2/Roles/${role.id}`,
            patchBody({ op: "remove", path: "permissions[value eq internal_login]" }),
            "permissions"
          ]
        ]
        for (const [method, path, body, attribute] of cases) {
          const refused = yield* call(method, `${SCIM}${path}`, { token: basic, body })
          assert.strictEqual(refused.status, 403, `${method} ${path} (${attribute})`)
          const scoped = yield* token([
            "internal_role_mgt_create",
            "internal_role_mgt_update",
            `internal_role_mgt_${attribute}_update`
          ])
          const allowed = yield* call(method, `${SCIM}${path}`, { token: scoped, body })
          assert.oneOf(allowed.status, [200, 201], `${method} ${path}: ${allowed.text}`)
        }
        // a name-only change needs no fine-grained scope; v3 is not affected
        const rename = yield* call("PATCH", `${SCIM}/v2/Roles/${role.id}`, {
          token: basic,
          body: patchBody({ op: "replace", path: "displayName", value: "renamed" })
        })
        assert.strictEqual(rename.status, 200)
        const v3 = yield* call("POST", `${SCIM}/v3/Roles`, {
          token: yield* token(["internal_role_mgt_meta_create"]),
          body: roleBody("v3", { permissions: [{ value: "internal_login" }] })
        })
        assert.strictEqual(v3.status, 201)
      }),
      { quirks: { strictV2RoleScopes: true } }
    ))

  it.effect("without the quirk, the documented scope is enough", () =>
    run(Effect.gen(function*() {
      const { kim } = yield* people
      const created = yield* call("POST", `${SCIM}/v2/Roles`, {
        token: yield* token(["internal_role_mgt_create"]),
        body: roleBody("u", { users: [{ value: kim.id }], permissions: [{ value: "internal_login" }] })
      })
      assert.strictEqual(created.status, 201)
    })))

  it.effect("the scope table holds the v2, v3 and bulk role scopes; the default app is granted both versions", () =>
    run(Effect.gen(function*() {
      for (
        const scope of [
          "internal_role_mgt_view",
          "internal_role_mgt_create",
          "internal_role_mgt_update",
          "internal_role_mgt_delete",
          "internal_role_mgt_meta_create",
          "internal_role_mgt_meta_update",
          "internal_role_mgt_users_update",
          "internal_role_mgt_groups_update",
          "internal_role_mgt_permissions_update",
          "internal_bulk_role_create",
          "internal_bulk_role_update",
          "internal_bulk_role_delete"
        ]
      ) assert.include(AsgardeoEmulator.allScopes, scope)
      const granted = yield* tokenRequest({ grant_type: "client_credentials", scope: "SYSTEM" })
      const scopes = String(granted.json.scope).split(" ")
      assert.include(scopes, "internal_role_mgt_create")
      assert.include(scopes, "internal_role_mgt_meta_create")
    })))

  it.effect("App.rolesApi gives an app one version's role scopes only", () =>
    run(
      Effect.gen(function*() {
        const grant = (clientId: string) =>
          Effect.map(
            tokenRequest({ grant_type: "client_credentials", scope: "SYSTEM" }, { clientId, clientSecret: "s" }),
            (a) => String(a.json.scope).split(" ")
          )
        const v2 = yield* grant("v2-app")
        assert.include(v2, "internal_role_mgt_create")
        assert.include(v2, "internal_role_mgt_update")
        assert.include(v2, "internal_role_mgt_users_update")
        assert.notInclude(v2, "internal_role_mgt_meta_create")
        assert.notInclude(v2, "internal_role_mgt_meta_update")
        assert.include(v2, "internal_user_mgt_list")
        const v3 = yield* grant("v3-app")
        assert.include(v3, "internal_role_mgt_meta_create")
        assert.include(v3, "internal_role_mgt_meta_update")
        assert.include(v3, "internal_role_mgt_view")
        assert.notInclude(v3, "internal_role_mgt_create")
        assert.notInclude(v3, "internal_role_mgt_update")
        assert.notInclude(v3, "internal_role_mgt_permissions_update")
        const narrowed = yield* grant("explicit")
        assert.deepStrictEqual(narrowed.sort(), ["internal_role_mgt_meta_create", "internal_role_mgt_view"])
      }),
      {
        apps: [
          { clientId: "v2-app", clientSecret: "s", rolesApi: "v2" },
          { clientId: "v3-app", clientSecret: "s", rolesApi: "v3" },
          {
            clientId: "explicit",
            clientSecret: "s",
            rolesApi: "v3",
            scopes: ["internal_role_mgt_create", "internal_role_mgt_meta_create", "internal_role_mgt_view"]
          }
        ]
      }
    ))

  it.effect("role options are checked when the emulator is built: a TypeError, not a failing request later", () =>
    Effect.gen(function*() {
      const bad: ReadonlyArray<AsgardeoEmulator.Options> = [
        { apps: [{ clientId: "a", clientSecret: "s", rolesApi: "v4" as any }] },
        { apps: [{ clientId: "a", clientSecret: "s", id: 42 as any }] },
        { permissions: "internal_login" as any }
      ]
      for (const options of bad) {
        const exit = yield* Effect.exit(AsgardeoEmulator.make(options))
        assert.isTrue(Exit.isFailure(exit) && Cause.isDie(exit.cause), JSON.stringify(options))
        const defect = Exit.isFailure(exit) ? Cause.squash(exit.cause) : undefined
        assert.instanceOf(defect, TypeError)
      }
    }))
})
