/**
 * Every module of `@asgardeo-scim/workflow` as a namespace. Each module is also an entry point of
 * its own (`@asgardeo-scim/workflow/Storage`).
 *
 * @since 0.5.0
 */

/**
 * @since 0.5.0
 */
export * as Storage from "./Storage.js"

/**
 * @since 0.5.0
 */
export * as SharedBudget from "./SharedBudget.js"
