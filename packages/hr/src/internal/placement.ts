/**
 * Where an HR role lives, the one thing the HR operations ask of their mode: role groups (the
 * default: `RoleMapping` and the `RoleGroups` cache) or Asgardeo roles (`AsgardeoRoles`, found when
 * the layer was built). Both answer the roles as `RoleGroup`s (role, name, id, displayName) and
 * hold them through a `Membership`; the per-employee step, role changes, offboarding and batches
 * are written once over this.
 *
 * @internal
 */
import type * as DirectoryRoles from "@asgardeo-scim/directory/Roles"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Predicate from "effect/Predicate"
import * as Ref from "effect/Ref"
import type * as AsgardeoRoles from "../AsgardeoRoles.js"
import type { DirectoryError } from "../HrError.js"
import { UnknownRole } from "../HrError.js"
import type { RoleGroup } from "../RoleGroups.js"
import type * as RoleGroups from "../RoleGroups.js"
import type * as RoleMapping from "../RoleMapping.js"
import type { Membership } from "./membership.js"

/** @internal */
export interface Placement {
  /** The configured HR roles, in the mapping's order. */
  readonly roles: ReadonlyArray<string>
  /** `UnknownRole` for a role outside the mapping, before any request. */
  readonly check: (role: string) => Either.Either<unknown, UnknownRole>
  /** Every role's group or Asgardeo role: found or created once (groups), found at build (roles). */
  readonly all: Effect.Effect<ReadonlyArray<RoleGroup>, DirectoryError>
  /**
   * Runs `f` with every role's target. Role groups: when `f` fails with an error that says a
   * cached group is gone (`isStale`), the groups are looked up again and `f` runs once more.
   */
  readonly withAll: <A, E, R>(
    f: (all: ReadonlyArray<RoleGroup>) => Effect.Effect<A, E, R>,
    options?: { readonly isStale?: ((error: E) => boolean) | undefined }
  ) => Effect.Effect<A, E | DirectoryError, R>
  readonly membership: Membership
  /** Roles mode: the Roles API in use (the batch's scopes depend on it); groups: `undefined`. */
  readonly rolesApi: DirectoryRoles.Version | undefined
}

const isNotFound = (error: unknown): boolean => Predicate.isTagged(error, "NotFound")

/** The target of `role` among `all`, `UnknownRole` when there is none. @internal */
export const find = (
  placement: Placement,
  all: ReadonlyArray<RoleGroup>,
  role: string
): Either.Either<RoleGroup, UnknownRole> => {
  const found = all.find((t) => t.role === role)
  return found !== undefined ? Either.right(found) : Either.left(new UnknownRole({ role, known: placement.roles }))
}

/** Role groups: the default mode. @internal */
export const groups = (
  mapping: RoleMapping.Service,
  roleGroups: RoleGroups.Service,
  membership: Membership
): Placement => ({
  roles: mapping.mapping.map((m) => m.role),
  check: mapping.groupOf,
  all: roleGroups.ensure,
  withAll: roleGroups.withGroups,
  membership,
  rolesApi: undefined
})

/**
 * Asgardeo roles, as found when the layer was built. When `f` fails with an error that says a
 * mapped role is gone (`isStale`), the roles are looked up again (a role recreated under its name
 * has a new id) and `f` runs once more; a role that is gone fails with `MissingRole`.
 *
 * @internal
 */
export const roles = (mapped: AsgardeoRoles.Service, membership: Membership): Effect.Effect<Placement> =>
  Effect.map(Ref.make(mapped.roles), (current): Placement => ({
    roles: mapped.roles.map((m) => m.role),
    check: mapped.roleOf,
    all: Ref.get(current),
    withAll: <A, E, R>(
      f: (all: ReadonlyArray<RoleGroup>) => Effect.Effect<A, E, R>,
      options?: { readonly isStale?: ((error: E) => boolean) | undefined }
    ): Effect.Effect<A, E | DirectoryError, R> =>
      Effect.flatMap(Ref.get(current), (all) =>
        Effect.catchIf(
          f(all),
          // As role groups: by default a `NotFound` says a mapped role is gone.
          (error) => (options?.isStale ?? isNotFound)(error),
          () =>
            Effect.flatMap(
              Effect.tap(mapped.relookup, (fresh) => Ref.set(current, fresh)),
              (fresh) => f(fresh)
            )
        )),
    membership,
    rolesApi: mapped.version
  }))
