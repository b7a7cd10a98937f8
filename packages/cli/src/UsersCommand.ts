/**
 * `asgardeo-scim users list|get|create|deactivate|delete`.
 *
 * @since 0.1.0
 */
import * as User from "@asgardeo-scim/directory/User"
import * as Users from "@asgardeo-scim/directory/Users"
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as Connection from "./Connection.js"
import { Io } from "./Io.js"
import * as Lookup from "./Lookup.js"
import * as Render from "./Render.js"

/**
 * The `--json` flag.
 *
 * @since 0.1.0
 * @category options
 */
export const json = Options.boolean("json").pipe(Options.withDescription("Print JSON for machines"))

const userRef = Args.text({ name: "user" }).pipe(Args.withDescription("A user id (UUID) or userName"))

const nameOf = (u: User.User): string =>
  [u.name?.givenName, u.name?.familyName].filter((s) => s !== undefined && s !== "").join(" ")

/**
 * One table row per user: id, userName, name, email, active.
 *
 * @since 0.1.0
 * @category rendering
 */
export const userTable = (users: ReadonlyArray<User.User>, color: boolean): string =>
  Render.table(
    ["ID", "USERNAME", "NAME", "EMAIL", "ACTIVE"],
    users.map((u) => [u.id, u.userName, nameOf(u), User.primaryEmail(u) ?? "", User.isActive(u) ? "yes" : "no"]),
    color
  )

const showUser = (u: User.User, asJson: boolean) =>
  Effect.flatMap(Io, (io) =>
    io.out(
      asJson ? Render.json(u) : Render.fields([
        ["id", u.id],
        ["userName", u.userName],
        ["name", nameOf(u)],
        ["email", User.primaryEmail(u) ?? ""],
        ["active", User.isActive(u) ? "yes" : "no"],
        ["groups", (u.groups ?? []).map((g) => g.display ?? g.value).join(", ")]
      ], io.color)
    ))

const list = Command.make(
  "list",
  {
    ...Connection.flags,
    json,
    filter: Options.text("filter").pipe(
      Options.withDescription("A SCIM filter, e.g. 'userName sw \"kim\"' (Asgardeo: eq ne co sw ew ge le, and)"),
      Options.optional
    ),
    limit: Options.integer("limit").pipe(Options.withDescription("Show at most this many users"), Options.optional)
  },
  (args) =>
    Effect.gen(function*() {
      const io = yield* Io
      const users = yield* Users.Users
      const stream = users.stream({ filter: Option.getOrUndefined(args.filter) })
      const all = Chunk.toReadonlyArray(
        yield* Stream.runCollect(Option.isSome(args.limit) ? Stream.take(stream, args.limit.value) : stream)
      )
      if (args.json) return yield* io.out(Render.json(all))
      yield* io.out(userTable(all, io.color))
      yield* io.err(Render.styled(`${all.length} user${all.length === 1 ? "" : "s"}`, "dim", io.color))
    }).pipe(Effect.provide(Connection.layer(args)))
).pipe(Command.withDescription("List users (all pages)"))

const get = Command.make("get", { ...Connection.flags, json, user: userRef }, (args) =>
  Lookup.user(args.user).pipe(
    Effect.flatMap((u) => showUser(u, args.json)),
    Effect.provide(Connection.layer(args))
  )).pipe(Command.withDescription("Show one user"))

const create = Command.make(
  "create",
  {
    ...Connection.flags,
    json,
    email: Options.text("email").pipe(Options.withDescription("Email address (also the userName unless --user-name)")),
    userName: Options.text("user-name").pipe(Options.optional),
    givenName: Options.text("given-name").pipe(Options.optional),
    familyName: Options.text("family-name").pipe(Options.optional),
    password: Options.redacted("password").pipe(
      Options.withDescription("Set a password instead of sending an invitation email"),
      Options.optional
    )
  },
  (args) =>
    Effect.gen(function*() {
      const users = yield* Users.Users
      const user = yield* users.create({
        userName: Option.getOrElse(args.userName, () => args.email),
        email: args.email,
        ...(Option.isSome(args.givenName) ? { givenName: args.givenName.value } : {}),
        ...(Option.isSome(args.familyName) ? { familyName: args.familyName.value } : {}),
        ...(Option.isSome(args.password)
          ? { password: Redacted.make(Redacted.value(args.password.value)) }
          : { askPassword: true })
      })
      yield* showUser(user, args.json)
    }).pipe(Effect.provide(Connection.layer(args)))
).pipe(Command.withDescription("Create a user (an invitation email unless --password)"))

const deactivate = Command.make(
  "deactivate",
  { ...Connection.flags, json, user: userRef },
  (args) =>
    Effect.gen(function*() {
      const io = yield* Io
      const users = yield* Users.Users
      const u = yield* Lookup.user(args.user)
      yield* users.setActive(u.id, false)
      yield* io.out(
        args.json ?
          Render.json({ id: u.id, userName: u.userName, active: false }) :
          `${Render.styled("deactivated", "ok", io.color)} ${u.userName} (${u.id})`
      )
    }).pipe(Effect.provide(Connection.layer(args)))
).pipe(Command.withDescription("Deactivate a user (can sign in no more)"))

const del = Command.make("delete", { ...Connection.flags, json, user: userRef }, (args) =>
  Effect.gen(function*() {
    const io = yield* Io
    const users = yield* Users.Users
    const u = yield* Lookup.user(args.user)
    yield* users.delete(u.id)
    yield* io.out(
      args.json ?
        Render.json({ id: u.id, userName: u.userName, deleted: true }) :
        `${Render.styled("deleted", "ok", io.color)} ${u.userName} (${u.id})`
    )
  }).pipe(Effect.provide(Connection.layer(args)))).pipe(Command.withDescription("Delete a user"))

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("users").pipe(
  Command.withDescription("Manage users"),
  Command.withSubcommands([list, get, create, deactivate, del])
)
