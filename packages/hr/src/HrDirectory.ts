/**
 * The HR flow on Asgardeo: role groups, onboarding, role changes, offboarding, and resumable
 * batches. Every operation is safe to re-run:
 *
 * - `onboardEmployee` creates the user as an invitation with the enterprise attributes, then puts
 *   them in their role group. An existing user (409, a lost response, found by userName) is
 *   reconciled, never duplicated; one that belongs to another employee is left untouched.
 * - `changeRole` adds the new role group before removing the old ones: nobody is ever without a
 *   role, and a demotion is never reported done while an old role is still held.
 * - `onboardMany` streams per-employee results with one concurrency bound, using SCIM Bulk within
 *   Asgardeo's limits where it helps, and skips what a previous report says is done. It checks
 *   every scope it can need before its first write (`MissingScopes`), and stops at the first
 *   fatal error (credentials, scopes, permissions) with `BatchAborted`, once the employees in
 *   flight have their result: per-employee errors are results, fatal ones end the batch.
 *
 * This module wires the parts: the role mapping (`RoleMapping`), the role groups' cache
 * (`RoleGroups`, provided by `layer` too), the one per-employee step of onboarding and the batch
 * runner (internal). The models of onboarding live in `Onboarding` and are exported here too.
 *
 * Asgardeo groups grant permissions only once they are assigned to roles in the console.
 *
 * @since 0.1.0
 */
import * as AccessToken from "@asgardeo-scim/core/AccessToken"
import * as Discovery from "@asgardeo-scim/core/Discovery"
import type * as Organizations from "@asgardeo-scim/core/Organizations"
import * as RateLimiter from "@asgardeo-scim/core/RateLimiter"
import * as ScimClient from "@asgardeo-scim/core/ScimClient"
import * as Scopes from "@asgardeo-scim/core/Scopes"
import * as Bulk from "@asgardeo-scim/directory/Bulk"
import type * as Directory from "@asgardeo-scim/directory/Directory"
import type * as Group from "@asgardeo-scim/directory/Group"
import * as Groups from "@asgardeo-scim/directory/Groups"
import type * as AsgardeoRoles from "@asgardeo-scim/directory/Roles"
import * as Users from "@asgardeo-scim/directory/Users"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import type * as Stream from "effect/Stream"
import type * as Employee from "./Employee.js"
import type * as HrError from "./HrError.js"
import { Incomplete, type InvalidRoleMapping, UnknownRole } from "./HrError.js"
import * as Batch from "./internal/batch.js"
import * as Dialect from "./internal/dialect.js"
import * as EmployeeStep from "./internal/employeeStep.js"
import * as Membership from "./internal/membership.js"
import * as Onboarding from "./Onboarding.js"
import * as RoleGroups from "./RoleGroups.js"
import * as RoleMapping from "./RoleMapping.js"

/**
 * A role group as found or created in the directory (`RoleGroups.RoleGroup`).
 *
 * @since 0.1.0
 * @category models
 */
export type RoleGroup = RoleGroups.RoleGroup

/**
 * `Onboarding.OnboardOptions`.
 *
 * @since 0.1.0
 * @category models
 */
export type OnboardOptions = Onboarding.OnboardOptions

/**
 * `Onboarding.OnboardResult`.
 *
 * @since 0.1.0
 * @category models
 */
export type OnboardResult = Onboarding.OnboardResult

/**
 * @since 0.1.0
 * @category models
 */
