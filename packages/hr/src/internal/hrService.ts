/**
 * The `HrDirectory` service over its mode (`Placement`: role groups or Asgardeo roles): written
 * once for both. Role changes add the new role before the old ones are left; offboarding
 * deactivates, leaves every role of the mapping the user holds, then deletes when asked.
 *
 * @internal
 */
import type * as AccessToken from "@asgardeo-scim/core/AccessToken"
import type * as Discovery from "@asgardeo-scim/core/Discovery"
import type * as RateLimiter from "@asgardeo-scim/core/RateLimiter"
import * as ScimError from "@asgardeo-scim/core/ScimError"
import type * as Bulk from "@asgardeo-scim/directory/Bulk"
import type * as Groups from "@asgardeo-scim/directory/Groups"
import type * as Users from "@asgardeo-scim/directory/Users"
import * as Effect from "effect/Effect"
import type { Offboarding, RoleChange, Service } from "../HrDirectory.js"
import * as Batch from "./batch.js"
import type { Dialect } from "./dialect.js"
import * as EmployeeStep from "./employeeStep.js"
import * as Placement from "./placement.js"

/** @internal */
export interface Deps {
  readonly users: Users.Service
  readonly groups: Groups.Service
  readonly dialect: Dialect
  readonly placement: Placement.Placement
  readonly tokens: AccessToken.Service
  readonly bulk: Bulk.Service
  readonly discovery: Discovery.Service
  readonly limiter: RateLimiter.Service
}

/** @internal */
export const make = (deps: Deps): Service => {
  const { dialect, groups, placement, users } = deps
  const { membership } = placement
  const { step, toNewUser } = EmployeeStep.make({ users, groups, placement, dialect })

  const changeRole = (userId: string, role: string) =>
    Effect.gen(function*() {
      yield* placement.check(role)
      return yield* placement.withAll((all) =>
        Effect.gen(function*() {
          const wanted = yield* Placement.find(placement, all, role)
          const user = yield* users.get(userId)
          const placed = yield* membership.place("changeRole", user, wanted, all, { completed: [] })
          return { userId: user.id, userName: user.userName, role, ...placed } satisfies RoleChange
        })
      )
    }).pipe(Effect.withSpan("HrDirectory.changeRole"))

  const offboard = (userId: string, options?: { readonly delete?: boolean | undefined }) =>
    Effect.gen(function*() {
      // A plain-JavaScript caller's `{ delete: "yes" }` would be neither a delete nor a refusal.
      const given: unknown = options
      const remove: unknown = typeof given === "object" && given !== null
        ? (given as Record<string, unknown>).delete
        : undefined
      if (
        (given !== undefined && (typeof given !== "object" || given === null || Array.isArray(given))) ||
        (remove !== undefined && typeof remove !== "boolean")
      ) {
        return yield* Effect.fail(
          new ScimError.InvalidInput({
            operation: "HrDirectory.offboard",
            field: "options",
            reason: "the options must be { delete?: boolean }"
          })
        )
      }
      const user = yield* users.get(userId)
      yield* users.setActive(user.id, false)
      const all = yield* placement.all
      const current = yield* membership.held(user, all)
      const removedFrom = yield* membership.leave("offboard", user, current, {
        completed: ["deactivated"],
        pendingAfter: options?.delete ? ["delete"] : []
      })
      if (options?.delete === true) yield* users.delete(user.id)
      return {
        userId: user.id,
        userName: user.userName,
        removedFrom,
        deleted: options?.delete === true
      } satisfies Offboarding
    }).pipe(Effect.withSpan("HrDirectory.offboard"))

  const onboardMany = Batch.make({ ...deps, step, toNewUser })

  return {
    roles: placement.roles,
    ensureRoleGroups: placement.all.pipe(Effect.withSpan("HrDirectory.ensureRoleGroups")),
    onboardEmployee: (employee, options) => step(employee, options),
    onboardEmployeeUnknown: (input, options) => step(input, options),
    assignRole: (userId, role) =>
      Effect.gen(function*() {
        yield* placement.check(role)
        return yield* placement.withAll((all) =>
          Effect.gen(function*() {
            const wanted = yield* Placement.find(placement, all, role)
            yield* membership.add({ id: userId }, wanted)
            return wanted
          })
        )
      }).pipe(Effect.withSpan("HrDirectory.assignRole")),
    assignUserRole: (userId, groupName) =>
      Effect.map(groups.ensureMember(groupName, userId), (r) => r.group).pipe(
        Effect.withSpan("HrDirectory.assignUserRole")
      ),
    findGroupByName: (name) => groups.findByName(name),
    changeRole,
    deactivate: (userId) => users.setActive(userId, false).pipe(Effect.withSpan("HrDirectory.deactivate")),
    reactivate: (userId) => users.setActive(userId, true).pipe(Effect.withSpan("HrDirectory.reactivate")),
    offboard,
    onboardMany,
    onboardManyUnknown: onboardMany
  }
}
