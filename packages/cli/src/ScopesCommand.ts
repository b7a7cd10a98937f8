/**
 * `asgardeo-scim scopes`: what to authorize in the Asgardeo console for each command
 * (application > API Authorization: SCIM2 Users API, SCIM2 Groups API, SCIM2 Bulk API).
 *
 * @since 0.1.0
 */
import * as Scopes from "@asgardeo-scim/core/Scopes"
import * as Command from "@effect/cli/Command"
import * as Effect from "effect/Effect"
import * as Flags from "./Flags.js"
import { Io } from "./Io.js"
import * as Render from "./Render.js"

/**
 * The SCIM operations each command sends.
 *
 * @since 0.1.0
 * @category constants
 */
export const operations: ReadonlyArray<readonly [string, ReadonlyArray<Scopes.Operation>]> = [
  ["users list", ["Users.list"]],
  ["users get", ["Users.get", "Users.list"]],
  ["users create", ["Users.create"]],
  ["users deactivate", ["Users.list", "Users.patch"]],
  ["users reactivate", ["Users.get", "Users.list", "Users.patch"]],
  ["users patch", ["Users.get", "Users.list", "Users.patch"]],
  ["users delete", ["Users.list", "Users.delete"]],
  ["groups list", ["Groups.list"]],
  ["groups get", ["Groups.get"]],
  ["groups create", ["Groups.create"]],
  ["groups add-member", ["Groups.get", "Users.get", "Users.list", "Groups.patch"]],
  ["groups remove-member", ["Groups.get", "Users.list", "Groups.patch"]],
  ["groups rename", ["Groups.get", "Groups.list", "Groups.patch"]],
  ["groups delete", ["Groups.get", "Groups.list", "Groups.delete"]],
  ["hr setup", ["Groups.list", "Groups.create"]],
  ["hr onboard", [
    "Users.create",
    "Users.list",
    "Users.get",
    "Users.patch",
    "Groups.list",
    "Groups.create",
    "Groups.patch",
    "Bulk.createUser",
    "Bulk.updateGroup"
  ]],
  ["hr change-role", ["Users.get", "Users.list", "Groups.list", "Groups.create", "Groups.patch"]],
  ["hr offboard", ["Users.get", "Users.list", "Users.patch", "Groups.list", "Groups.patch", "Users.delete"]],
  ["get /Users", ["Users.get"]],
  ["get /Groups", ["Groups.get"]],
  ["search /Users", ["Users.search"]],
  ["search /Groups", ["Groups.search"]],
  ["create /Users", ["Users.create"]],
  ["create /Groups", ["Groups.create"]],
  ["replace /Users", ["Users.replace"]],
  ["replace /Groups", ["Groups.replace"]],
  ["patch /Users", ["Users.patch"]],
  ["patch /Groups", ["Groups.patch"]],
  ["delete /Users", ["Users.delete"]],
  ["delete /Groups", ["Groups.delete"]]
]

/**
 * The scopes per command, deduplicated, with their API resources.
 *
 * @since 0.1.0
 * @category getters
 */
export const table = operations.map(([command, ops]) => ({
  command,
  scopes: Scopes.forOperations(ops),
  apiResources: Array.from(new Set(Scopes.forOperations(ops).map(Scopes.apiResource)))
}))

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("scopes", { json: Flags.json }, (args) =>
  Effect.gen(function*() {
    const io = yield* Io
    if (args.json) {
      return yield* io.out(Render.json({ commands: table, all: Scopes.all }))
    }
    // One line per scope; the command is named on its first line.
    yield* io.out(Render.table(
      ["COMMAND", "SCOPE", "API RESOURCE"],
      table.flatMap((t) => t.scopes.map((scope, i) => [i === 0 ? t.command : "", scope, Scopes.apiResource(scope)])),
      io.color
    ))
    yield* io.out("")
    yield* io.out(Render.styled("Everything (what the client requests by default):", "bold", io.color))
    yield* io.out(Render.table(["SCOPE", "API RESOURCE"], Scopes.all.map((s) => [s, Scopes.apiResource(s)]), io.color))
    yield* io.out("")
    yield* io.out(
      "Asgardeo console: your M2M application > API Authorization > authorize each API resource with these scopes."
    )
  })).pipe(Command.withDescription("The scopes to enable in the Asgardeo console, per command"))
