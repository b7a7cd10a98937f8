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
 * A command of the tree: its name and its subcommands (`hr` > `batch` > `status`).
 *
 * @internal
 */
export interface Node {
  readonly name: string
  readonly subcommands: ReadonlyArray<Node>
}

/**
 * The command tree: the program and its commands, each with its subcommands.
 *
 * @internal
 */
export interface Tree {
  readonly name: string
  readonly commands: ReadonlyArray<Node>
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCommand = Command.Command<any, any, any, any>

const nameOf = (command: AnyCommand): string => [...HashSet.values(Command.getNames(command))][0] ?? ""

/**
 * The tree of a program named `name` whose commands are `commands`. @effect/cli gives a command's
 * subcommands by name only: a subcommand that has subcommands of its own (`hr batch`) is passed
 * in `groups`, by its path (`"hr batch"`).
 *
 * @internal
 */
export const tree = (
  name: string,
  commands: ReadonlyArray<AnyCommand>,
  groups: Readonly<Record<string, AnyCommand>> = {}
): Tree => {
  const node = (command: AnyCommand, path: ReadonlyArray<string>): Node => {
    const own = nameOf(command)
    const here = [...path, own]
    return {
      name: own,
      subcommands: [...HashMap.keys(Command.getSubcommands(command))].filter((n) => n !== own).map((n) => {
        const group = groups[[...here, n].join(" ")]
        return group === undefined ? { name: n, subcommands: [] } : node(group, here)
      })
    }
  }
  return { name, commands: commands.map((command) => node(command, [])) }
}

/**
 * Every command path of the tree, the program's own (`[]`) first, then each command followed
 * by its subcommands (each followed by its own): `[]`, `["users"]`, `["users", "list"]`, ...
 *
 * @internal
 */
export const paths = (tree: Tree): ReadonlyArray<ReadonlyArray<string>> => {
  const below = (node: Node, path: ReadonlyArray<string>): ReadonlyArray<ReadonlyArray<string>> => {
    const here = [...path, node.name]
    return [here, ...node.subcommands.flatMap((s) => below(s, here))]
  }
  return [[], ...tree.commands.flatMap((c) => below(c, []))]
}

/**
 * The commands `args` (the arguments after the program) name, as @effect/cli finds them: the
 * first argument that is a command, then the first one after it that is one of its subcommands,
 * and so on down.
 *
 * @internal
 */
export const commandPath = (tree: Tree, args: ReadonlyArray<string>): ReadonlyArray<string> => {
  const path: Array<string> = []
  let level = tree.commands
  let rest = args
  while (true) {
    const i = rest.findIndex((arg) => level.some((c) => c.name === arg))
    if (i === -1) return path
    const node = level.find((c) => c.name === rest[i])!
    path.push(node.name)
    level = node.subcommands
    rest = rest.slice(i + 1)
  }
}

/**
 * The node of a command path (`undefined` for the program itself or a path not in the tree).
 *
 * @internal
 */
export const nodeAt = (tree: Tree, path: ReadonlyArray<string>): Node | undefined => {
  let level = tree.commands
  let node: Node | undefined
  for (const name of path) {
    node = level.find((c) => c.name === name)
    if (node === undefined) return undefined
    level = node.subcommands
  }
  return node
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

/** The paths (relative to `path`) of `nodes` and of every command below them. */
const below = (nodes: ReadonlyArray<Node>, path: ReadonlyArray<string>): ReadonlyArray<ReadonlyArray<string>> =>
  nodes.flatMap((n) => [[...path, n.name], ...below(n.subcommands, [...path, n.name])])

/**
 * How @effect/cli (0.77) writes a command two levels or more below the listing one in its list
 * of commands: each level repeats the words above it (`hr hr batch status` for `hr batch status`).
 */
const listedAs = (q: ReadonlyArray<string>): string => {
  let preceding: ReadonlyArray<string> = []
  for (const word of q.slice(0, -1)) preceding = [...preceding, [...preceding, word].join(" ")]
  return [...preceding, q[q.length - 1]!].join(" ")
}

/**
 * Rewrites the help text of the command `path` (empty: the program's).
 *
 * @internal
 */
export const rewrite = (text: string, tree: Tree, path: ReadonlyArray<string>): string => {
  const lines = text.split("\n")
  const last = path.length === 0 ? tree.name : path[path.length - 1]!
  const hasSubcommands = path.length === 0 || (nodeAt(tree, path)?.subcommands.length ?? 0) > 0

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
  const nested = below(path.length === 0 ? tree.commands : nodeAt(tree, path)?.subcommands ?? [], [])
    .filter((q) => q.length >= 3)
  let replaced = false
  let repaired = false
  const rows: Array<{ readonly index: number; readonly usage: string; readonly description: string }> = []
  for (let i = commands + 1; i < lines.length; i++) {
    const match = row.exec(lines[i]!)
    if (match === null) continue
    let usage = match[1]!.includes(flags) ? match[1]!.replace(flags, placeholder) : match[1]!
    replaced ||= usage !== match[1]
    for (const q of nested) {
      const listed = listedAs(q)
      if (usage === listed || usage.startsWith(`${listed} `)) {
        usage = `${q.join(" ")}${usage.slice(listed.length)}`
        repaired = true
        break
      }
    }
    rows.push({ index: i, usage, description: match[2] ?? "" })
  }
  if (!replaced && !repaired) return lines.join("\n")
  const width = Math.max(...rows.map((r) => r.usage.length))
  for (const r of rows) {
    lines[r.index] = `  - ${r.usage}${
      r.description === "" ? "" : `${" ".repeat(width - r.usage.length + 2)}${r.description}`
    }`
  }
  if (!replaced) return lines.join("\n")
  const body = lines.join("\n").replace(/\n*$/, "\n\n")
  return body + section()
}
