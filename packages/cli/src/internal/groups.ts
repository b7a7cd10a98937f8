import type * as Group from "@asgardeo-scim/directory/Group"
import * as Groups from "@asgardeo-scim/directory/Groups"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Connection from "../Connection.js"
import { Io } from "../Io.js"
import * as Lookup from "../Lookup.js"
import * as Render from "../Render.js"

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
  Effect.gen(function*() {
    const io = yield* Io
    const groups = yield* Groups.Groups
    const all = Chunk.toReadonlyArray(
      yield* Stream.runCollect(groups.stream({ filter: Option.getOrUndefined(args.filter) }))
    )
    if (args.json) return yield* io.out(Render.json(all))
    yield* io.out(
      Render.table(
        ["ID", "NAME", "MEMBERS"],
        all.map((g) => [g.id, g.displayName, String(g.members?.length ?? 0)]),
        io.color
      )
    )
    yield* io.err(Render.styled(`${all.length} group${all.length === 1 ? "" : "s"}`, "dim", io.color))
  }).pipe(Effect.provide(Connection.layer(args)))

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
    const io = yield* Io
    const groups = yield* Groups.Groups
    const group = yield* Lookup.group(args.group, { allStores: args.allStores })
    const user = yield* Lookup.user(args.user, { allStores: args.allStores })
    if (name === "add-member") {
      yield* groups.addMembers(group.id, [{ value: user.id, display: user.userName }])
    } else {
      yield* groups.removeMembers(group.id, [user.id])
    }
    yield* io.out(
      args.json
        ? Render.json({
          group: { id: group.id, displayName: group.displayName },
          user: { id: user.id, userName: user.userName },
          member: name === "add-member"
        })
        : `${Render.styled(name === "add-member" ? "added" : "removed", "ok", io.color)} ${user.userName} ` +
          `${name === "add-member" ? "to" : "from"} ${Lookup.groupName(group)}`
    )
  }).pipe(Effect.provide(Connection.layer(args)))
