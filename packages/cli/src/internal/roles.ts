/**
 * The handlers of `asgardeo-scim roles ...`: `--audience` and the arguments are checked before
 * anything is sent (a usage error, exit code 2), then the role, users and groups are looked up
 * (`Lookup`: not found 1, ambiguous 6), then the one change is made through the `Roles` service.
 *
 * @internal
 */
import * as Filter from "@asgardeo-scim/core/Filter"
import type * as Role from "@asgardeo-scim/directory/Role"
import * as Roles from "@asgardeo-scim/directory/Roles"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Connection from "../Connection.js"
import { CliError, describe, Usage } from "../ExitCode.js"
import { Io } from "../Io.js"
import * as Lookup from "../Lookup.js"
import * as Render from "../Render.js"
import * as Output from "./output.js"

type Args<A> = Connection.Flags & { readonly json: boolean } & A

type Audience = { readonly type: "organization" } | { readonly type: "application"; readonly value: string }

const usage = (message: string) => new CliError({ code: Usage, message })

/**
 * The second step of a change failed after the first was made: the error (its exit code and
 * line) with what was already done and what was not, so a re-run is not a guess.
 */
const afterFirstStep = (done: string, notDone: string) => (error: unknown): CliError => {
  const { code, message } = describe(error)
  return new CliError({ code, message: `${message} (already done: ${done}; not done: ${notDone})` })
}

/** `step`, its error told as {@link afterFirstStep} when a first step was made (`done` not empty). */
const secondStep = <A, E, R>(
  step: Effect.Effect<A, E, R>,
  done: ReadonlyArray<string>,
  verb: string,
  notDone: string
): Effect.Effect<A, E | CliError, R> =>
  done.length === 0 ? step : Effect.mapError(step, afterFirstStep(`${done.join(", ")} ${verb}`, notDone))

/**
 * `--audience`: `organization`, or `application:<application id>` (either word in any case; the
 * id without white space).
 *
 * @internal
 */
export const parseAudience = (text: Option.Option<string>): Either.Either<Option.Option<Audience>, CliError> => {
  if (Option.isNone(text)) return Either.right(Option.none())
  const value = text.value.trim()
  if (value.toLowerCase() === "organization") return Either.right(Option.some({ type: "organization" }))
  // An application id has no white space (a name is not an id: it would match no role).
  const m = /^application:\s*(\S+)$/i.exec(value)
  if (m !== null) return Either.right(Option.some({ type: "application", value: m[1]! }))
  return Either.left(
    usage(
      `--audience ${JSON.stringify(value)}: expected organization or application:<application id> ` +
        "(e.g. application:3645709f-ea8d-5595-7690-e1fa0efe3df9)"
    )
  )
}

/** How a role's audience is written: as `--audience` takes it. */
const audienceOf = (role: Role.Role): string =>
  role.audience === undefined
    ? ""
    : role.audience.type === "application"
    ? `application:${role.audience.value}`
    : role.audience.type

const values = (list: ReadonlyArray<{ readonly value: string; readonly display?: string | undefined }> | undefined) =>
  (list ?? []).map((m) => m.display ?? m.value)

const showRole = (role: Role.Role, asJson: boolean) =>
  Effect.flatMap(Io, (io) =>
    io.out(
      asJson ? Render.json(role) : Render.fields([
        ["id", role.id],
        ["name", role.displayName],
        ["audience", audienceOf(role)],
        ["audience name", role.audience?.display ?? ""],
        ["permissions", (role.permissions ?? []).map((p) => p.value).join(", ")],
        ...(role.users === undefined ? [] : [["users", values(role.users).join(", ")] as const]),
        ...(role.groups === undefined ? [] : [["groups", values(role.groups).join(", ")] as const])
      ], io.color)
    ))

