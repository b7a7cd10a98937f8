/**
 * The command's parts as namespaces, for programs that embed the command or reuse its parts:
 * `import { Cli } from "@asgardeo-scim/cli"`. Every module, the subcommands' included, is also an
 * entry point of its own (`@asgardeo-scim/cli/UsersCommand`).
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as Backend from "./Backend.js"

/**
 * @since 0.1.0
 */
export * as Batch from "./Batch.js"

/**
 * @since 0.1.0
 */
export * as Cli from "./Cli.js"

/**
 * @since 0.1.0
 */
export * as Connection from "./Connection.js"

/**
 * @since 0.1.0
 */
export * as Csv from "./Csv.js"

/**
 * @since 0.1.0
 */
export * as Demo from "./Demo.js"

/**
 * @since 0.3.0
 */
export * as Doctor from "./Doctor.js"

/**
 * @since 0.1.0
 */
export * as EmployeeCsv from "./EmployeeCsv.js"

/**
 * @since 0.1.0
 */
export * as ExitCode from "./ExitCode.js"

/**
 * @since 0.1.0
 */
export * as Flags from "./Flags.js"

/**
 * @since 0.1.0
 */
export * as Io from "./Io.js"

/**
 * @since 0.1.0
 */
export * as Progress from "./Progress.js"

/**
 * @since 0.1.0
 */
export * as Render from "./Render.js"
