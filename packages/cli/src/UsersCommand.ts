/**
 * `asgardeo-scim users list|get|create|deactivate|delete`. The handlers load on first use.
 *
 * @since 0.1.0
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Flags from "./Flags.js"

const impl = () => import("./internal/users.js")

const userRef = Args.text({ name: "user" }).pipe(
  Args.withDescription("A user id (UUID) or userName (PARTNERS/kim@example.com for another user store)")
)

const list = Command.make(
  "list",
  {
    ...Flags.connection,
    json: Flags.json,
    filter: Options.text("filter").pipe(
      Options.withDescription("A SCIM filter, e.g. 'userName sw \"kim\"' (Asgardeo: eq ne co sw ew ge le, and)"),
      Options.optional
    ),
    limit: Options.integer("limit").pipe(Options.withDescription("Show at most this many users"), Options.optional)
  },
  (args) => Flags.lazy(impl, (m) => m.list(args))
).pipe(Command.withDescription("List users (all pages)"))

const get = Command.make(
  "get",
  { ...Flags.connection, json: Flags.json, allStores: Flags.allStores, user: userRef },
  (args) => Flags.lazy(impl, (m) => m.get(args))
).pipe(Command.withDescription("Show one user"))

const create = Command.make(
  "create",
  {
    ...Flags.connection,
    json: Flags.json,
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
  },
  (args) => Flags.lazy(impl, (m) => m.create(args))
).pipe(Command.withDescription("Create a user (an invitation email unless --password)"))

const deactivate = Command.make(
  "deactivate",
  { ...Flags.connection, json: Flags.json, allStores: Flags.allStores, user: userRef },
  (args) => Flags.lazy(impl, (m) => m.deactivate(args))
).pipe(Command.withDescription("Deactivate a user (can sign in no more)"))

const del = Command.make(
  "delete",
  { ...Flags.connection, json: Flags.json, allStores: Flags.allStores, user: userRef },
  (args) => Flags.lazy(impl, (m) => m.del(args))
).pipe(Command.withDescription("Delete a user"))

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("users").pipe(
  Command.withDescription("Manage users"),
  Command.withSubcommands([list, get, create, deactivate, del])
)
