/**
 * The former name of `RoleMapping` (the HR role → group mapping), kept as an alias: `Roles.Roles`
 * is the `RoleMapping` tag itself (its key is now `@asgardeo-scim/hr/RoleMapping`), and every
 * other export is `RoleMapping`'s. Prefer `RoleMapping`: these HR roles are not Asgardeo's roles.
 *
 * Since 0.2.0 `make` returns an `Either` (`InvalidRoleMapping` instead of a throw) and
 * `layer(mapping)` fails with `InvalidRoleMapping`; `layer()` cannot fail.
 *
 * @since 0.1.0
 */
import * as RoleMapping from "./RoleMapping.js"

/**
 * @since 0.1.0
 * @category models
 */
export type Service = RoleMapping.Service

/**
 * The `RoleMapping` tag under its former name.
 *
 * @since 0.1.0
 * @category tags
 */
export const Roles: typeof RoleMapping.RoleMapping = RoleMapping.RoleMapping

/**
 * @since 0.1.0
 * @category tags
 */
export type Roles = RoleMapping.RoleMapping

/**
 * @since 0.1.0
 * @category constants
 */
export const defaultMapping: typeof RoleMapping.defaultMapping = RoleMapping.defaultMapping

/**
 * @since 0.2.0
 * @category constants
 */
export const maxRoleLength: number = RoleMapping.maxRoleLength

/**
 * @since 0.1.0
 * @category utils
 */
export const normaliseGroupName: (name: string) => string = RoleMapping.normaliseGroupName

/**
 * `RoleMapping.make`: an `Either`, failing with `InvalidRoleMapping` (it threw before 0.2.0).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: typeof RoleMapping.make = RoleMapping.make

/**
 * `RoleMapping.defaults`.
 *
 * @since 0.2.0
 * @category constructors
 */
export const defaults: RoleMapping.Service = RoleMapping.defaults

/**
 * `RoleMapping.layer`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: typeof RoleMapping.layer = RoleMapping.layer
