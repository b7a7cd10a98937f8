/**
 * The in-process emulator: `import { AsgardeoEmulator } from "@asgardeo-scim/testkit"`. The
 * emulator served on a real port is an entry point of its own, `@asgardeo-scim/testkit/EmulatorServer`
 * (it needs `@effect/platform-node`).
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as AsgardeoEmulator from "./AsgardeoEmulator.js"
