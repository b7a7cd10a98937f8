/**
 * The emulator's own scope table (asgardeo-api.md §3). Deliberately not imported from core, so
 * the emulator stays an independent check of the client. Only the naming rule of
 * sub-organization scopes (`internal_` → `internal_org_`) is core's `Scopes.inOrganization`, the
 * one place that rule is written.
 *
 * @internal
 */
import * as Scopes from "@asgardeo-scim/core/Scopes"

/** @internal */
export const scopeTable = {
  "Users.list": "internal_user_mgt_list",
  "Users.get": "internal_user_mgt_view",
  "Users.create": "internal_user_mgt_create",
  "Users.update": "internal_user_mgt_update",
  "Users.delete": "internal_user_mgt_delete",
  "Groups.view": "internal_group_mgt_view",
  "Groups.create": "internal_group_mgt_create",
  "Groups.update": "internal_group_mgt_update",
  "Groups.delete": "internal_group_mgt_delete",
  "Bulk.legacy": "internal_bulk_resource_create",
  "Bulk.userCreate": "internal_bulk_user_create",
  "Bulk.userUpdate": "internal_bulk_user_update",
  "Bulk.userDelete": "internal_bulk_user_delete",
  "Bulk.groupCreate": "internal_bulk_group_create",
  "Bulk.groupUpdate": "internal_bulk_group_update",
  "Bulk.groupDelete": "internal_bulk_group_delete",
  "Organizations.view": "internal_organization_view",
  // Roles (asgardeo-rbac-orgs.md §1.2): v2 and v3 share view and delete; v3 has its own create
  // and update, and the user and group assignment scopes of `/v3/Roles/{id}/Users|Groups`.
  "Roles.view": "internal_role_mgt_view",
  "Roles.create": "internal_role_mgt_create",
  "Roles.update": "internal_role_mgt_update",
  "Roles.delete": "internal_role_mgt_delete",
  "RolesV3.create": "internal_role_mgt_meta_create",
  "RolesV3.update": "internal_role_mgt_meta_update",
  "Roles.usersUpdate": "internal_role_mgt_users_update",
  "Roles.groupsUpdate": "internal_role_mgt_groups_update",
  "Roles.permissionsUpdate": "internal_role_mgt_permissions_update",
  "Bulk.roleCreate": "internal_bulk_role_create",
  "Bulk.roleUpdate": "internal_bulk_role_update",
  "Bulk.roleDelete": "internal_bulk_role_delete"
} as const

/** The root organization's scopes: every scope of the table. @internal */
export const rootScopes: ReadonlyArray<string> = Array.from(new Set(Object.values(scopeTable)))

/**
 * The root scopes, then the same scopes in a sub-organization (`internal_org_user_mgt_view`,
 * asgardeo-rbac-orgs.md 2.3): every scope an app is authorized for by default.
 *
 * @internal
 */
export const allScopes: ReadonlyArray<string> = [...rootScopes, ...rootScopes.map(Scopes.inOrganization)]

/** @internal */
export const bulkScopes: ReadonlyArray<string> = allScopes.filter((s) => s.startsWith("internal_bulk_"))

/** The scope a bulk operation needs (the legacy bulk scope allows all of them). @internal */
export const bulkScopeFor = (resource: "Users" | "Groups" | "Roles", method: string): string | undefined => {
  const kind = resource === "Users" ? "user" : resource === "Groups" ? "group" : "role"
  switch (method) {
    case "POST":
      return `internal_bulk_${kind}_create`
    case "PUT":
    case "PATCH":
      return `internal_bulk_${kind}_update`
    case "DELETE":
      return `internal_bulk_${kind}_delete`
    default:
      return undefined
  }
}
