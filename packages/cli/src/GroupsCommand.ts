/**
 * `asgardeo-scim groups list|get|create|add-member|remove-member`. The handlers load on first use.
 *
 * @since 0.1.0
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Flags from "./Flags.js"

const impl = () => import("./internal/groups.js")

const groupRef = Args.text({ name: "group" }).pipe(
  Args.withDescription("A group id (UUID) or name (PARTNERS/Engineering for another user store)")
)
const userRef = Args.text({ name: "user" }).pipe(
  Args.withDescription("A user id (UUID) or userName (PARTNERS/kim@example.com for another user store)")
)

const list = Command.make(
  "list",
  {
    ...Flags.connection,
    json: Flags.json,
    filter: Options.text("filter").pipe(
      Options.withDescription("A SCIM filter, e.g. 'displayName sw \"HR\"' (Asgardeo: one expression)"),
      Options.optional
    )
  },
  (args) => Flags.lazy(impl, (m) => m.list(args))
).pipe(Command.withDescription("List groups (all pages)"))

const get = Command.make(
  "get",
  { ...Flags.connection, json: Flags.json, allStores: Flags.allStores, group: groupRef },
  (args) => Flags.lazy(impl, (m) => m.get(args))
).pipe(Command.withDescription("Show a group and its members"))

const create = Command.make(
  "create",
  { ...Flags.connection, json: Flags.json, name: Args.text({ name: "name" }).pipe(Args.withDescription("The name")) },
  (args) => Flags.lazy(impl, (m) => m.create(args))
).pipe(Command.withDescription("Create a group"))

const membership = (name: "add-member" | "remove-member") =>
  Command.make(
    name,
    { ...Flags.connection, json: Flags.json, allStores: Flags.allStores, group: groupRef, user: userRef },
    (args) => Flags.lazy(impl, (m) => m.membership(name, args))
  ).pipe(
    Command.withDescription(name === "add-member" ? "Add a user to a group" : "Remove a user from a group")
  )

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("groups").pipe(
  Command.withDescription("Manage groups"),
  Command.withSubcommands([list, get, create, membership("add-member"), membership("remove-member")])
)
