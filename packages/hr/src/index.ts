/**
 * Every module of `@asgardeo-scim/hr` as a namespace: `import { HrDirectory, RoleMapping } from "@asgardeo-scim/hr"`.
 * Each module is also an entry point of its own (`@asgardeo-scim/hr/HrDirectory`).
 *
 * @since 0.1.0
 */

/**
 * @since 0.4.0
 */
export * as AsgardeoRoles from "./AsgardeoRoles.js"

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
 * @since 0.2.0
 */
export * as Onboarding from "./Onboarding.js"

/**
 * @since 0.1.0
 */
export * as Report from "./Report.js"

/**
 * @since 0.2.0
 */
export * as RoleGroups from "./RoleGroups.js"

/**
 * @since 0.2.0
 */
export * as RoleMapping from "./RoleMapping.js"

/**
 * The former name of `RoleMapping`, kept as an alias.
 *
 * @since 0.1.0
 */
export * as Roles from "./Roles.js"
