/**
 * The commands of `asgardeo-scim`, in the order help lists them, and their tree (the names of
 * each command and its subcommands): `Cli` builds the program from them, and the stored help
 * pages (`helpPages.ts`) are rendered for every path of the tree.
 *
 * @internal
 */
import * as DemoCommand from "../DemoCommand.js"
import * as DoctorCommand from "../DoctorCommand.js"
import * as EmulatorCommand from "../EmulatorCommand.js"
import * as GroupsCommand from "../GroupsCommand.js"
import * as HrCommand from "../HrCommand.js"
import * as OrgsCommand from "../OrgsCommand.js"
import * as ResourceCommand from "../ResourceCommand.js"
import * as RolesCommand from "../RolesCommand.js"
import * as ScopesCommand from "../ScopesCommand.js"
import * as UsersCommand from "../UsersCommand.js"
import * as Help from "./help.js"

/**
 * The program's name.
 *
 * @internal
 */
export const name = "asgardeo-scim"

/**
 * The commands.
 *
 * @internal
 */
export const commands = [
  UsersCommand.command,
  GroupsCommand.command,
  RolesCommand.command,
  OrgsCommand.command,
  HrCommand.command,
  ...ResourceCommand.commands,
  ScopesCommand.command,
  DoctorCommand.command,
  EmulatorCommand.command,
  DemoCommand.command
] as const

/**
 * The command tree.
 *
 * @internal
 */
export const tree: Help.Tree = Help.tree(name, commands, { "hr batch": HrCommand.batch })
