import * as ScimConfig from "@asgardeo-scim/core/ScimConfig"
import * as User from "@asgardeo-scim/directory/User"
import * as Users from "@asgardeo-scim/directory/Users"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Connection from "../Connection.js"
import { Io } from "../Io.js"
import * as Lookup from "../Lookup.js"
import * as Render from "../Render.js"
import * as Input from "./input.js"
import * as Output from "./output.js"

type Args<A> = Connection.Flags & { readonly json: boolean } & A

const nameOf = (u: User.User): string =>
  [u.name?.givenName, u.name?.familyName].filter((s) => s !== undefined && s !== "").join(" ")

/** One table row per user: id, userName, name, email, active. */
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

export const list = (args: Args<{ readonly filter: Option.Option<string>; readonly limit: Option.Option<number> }>) =>
  Effect.flatMap(
    Users.Users,
    (users) => Output.collect(users.stream({ filter: Option.getOrUndefined(args.filter) }), args.limit)
  ).pipe(
    Effect.flatMap((all) => Output.listing(all, args.json, "user", (color) => userTable(all, color))),
    Effect.provide(Connection.layer(args))
  )

export const get = (args: Args<{ readonly user: string; readonly allStores: boolean }>) =>
  Lookup.user(args.user, { allStores: args.allStores }).pipe(
    Effect.flatMap((u) => showUser(u, args.json)),
    Effect.provide(Connection.layer(args))
  )

export const create = (
  args: Args<{
    readonly email: string
    readonly userName: Option.Option<string>
    readonly givenName: Option.Option<string>
    readonly familyName: Option.Option<string>
    readonly password: Option.Option<Redacted.Redacted<string>>
  }>
) =>
  Effect.gen(function*() {
    const users = yield* Users.Users
    // --password, else ASGARDEO_USER_PASSWORD (the way that keeps it out of the process list).
    const password = Option.isSome(args.password)
      ? args.password
      : Option.filter(
        yield* Config.option(Config.redacted("ASGARDEO_USER_PASSWORD")).pipe(Effect.orElseSucceed(Option.none)),
        (p) => Redacted.value(p) !== ""
      )
    const user = yield* users.create({
      userName: Option.getOrElse(args.userName, () => args.email),
      email: args.email,
      ...(Option.isSome(args.givenName) ? { givenName: args.givenName.value } : {}),
      ...(Option.isSome(args.familyName) ? { familyName: args.familyName.value } : {}),
      // An invitation where the target has them (Asgardeo); a generic server gets the user as is.
      ...(Option.isSome(password)
        ? { password: Redacted.make(Redacted.value(password.value)) }
        : (yield* ScimConfig.ScimConfig).target.users.invitations
        ? { askPassword: true }
        : {})
    })
    yield* showUser(user, args.json)
  }).pipe(Effect.provide(Connection.layer(args)))

/** Finds the user, runs `act` on its id, and prints `verb` (or the JSON with `fields`). */
const onUser = <E, R>(
  args: Args<{ readonly user: string; readonly allStores: boolean }>,
  act: (users: Users.Service, id: string) => Effect.Effect<unknown, E, R>,
  verb: string,
  fields: Readonly<Record<string, boolean>>
) =>
  Effect.gen(function*() {
    const users = yield* Users.Users
    const u = yield* Lookup.user(args.user, { allStores: args.allStores })
    yield* act(users, u.id)
    yield* Output.done(args.json, { id: u.id, userName: u.userName, ...fields }, verb, `${u.userName} (${u.id})`)
  }).pipe(Effect.provide(Connection.layer(args)))

export const deactivate = (args: Args<{ readonly user: string; readonly allStores: boolean }>) =>
  onUser(args, (users, id) => users.setActive(id, false), "deactivated", { active: false })

export const del = (args: Args<{ readonly user: string; readonly allStores: boolean }>) =>
  onUser(args, (users, id) => users.delete(id), "deleted", { deleted: true })

export const reactivate = (args: Args<{ readonly user: string; readonly allStores: boolean }>) =>
  onUser(args, (users, id) => users.setActive(id, true), "reactivated", { active: true })

export const patch = (
  args: Args<{ readonly user: string; readonly allStores: boolean; readonly operations: string }>
) =>
  Effect.flatMap(
    Input.readOperations(args.operations, "--operations", "users patch"),
    (operations) =>
      Effect.gen(function*() {
        const users = yield* Users.Users
        const u = yield* Lookup.user(args.user, { allStores: args.allStores })
        yield* showUser(yield* users.patch(u.id, operations), args.json)
      }).pipe(Effect.provide(Connection.layer(args)))
  )
