import * as Group from "@asgardeo-scim/directory/Group"
import * as Groups from "@asgardeo-scim/directory/Groups"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Connection from "../Connection.js"
import { Io } from "../Io.js"
import * as Lookup from "../Lookup.js"
import * as Render from "../Render.js"
import * as Output from "./output.js"

type Args<A> = Connection.Flags & { readonly json: boolean } & A

const showGroup = (g: Group.Group, asJson: boolean) =>
  Effect.flatMap(Io, (io) =>
    io.out(
      asJson ? Render.json(g) : [
        Render.fields([["id", g.id], ["name", g.displayName], ["members", String(g.members?.length ?? 0)]], io.color),
        ...(g.members !== undefined && g.members.length > 0
          ? ["", Render.table(["MEMBER ID", "USERNAME"], g.members.map((m) => [m.value, m.display ?? ""]), io.color)]
          : [])
      ].join("\n")
    ))

export const list = (args: Args<{ readonly filter: Option.Option<string> }>) =>
  Effect.flatMap(
    Groups.Groups,
    (groups) => Output.collect(groups.stream({ filter: Option.getOrUndefined(args.filter) }))
  ).pipe(
    Effect.flatMap((all) =>
      Output.listing(all, args.json, "group", (color) =>
        Render.table(
          ["ID", "NAME", "MEMBERS"],
          all.map((g) => [g.id, g.displayName, String(g.members?.length ?? 0)]),
          color
        ))
    ),
    Effect.provide(Connection.layer(args))
  )

export const get = (args: Args<{ readonly group: string; readonly allStores: boolean }>) =>
  Lookup.group(args.group, { allStores: args.allStores }).pipe(
    Effect.flatMap((g) => showGroup(g, args.json)),
    Effect.provide(Connection.layer(args))
  )

export const create = (args: Args<{ readonly name: string }>) =>
  Effect.flatMap(Groups.Groups, (groups) => groups.create({ displayName: args.name })).pipe(
    Effect.flatMap((g) => showGroup(g, args.json)),
    Effect.provide(Connection.layer(args))
  )

export const membership = (
  name: "add-member" | "remove-member",
  args: Args<{ readonly group: string; readonly user: string; readonly allStores: boolean }>
) =>
  Effect.gen(function*() {
    const groups = yield* Groups.Groups
    const group = yield* Lookup.group(args.group, { allStores: args.allStores })
    const user = yield* Lookup.user(args.user, { allStores: args.allStores })
    // Adding a member twice is no error; the second time says so instead of "added" again.
    const already = name === "add-member" && Group.hasMember(group, user.id)
    if (!already) {
      yield* name === "add-member"
        ? groups.addMembers(group.id, [{ value: user.id, display: user.userName }])
        : groups.removeMembers(group.id, [user.id])
    }
    yield* Output.done(
      args.json,
      {
        group: { id: group.id, displayName: group.displayName },
        user: { id: user.id, userName: user.userName },
        member: name === "add-member",
        ...(name === "add-member" ? { alreadyMember: already } : {})
      },
      already ? "already a member:" : name === "add-member" ? "added" : "removed",
      `${user.userName} ${already ? "in" : name === "add-member" ? "to" : "from"} ${Lookup.groupName(group)}`
    )
  }).pipe(Effect.provide(Connection.layer(args)))

/** Finds the group, runs `act` on it, and prints `verb` (or the JSON with `fields`). */
const onGroup = <E, R>(
  args: Args<{ readonly group: string; readonly allStores: boolean }>,
  act: (groups: Groups.Service, group: Group.Group) => Effect.Effect<unknown, E, R>,
  verb: string,
  fields: Readonly<Record<string, unknown>>,
  text: (group: Group.Group) => string
) =>
  Effect.gen(function*() {
    const groups = yield* Groups.Groups
    const group = yield* Lookup.group(args.group, { allStores: args.allStores })
    yield* act(groups, group)
    yield* Output.done(args.json, { id: group.id, displayName: group.displayName, ...fields }, verb, text(group))
  }).pipe(Effect.provide(Connection.layer(args)))

export const del = (args: Args<{ readonly group: string; readonly allStores: boolean }>) =>
  onGroup(
    args,
    (groups, g) => groups.delete(g.id),
    "deleted",
    { deleted: true },
    (g) => `${Lookup.groupName(g)} (${g.id})`
  )

export const rename = (args: Args<{ readonly group: string; readonly allStores: boolean; readonly name: string }>) =>
  onGroup(
    args,
    (groups, g) => groups.rename(g.id, args.name),
    "renamed",
    { newDisplayName: args.name },
    (g) => `${Lookup.groupName(g)} to ${args.name} (${g.id})`
  )
