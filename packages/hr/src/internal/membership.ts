/**
 * Holding a role, shared by onboarding, role changes and offboarding, in both modes: role groups
 * (a user is a member of the role's group) and Asgardeo roles (a user is assigned the role).
 * Which roles a user holds, adding one (verified where its outcome is unknown), the move into one
 * role (the new one added before the others are left), and leaving roles. Only the primitives
 * differ between the modes; the order and the `Incomplete` reports are written once here.
 *
 * @internal
 */
import type * as Groups from "@asgardeo-scim/directory/Groups"
import type * as DirectoryRoles from "@asgardeo-scim/directory/Roles"
import type * as User from "@asgardeo-scim/directory/User"
import type * as Users from "@asgardeo-scim/directory/Users"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type { DirectoryError } from "../HrError.js"
import { Incomplete } from "../HrError.js"
import type { RoleGroup } from "../RoleGroups.js"

/** @internal */
export interface Placed {
  /** Whether the user had to be given the wanted role (false: already held). */
  readonly added: boolean
  /** The roles (role groups, or Asgardeo roles) the user left, by name. */
  readonly removedFrom: ReadonlyArray<string>
}

/** How the steps are told in `Incomplete`'s `completed` and `pending`. @internal */
export interface Words {
  readonly add: (name: string) => string
  readonly added: (name: string) => string
  readonly remove: (name: string) => string
  readonly removed: (name: string) => string
}

/** A user to give a role: its id, and its userName when known (a group member's `display`). */
type Who = { readonly id: string; readonly userName?: string | undefined }

/** What differs between the modes. */
interface Primitives {
  readonly words: Words
  /** The roles among `all` the user holds. */
  readonly held: (
    user: User.User,
    all: ReadonlyArray<RoleGroup>
  ) => Effect.Effect<ReadonlyArray<RoleGroup>, DirectoryError>
  readonly add: (user: Who, target: RoleGroup) => Effect.Effect<void, DirectoryError>
  /** Whether the user holds `target`, read from the server (the check after an add of unknown outcome). */
  readonly holds: (user: Who, target: RoleGroup) => Effect.Effect<boolean, DirectoryError>
  readonly remove: (user: User.User, target: RoleGroup) => Effect.Effect<void, DirectoryError>
}

/** @internal */
export interface Membership {
  readonly words: Words
  readonly held: Primitives["held"]
  /**
   * Gives the user `target`. When the add's outcome is unknown (its answer was lost, or a 5xx
   * after the client's retries), verifies with one read; the add stands when the user holds it.
   */
  readonly add: (user: Who, target: RoleGroup) => Effect.Effect<void, DirectoryError>
  /**
   * Takes `targets` from the user, in order; answers the names left. A failure is `Incomplete`
   * (what was done: `completed` and the removals; what was not: the other removals and `pendingAfter`).
   */
  readonly leave: (
    operation: Incomplete["operation"],
    user: User.User,
    targets: ReadonlyArray<RoleGroup>,
    context: {
      readonly completed: ReadonlyArray<string>
      readonly pendingAfter?: ReadonlyArray<string> | undefined
      readonly employeeId?: string | undefined
    }
  ) => Effect.Effect<ReadonlyArray<string>, Incomplete>
  /**
   * Gives the user `wanted` first, then takes the other roles of `all`. Fails with the directory
   * error when the add fails (nothing changed), with `Incomplete` when a removal fails (the user
   * holds the new role and still an old one).
   */
  readonly place: (
    operation: "onboardEmployee" | "changeRole",
    user: User.User,
    wanted: RoleGroup,
    all: ReadonlyArray<RoleGroup>,
    context: {
      readonly completed: ReadonlyArray<string>
      readonly employeeId?: string | undefined
      /** A user just created holds no role: no need to look. */
      readonly created?: boolean | undefined
    }
  ) => Effect.Effect<Placed, DirectoryError | Incomplete>
}

const sameId = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase()

const phrases = (add: string, added: string, remove: string, removed: string): Words => ({
  add: (name) => `${add} ${name}`,
  added: (name) => `${added} ${name}`,
  remove: (name) => `${remove} ${name}`,
  removed: (name) => `${removed} ${name}`
})

