/**
 * How the command files (`users`, `groups`, `hr`) declare a subcommand: the flags every
 * connected subcommand takes, the references to a user or a group, and a subcommand whose
 * handler sits in a module loaded on first use. Like `Flags`, this module loads only
 * `@effect/cli`, so building the command tree (and answering `--help`) loads none of the client.
 *
 * @internal
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import type * as Effect from "effect/Effect"
import type * as Types from "effect/Types"
import * as Flags from "../Flags.js"

/**
 * The config of a connected subcommand: the connection flags, `--json`, then `config`.
 *
 * @internal
 */
export const connected = <const Config extends Command.Command.Config>(config: Config) => ({
  ...Flags.connection,
  json: Flags.json,
  ...config
})

/**
 * The `<user>` argument of the users and groups commands.
 *
 * @internal
 */
export const userRef = Args.text({ name: "user" }).pipe(
  Args.withDescription("A user id (UUID) or userName (PARTNERS/kim@example.com for another user store)")
)

/**
 * The `<group>` argument of the groups commands.
 *
 * @internal
 */
export const groupRef = Args.text({ name: "group" }).pipe(
  Args.withDescription("A group id (UUID) or name (PARTNERS/Engineering for another user store)")
)

/**
 * The optional `--filter` of a list subcommand.
 *
 * @internal
 */
export const filter = (description: string) =>
  Options.text("filter").pipe(Options.withDescription(description), Options.optional)

/**
 * A maker of subcommands whose handlers are in the module `load` brings in on first use:
 * `run` picks the handler of that module and gives it the parsed arguments.
 *
 * @internal
 */
export const lazy =
  <M>(load: () => Promise<M>) =>
  <Name extends string, const Config extends Command.Command.Config, E, R>(
    name: Name,
    description: string,
    config: Config,
    run: (module: M, args: Types.Simplify<Command.Command.ParseConfig<Config>>) => Effect.Effect<void, E, R>
  ) =>
    Command.make(name, config, (args) => Flags.lazy(load, (module) => run(module, args))).pipe(
      Command.withDescription(description)
    )

/**
 * A `--<name> <file>` flag whose JSON comes from a file, or from stdin when it is `-`.
 *
 * @internal
 */
export const jsonInput = (name: string, description: string) =>
  Options.text(name).pipe(Options.withDescription(description))
