/**
 * The HR flow on Asgardeo: role groups, onboarding, role changes, offboarding, and resumable
 * batches. Every operation is safe to re-run:
 *
 * - `onboardEmployee` creates the user as an invitation with the enterprise attributes, then puts
 *   them in their role group. An existing user (409, a lost response, found by userName) is
 *   reconciled, never duplicated; one that belongs to another employee is left untouched.
 * - `changeRole` adds the new role group before removing the old ones: nobody is ever without a
 *   role, and a demotion is never reported done while an old role is still held.
 * - `onboardMany` streams per-employee results with bounded concurrency, using SCIM Bulk within
 *   Asgardeo's limits where it helps, and skips what a previous report says is done. It checks
 *   every scope it can need before its first write (`MissingScopes`), and stops at the first
 *   fatal error (credentials, scopes, permissions) with `BatchAborted`, once the employees in
 *   flight have their result: per-employee errors are results, fatal ones end the batch.
 *
 * Asgardeo groups grant permissions only once they are assigned to roles in the console.
 *
 * @since 0.1.0
 */
import * as AccessToken from "@asgardeo-scim/core/AccessToken"
import * as Discovery from "@asgardeo-scim/core/Discovery"
import * as Patch from "@asgardeo-scim/core/Patch"
import * as RateLimiter from "@asgardeo-scim/core/RateLimiter"
import * as ScimClient from "@asgardeo-scim/core/ScimClient"
import type * as ScimError from "@asgardeo-scim/core/ScimError"
import * as Scopes from "@asgardeo-scim/core/Scopes"
import * as Bulk from "@asgardeo-scim/directory/Bulk"
import type * as Group from "@asgardeo-scim/directory/Group"
import * as Groups from "@asgardeo-scim/directory/Groups"
import * as User from "@asgardeo-scim/directory/User"
import * as Users from "@asgardeo-scim/directory/Users"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Stream from "effect/Stream"
import * as Employee from "./Employee.js"
import type { BatchAborted, InvalidEmployee, MissingScopes } from "./HrError.js"
import { EmployeeConflict, Incomplete, UnknownRole } from "./HrError.js"
import * as Batch from "./internal/batch.js"
import type * as Report from "./Report.js"
import * as Roles from "./Roles.js"

/**
 * A role group as found or created in the directory.
 *
 * @since 0.1.0
 * @category models
 */
export interface RoleGroup {
  readonly role: string
  /** The configured name (`HR-Managers`). */
  readonly name: string
  readonly id: string
  /** The name as the server returns it (`DEFAULT/HR-Managers` on Asgardeo). */
  readonly displayName: string
}

/**
 * @since 0.1.0
 * @category models
 */