/** Checks the arguments first (nothing is sent when they are wrong), then runs `program` connected. */
const connected = <C, A, E, R>(
  args: Connection.Flags,
  check: Either.Either<C, CliError>,
  program: (checked: C) => Effect.Effect<A, E, R>
) =>
  Either.match(check, {
    onLeft: (error) => Effect.fail(error),
    onRight: (checked) => program(checked).pipe(Effect.provide(Connection.layer(args)))
  })

const findOptions = (audience: Option.Option<Audience>): Roles.FindOptions =>
  Option.match(audience, { onNone: () => ({}), onSome: (a) => ({ audience: a }) })

export const list = (
  args: Args<{ readonly filter: Option.Option<string>; readonly audience: Option.Option<string> }>
) =>
  connected(
    args,
    Either.flatMap(parseAudience(args.audience), (audience) => {
      const parts = [
        ...Option.toArray(args.filter).map((text) => Filter.parse(text)),
        ...Option.toArray(audience).flatMap((a) =>
          a.type === "organization"
            ? [Either.right(Filter.eq("audience.type", "organization"))]
            : [
              Either.right(Filter.eq("audience.type", "application")),
              Either.right(Filter.eq("audience.value", a.value))
            ]
        )
      ]
      return Either.map(
        Either.all(parts),
        (filters): Filter.Filter | undefined =>
          filters.length === 0 ? undefined : Filter.combine(filters as [Filter.Filter, ...Array<Filter.Filter>])
      ).pipe(Either.mapLeft((error) => usage(`--filter: ${error.message}`)))
    }),
    (filter) =>
      Effect.flatMap(Roles.Roles, (roles) => Output.collect(roles.stream({ filter }))).pipe(
        Effect.flatMap((all) =>
          Output.listing(all, args.json, "role", (color) =>
            Render.table(
              ["ID", "NAME", "AUDIENCE", "AUDIENCE NAME"],
              all.map((r) => [r.id, r.displayName, audienceOf(r), r.audience?.display ?? ""]),
              color
            ))
        )
      )
  )

export const create = (
  args: Args<
    { readonly name: string; readonly audience: Option.Option<string>; readonly permission: ReadonlyArray<string> }
  >
) =>
  connected(args, parseAudience(args.audience), (audience) =>
    Effect.gen(function*() {
      const roles = yield* Roles.Roles
      const role = yield* roles.create({
        displayName: args.name,
        // No audience, or organization: the organization's own roles (Asgardeo's default).
        ...(Option.isSome(audience) && audience.value.type === "application" ? { audience: audience.value } : {}),
        ...(args.permission.length > 0 ? { permissions: args.permission } : {})
      })
      // The create answer leaves the permissions out: they are the ones sent.
      const permissions = role.permissions ?? args.permission.map((value) => ({ value }))
      yield* showRole({ ...role, permissions }, args.json)
    }))

export const assignment = (
  name: "assign" | "unassign",
  args: Args<{
    readonly role: string
    readonly users: ReadonlyArray<string>
    readonly group: ReadonlyArray<string>
    readonly audience: Option.Option<string>
    readonly allStores: boolean
  }>
) =>
  connected(
    args,
    args.users.length === 0 && args.group.length === 0
      ? Either.left(usage(`roles ${name}: name at least one user, or a group with --group`))
      : [...args.users, ...args.group].some((ref) => ref.trim() === "")
      // Else the role is looked up before the empty name is refused.
      ? Either.left(usage(`roles ${name}: a user or group is empty`))
      : parseAudience(args.audience),
    (audience) =>
      Effect.gen(function*() {
        const roles = yield* Roles.Roles
        const role = yield* Lookup.role(args.role, findOptions(audience))
        // Everyone is looked up before the first change: a name not found changes nothing.
        const users = yield* Effect.forEach(args.users, (u) => Lookup.user(u, { allStores: args.allStores }))
        const groups = yield* Effect.forEach(args.group, (g) => Lookup.group(g, { allStores: args.allStores }))
        const assign = name === "assign"
        if (users.length > 0) {
          yield* (assign ? roles.assignUsers : roles.unassignUsers)(role.id, users.map((u) => u.id))
        }
        if (groups.length > 0) {
          yield* secondStep(
            (assign ? roles.assignGroups : roles.unassignGroups)(role.id, groups.map((g) => g.id)),
            users.map((u) => u.userName),
            `${name}ed`,
            `the groups ${groups.map((g) => Lookup.groupName(g)).join(", ")}`
          )
        }
        const names = [...users.map((u) => u.userName), ...groups.map((g) => Lookup.groupName(g))]
        yield* Output.done(
          args.json,
          {
            role: { id: role.id, displayName: role.displayName, audience: role.audience },
            users: users.map((u) => ({ id: u.id, userName: u.userName })),
            groups: groups.map((g) => ({ id: g.id, displayName: g.displayName })),
            assigned: assign
          },
          assign ? "assigned" : "unassigned",
          `${names.join(", ")} ${assign ? "to" : "from"} ${role.displayName} (${audienceOf(role)})`
        )
      })
  )

