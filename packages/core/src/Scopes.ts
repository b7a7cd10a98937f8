/**
 * The OAuth2 scope each operation needs on Asgardeo, and the complete list to authorize in
 * the Asgardeo console (application, API Authorization tab: "SCIM2 Users API", "SCIM2 Groups
 * API", "SCIM2 Bulk API", "Organization Management API"). Inside a sub-organization each scope
 * is the `internal_org_*` form ({@link inOrganization}) of the organization API of the same name.
 *
 * Groups are listed and read with `internal_group_mgt_view`: there is no `_group_mgt_list`
 * scope, whatever older guides say. Bulk requests the per-operation scopes.
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
  "Organizations.get": "internal_organization_view"
} as const

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
export type Scope = (typeof byOperation)[Operation]

/**
 * Discovery endpoints need no scope.
 *
 * @since 0.1.0
 * @category constants
 */
export const none: ReadonlyArray<string> = []

/**
 * Every scope the library uses, deduplicated, in a stable order: what the token Layer asks
 * for by default and what to enable in the console.
 *
 * @since 0.1.0
 * @category constants
 */
export const all: ReadonlyArray<Scope> = Array.from(new Set(Object.values(byOperation)))

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
