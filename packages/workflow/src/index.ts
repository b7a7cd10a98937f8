/**
 * Every module of `@asgardeo-scim/workflow` as a namespace. Each module is also an entry point of
 * its own (`@asgardeo-scim/workflow/Runner`).
 *
 * @since 0.5.0
 */

/**
 * @since 0.5.0
 */
export * as ApplyEvent from "./ApplyEvent.js"

/**
 * @since 0.5.0
 */
export * as DurableBatch from "./DurableBatch.js"

/**
 * @since 0.5.0
 */
export * as EmployeeQueue from "./EmployeeQueue.js"

/**
 * @since 0.5.0
 */
export * as HrEvent from "./HrEvent.js"

/**
 * @since 0.5.0
 */
export * as Runner from "./Runner.js"

/**
 * @since 0.5.0
 */
export * as SharedBudget from "./SharedBudget.js"

/**
 * @since 0.5.0
 */
export * as Storage from "./Storage.js"

/**
 * @since 0.5.0
 */
export * as WorkflowError from "./WorkflowError.js"
