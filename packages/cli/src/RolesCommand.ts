/**
 * `asgardeo-scim roles list|create|assign|unassign|permissions`: Asgardeo's roles (the directory's
 * `Roles` service, Roles API v2 or v3, whichever the application is authorized for). The handlers
 * load on first use.
 *
 * @since 0.4.0
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Flags from "./Flags.js"
import * as Subcommand from "./internal/subcommand.js"

const make = Subcommand.lazy(() => import("./internal/roles.js"))

const audience = Options.text("audience").pipe(
  Options.withDescription(
    "The role's audience: organization (the organization's roles) or application:<application id>"
  ),
  Options.optional
)

const roleRef = Args.text({ name: "role" }).pipe(
  Args.withDescription("A role id (UUID) or name (the same name in two audiences: pass --audience, or the id)")
)

const repeated = (name: string, description: string) =>
  Options.text(name).pipe(Options.withDescription(description), Options.repeated)

const list = make(
  "list",
  "List roles (all pages)",
  Subcommand.connected({
    filter: Subcommand.filter(
      "A SCIM filter on displayName, audience.value or audience.type, e.g. 'displayName sw \"HR\"' " +
        "(eq ne co sw ew, and)"
    ),
    audience
  }),
  (m, args) => m.list(args)
)

const create = make(
  "create",
  "Create a role, with its permissions (API scopes)",
  Subcommand.connected({
    name: Args.text({ name: "name" }).pipe(Args.withDescription("The role's name (no '/')")),
    audience,
    permission: repeated("permission", "A permission: an API scope such as internal_user_mgt_view (repeat for more)")
  }),
  (m, args) => m.create(args)
)

const assignment = (name: "assign" | "unassign") =>
  make(
    name,
    name === "assign"
      ? "Assign users (and groups, with --group) to a role"
      : "Unassign users (and groups, with --group) from a role",
    Subcommand.connected({
      audience,
      allStores: Flags.allStores,
      group: repeated("group", "A group id (UUID) or name (repeat for more)"),
      role: roleRef,
      users: Args.text({ name: "user" }).pipe(
        Args.withDescription("A user id (UUID) or userName (PARTNERS/kim@example.com for another user store)"),
        Args.repeated
      )
    }),
    (m, args) => m.assignment(name, args)
  )

const permissions = make(
  "permissions",
  "Show a role's permissions, or change them: --add and --remove, or --set for the whole set",
  Subcommand.connected({
    audience,
    add: repeated("add", "A permission (API scope) to add (repeat for more)"),
    remove: repeated("remove", "A permission to remove (repeat for more)"),
    set: repeated("set", "The whole permission set (repeat for each permission; not with --add or --remove)"),
    role: roleRef
  }),
  (m, args) => m.permissions(args)
)

/**
 * @since 0.4.0
 * @category commands
 */
export const command = Command.make("roles").pipe(
  Command.withDescription("Manage Asgardeo roles: list, create, assign users and groups, permissions"),
  Command.withSubcommands([list, create, assignment("assign"), assignment("unassign"), permissions])
)
