/**
 * @since 0.1.0
 */
export * as User from "./User.js"

/**
 * @since 0.1.0
 */
export * as Users from "./Users.js"
