/**
 * What apps and the options say about roles: an app's resource id and name (what an
 * application-audience role names), the check of an app's role fields, its scopes under
 * `App.rolesApi`, and the permission catalog. No engine or store here, so `apps.ts` can use it.
 *
 * @internal
 */
import * as Scopes from "@asgardeo-scim/core/Scopes"
import { stableId } from "./organizations.js"
import { fail } from "./reply.js"
import { allScopes, scopeTable } from "./scopes.js"
import type * as Public from "./types.js"

/** @internal */
export type RolesApi = "v2" | "v3"

/** An app's resource id and name: `App.id`, else derived from its client id; `App.name`, else the client id. @internal */
export const applicationOf = (app: Public.App): { readonly id: string; readonly name: string } => ({
  id: app.id ?? stableId(`application ${app.clientId}`),
  name: app.name ?? app.clientId
})

/**
 * Checks the role fields of an app (`id`, `name`, `rolesApi`), as plain-JS callers pass
 * anything: a 400 failure (which the options' check turns into a `TypeError` at construction).
 *
 * @internal
 */
export const checkRoleApp = (app: Public.App): void => {
  const { id, name, rolesApi } = app
  for (const [field, value] of [["id", id], ["name", name]] as const) {
    if (value !== undefined && (typeof value !== "string" || value === "")) {
      fail(400, `Invalid app ${String(app.clientId)}: ${field} must be a non-empty string (got ${String(value)})`)
    }
  }
  if (rolesApi !== undefined && rolesApi !== "v2" && rolesApi !== "v3") {
    fail(400, `Invalid app ${String(app.clientId)}: rolesApi must be "v2" or "v3" (got ${String(rolesApi)})`)
  }
}

/** The `permissions` option, checked: a list of scope names. @internal */
export const permissionsOption = (value: unknown): ReadonlyArray<string> => {
  if (value === undefined) return []
  if (Array.isArray(value) && value.every((s) => typeof s === "string" && s !== "")) return value
  throw new TypeError("AsgardeoEmulator: permissions must be a list of scope names")
}

/** Role scopes only the v2 API's resource has. */
const v2Only: ReadonlyArray<string> = [
  scopeTable["Roles.create"],
  scopeTable["Roles.update"],
  scopeTable["Roles.permissionsUpdate"]
]

/** Role scopes only the v3 API's resource has. */
const v3Only: ReadonlyArray<string> = [scopeTable["RolesV3.create"], scopeTable["RolesV3.update"]]

/**
 * An app's scopes under `App.rolesApi`: without it, as given; with it, without the other
 * version's role scopes, at the root and in sub-organizations (`internal_org_`): an app is
 * authorized for one Roles API only in Asgardeo.
 *
 * @internal
 */
export const scopesForRolesApi = (scopes: ReadonlyArray<string>, rolesApi: RolesApi | undefined): Array<string> => {
  const other = rolesApi === "v2" ? v3Only : rolesApi === "v3" ? v2Only : []
  return scopes.filter((s) => !other.includes(Scopes.fromOrganization(s)))
}

/**
 * The permission catalog: every scope of the emulator's table (root and `internal_org_`),
 * `internal_login`, and the `permissions` option's.
 *
 * @internal
 */
export const permissionCatalog = (extra: ReadonlyArray<string> = []): ReadonlySet<string> =>
  new Set([...allScopes, "internal_login", ...extra])
