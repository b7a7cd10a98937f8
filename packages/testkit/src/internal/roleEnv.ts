/**
 * What the Roles API works on (asgardeo-rbac-orgs.md Part 1), given to every role handler as a
 * parameter: the organization's store (in `ctx`), the organization's id and name (a role's
 * default audience), the applications an application-audience role may name, and the permission
 * catalog. Role code never looks an organization up: the router and the control service hand it
 * a root organization's or a sub-organization's store and identity (`Ctx.identity`) alike.
 *
 * @internal
 */
import type { Ctx } from "./context.js"
import type { Engine } from "./engine.js"
import { organizationId } from "./organizations.js"
import { applicationOf, permissionCatalog } from "./roleApps.js"

/** @internal */
export interface RoleEnv {
  /** The organization's store (`ctx.org`), the clock, the SCIM base URL and the quirks. */
  readonly ctx: Ctx
  /** The organization the roles belong to: the default audience. */
  readonly organization: { readonly id: string; readonly name: string }
  /** The applications an application-audience role may name. */
  readonly apps: ReadonlyArray<{ readonly id: string; readonly name: string }>
  /** Ids of apps shared into this (sub-)organization: a role may not name them (400). */
  readonly sharedApps: ReadonlyArray<string>
  /** Every permission (scope name) a role may hold. */
  readonly permissions: ReadonlySet<string>
}

const catalogs = new WeakMap<Engine, ReadonlySet<string>>()

/**
 * The role environment of a request or a control call. A root organization (`ctx.identity`
 * absent or without `root`) may name the apps registered in it; a sub-organization has no apps
 * of its own in the emulator, and its root's apps are shared ones, which roles may not name
 * (asgardeo-rbac-orgs.md §1.5).
 *
 * @internal
 */
export const roleEnvOf = (engine: Engine, ctx: Ctx): RoleEnv => {
  let permissions = catalogs.get(engine)
  if (permissions === undefined) {
    permissions = permissionCatalog(engine.options.permissions)
    catalogs.set(engine, permissions)
  }
  const identity = ctx.identity ?? { id: organizationId(ctx.org.name), name: ctx.org.name, root: undefined }
  const root = identity.root ?? identity.name
  const apps = engine.apps.filter((app) => app.organization === root).map(applicationOf)
  return {
    ctx,
    organization: { id: identity.id, name: identity.name },
    apps: identity.root === undefined ? apps : [],
    sharedApps: identity.root === undefined ? [] : apps.map((app) => app.id),
    permissions
  }
}
