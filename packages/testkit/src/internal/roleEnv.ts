/**
 * What the Roles API works on (asgardeo-rbac-orgs.md Part 1), given to every role handler as a
 * parameter: the organization's store (in `ctx`), the organization's id and name (a role's
 * default audience), the applications an application-audience role may name, and the permission
 * catalog. Role code never looks an organization up by name, so a sub-organization's store and
 * identity can be handed to the same handlers.
 *
 * Also here: the stable UUID-shaped ids of organizations and applications, and an app's scopes
 * under `App.rolesApi`.
 *
 * @internal
 */
import * as Scopes from "@asgardeo-scim/core/Scopes"
import type { Ctx } from "./context.js"
import type { Engine } from "./engine.js"
import * as Organizations from "./organizations.js"
import { scopeTable } from "./scopes.js"
import type * as Public from "./types.js"

/** @internal */
export type RolesApi = "v2" | "v3"

/** @internal */
export interface RoleEnv {
  /** The organization's store (`ctx.org`), the clock, the SCIM base URL and the quirks. */
  readonly ctx: Ctx
  /** The organization the roles belong to: the default audience. */
  readonly organization: { readonly id: string; readonly name: string }
  /** The applications an application-audience role may name. */
  readonly apps: ReadonlyArray<{ readonly id: string; readonly name: string }>
  /** Every permission (scope name) a role may hold. */
  readonly permissions: ReadonlySet<string>
}

/**
 * A UUID-shaped id that depends only on `kind` and `name` (`organizations.ts`'s `stableId`): the
 * same organization or app has the same id in every run.
 *
 * @internal
 */
export const stableId = (kind: string, name: string): string => Organizations.stableId(`${kind} ${name}`)

/** A root organization's id (the organizations API's). @internal */
export const organizationId = Organizations.organizationId

/** An app's resource id: `App.id`, else derived from its client id. @internal */
export const applicationOf = (app: Public.App): { readonly id: string; readonly name: string } => ({
  id: app.id ?? stableId("application", app.clientId),
  name: app.name ?? app.clientId
})

/**
 * Checks the role options of an app (`id`, `name`, `rolesApi`), as plain-JS callers pass
 * anything: a `TypeError` at construction, never a failing request later.
 *
 * @internal
 */
export const checkRoleApp = (app: Public.App): void => {
  const { id, name, rolesApi } = app
  for (const [field, value] of [["id", id], ["name", name]] as const) {
    if (value !== undefined && (typeof value !== "string" || value === "")) {
      throw new TypeError(`AsgardeoEmulator: an app's ${field} must be a non-empty string (got ${String(value)})`)
    }
  }
  if (rolesApi !== undefined && rolesApi !== "v2" && rolesApi !== "v3") {
    throw new TypeError(`AsgardeoEmulator: an app's rolesApi must be "v2" or "v3" (got ${String(rolesApi)})`)
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
 * version's role scopes (an app is authorized for one Roles API only in Asgardeo).
 *
 * @internal
 */
export const scopesForRolesApi = (scopes: ReadonlyArray<string>, rolesApi: RolesApi | undefined): Array<string> => {
  const other = rolesApi === "v2" ? v3Only : rolesApi === "v3" ? v2Only : []
  // A sub-organization's scope (`internal_org_role_mgt_create`) goes with its root one.
  return scopes.filter((s) => !other.includes(Scopes.fromOrganization(s)))
}

/**
 * The permission catalog: every scope of the emulator's table, `internal_login`, and the
 * `permissions` option's.
 *
 * @internal
 */
export const permissionCatalog = (extra: ReadonlyArray<string> = []): ReadonlySet<string> =>
  new Set([...Object.values(scopeTable), "internal_login", ...extra])

const catalogs = new WeakMap<Engine, ReadonlySet<string>>()

/** The role environment of a root organization: its id derived from its name, every app. @internal */
export const rootRoleEnv = (engine: Engine, ctx: Ctx): RoleEnv => {
  let permissions = catalogs.get(engine)
  if (permissions === undefined) {
    permissions = permissionCatalog(engine.options.permissions)
    catalogs.set(engine, permissions)
  }
  return {
    ctx,
    organization: { id: organizationId(ctx.org.name), name: ctx.org.name },
    apps: engine.apps.map(applicationOf),
    permissions
  }
}