export interface RoleChange {
  readonly userId: string
  readonly userName: string
  readonly role: string
  /** Whether the user had to be added to the new role group (false: already a member). */
  readonly added: boolean
  /** The role groups the user was removed from. */
  readonly removedFrom: ReadonlyArray<string>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Offboarding {
  readonly userId: string
  readonly userName: string
  readonly removedFrom: ReadonlyArray<string>
  readonly deleted: boolean
}

/**
 * `Onboarding.BatchOptions`.
 *
 * @since 0.1.0
 * @category models
 */
export type BatchOptions = Onboarding.BatchOptions

/**
 * `Onboarding.BatchResult`: one employee's result in a batch, with the batch's progress so far.
 *
 * @since 0.1.0
 * @category models
 */
export type BatchResult = Onboarding.BatchResult

/**
 * `HrError.DirectoryError`.
 *
 * @since 0.1.0
 * @category models
 */
export type DirectoryError = HrError.DirectoryError

/**
 * `HrError.OnboardError`.
 *
 * @since 0.1.0
 * @category models
 */
export type OnboardError = HrError.OnboardError

/**
 * `Onboarding.FatalError`: errors that end a whole batch (credentials, scopes, permissions).
 *
 * @since 0.1.0
 * @category models
 */
export type FatalError = Onboarding.FatalError

/**
 * @since 0.1.0
 * @category guards
 */
export const isFatal: (error: { readonly _tag: string }) => error is FatalError = Onboarding.isFatal

/**
 * `Onboarding.BatchError`: how `onboardMany` can fail.
 *
 * @since 0.2.0
 * @category models
 */
export type BatchError = Onboarding.BatchError

/**
 * The operations a batch sends with single requests: their scopes are checked before its first
 * write, on the Asgardeo target with a token whose scopes are known (not a static bearer token).
 *
 * @since 0.2.0
 * @category constants
 */
export const batchOperations: ReadonlyArray<Scopes.Operation> = Batch.singleOperations

/**
 * The operations of the Bulk lane, checked too when it may run: with `bulk: true` a missing one
 * fails the batch; with `bulk: "auto"` it turns the Bulk lane off (single requests do it all).
 *
 * @since 0.2.0
 * @category constants
 */
export const bulkOperations: ReadonlyArray<Scopes.Operation> = Batch.bulkOperations

/**
 * The scopes a batch can need, deduplicated: what to authorize for `onboardMany`.
 *
 * @since 0.2.0
 * @category getters
 */
export const batchScopes = (options: { readonly bulk: boolean }): ReadonlyArray<Scopes.Scope> =>
  Scopes.forOperations(options.bulk ? [...batchOperations, ...bulkOperations] : batchOperations)

/**
 * The HR service. `Role` is the role names its operations take: any string on the `HrDirectory`
 * tag (an unknown one is `UnknownRole` at run time, before any request), the configured roles'
 * union on the view `typed` returns (an unknown one does not compile). Field names are typed
 * either way. Every input is decoded at run time too: plain JavaScript callers get the same typed
 * errors, and `onboardEmployeeUnknown` / `onboardManyUnknown` take records of unknown shape (CSV,
 * JSON).
 *
 * @since 0.1.0
 * @category models
 */
export interface Service<Role extends string = string> {
  /** The configured roles (the `RoleMapping`'s), in its order. */
  readonly roles: ReadonlyArray<string>
  /** Creates the missing role groups; idempotent and safe under concurrency. */
  readonly ensureRoleGroups: Effect.Effect<ReadonlyArray<RoleGroup>, DirectoryError>
  /**
   * Onboards one employee (safe to re-run). Its contract is the employee's: a failure after the
   * user was created is `Incomplete`, whatever its cause (a 403 included); `onboardMany` is what
   * turns a fatal cause into the end of a batch. The record is decoded first: `InvalidEmployee`
   * or `UnknownRole` before any request.
   */
  readonly onboardEmployee: (
    employee: Employee.Employee<Role>,
    options?: OnboardOptions
  ) => Effect.Effect<OnboardResult, OnboardError>
  /** `onboardEmployee` of a record of unknown shape (parsed JSON, a CSV row), decoded the same way. */
  readonly onboardEmployeeUnknown: (
    input: unknown,
    options?: OnboardOptions
  ) => Effect.Effect<OnboardResult, OnboardError>
  /** Puts a user in a role's group (found or created), without touching other groups. */
  readonly assignRole: (userId: string, role: Role) => Effect.Effect<RoleGroup, DirectoryError | UnknownRole>
  /** The seed's `assign_user_role(user_id, role_group_name)`: any group by name, found or created. */
  readonly assignUserRole: (userId: string, groupName: string) => Effect.Effect<Group.Group, DirectoryError>
  /**
   * Finds a group by name, ignoring case: `PARTNERS/Engineering` only in that user store, a bare
   * name only in the default store (`Groups.findByName`).
   */
  readonly findGroupByName: (name: string) => Effect.Effect<Option.Option<Group.Group>, DirectoryError>
  /** Moves a user to a new role: adds the new role group first, then leaves the others. */
  readonly changeRole: (
    userId: string,
    role: Role
  ) => Effect.Effect<RoleChange, DirectoryError | UnknownRole | Incomplete>
  readonly deactivate: (userId: string) => Effect.Effect<void, DirectoryError>
  readonly reactivate: (userId: string) => Effect.Effect<void, DirectoryError>
  /** Deactivates, removes from every role group, and deletes when asked. */
  readonly offboard: (
    userId: string,
    options?: { readonly delete?: boolean | undefined }
  ) => Effect.Effect<Offboarding, DirectoryError | Incomplete>
  /**
   * Onboards a stream of employees; see `BatchOptions`. Checks every scope it can need before its
   * first write (`MissingScopes`); a fatal error met later (see `isFatal`) stops it: employees in
   * flight finish and get their result, none is started after, then it fails with `BatchAborted`.
   * Each record is decoded when its turn comes: an invalid one is an `invalid` result, not the
   * end of the batch. (`ReadonlyArray` is an `Iterable`: named so that TypeScript points at the
   * faulty element of an array literal.)
   */
  readonly onboardMany: <E = never, R = never>(
    employees:
      | ReadonlyArray<Employee.Employee<Role>>
      | Iterable<Employee.Employee<Role>>
      | Stream.Stream<Employee.Employee<Role>, E, R>,
    options?: BatchOptions
  ) => Stream.Stream<BatchResult, BatchError | E, R>
  /**
   * `onboardMany` of records of unknown shape (CSV rows, parsed JSON): each is decoded the same
   * way, an invalid one reported `invalid` with its index.
   */
  readonly onboardManyUnknown: <E = never, R = never>(
    employees: Iterable<unknown> | Stream.Stream<unknown, E, R>,
    options?: BatchOptions
  ) => Stream.Stream<BatchResult, BatchError | E, R>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class HrDirectory extends Context.Tag("@asgardeo-scim/hr/HrDirectory")<HrDirectory, Service>() {}

/**
 * What the service needs: the directory services (`Directory.layer...`) and a role mapping.
 *
 * @since 0.1.0
 * @category models
 */
export type Requirements =
  | Exclude<Directory.Services, Organizations.Organizations | AsgardeoRoles.Roles>
  | RoleMapping.RoleMapping

/**
 * The service over the requirements and a `RoleGroups` cache (`layer` provides one).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, Requirements | RoleGroups.RoleGroups> = Effect.gen(function*() {
  const users = yield* Users.Users
  const groups = yield* Groups.Groups
  const mapping = yield* RoleMapping.RoleMapping
  const roleGroups = yield* RoleGroups.RoleGroups
  const dialect = Dialect.fromClient(yield* ScimClient.ScimClient)
  const membership = Membership.make(users, groups)
  const { step, toNewUser } = EmployeeStep.make({ users, groups, roleGroups, mapping, dialect, membership })

  const ensureRoleGroups = roleGroups.ensure.pipe(Effect.withSpan("HrDirectory.ensureRoleGroups"))

  /** The role group of `role` among `all`; `UnknownRole` for a role outside the mapping. */
  const roleGroupOf = (all: ReadonlyArray<RoleGroup>, role: string) =>
    Either.flatMap(mapping.groupOf(role), () => {
      const found = all.find((g) => g.role === role)
      return found !== undefined
        ? Either.right(found)
        : Either.left(new UnknownRole({ role, known: mapping.mapping.map((m) => m.role) }))
    })

