import * as User from "@asgardeo-scim/directory/User"
import * as Users from "@asgardeo-scim/directory/Users"
import * as Chunk from "effect/Chunk"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as Connection from "../Connection.js"
import { Io } from "../Io.js"
import * as Lookup from "../Lookup.js"
import * as Render from "../Render.js"

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
      ...(Option.isSome(password)
        ? { password: Redacted.make(Redacted.value(password.value)) }
        : { askPassword: true })
    })
    yield* showUser(user, args.json)
  }).pipe(Effect.provide(Connection.layer(args)))

export const deactivate = (args: Args<{ readonly user: string; readonly allStores: boolean }>) =>
  Effect.gen(function*() {
    const io = yield* Io
    const users = yield* Users.Users
    const u = yield* Lookup.user(args.user, { allStores: args.allStores })
    yield* users.setActive(u.id, false)
    yield* io.out(
      args.json ?
        Render.json({ id: u.id, userName: u.userName, active: false }) :
        `${Render.styled("deactivated", "ok", io.color)} ${u.userName} (${u.id})`
    )
  }).pipe(Effect.provide(Connection.layer(args)))

export const del = (args: Args<{ readonly user: string; readonly allStores: boolean }>) =>
  Effect.gen(function*() {
    const io = yield* Io
    const users = yield* Users.Users
    const u = yield* Lookup.user(args.user, { allStores: args.allStores })
    yield* users.delete(u.id)
    yield* io.out(
      args.json ?
        Render.json({ id: u.id, userName: u.userName, deleted: true }) :
        `${Render.styled("deleted", "ok", io.color)} ${u.userName} (${u.id})`
    )
  }).pipe(Effect.provide(Connection.layer(args)))
