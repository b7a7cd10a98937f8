/**
 * The one per-employee step of onboarding, used by `onboardEmployee`, by a batch's single-request
 * lanes and by its Bulk lane for what a Bulk request could not do: ensure the user (create it, or
 * find it, check it is this employee's and reconcile its attributes), give it its role (its role
 * group, or its Asgardeo role: added before the other roles of the mapping are left; one already
 * held is not added again), the department group when asked, and a verification where cheap
 * (see `membership.add`). The mode is the `Placement`'s.
 *
 * A Bulk request hands over what it did (`Known`): the step does the rest, and only the rest.
 *
 * @internal
 */
import * as Patch from "@asgardeo-scim/core/Patch"
import type * as Groups from "@asgardeo-scim/directory/Groups"
import * as User from "@asgardeo-scim/directory/User"
import type * as Users from "@asgardeo-scim/directory/Users"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Employee from "../Employee.js"
import type { OnboardError } from "../HrError.js"
import { EmployeeConflict, Incomplete } from "../HrError.js"
import type { OnboardOptions, OnboardResult } from "../Onboarding.js"
import type * as RoleGroups from "../RoleGroups.js"
import type { Dialect } from "./dialect.js"
import * as Placement from "./placement.js"

/**
 * What is already done for an employee (by a Bulk request): the user exists, and maybe is in its
 * role group.
 *
 * @internal
 */
export interface Known {
  /** The employee, decoded already. */
  readonly employee: Employee.Employee
  readonly user: User.User
  readonly created: boolean
  /** The user was given its role (the Bulk request's group operation succeeded). */
  readonly placed: boolean
}

/** @internal */
export interface Deps {
  readonly users: Users.Service
  readonly groups: Groups.Service
  readonly placement: Placement.Placement
  readonly dialect: Dialect
}

/** @internal */
export type Step = (input: unknown, options?: OnboardOptions, known?: Known) => Effect.Effect<
  OnboardResult,
  OnboardError
>

/** The changes that make an existing user match the employee record. */
const reconcileOps = (user: User.User, employee: Employee.Employee): Array<Patch.PatchOperation> => {
  const ops: Array<Patch.PatchOperation> = []
  if (user.name?.givenName !== employee.firstName) ops.push(Patch.replace("name.givenName", employee.firstName))
  if (user.name?.familyName !== employee.lastName) ops.push(Patch.replace("name.familyName", employee.lastName))
  const enterprise = user[User.EnterpriseUrn]
  if (enterprise?.employeeNumber !== employee.employeeId || enterprise?.department !== employee.department) {
    ops.push(Patch.replaceValue({
      [User.EnterpriseUrn]: { employeeNumber: employee.employeeId, department: employee.department }
    }))
  }
  return ops
}

/** A user holding another employee's number is not ours: left untouched. */
const checkOwner = (user: User.User, employee: Employee.Employee): Effect.Effect<void, EmployeeConflict> => {
  const existing = user[User.EnterpriseUrn]?.employeeNumber
  return existing !== undefined && existing !== "" && existing !== employee.employeeId
    ? Effect.fail(
      new EmployeeConflict({
        employeeId: employee.employeeId,
        userName: user.userName,
        userId: user.id,
        existingEmployeeNumber: existing
      })
    )
    : Effect.void
}

/** A role group that turned out deleted: the role groups are looked up again and the step runs once more. */
const isStale = (error: OnboardError): boolean =>
  error._tag === "NotFound" || (error._tag === "Incomplete" && error.causeTag === "NotFound")

/** @internal */
export const make = (deps: Deps) => {
  const { dialect, groups, placement, users } = deps
  const { membership } = placement
  const { words } = membership

  /** The user to create for an employee: invited to set a password where the server does that. */
  const toNewUser = (employee: Employee.Employee): User.NewUser => ({
    userName: employee.email,
    email: employee.email,
    givenName: employee.firstName,
    familyName: employee.lastName,
    ...(dialect.askPassword ? { askPassword: true } : {}),
    enterprise: { employeeNumber: employee.employeeId, department: employee.department }
  })

  /** Finishes an onboarding once the user exists: owner check, reconcile, role, department group. */
  const complete = (
    employee: Employee.Employee,
    known: Known,
    wanted: RoleGroups.RoleGroup,
    all: ReadonlyArray<RoleGroups.RoleGroup>,
    options: OnboardOptions | undefined
  ): Effect.Effect<OnboardResult, OnboardError> =>
    Effect.gen(function*() {
      const { created, user } = known
      const completed = [created ? `created user ${user.userName}` : `found user ${user.userName}`]
      if (known.placed) completed.push(words.added(wanted.name))
      const incomplete =
        (pending: ReadonlyArray<string>) => (error: { readonly _tag: string; readonly message: string }) =>
          Effect.fail(
            new Incomplete({
              operation: "onboardEmployee",
              userId: user.id,
              userName: user.userName,
              employeeId: employee.employeeId,
              completed,
              pending,
              causeTag: error._tag,
              reason: error.message
            })
          )
      let updated = false
      if (!created) {
        yield* checkOwner(user, employee)
        const ops = reconcileOps(user, employee)
        if (ops.length > 0) {
          yield* users.patch(user.id, ops).pipe(
            Effect.catchAll(incomplete(["update attributes", words.add(wanted.name)]))
          )
          completed.push("updated attributes")
          updated = true
        }
      }
      const placed = known.placed
        ? { added: false, removedFrom: [] }
        : yield* membership.place("onboardEmployee", user, wanted, all, {
          completed,
          employeeId: employee.employeeId,
          created
        }).pipe(
          Effect.catchIf(
            (e): e is Exclude<typeof e, Incomplete> => e._tag !== "Incomplete",
            incomplete([words.add(wanted.name)])
          )
        )
      if (placed.added) completed.push(words.added(wanted.name))
      if (options?.departmentGroup === true) {
        yield* groups.ensureMember(employee.department, { value: user.id, display: user.userName }).pipe(
          Effect.catchAll(incomplete([`add to ${employee.department}`]))
        )
      }
      return {
        employeeId: employee.employeeId,
        userName: user.userName,
        userId: user.id,
        outcome: created
          ? "created"
          : updated || placed.added || placed.removedFrom.length > 0
          ? "updated"
          : "existing",
        role: employee.role
      } satisfies OnboardResult
    })

  /**
   * The step. Invalid input and unknown roles fail before any request. With `known`, the user is
   * not looked for again; a user the step creates is remembered when a deleted role group makes
   * it run again (role groups mode).
   */
  const step: Step = (input, options, known) =>
    Effect.gen(function*() {
      const employee = known?.employee ?? (yield* Employee.decodeEmployee(input))
      yield* placement.check(employee.role)
      const ensured = yield* Ref.make(Option.fromNullable(known))
      return yield* placement.withAll(
        (all) =>
          Effect.gen(function*() {
            const wanted = yield* Placement.find(placement, all, employee.role)
            const prior = yield* Ref.get(ensured)
            const user: Known = Option.isSome(prior)
              ? prior.value
              : { employee, ...(yield* users.ensure(toNewUser(employee))), placed: false }
            yield* Ref.set(ensured, Option.some(user))
            return yield* complete(employee, user, wanted, all, options)
          }),
        { isStale }
      )
    }).pipe(Effect.withSpan("HrDirectory.onboardEmployee"))

  return { step, toNewUser }
}
