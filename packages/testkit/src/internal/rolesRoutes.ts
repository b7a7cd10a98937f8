/**
 * The Roles API's routes (asgardeo-rbac-orgs.md §1.1, §1.2): `/v2/Roles` and `/v3/Roles` with
 * `/.search` and `/{id}`, and v3's `/{id}/Users` and `/{id}/Groups`, each with the scope the
 * note's table names (checked by the router's gate, so a missing scope is the same 403 as on
 * other SCIM endpoints). A POST, PUT or PATCH without `Content-Type` is 406. With the
 * `strictV2RoleScopes` quirk, a v2 body touching users, groups or permissions also needs
 * `internal_role_mgt_users_update`, `_groups_update` or `_permissions_update`.
 *
 * The table is built for a SCIM base and a `RoleEnv` per request. The router registers it on
 * both faces: at `/t/{root}/o/scim2` the same handlers serve the switched token's
 * sub-organization with its own store, the token's `internal_org_` scopes counting as the root
 * names checked here (`orgFace.ts`).
 *
 * @internal
 */
import type { Ctx } from "./context.js"
import { paramsFromQuery } from "./listing.js"
import type { Reply } from "./reply.js"
import { errorReply, fail, findKey, FORBIDDEN_DETAIL, isObject } from "./reply.js"
import type { RolesApi } from "./roleApps.js"
import type { RoleEnv } from "./roleEnv.js"
import { createRole, deleteRole, getRole, replaceAssignments, replaceRole } from "./roles.js"
import { listRoles, searchRoles } from "./rolesList.js"
import type { Assignable } from "./rolesPatch.js"
import { patchRole } from "./rolesPatch.js"
import { scopeTable } from "./scopes.js"

/** What a role handler reads of a request (the router's input has these fields). @internal */
export interface RoleRequest {
  readonly ctx: Ctx
  readonly token: { readonly scopes: ReadonlySet<string> } | undefined
  readonly params: Readonly<Record<string, string | undefined>>
  readonly query: URLSearchParams
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly body: () => unknown
}

/** One route: the router registers it behind its gate (token, then `scope`). @internal */
export interface RoleRoute {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE"
  readonly path: `/${string}`
  /** The scope the operation needs. */
  readonly scope: string
  readonly readsBody: boolean
  readonly handle: (request: RoleRequest) => Reply
}

const STRICT: ReadonlyArray<readonly [Assignable, string]> = [
  ["users", scopeTable["Roles.usersUpdate"]],
  ["groups", scopeTable["Roles.groupsUpdate"]],
  ["permissions", scopeTable["Roles.permissionsUpdate"]]
]

/** The attributes a POST or PUT body names. */
const touchedBy = (body: unknown): ReadonlySet<Assignable> => {
  const out = new Set<Assignable>()
  if (isObject(body)) { for (const [name] of STRICT) if (findKey(body, name) !== undefined) out.add(name) }
  return out
}

const noContentType = (headers: RoleRequest["headers"]): boolean => {
  const type = headers["content-type"]
  return type === undefined || type.trim() === ""
}

/** The Roles routes under `base` (`/t/:org/scim2`). @internal */
export const roleRoutes = (base: `/${string}`, env: (ctx: Ctx) => RoleEnv): Array<RoleRoute> => {
  const routes: Array<RoleRoute> = []
  const add = (
    method: RoleRoute["method"],
    path: RoleRoute["path"],
    scope: string,
    handler: (request: RoleRequest, env: RoleEnv) => Reply
  ) => {
    const readsBody = method !== "GET" && method !== "DELETE"
    routes.push({
      method,
      path,
      scope,
      readsBody,
      handle: (request) =>
        readsBody && noContentType(request.headers)
          ? errorReply(406, "The Content-Type header is missing: send application/scim+json or application/json.")
          : handler(request, env(request.ctx))
    })
  }
  /** The strict v2 checks (a no-op unless the quirk is on). */
  const authorize = (request: RoleRequest) => (touched: ReadonlySet<Assignable>): void => {
    if (!request.ctx.quirks.strictV2RoleScopes) return
    for (const [attribute, scope] of STRICT) {
      if (touched.has(attribute) && request.token?.scopes.has(scope) !== true) fail(403, FORBIDDEN_DETAIL)
    }
  }
  const id = (request: RoleRequest) => request.params["id"] ?? ""
  const attributes = (request: RoleRequest) => paramsFromQuery(request.query, request.ctx)
  for (const version of ["v2", "v3"] as const satisfies ReadonlyArray<RolesApi>) {
    const path = `${base}/${version}/Roles` as const
    const v2 = version === "v2"
    const check = (request: RoleRequest, body: unknown) => {
      if (v2) authorize(request)(touchedBy(body))
      return body
    }
    add("GET", path, scopeTable["Roles.view"], (r, env) => listRoles(env, version, attributes(r)))
    add(
      "POST",
      path,
      v2 ? scopeTable["Roles.create"] : scopeTable["RolesV3.create"],
      (r, env) => createRole(env, version, check(r, r.body()))
    )
    add("POST", `${path}/.search`, scopeTable["Roles.view"], (r, env) => searchRoles(env, version, r.body()))
    add("GET", `${path}/:id`, scopeTable["Roles.view"], (r, env) => {
      const { attributes: names, excludedAttributes } = attributes(r)
      return getRole(env, version, id(r), names, excludedAttributes)
    })
    const update = v2 ? scopeTable["Roles.update"] : scopeTable["RolesV3.update"]
    add("PUT", `${path}/:id`, update, (r, env) => replaceRole(env, version, id(r), check(r, r.body())))
    add(
      "PATCH",
      `${path}/:id`,
      update,
      (r, env) => patchRole(env, version, id(r), r.body(), v2 ? authorize(r) : undefined)
    )
    add("DELETE", `${path}/:id`, scopeTable["Roles.delete"], (r, env) => deleteRole(env, id(r)))
  }
  const v3 = `${base}/v3/Roles/:id` as const
  for (
    const [segment, kind, scope] of [
      ["Users", "users", scopeTable["Roles.usersUpdate"]],
      ["Groups", "groups", scopeTable["Roles.groupsUpdate"]]
    ] as const
  ) {
    add("PUT", `${v3}/${segment}`, scope, (r, env) => replaceAssignments(env, id(r), kind, r.body()))
    add(
      "PATCH",
      `${v3}/${segment}`,
      scope,
      (r, env) => patchRole(env, kind === "users" ? "v3Users" : "v3Groups", id(r), r.body())
    )
  }
  return routes
}