  const changeRole = (userId: string, role: string) =>
    Effect.gen(function*() {
      yield* mapping.groupOf(role)
      return yield* roleGroups.withGroups((all) =>
        Effect.gen(function*() {
          const wanted = yield* roleGroupOf(all, role)
          const user = yield* users.get(userId)
          const placed = yield* membership.place("changeRole", user, wanted, all, { completed: [] })
          return { userId: user.id, userName: user.userName, role, ...placed } satisfies RoleChange
        })
      )
    }).pipe(Effect.withSpan("HrDirectory.changeRole"))

  const offboard = (userId: string, options?: { readonly delete?: boolean | undefined }) =>
    Effect.gen(function*() {
      const user = yield* users.get(userId)
      yield* users.setActive(user.id, false)
      const completed = ["deactivated"]
      const all = yield* roleGroups.ensure
      const current = yield* membership.roleGroupsOf(user, all)
      const removedFrom: Array<string> = []
      for (const group of current) {
        const removed = yield* Effect.either(groups.removeMembers(group.id, [user.id]))
        if (Either.isLeft(removed)) {
          return yield* Effect.fail(
            new Incomplete({
              operation: "offboard",
              userId: user.id,
              userName: user.userName,
              completed: [...completed, ...removedFrom.map((n) => `removed from ${n}`)],
              pending: [
                ...current.filter((g) => !removedFrom.includes(g.name)).map((g) => `remove from ${g.name}`),
                ...(options?.delete ? ["delete"] : [])
              ],
              causeTag: removed.left._tag,
              reason: removed.left.message
            })
          )
        }
        removedFrom.push(group.name)
      }
      if (options?.delete === true) yield* users.delete(user.id)
      return {
        userId: user.id,
        userName: user.userName,
        removedFrom,
        deleted: options?.delete === true
      } satisfies Offboarding
    }).pipe(Effect.withSpan("HrDirectory.offboard"))

  const onboardMany = Batch.make({
    dialect,
    tokens: yield* AccessToken.AccessToken,
    bulk: yield* Bulk.Bulk,
    discovery: yield* Discovery.Discovery,
    limiter: yield* RateLimiter.RateLimiter,
    mapping,
    roleGroups,
    step,
    toNewUser
  })

