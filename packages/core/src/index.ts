/**
 * @since 0.1.0
 */
export * as AsgardeoConfig from "./AsgardeoConfig.js"

/**
 * @since 0.1.0
 */
export * as ScimError from "./ScimError.js"

/**
 * @since 0.1.0
 */
export * as Scopes from "./Scopes.js"