export interface OnboardOptions {
  /** Also add the user to a group named after the department (created when missing). */
  readonly departmentGroup?: boolean | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface OnboardResult {
  readonly employeeId: string
  readonly userName: string
  readonly userId: string
  /** `created`, `existing` (nothing to change), or `updated` (attributes or groups reconciled). */
  readonly outcome: "created" | "existing" | "updated"
  readonly role: string
}

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
 * @since 0.1.0
 * @category models
 */
export interface BatchOptions extends OnboardOptions {
  /** Employees processed at once (individual requests). Default 8. */
  readonly concurrency?: number | undefined
  /** Employee ids to skip (from `Report.doneIds` of a previous run). */
  readonly skip?: ReadonlySet<string> | undefined
  /**
   * Use SCIM Bulk: `"auto"` (default) when the target is Asgardeo and the server supports it;
   * falls back to single requests when Bulk fails or the token lacks the Bulk scopes (checked
   * before the first write). `true`: the Bulk scopes are required, their absence fails the batch
   * with `MissingScopes` before any write.
   */
  readonly bulk?: "auto" | boolean | undefined
  /** Employees per Bulk request. Default: the server's limit less room for the group operations. */
  readonly bulkSize?: number | undefined
  /** The number of employees, when known, for progress. */
  readonly total?: number | undefined
}

/**
 * One employee's result in a batch, with the batch's progress so far.
 *
 * @since 0.1.0
 * @category models
 */
export interface BatchResult {
  /** 0-based position in the input. */
  readonly index: number
  readonly line: Report.Line
  /** The typed error, when the outcome is not a success. */
  readonly error?: OnboardError | undefined
  readonly progress: {
    readonly done: number
    readonly failed: number
    readonly total: number | undefined
  }
}

/**
 * @since 0.1.0
 * @category models
 */
export type DirectoryError =
  | Users.ListError
  | Users.WriteError
  | ScimError.PagingAborted
  | ScimError.AmbiguousUser
  | ScimError.AmbiguousGroup

/**
 * @since 0.1.0
 * @category models
 */
export type OnboardError = DirectoryError | UnknownRole | InvalidEmployee | EmployeeConflict | Incomplete

/**
 * Errors that end a whole batch: the credentials, scopes or permissions are wrong, so every
 * other employee would fail the same way. In a batch, an `Incomplete` whose `causeTag` is one of
 * these (a 403 on the group add after the user was created) ends it too.
 *
 * @since 0.1.0
 * @category models
 */
export type FatalError = Extract<
  DirectoryError,
  { readonly _tag: "InvalidClient" | "TokenError" | "MissingScope" | "Forbidden" | "Unauthorized" }
>

/**
 * @since 0.1.0
 * @category guards
 */
export const isFatal = (error: { readonly _tag: string }): error is FatalError => Batch.fatalTags.has(error._tag)

/**
 * How `onboardMany` can fail:
 * - before its first write: `MissingScopes` (the pre-check), or the error of the token request or
 *   of `ensureRoleGroups`, as they are;
 * - once employees are started: `BatchAborted`, after every employee in flight got its result.
 *
 * @since 0.2.0
 * @category models
 */
export type BatchError = DirectoryError | MissingScopes | BatchAborted

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
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Creates the missing role groups; idempotent and safe under concurrency. */
  readonly ensureRoleGroups: Effect.Effect<ReadonlyArray<RoleGroup>, DirectoryError>
  /**
   * Onboards one employee (safe to re-run). Its contract is the employee's: a failure after the
   * user was created is `Incomplete`, whatever its cause (a 403 included); `onboardMany` is what
   * turns a fatal cause into the end of a batch.
   */
  readonly onboardEmployee: (
    employee: Employee.Employee,
    options?: OnboardOptions
  ) => Effect.Effect<OnboardResult, OnboardError>
  /** Puts a user in a role's group (found or created), without touching other groups. */
  readonly assignRole: (userId: string, role: string) => Effect.Effect<RoleGroup, DirectoryError | UnknownRole>
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
    role: string
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
   */
  readonly onboardMany: <E = never, R = never>(
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
  | Users.Users
  | Groups.Groups
  | Bulk.Bulk
  | Discovery.Discovery
  | ScimClient.ScimClient
  | AccessToken.AccessToken
  | RateLimiter.RateLimiter
  | Roles.Roles

/**
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, Requirements> = Effect.gen(function*() {
  const users = yield* Users.Users
  const groups = yield* Groups.Groups
  const bulk = yield* Bulk.Bulk
  const discovery = yield* Discovery.Discovery
  const client = yield* ScimClient.ScimClient
  const roles = yield* Roles.Roles
  const limiter = yield* RateLimiter.RateLimiter
  const tokens = yield* AccessToken.AccessToken
  const target = client.config.target
  const lock = yield* Effect.makeSemaphore(1)

  // ---------------------------------------------------------------------------
  // role groups, looked up once and cached (dropped when one turns out deleted)
  // ---------------------------------------------------------------------------
  let cache: ReadonlyArray<RoleGroup> | undefined

  const findOrCreate = (role: string, name: string): Effect.Effect<RoleGroup, DirectoryError> => {
    const toRoleGroup = (g: Group.Group): RoleGroup => ({ role, name, id: g.id, displayName: g.displayName })
    const find = Effect.map(groups.findByName(name), Option.map(toRoleGroup))
    const attempt = (n: number): Effect.Effect<RoleGroup, DirectoryError> =>
      Effect.flatMap(
        find,
        (found) =>
          Option.isSome(found) ? Effect.succeed(found.value) : groups.create({ displayName: name }).pipe(
            Effect.map(toRoleGroup),
            // 409: created meanwhile by someone else. TransportError: our create may have been
            // applied and its answer lost. 5xx: the client never retries a POST by itself. In
            // each case, look again and create only when still absent (a bounded number of times).
            Effect.catchIf(
              (e) => (e._tag === "Conflict" || e._tag === "TransportError" || e._tag === "ServerError") && n < 3,
              () => attempt(n + 1)
            )
          )
      )
    return attempt(1)
  }

  const ensureRoleGroups: Effect.Effect<ReadonlyArray<RoleGroup>, DirectoryError> = lock.withPermits(1)(
    Effect.suspend(() =>
      cache !== undefined ? Effect.succeed(cache) : Effect.forEach(
        roles.mapping,
        ({ group, role }) => findOrCreate(role, group),
        { concurrency: 3 }
      ).pipe(Effect.tap((all) => Effect.sync(() => void (cache = all))))
    )
  ).pipe(Effect.withSpan("HrDirectory.ensureRoleGroups"))

  const forget = Effect.sync(() => void (cache = undefined))

  /** Runs `f` with the role groups; if a cached group is gone (404), looks them up again once. */
  const withRoleGroups = <A, E, R>(
    f: (all: ReadonlyArray<RoleGroup>) => Effect.Effect<A, E, R>
  ): Effect.Effect<A, E | DirectoryError, R> =>
    Effect.flatMap(ensureRoleGroups, f).pipe(
      Effect.catchIf(
        (e): e is E & { readonly _tag: "NotFound" } =>
          typeof e === "object" && e !== null && (e as { _tag?: unknown })._tag === "NotFound" && cache !== undefined,
        () => Effect.zipRight(forget, Effect.flatMap(ensureRoleGroups, f))
      )
    )

  const roleGroupOf = (all: ReadonlyArray<RoleGroup>, role: string): Either.Either<RoleGroup, UnknownRole> =>
    Either.flatMap(roles.groupOf(role), () => {
      const found = all.find((g) => g.role === role)
      return found !== undefined
        ? Either.right(found)
        : Either.left(new UnknownRole({ role, known: roles.mapping.map((m) => m.role) }))
    })

  // ---------------------------------------------------------------------------
  // membership
  // ---------------------------------------------------------------------------

  /** The role groups the user is in: from `user.groups` when the server returns it, else by reading them. */
  const roleGroupsOf = (user: User.User, all: ReadonlyArray<RoleGroup>) =>
    user.groups !== undefined
      ? Effect.succeed(all.filter((g) => user.groups!.some((m) => m.value === g.id)))
      : Effect.filter(
        all,
        (g) => Effect.map(groups.get(g.id), (group) => (group.members ?? []).some((m) => m.value === user.id)),
        { concurrency: 3 }
      )

  /**
   * Puts the user in `wanted` first, then removes them from the other role groups. Fails with
   * the directory error when the add fails (nothing changed), with `Incomplete` when a removal
   * fails (the user holds the new role and still an old one).
   */
  const placeInRoleGroup = (
    operation: "onboardEmployee" | "changeRole",
    user: User.User,
    wanted: RoleGroup,
    all: ReadonlyArray<RoleGroup>,
    completed: ReadonlyArray<string>,
    employeeId?: string,
    created = false
  ) =>
    Effect.gen(function*() {
      // A user just created is in no group: no need to look.
      const current = created ? [] : yield* roleGroupsOf(user, all)
      const added = !current.some((g) => g.id === wanted.id)
      if (added) {
        yield* groups.addMembers(wanted.id, [{ value: user.id, display: user.userName }])
      }
      const done = [...completed, ...(added ? [`added to ${wanted.name}`] : [])]
      const removedFrom: Array<string> = []
      for (const old of current.filter((g) => g.id !== wanted.id)) {
        const removed = yield* Effect.either(groups.removeMembers(old.id, [user.id]))
        if (Either.isLeft(removed)) {
          const pending = current.filter((g) => g.id !== wanted.id && !removedFrom.includes(g.name)).map((g) =>
            `remove from ${g.name}`
          )
          return yield* Effect.fail(
            new Incomplete({
              operation,
              userId: user.id,
              userName: user.userName,
              ...(employeeId !== undefined ? { employeeId } : {}),
              completed: [...done, ...removedFrom.map((n) => `removed from ${n}`)],
              pending,
              causeTag: removed.left._tag,
              reason: removed.left.message
            })
          )
        }
        removedFrom.push(old.name)
      }
      return { added, removedFrom }
    })

  // ---------------------------------------------------------------------------
  // onboarding
  // ---------------------------------------------------------------------------

  const toNewUser = (employee: Employee.Employee): User.NewUser => ({
    userName: employee.email,
    email: employee.email,
    givenName: employee.firstName,
    familyName: employee.lastName,
    ...(target === "asgardeo" ? { askPassword: true } : {}),
    enterprise: { employeeNumber: employee.employeeId, department: employee.department }
  })

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

  /** Finishes an onboarding once the user exists: reconcile, role group, department group. */
  const completeOnboarding = (
    employee: Employee.Employee,
    user: User.User,
    created: boolean,
    wanted: RoleGroup,
    all: ReadonlyArray<RoleGroup>,
    options: OnboardOptions | undefined
  ): Effect.Effect<OnboardResult, OnboardError> =>
    Effect.gen(function*() {
      const completed = [created ? `created user ${user.userName}` : `found user ${user.userName}`]
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
            Effect.catchAll(incomplete(["update attributes", `add to ${wanted.name}`]))
          )
          completed.push("updated attributes")
          updated = true
        }
      }
      const placed = yield* placeInRoleGroup(
        "onboardEmployee",
        user,
        wanted,
        all,
        completed,
        employee.employeeId,
        created
      )
        .pipe(
          Effect.catchIf(
            (e): e is Exclude<typeof e, Incomplete> => e._tag !== "Incomplete",
            incomplete([`add to ${wanted.name}`])
          )
        )
      if (placed.added) completed.push(`added to ${wanted.name}`)
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

