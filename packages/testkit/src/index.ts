/**
 * @since 0.1.0
 */
export * as AsgardeoEmulator from "./AsgardeoEmulator.js"
