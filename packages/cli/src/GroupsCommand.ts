/**
 * `asgardeo-scim groups list|get|create|rename|add-member|remove-member|delete`. The handlers load on first use.
 *
 * @since 0.1.0
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Flags from "./Flags.js"
import * as Subcommand from "./internal/subcommand.js"

const make = Subcommand.lazy(() => import("./internal/groups.js"))

const list = make(
  "list",
  "List groups (all pages)",
  Subcommand.connected({
    filter: Subcommand.filter("A SCIM filter, e.g. 'displayName sw \"HR\"' (Asgardeo: one expression)")
  }),
  (m, args) => m.list(args)
)

const byRef = Subcommand.connected({ allStores: Flags.allStores, group: Subcommand.groupRef })

const get = make("get", "Show a group and its members", byRef, (m, args) => m.get(args))

const create = make(
  "create",
  "Create a group",
  Subcommand.connected({ name: Args.text({ name: "name" }).pipe(Args.withDescription("The name")) }),
  (m, args) => m.create(args)
)

const rename = make(
  "rename",
  "Rename a group",
  Subcommand.connected({
    allStores: Flags.allStores,
    group: Subcommand.groupRef,
    name: Args.text({ name: "new-name" }).pipe(Args.withDescription("The new name"))
  }),
  (m, args) => m.rename(args)
)

const del = make("delete", "Delete a group (its members stay)", byRef, (m, args) => m.del(args))

const membership = (name: "add-member" | "remove-member") =>
  make(
    name,
    name === "add-member" ? "Add a user to a group" : "Remove a user from a group",
    Subcommand.connected({ allStores: Flags.allStores, group: Subcommand.groupRef, user: Subcommand.userRef }),
    (m, args) => m.membership(name, args)
  )

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("groups").pipe(
  Command.withDescription("Manage groups"),
  Command.withSubcommands([
    list,
    get,
    create,
    rename,
    membership("add-member"),
    membership("remove-member"),
    del
  ])
)
