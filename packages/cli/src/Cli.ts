/**
 * The `asgardeo-scim` command tree and its runner, which turns every outcome into an exit code
 * (see `ExitCode`) and every error into one line on stderr. Log lines (`--log-level debug`) go
 * to stderr too, and a secret given as a flag gets a warning there.
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as ValidationError from "@effect/cli/ValidationError"
import type * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as HashSet from "effect/HashSet"
import * as Logger from "effect/Logger"
import * as ExitCode from "./ExitCode.js"
import * as Flags from "./Flags.js"
import * as Color from "./internal/color.js"
import * as Commands from "./internal/commands.js"
import * as Help from "./internal/help.js"
import type * as IoService from "./Io.js"
import { Io } from "./Io.js"
import * as Render from "./Render.js"

/**
 * The package version.
 *
 * @since 0.1.0
 * @category constants
 */
export const version = "0.1.0"

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make(Commands.name).pipe(
  Command.withDescription(
    "Asgardeo SCIM 2.0 from the command line. Configuration: ASGARDEO_ORG, ASGARDEO_CLIENT_ID, " +
      "ASGARDEO_CLIENT_SECRET (ASGARDEO_BASE_URL optional), or the flags; --emulator for the embedded emulator; " +
      "any other SCIM 2.0 server: SCIM_BASE_URL with SCIM_TOKEN (or SCIM_TOKEN_URL, SCIM_CLIENT_ID, " +
      "SCIM_CLIENT_SECRET), or the flags. " +
      `Exit codes: ${ExitCode.summary}.`
  ),
  Command.withSubcommands(Commands.commands)
)

const tree = Commands.tree

/**
 * Where @effect/cli's own output goes (help, version, completions on `Console.log`; a command
 * line it cannot parse on `Console.error`): through `Io`, so each stream is coloured only when
 * `Io` says so, and help gets the whole command path (see `internal/help.ts`).
 */
const cliConsole = (io: IoService.Service, path: ReadonlyArray<string>) =>
  Effect.map(Effect.console, (console): Console.Console => ({
    ...console,
    log: (...args) => {
      const text = Help.rewrite(args.map(String).join(" "), tree, path)
      return io.out(io.color ? text : Color.strip(text))
    },
    error: (...args) => {
      const text = args.map(String).join(" ")
      return io.err(io.colorErr ? text : Color.strip(text))
    }
  }))

const cli = Command.run(command, { name: Commands.name, version })

/**
 * Sends every log line to stderr: the loggers of `effect` (and `NodeRuntime`'s pretty logger)
 * write to `console.log`, that is stdout, where they would break `--json`. Only the tracer
 * logger (log lines as span events) is kept beside it.
 */
const logsToStderr = (io: IoService.Service) => {
  const logger = Logger.map(Logger.logfmtLogger, io.log)
  return <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    Effect.locallyWith(
      effect,
      FiberRef.currentLoggers,
      (loggers) => HashSet.add(HashSet.filter(loggers, (l) => l === Logger.tracerLogger), logger)
    )
}

/**
 * Runs the command line (`argv` as in `process.argv`: node, script, arguments...) and returns
 * the exit code. Never fails: errors are printed as one line on stderr. A secret flag
 * (`--client-secret`, `--bearer-token`, `--password`) first gets a warning on stderr (see
 * `Flags.secretFlagWarnings`), and log lines go to stderr.
 *
 * @since 0.1.0
 * @category programs
 */
export const run = (argv: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const io = yield* Io
    for (const warning of Flags.secretFlagWarnings(argv.slice(2))) {
      yield* io.err(Render.styled(warning, "warn", io.colorErr))
    }
    const path = Help.commandPath(tree, argv.slice(2))
    return yield* cli(argv).pipe(
      Effect.withConsole(yield* cliConsole(io, path)),
      Effect.as<ExitCode.ExitCode>(ExitCode.Ok),
      Effect.catchAll((error) =>
        Effect.gen(function*() {
          // @effect/cli has printed what is wrong with the command line already.
          if (ValidationError.isValidationError(error)) {
            yield* io.err(Render.styled(
              `see \`${[tree.name, ...path, "--help"].join(" ")}\` for the flags and arguments`,
              "dim",
              io.colorErr
            ))
            return ExitCode.Usage
          }
          const { code, message } = ExitCode.describe(error)
          if (message !== "") yield* io.err(Render.errorLine(message, io.colorErr))
          return code
        })
      ),
      logsToStderr(io)
    )
  })
