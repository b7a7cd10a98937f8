/**
 * What the CLI changes in the help @effect/cli renders, as text:
 *
 * - the usage line carries the whole command path (`$ asgardeo-scim users list ...`, where
 *   @effect/cli prints `$ list ...`), and a command with subcommands ends in `<command>`;
 * - in a list of commands, the connection flags (`[--org text] [--client-id text] ...`) are
 *   written `[connection flags]`, the rows realigned, and a `CONNECTION FLAGS` section at the
 *   end describes them once.
 *
 * @internal
 */
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as Usage from "@effect/cli/Usage"
import * as HashMap from "effect/HashMap"
import * as HashSet from "effect/HashSet"
import * as Flags from "../Flags.js"
import * as Color from "./color.js"

/**
 * The command tree, two levels deep: the program and its commands, each with its subcommands.
 *
 * @internal
 */
export interface Tree {
  readonly name: string
  readonly commands: ReadonlyArray<{ readonly name: string; readonly subcommands: ReadonlyArray<string> }>
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCommand = Command.Command<any, any, any, any>

const nameOf = (command: AnyCommand): string => [...HashSet.values(Command.getNames(command))][0] ?? ""

/**
 * The tree of a program named `name` whose commands are `commands`.
 *
 * @internal
 */
export const tree = (name: string, commands: ReadonlyArray<AnyCommand>): Tree => ({
  name,
  commands: commands.map((command) => {
    const own = nameOf(command)
    return { name: own, subcommands: [...HashMap.keys(Command.getSubcommands(command))].filter((n) => n !== own) }
  })
})

/**
 * Every command path of the tree, the program's own (`[]`) first, then each command followed
 * by its subcommands: `[]`, `["users"]`, `["users", "list"]`, ...
 *
 * @internal
 */
export const paths = (tree: Tree): ReadonlyArray<ReadonlyArray<string>> => [
  [],
  ...tree.commands.flatMap((c) => [[c.name], ...c.subcommands.map((s) => [c.name, s])])
]

/**
 * The commands `args` (the arguments after the program) name, as @effect/cli finds them: the
 * first argument that is a command, then the first one after it that is one of its subcommands.
 *
 * @internal
 */
export const commandPath = (tree: Tree, args: ReadonlyArray<string>): ReadonlyArray<string> => {
  const i = args.findIndex((arg) => tree.commands.some((c) => c.name === arg))
  if (i === -1) return []
  const command = tree.commands.find((c) => c.name === args[i])!
  const sub = args.slice(i + 1).find((arg) => command.subcommands.includes(arg))
  return sub === undefined ? [command.name] : [command.name, sub]
}

/**
 * The connection flags as a usage text: `[--org text] [--client-id text] ...`.
 *
 * @internal
 */
export const connectionUsage = (): string =>
  Color.strip(HelpDoc.toAnsiText(Usage.getHelp(Options.getUsage(Options.all(Flags.connection))))).trim()

/**
 * How a list of commands writes the connection flags.
 *
 * @internal
 */
export const placeholder = "[connection flags]"

const section = (): string => {
  const width = Math.max(...Flags.connectionFlags.map((f) => f.flag.length))
  return HelpDoc.toAnsiText(HelpDoc.blocks([
    HelpDoc.h1("CONNECTION FLAGS"),
    HelpDoc.p(
      `${placeholder} above stands for these flags, which every command that talks to Asgardeo takes ` +
        "(the environment variables are their defaults; a missing one is named with the others):"
    ),
    HelpDoc.enumeration(
      Flags.connectionFlags.map((f) => HelpDoc.p(`${f.flag.padEnd(width + 2)}${f.description}`)) as [
        HelpDoc.HelpDoc,
        ...Array<HelpDoc.HelpDoc>
      ]
    )
  ]))
}

const row = /^ {2}- (\S.*?)(?: {2,}(.*))?$/

/**
 * Rewrites the help text of the command `path` (empty: the program's).
 *
 * @internal
 */
export const rewrite = (text: string, tree: Tree, path: ReadonlyArray<string>): string => {
  const lines = text.split("\n")
  const last = path.length === 0 ? tree.name : path[path.length - 1]!
  const hasSubcommands = path.length === 0 ||
    (path.length === 1 && (tree.commands.find((c) => c.name === path[0])?.subcommands.length ?? 0) > 0)

  const usage = lines.findIndex((l) => l.startsWith("$ "))
  if (usage !== -1) {
    const [, word, rest] = /^\$ (\S+)(.*)$/.exec(lines[usage]!) ?? []
    if (word === last) {
      lines[usage] = `$ ${[tree.name, ...path].join(" ")}${hasSubcommands ? " <command>" : ""}${rest ?? ""}`
    }
  }

  const commands = lines.findIndex((l) => Color.strip(l) === "COMMANDS")
  if (commands === -1) return lines.join("\n")
  const flags = connectionUsage()
  let replaced = false
  const rows: Array<{ readonly index: number; readonly usage: string; readonly description: string }> = []
  for (let i = commands + 1; i < lines.length; i++) {
    const match = row.exec(lines[i]!)
    if (match === null) continue
    const usage = match[1]!.includes(flags) ? match[1]!.replace(flags, placeholder) : match[1]!
    replaced ||= usage !== match[1]
    rows.push({ index: i, usage, description: match[2] ?? "" })
  }
  if (!replaced) return lines.join("\n")
  const width = Math.max(...rows.map((r) => r.usage.length))
  for (const r of rows) {
    lines[r.index] = `  - ${r.usage}${
      r.description === "" ? "" : `${" ".repeat(width - r.usage.length + 2)}${r.description}`
    }`
  }
  const body = lines.join("\n").replace(/\n*$/, "\n\n")
  return body + section()
}
