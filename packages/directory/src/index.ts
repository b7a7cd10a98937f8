/**
 * Every module of `@asgardeo-scim/directory` as a namespace:
 * `import { Directory, Users } from "@asgardeo-scim/directory"`. Each module is also an entry point of its own (`@asgardeo-scim/directory/Users`).
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as Bulk from "./Bulk.js"

/**
 * @since 0.1.0
 */
export * as CustomExtension from "./CustomExtension.js"

/**
 * @since 0.1.0
 */
export * as Directory from "./Directory.js"

/**
 * @since 0.1.0
 */
export * as Group from "./Group.js"

/**
 * @since 0.1.0
 */
export * as Groups from "./Groups.js"

/**
 * @since 0.2.0
 */
export * as Resources from "./Resources.js"

/**
 * @since 0.4.0
 */
export * as Role from "./Role.js"

/**
 * @since 0.4.0
 */
export * as Roles from "./Roles.js"

/**
 * @since 0.3.0
 */
export * as StrictSchemas from "./StrictSchemas.js"

/**
 * @since 0.1.0
 */
export * as User from "./User.js"

/**
 * @since 0.1.0
 */
export * as Users from "./Users.js"