const build = (p: Primitives): Membership => {
  const add = (user: Who, target: RoleGroup): Effect.Effect<void, DirectoryError> =>
    p.add(user, target).pipe(
      Effect.catchIf(
        (e) => e._tag === "TransportError" || e._tag === "ServerError",
        (error) =>
          Effect.flatMap(
            Effect.either(p.holds(user, target)),
            (read) => (Either.isRight(read) && read.right ? Effect.void : Effect.fail(error))
          )
      )
    )

  const leave: Membership["leave"] = (operation, user, targets, context) =>
    Effect.gen(function*() {
      const removedFrom: Array<string> = []
      for (const target of targets) {
        const removed = yield* Effect.either(p.remove(user, target))
        if (Either.isLeft(removed)) {
          return yield* Effect.fail(
            new Incomplete({
              operation,
              userId: user.id,
              userName: user.userName,
              ...(context.employeeId !== undefined ? { employeeId: context.employeeId } : {}),
              completed: [...context.completed, ...removedFrom.map(p.words.removed)],
              pending: [
                ...targets.filter((t) => !removedFrom.includes(t.name)).map((t) => p.words.remove(t.name)),
                ...(context.pendingAfter ?? [])
              ],
              causeTag: removed.left._tag,
              reason: removed.left.message
            })
          )
        }
        removedFrom.push(target.name)
      }
      return removedFrom
    })

  const place: Membership["place"] = (operation, user, wanted, all, context) =>
    Effect.gen(function*() {
      const current = context.created === true ? [] : yield* p.held(user, all)
      const added = !current.some((t) => sameId(t.id, wanted.id))
      if (added) yield* add(user, wanted)
      const removedFrom = yield* leave(operation, user, current.filter((t) => !sameId(t.id, wanted.id)), {
        completed: [...context.completed, ...(added ? [p.words.added(wanted.name)] : [])],
        employeeId: context.employeeId
      })
      return { added, removedFrom }
    })

  return { words: p.words, held: p.held, add, leave, place }
}

/** Role groups: membership of the role's group. @internal */
export const groups = (users: Users.Service, groups: Groups.Service): Membership => {
  /** The groups the user is in: from `user.groups` when the server returns it, else by reading them. */
  const held: Primitives["held"] = (user, all) => {
    const member = user.groups
    return member !== undefined
      ? Effect.succeed(all.filter((g) => member.some((m) => m.value === g.id)))
      : Effect.filter(
        all,
        (g) => Effect.map(groups.get(g.id), (group) => (group.members ?? []).some((m) => m.value === user.id)),
        { concurrency: 3 }
      )
  }
  return build({
    words: phrases("add to", "added to", "remove from", "removed from"),
    held,
    // A bare id is looked up by `addMembers` for its userName.
    add: (user, group) =>
      groups.addMembers(group.id, [user.userName === undefined ? user.id : { value: user.id, display: user.userName }]),
    // One read of the user, whose groups Asgardeo returns.
    holds: (user, group) =>
      Effect.map(users.get(user.id), (read) => (read.groups ?? []).some((m) => m.value === group.id)),
    remove: (user, group) => groups.removeMembers(group.id, [user.id])
  })
}

/**
 * Asgardeo roles: the user's direct assignment to the role (`Roles.assignUsers`, which takes an
 * assignment already there as done). Which roles a user holds comes from the user's `roles` when
 * the server returned it, else from `Roles.ofUser` (one read).
 *
 * @internal
 */
export const roles = (roles: DirectoryRoles.Service): Membership => {
  const idsOf = (user: User.User): Effect.Effect<ReadonlyArray<string>, DirectoryError> =>
    user.roles !== undefined
      ? Effect.succeed(user.roles.flatMap((r) => (r.value === undefined ? [] : [r.value])))
      : Effect.map(roles.ofUser(user.id), (assigned) => assigned.map((a) => a.id))
  return build({
    words: phrases("assign role", "assigned role", "unassign role", "unassigned role"),
    held: (user, all) => Effect.map(idsOf(user), (ids) => all.filter((t) => ids.some((id) => sameId(id, t.id)))),
    add: (user, role) => roles.assignUsers(role.id, [user.id]),
    holds: (user, role) => Effect.map(roles.ofUser(user.id), (assigned) => assigned.some((a) => sameId(a.id, role.id))),
    remove: (user, role) => roles.unassignUsers(role.id, [user.id])
  })
}