/** `--set` is the whole set: with `--add` or `--remove` it would be two answers to one question. */
const checkPermissionFlags = (
  args: {
    readonly add: ReadonlyArray<string>
    readonly remove: ReadonlyArray<string>
    readonly set: ReadonlyArray<string>
  }
): Either.Either<void, CliError> => {
  if (args.set.length > 0 && (args.add.length > 0 || args.remove.length > 0)) {
    return Either.left(usage("roles permissions: --set replaces the whole set; leave --add and --remove out"))
  }
  const both = args.add.filter((p) => args.remove.includes(p))
  return both.length > 0
    ? Either.left(usage(`roles permissions: ${both.join(", ")} is both added and removed`))
    : Either.void
}

export const permissions = (
  args: Args<{
    readonly role: string
    readonly audience: Option.Option<string>
    readonly add: ReadonlyArray<string>
    readonly remove: ReadonlyArray<string>
    readonly set: ReadonlyArray<string>
  }>
) =>
  connected(
    args,
    Either.flatMap(checkPermissionFlags(args), () => parseAudience(args.audience)),
    (audience) =>
      Effect.gen(function*() {
        const io = yield* Io
        const roles = yield* Roles.Roles
        const found = yield* Lookup.role(args.role, findOptions(audience))
        const before = (yield* roles.get(found.id)).permissions ?? []
        if (args.set.length > 0) {
          yield* roles.setPermissions(found.id, args.set)
        } else {
          yield* roles.addPermissions(found.id, args.add)
          yield* secondStep(
            roles.removePermissions(found.id, args.remove),
            args.add,
            "added",
            `removing ${args.remove.join(", ")}`
          )
        }
        const changed = args.set.length > 0 || args.add.length > 0 || args.remove.length > 0
        const role = changed ? yield* roles.get(found.id) : { ...found, permissions: before }
        const after = (role.permissions ?? []).map((p) => p.value)
        const was = before.map((p) => p.value)
        const added = after.filter((p) => !was.includes(p))
        const removed = was.filter((p) => !after.includes(p))
        if (args.json) {
          return yield* io.out(Render.json({
            id: role.id,
            displayName: role.displayName,
            audience: role.audience,
            permissions: after,
            added,
            removed
          }))
        }
        yield* io.out(
          after.length === 0
            ? `${role.displayName} (${audienceOf(role)}) has no permissions`
            : Render.table(
              ["PERMISSION", "DISPLAY"],
              (role.permissions ?? []).map((p) => [p.value, p.display ?? ""]),
              io.color
            )
        )
        if (changed) {
          yield* io.err(Render.styled(
            `${added.length} added${added.length > 0 ? ` (${added.join(", ")})` : ""}, ` +
              `${removed.length} removed${removed.length > 0 ? ` (${removed.join(", ")})` : ""}`,
            "dim",
            io.colorErr
          ))
        }
      })
  )
