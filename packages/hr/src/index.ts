/**
 * @since 0.1.0
 */
export * as Employee from "./Employee.js"

/**
 * @since 0.1.0
 */
export * as HrDirectory from "./HrDirectory.js"

/**
 * @since 0.1.0
 */
export * as HrError from "./HrError.js"

/**
 * @since 0.1.0
 */
export * as Report from "./Report.js"

/**
 * @since 0.1.0
 */
export * as Roles from "./Roles.js"
