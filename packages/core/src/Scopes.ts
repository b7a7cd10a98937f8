/**
 * The OAuth2 scope each operation needs on Asgardeo, and the complete list to authorize in
 * the Asgardeo console (application, API Authorization tab: "SCIM2 Users API", "SCIM2 Groups
 * API", "SCIM2 Bulk API", "SCIM2 Roles V2 API" or "SCIM2 Roles V3 API", "Organization Management
 * API"). Inside a sub-organization each scope is the `internal_org_*` form ({@link inOrganization})
 * of the organization API of the same name.
 *
 * Groups are listed and read with `internal_group_mgt_view`: there is no `_group_mgt_list`
 * scope, whatever older guides say. Bulk requests the per-operation scopes.
 *
 * Roles: an application is authorized for the Roles v2 API or the v3 API, never both. Their
 * operations are named `Roles.*` (v2) and `RolesV3.*` (v3) where the scopes differ: v3 creates and
 * updates with `internal_role_mgt_meta_create` / `_meta_update` and assigns users and groups on
 * their own endpoints (`internal_role_mgt_users_update`, `_groups_update`). Newer servers may
 * also check fine-grained scopes on v2 writes that touch users, groups or permissions:
 * {@link unconfirmedRolesV2} lists them (unconfirmed; {@link all} requests them).
 *
 * @since 0.1.0
 */

/**
 * Every operation the library sends, with the scope Asgardeo checks for it.
 *
 * @since 0.1.0
 * @category constants
 */
export const byOperation = {
  "Users.list": "internal_user_mgt_list",
  "Users.search": "internal_user_mgt_list",
  "Users.get": "internal_user_mgt_view",
  "Users.create": "internal_user_mgt_create",
  "Users.replace": "internal_user_mgt_update",
  "Users.patch": "internal_user_mgt_update",
  "Users.delete": "internal_user_mgt_delete",
  "Groups.list": "internal_group_mgt_view",
  "Groups.search": "internal_group_mgt_view",
  "Groups.get": "internal_group_mgt_view",
  "Groups.create": "internal_group_mgt_create",
  "Groups.replace": "internal_group_mgt_update",
  "Groups.patch": "internal_group_mgt_update",
  "Groups.delete": "internal_group_mgt_delete",
  "Bulk.createUser": "internal_bulk_user_create",
  "Bulk.updateUser": "internal_bulk_user_update",
  "Bulk.deleteUser": "internal_bulk_user_delete",
  "Bulk.createGroup": "internal_bulk_group_create",
  "Bulk.updateGroup": "internal_bulk_group_update",
  "Bulk.deleteGroup": "internal_bulk_group_delete",
  "Organizations.list": "internal_organization_view",
  "Organizations.get": "internal_organization_view",
  "Roles.list": "internal_role_mgt_view",
  "Roles.search": "internal_role_mgt_view",
  "Roles.get": "internal_role_mgt_view",
  "Roles.create": "internal_role_mgt_create",
  "Roles.replace": "internal_role_mgt_update",
  "Roles.patch": "internal_role_mgt_update",
  "Roles.delete": "internal_role_mgt_delete",
  "RolesV3.list": "internal_role_mgt_view",
  "RolesV3.search": "internal_role_mgt_view",
  "RolesV3.get": "internal_role_mgt_view",
  "RolesV3.create": "internal_role_mgt_meta_create",
  "RolesV3.replace": "internal_role_mgt_meta_update",
  "RolesV3.patch": "internal_role_mgt_meta_update",
  "RolesV3.delete": "internal_role_mgt_delete",
  "RolesV3.updateUsers": "internal_role_mgt_users_update",
  "RolesV3.updateGroups": "internal_role_mgt_groups_update",
  "Bulk.createRole": "internal_bulk_role_create",
  "Bulk.updateRole": "internal_bulk_role_update",
  "Bulk.deleteRole": "internal_bulk_role_delete"
} as const

/**
 * Fine-grained scopes that newer Asgardeo / WSO2 builds may check on Roles v2 writes, besides
 * `internal_role_mgt_update` (or `_create`): a body or PATCH that touches `users`, `groups` or
 * `permissions`. UNCONFIRMED: the scopes exist on the v2 API resource of recent servers, but which
 * write needs which is not documented, so the client does not check them before sending (a server
 * that wants one answers 403, `Forbidden`). {@link all} requests them, so an application
 * authorized for them gets them. (`internal_role_mgt_users_update` and `_groups_update` are
 * also the documented scopes of the v3 `/Users` and `/Groups` endpoints.)
 *
 * @since 0.4.0
 * @category constants
 */