  return HrDirectory.of({
    roles: mapping.mapping.map((m) => m.role),
    ensureRoleGroups,
    onboardEmployee: (employee, options) => step(employee, options),
    onboardEmployeeUnknown: (input, options) => step(input, options),
    assignRole: (userId, role) =>
      Effect.gen(function*() {
        yield* mapping.groupOf(role)
        return yield* roleGroups.withGroups((all) =>
          Effect.gen(function*() {
            const wanted = yield* roleGroupOf(all, role)
            yield* groups.addMembers(wanted.id, [userId])
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
  })
})

/**
 * The HR service over the directory services and a role mapping, with the `RoleGroups` cache it
 * uses (provided too, so other code shares it).
 *
 * @example
 * ```ts
 * import { Directory } from "@asgardeo-scim/directory"
 * import { HrDirectory, RoleMapping } from "@asgardeo-scim/hr"
 * import { AsgardeoEmulator } from "@asgardeo-scim/testkit"
 * import { Effect, Layer } from "effect"
 *
 * // Role groups HR-Admins, HR-Managers and Employees (RoleMapping's default), on the emulator;
 * // `Directory.layerConfig()` and an `HttpClient` instead of the emulator for a real organization.
 * const HrTest = HrDirectory.layer.pipe(
 *   Layer.provide(RoleMapping.layer()),
 *   Layer.provideMerge(Directory.layer),
 *   Layer.provideMerge(AsgardeoEmulator.layerTest())
 * )
 *
 * const kim = {
 *   employeeId: "E1001",
 *   email: "kim@example.com",
 *   firstName: "Kim",
 *   lastName: "Lee",
 *   department: "Engineering",
 *   role: "employee"
 * }
 *
 * const program = Effect.gen(function*() {
 *   const hr = yield* HrDirectory.HrDirectory
 *   // An invitation with the enterprise employeeNumber and department, in the Employees group.
 *   const first = yield* hr.onboardEmployee(kim)
 *   assert.strictEqual(first.outcome, "created")
 *   // Safe to re-run: the same user, nothing duplicated.
 *   const again = yield* hr.onboardEmployee(kim)
 *   assert.deepStrictEqual([again.outcome, again.userId], ["existing", first.userId])
 *   // Promotion: joins HR-Managers before leaving Employees.
 *   yield* hr.changeRole(first.userId, "hr_manager")
 * })
 *
 * Effect.runPromise(program.pipe(Effect.provide(HrTest)))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<HrDirectory | RoleGroups.RoleGroups, never, Requirements> = Layer.effect(
  HrDirectory,
  make
).pipe(Layer.provideMerge(RoleGroups.layer))

/**
 * The service typed by its roles: the `HrDirectory` service itself, whose operations then take
 * only the roles of `roles` (`role: "ceo"` does not compile). Give it the mapping the
 * `RoleMapping` layer was given, one whose keys TypeScript knows (an object literal,
 * `RoleMapping.defaultMapping`; a `Record<string, string>` types no role). It checks once, before any request, that every role of `roles`
 * is configured, and fails with `UnknownRole` naming the first one that is not (or with
 * `InvalidRoleMapping` for what is not a mapping, from plain JavaScript). Nothing is cast: the
 * service takes any string, the view only narrows what a caller may pass, and every input is
 * still decoded at run time.
 *
 * @example
 * ```ts
 * import { HrDirectory } from "@asgardeo-scim/hr"
 * import { Effect } from "effect"
 *
 * const roles = { admin: "HR-Admins", engineer: "Engineers" } as const
 * // provided with HrDirectory.layer and RoleMapping.layer(roles)
 * export const promote = (userId: string) =>
 *   Effect.gen(function*() {
 *     const hr = yield* HrDirectory.typed(roles)
 *     yield* hr.changeRole(userId, "engineer") // "ceo" would not compile
 *   })
 * ```
 *
 * @since 0.2.0
 * @category accessors
 */
export const typed = <const Roles extends Readonly<Record<string, string>>>(
  roles: Roles
): Effect.Effect<Service<RoleMapping.RoleOf<Roles>>, UnknownRole | InvalidRoleMapping, HrDirectory> =>
  Effect.gen(function*() {
    const service = yield* HrDirectory
    const wanted = yield* RoleMapping.make(roles)
    const missing = wanted.mapping.find((m) => !service.roles.includes(m.role))
    if (missing !== undefined) return yield* Effect.fail(new UnknownRole({ role: missing.role, known: service.roles }))
    return service
  }).pipe(Effect.withSpan("HrDirectory.typed"))
