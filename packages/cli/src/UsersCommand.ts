/**
 * `asgardeo-scim users list|get|create|deactivate|reactivate|patch|delete`. The handlers load on first use.
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Flags from "./Flags.js"
import * as Subcommand from "./internal/subcommand.js"

const make = Subcommand.lazy(() => import("./internal/users.js"))

const byRef = Subcommand.connected({ allStores: Flags.allStores, user: Subcommand.userRef })

const list = make(
  "list",
  "List users (all pages)",
  Subcommand.connected({
    filter: Subcommand.filter("A SCIM filter, e.g. 'userName sw \"kim\"' (Asgardeo: eq ne co sw ew ge le, and)"),
    limit: Options.integer("limit").pipe(Options.withDescription("Show at most this many users"), Options.optional)
  }),
  (m, args) => m.list(args)
)

const get = make("get", "Show one user", byRef, (m, args) => m.get(args))

const create = make(
  "create",
  "Create a user (on Asgardeo an invitation email unless --password)",
  Subcommand.connected({
    email: Options.text("email").pipe(Options.withDescription("Email address (also the userName unless --user-name)")),
    userName: Options.text("user-name").pipe(Options.optional),
    givenName: Options.text("given-name").pipe(Options.optional),
    familyName: Options.text("family-name").pipe(Options.optional),
    password: Options.redacted("password").pipe(
      Options.withDescription(
        "Set a password instead of sending an invitation email (default: $ASGARDEO_USER_PASSWORD; prefer the variable)"
      ),
      Options.optional
    )
  }),
  (m, args) => m.create(args)
)

const deactivate = make("deactivate", "Deactivate a user (can sign in no more)", byRef, (m, args) => m.deactivate(args))

const reactivate = make(
  "reactivate",
  "Reactivate a deactivated user (can sign in again)",
  byRef,
  (m, args) => m.reactivate(args)
)

const patch = make(
  "patch",
  "Apply SCIM PATCH operations to a user (a JSON array of operations, or a PatchOp message)",
  Subcommand.connected({
    allStores: Flags.allStores,
    operations: Subcommand.jsonInput("operations", "The PATCH operations: a JSON file, or - for stdin"),
    user: Subcommand.userRef
  }),
  (m, args) => m.patch(args)
)

const del = make("delete", "Delete a user", byRef, (m, args) => m.del(args))

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("users").pipe(
  Command.withDescription("Manage users"),
  Command.withSubcommands([list, get, create, deactivate, reactivate, patch, del])
)
