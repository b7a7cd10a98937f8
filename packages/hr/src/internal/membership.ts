/**
 * Role-group membership, shared by onboarding and role changes: which role groups a user is in,
 * and the move into one role group (the new group added before the others are left).
 *
 * @internal
 */
import type * as Groups from "@asgardeo-scim/directory/Groups"
import type * as User from "@asgardeo-scim/directory/User"
import type * as Users from "@asgardeo-scim/directory/Users"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type { DirectoryError } from "../HrError.js"
import { Incomplete } from "../HrError.js"
import type { RoleGroup } from "../RoleGroups.js"

/** @internal */
export interface Placed {
  /** Whether the user had to be added to the wanted group (false: already a member). */
  readonly added: boolean
  /** The role groups the user was removed from. */
  readonly removedFrom: ReadonlyArray<string>
}

/** @internal */
export const make = (users: Users.Service, groups: Groups.Service) => {
  /** The role groups the user is in: from `user.groups` when the server returns it, else by reading them. */
  const roleGroupsOf = (
    user: User.User,
    all: ReadonlyArray<RoleGroup>
  ): Effect.Effect<ReadonlyArray<RoleGroup>, DirectoryError> => {
    const member = user.groups
    return member !== undefined
      ? Effect.succeed(all.filter((g) => member.some((m) => m.value === g.id)))
      : Effect.filter(
        all,
        (g) => Effect.map(groups.get(g.id), (group) => (group.members ?? []).some((m) => m.value === user.id)),
        { concurrency: 3 }
      )
  }

  /**
   * Adds the user to `group`. When the add's outcome is unknown (its answer was lost, or a 5xx
   * after the client's retries), verifies where it is cheap: one read of the user, whose groups
   * Asgardeo returns; the add stands when the user is in the group.
   */
  const add = (user: User.User, group: RoleGroup): Effect.Effect<void, DirectoryError> =>
    groups.addMembers(group.id, [{ value: user.id, display: user.userName }]).pipe(
      Effect.catchIf(
        (e) => e._tag === "TransportError" || e._tag === "ServerError",
        (error) =>
          Effect.flatMap(
            Effect.either(users.get(user.id)),
            (read) =>
              Either.isRight(read) && (read.right.groups ?? []).some((m) => m.value === group.id)
                ? Effect.void
                : Effect.fail(error)
          )
      )
    )

  /**
   * Puts the user in `wanted` first, then removes them from the other role groups. Fails with
   * the directory error when the add fails (nothing changed), with `Incomplete` when a removal
   * fails (the user holds the new role and still an old one).
   */
  const place = (
    operation: "onboardEmployee" | "changeRole",
    user: User.User,
    wanted: RoleGroup,
    all: ReadonlyArray<RoleGroup>,
    context: {
      readonly completed: ReadonlyArray<string>
      readonly employeeId?: string | undefined
      /** A user just created is in no group: no need to look. */
      readonly created?: boolean | undefined
    }
  ): Effect.Effect<Placed, DirectoryError | Incomplete> =>
    Effect.gen(function*() {
      const current = context.created === true ? [] : yield* roleGroupsOf(user, all)
      const added = !current.some((g) => g.id === wanted.id)
      if (added) yield* add(user, wanted)
      const done = [...context.completed, ...(added ? [`added to ${wanted.name}`] : [])]
      const removedFrom: Array<string> = []
      const others = current.filter((g) => g.id !== wanted.id)
      for (const old of others) {
        const removed = yield* Effect.either(groups.removeMembers(old.id, [user.id]))
        if (Either.isLeft(removed)) {
          return yield* Effect.fail(
            new Incomplete({
              operation,
              userId: user.id,
              userName: user.userName,
              ...(context.employeeId !== undefined ? { employeeId: context.employeeId } : {}),
              completed: [...done, ...removedFrom.map((n) => `removed from ${n}`)],
              pending: others.filter((g) => !removedFrom.includes(g.name)).map((g) => `remove from ${g.name}`),
              causeTag: removed.left._tag,
              reason: removed.left.message
            })
          )
        }
        removedFrom.push(old.name)
      }
      return { added, removedFrom }
    })

  return { roleGroupsOf, place }
}