  const onboardEmployee = (
    input: Employee.Employee,
    options?: OnboardOptions
  ): Effect.Effect<OnboardResult, OnboardError> =>
    Effect.gen(function*() {
      const employee = yield* Employee.decodeEmployee(input)
      yield* roles.groupOf(employee.role)
      return yield* withRoleGroups((all) =>
        Effect.gen(function*() {
          const wanted = yield* roleGroupOf(all, employee.role)
          const { created, user } = yield* users.ensure(toNewUser(employee))
          return yield* completeOnboarding(employee, user, created, wanted, all, options)
        })
      )
    }).pipe(Effect.withSpan("HrDirectory.onboardEmployee"))

  // ---------------------------------------------------------------------------
  // role changes and offboarding
  // ---------------------------------------------------------------------------

  const changeRole = (userId: string, role: string) =>
    Effect.gen(function*() {
      yield* roles.groupOf(role)
      return yield* withRoleGroups((all) =>
        Effect.gen(function*() {
          const wanted = yield* roleGroupOf(all, role)
          const user = yield* users.get(userId)
          const placed = yield* placeInRoleGroup("changeRole", user, wanted, all, [])
          return { userId: user.id, userName: user.userName, role, ...placed } satisfies RoleChange
        })
      )
    }).pipe(Effect.withSpan("HrDirectory.changeRole"))

  const offboard = (userId: string, options?: { readonly delete?: boolean | undefined }) =>
    Effect.gen(function*() {
      const user = yield* users.get(userId)
      yield* users.setActive(user.id, false)
      const completed = ["deactivated"]
      const all = yield* ensureRoleGroups
      const current = yield* roleGroupsOf(user, all)
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
    target,
    defaultUserStore: client.config.defaultUserStore,
    tokens,
    bulk,
    discovery,
    limiter,
    roles,
    ensureRoleGroups,
    onboardEmployee,
    completeOnboarding,
    toNewUser
  })

  return HrDirectory.of({
    ensureRoleGroups,
    onboardEmployee,
    assignRole: (userId, role) =>
      Effect.gen(function*() {
        yield* roles.groupOf(role)
        return yield* withRoleGroups((all) =>
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
    onboardMany
  })
})

/**
 * The HR service over the directory services and a role mapping.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<HrDirectory, never, Requirements> = Layer.effect(HrDirectory, make)