export const unconfirmedRolesV2 = [
  "internal_role_mgt_users_update",
  "internal_role_mgt_groups_update",
  "internal_role_mgt_permissions_update"
] as const

/**
 * The scopes only the Roles v2 API has (create and update): a token granted one of them is
 * authorized for v2.
 *
 * @since 0.4.0
 * @category constants
 */
export const rolesV2Only: ReadonlyArray<string> = ["internal_role_mgt_create", "internal_role_mgt_update"]

/**
 * The scopes only the Roles v3 API has (create and update of the role's name and permissions): a
 * token granted one of them, and none of {@link rolesV2Only}, is authorized for v3.
 *
 * @since 0.4.0
 * @category constants
 */
export const rolesV3Only: ReadonlyArray<string> = ["internal_role_mgt_meta_create", "internal_role_mgt_meta_update"]

/**
 * The name of an operation in {@link byOperation}.
 *
 * @since 0.1.0
 * @category models
 */
export type Operation = keyof typeof byOperation

/**
 * A scope the library can ask for.
 *
 * @since 0.1.0
 * @category models
 */
export type Scope = (typeof byOperation)[Operation] | (typeof unconfirmedRolesV2)[number]

/**
 * Discovery endpoints need no scope.
 *
 * @since 0.1.0
 * @category constants
 */
export const none: ReadonlyArray<string> = []

/**
 * Every scope the library uses, deduplicated, in a stable order: what the token Layer asks
 * for by default and what to enable in the console. It holds the scopes of both Roles APIs (the
 * server grants only those of the one the application is authorized for, which is how `Roles`
 * tells the version when it is not configured) and {@link unconfirmedRolesV2}.
 *
 * @since 0.1.0
 * @category constants
 */
export const all: ReadonlyArray<Scope> = Array.from(new Set([...Object.values(byOperation), ...unconfirmedRolesV2]))

/**
 * The scope needed for an operation.
 *
 * @since 0.1.0
 * @category getters
 */
export const forOperation = (operation: Operation): Scope => byOperation[operation]

/**
 * The scopes a set of operations needs, deduplicated.
 *
 * @since 0.1.0
 * @category getters
 */
export const forOperations = (operations: Iterable<Operation>): ReadonlyArray<Scope> =>
  Array.from(new Set(Array.from(operations, forOperation)))

/**
 * The console's API resource for a scope, for error messages and the CLI's `scopes` command.
 *
 * @since 0.1.0
 * @category getters
 */
export const apiResource = (scope: string): string =>
  scope.startsWith("internal_user_mgt_")
    ? "SCIM2 Users API"
    : scope.startsWith("internal_group_mgt_")
    ? "SCIM2 Groups API"
    : scope.startsWith("internal_bulk_")
    ? "SCIM2 Bulk API"
    : rolesV2Only.includes(scope) || scope === unconfirmedRolesV2[2]
    ? "SCIM2 Roles V2 API"
    : scope.startsWith("internal_role_mgt_meta_")
    ? "SCIM2 Roles V3 API"
    : scope.startsWith("internal_role_mgt_")
    ? "SCIM2 Roles V2 API or SCIM2 Roles V3 API"
    : scope.startsWith("internal_organization_")
    ? "Organization Management API"
    : scope.startsWith("internal_org_")
    ? `${apiResource(fromOrganization(scope))} (organization API, /o/)`
    : "unknown API resource"

/**
 * The scope an operation needs inside a sub-organization (on the `/o/` base path, with a token
 * from the organization-switch grant): Asgardeo names it with `internal_org_` in place of
 * `internal_` (`internal_user_mgt_view` → `internal_org_user_mgt_view`). A scope already in that
 * form, or not an `internal_` scope, is returned as it is.
 *
 * @since 0.4.0
 * @category getters
 */
export const inOrganization = (scope: string): string =>
  scope.startsWith("internal_") && !scope.startsWith("internal_org_") ? `internal_org_${scope.slice(9)}` : scope

/**
 * The root organization's name of a sub-organization scope (`internal_org_user_mgt_view` →
 * `internal_user_mgt_view`): the inverse of {@link inOrganization}, for comparing a switched
 * token's scopes with the operation table.
 *
 * @since 0.4.0
 * @category getters
 */
export const fromOrganization = (scope: string): string =>
  scope.startsWith("internal_org_") ? `internal_${scope.slice(13)}` : scope
