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
 * Two modes, one service: `layer` holds each HR role as a role group (`RoleMapping`, and the
 * role groups' cache `RoleGroups`, provided by `layer` too; Asgardeo groups grant permissions only
 * once they are assigned to roles in the console); `layerRoles(mapping)` holds each as one of
 * Asgardeo's own roles (`AsgardeoRoles`: found by name and audience when the layer is built, a
 * missing one failing it with `MissingRole`), assigned to the user directly. Every operation
 * works the same way in both; in roles mode the names in reports (`RoleChange.removedFrom`,
 * `Offboarding.removedFrom`, `Incomplete`'s steps) are Asgardeo role names, and the operations
 * that answer role groups (`ensureRoleGroups`, `assignRole`) answer the mapped roles
 * (`AsgardeoRoles.MappedRole`). The internal parts: the one per-employee step of onboarding and
 * the batch runner. The models of onboarding live in `Onboarding` and are exported here too.
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
import * as DirectoryRoles from "@asgardeo-scim/directory/Roles"
import * as Users from "@asgardeo-scim/directory/Users"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import type * as Stream from "effect/Stream"
import * as AsgardeoRoles from "./AsgardeoRoles.js"
import type * as Employee from "./Employee.js"
import type * as HrError from "./HrError.js"
import type { Incomplete, InvalidRoleMapping } from "./HrError.js"
import { UnknownRole } from "./HrError.js"
import * as Batch from "./internal/batch.js"
import * as Dialect from "./internal/dialect.js"
import * as HrService from "./internal/hrService.js"
import * as Membership from "./internal/membership.js"
import * as Placement from "./internal/placement.js"
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
  /** Whether the user had to be given the new role (false: already held). */
  readonly added: boolean
  /** The role groups the user was removed from; in roles mode, the Asgardeo roles (by mapped name). */
  readonly removedFrom: ReadonlyArray<string>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Offboarding {
  readonly userId: string
  readonly userName: string
  /** The role groups the user was removed from; in roles mode, the Asgardeo roles (by mapped name). */
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
 * The operations a batch sends with single requests (role groups mode): their scopes are checked
 * before its first write, on the Asgardeo target with a token whose scopes are known (not a static
 * bearer token).
 *
 * @since 0.2.0
 * @category constants
 */
export const batchOperations: ReadonlyArray<Scopes.Operation> = Batch.singleOperations

/**
 * The operations of the Bulk lane (role groups mode), checked too when it may run: with
 * `bulk: true` a missing one fails the batch; with `bulk: "auto"` it turns the Bulk lane off
 * (single requests do it all).
 *
 * @since 0.2.0
 * @category constants
 */
export const bulkOperations: ReadonlyArray<Scopes.Operation> = Batch.bulkOperations

/**
 * Roles mode (`layerRoles`): the operations that assign and unassign a user on each Roles API (v2:
 * PATCH `/v2/Roles/{id}`; v3: PATCH `/v3/Roles/{id}/Users`), with the read of a role that settles
 * an answer 400 or 409. A batch in roles mode sends these instead of the role groups' writes, and
 * writes groups only for `departmentGroup`; its Bulk lane creates users only.
 *
 * @since 0.4.0
 * @category constants
 */
export const roleOperations: { readonly [V in DirectoryRoles.Version]: ReadonlyArray<Scopes.Operation> } =
  Batch.roleOperations

/**
 * The scopes a batch can need, deduplicated: what to authorize for `onboardMany`. Role groups
 * mode by default; `roles: "v2" | "v3"` for roles mode on that Roles API (`AsgardeoRoles.version`),
 * where the Groups API's scopes are needed only with `departmentGroup: true`.
 *
 * @since 0.2.0
 * @category getters
 */
export const batchScopes = (options: {
  readonly bulk: boolean
  /** Roles mode, on this Roles API (since 0.4.0). */
  readonly roles?: DirectoryRoles.Version | undefined
  /** Onboarding adds department groups (since 0.4.0; roles mode only needs the Groups API then). */
  readonly departmentGroup?: boolean | undefined
}): ReadonlyArray<Scopes.Scope> => {
  const needed = Batch.operationsFor({ rolesApi: options.roles, departmentGroup: options.departmentGroup })
  return Scopes.forOperations(options.bulk ? [...needed.single, ...needed.bulk] : needed.single)
}

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
  /** The configured roles (the `RoleMapping`'s, or in roles mode the `AsgardeoRoles` mapping's), in its order. */
  readonly roles: ReadonlyArray<string>
  /**
   * Creates the missing role groups; idempotent and safe under concurrency. Roles mode: the mapped
   * Asgardeo roles as found when the layer was built (`AsgardeoRoles.MappedRole`), without a request.
   */
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
  /**
   * Puts a user in a role's group (found or created), without touching other groups; roles mode:
   * assigns the role's Asgardeo role (`AsgardeoRoles.MappedRole`), without touching other roles.
   */
  readonly assignRole: (userId: string, role: Role) => Effect.Effect<RoleGroup, DirectoryError | UnknownRole>
  /** The seed's `assign_user_role(user_id, role_group_name)`: any group by name, found or created. */
  readonly assignUserRole: (userId: string, groupName: string) => Effect.Effect<Group.Group, DirectoryError>
  /**
   * Finds a group by name, ignoring case: `PARTNERS/Engineering` only in that user store, a bare
   * name only in the default store (`Groups.findByName`).
   */
  readonly findGroupByName: (name: string) => Effect.Effect<Option.Option<Group.Group>, DirectoryError>
  /**
   * Moves a user to a new role: adds the new role group (roles mode: assigns the new Asgardeo role)
   * first, then leaves the mapping's others; nothing outside the mapping is touched. The role held
   * already, and no other, is a change without a write.
   */
  readonly changeRole: (
    userId: string,
    role: Role
  ) => Effect.Effect<RoleChange, DirectoryError | UnknownRole | Incomplete>
  readonly deactivate: (userId: string) => Effect.Effect<void, DirectoryError>
  readonly reactivate: (userId: string) => Effect.Effect<void, DirectoryError>
  /**
   * Deactivates, removes from every role group (roles mode: unassigns every Asgardeo role of the
   * mapping the user holds; others are kept), and deletes when asked.
   */
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
  | Exclude<Directory.Services, Organizations.Organizations | DirectoryRoles.Roles>
  | RoleMapping.RoleMapping

/**
 * What the service needs in roles mode (`makeRoles`, `layerRoles`): the directory services, its
 * `Roles` included.
 *
 * @since 0.4.0
 * @category models
 */
export type RolesRequirements = Exclude<Directory.Services, Organizations.Organizations>

/** The service over a mode (role groups or Asgardeo roles) and the directory services. */
const build = (placement: Placement.Placement) =>
  Effect.gen(function*() {
    return HrDirectory.of(HrService.make({
      users: yield* Users.Users,
      groups: yield* Groups.Groups,
      dialect: Dialect.fromClient(yield* ScimClient.ScimClient),
      placement,
      tokens: yield* AccessToken.AccessToken,
      bulk: yield* Bulk.Bulk,
      discovery: yield* Discovery.Discovery,
      limiter: yield* RateLimiter.RateLimiter
    }))
  })

/**
 * The service over the requirements and a `RoleGroups` cache (`layer` provides one).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, Requirements | RoleGroups.RoleGroups> = Effect.gen(function*() {
  const mapping = yield* RoleMapping.RoleMapping
  const roleGroups = yield* RoleGroups.RoleGroups
  const membership = Membership.groups(yield* Users.Users, yield* Groups.Groups)
  return yield* build(Placement.groups(mapping, roleGroups, membership))
})

/**
 * The service in roles mode, over the requirements and the mapped roles (`layerRoles` provides them).
 *
 * @since 0.4.0
 * @category constructors
 */
export const makeRoles: Effect.Effect<Service, never, RolesRequirements | AsgardeoRoles.AsgardeoRoles> = Effect
  .gen(function*() {
    const mapped = yield* AsgardeoRoles.AsgardeoRoles
    const membership = Membership.roles(yield* DirectoryRoles.Roles)
    return yield* build(yield* Placement.roles(mapped, membership))
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
 * The HR service in roles mode: each HR role is one of Asgardeo's roles (see `AsgardeoRoles` for
 * the mapping), assigned to the user directly. Built only when every mapped role is found, by
 * name and audience, in the directory: the layer fails with `InvalidRoleMapping`, `MissingRole`
 * (nothing is created unless `ensure: true`), `AmbiguousRole` or the directory's error otherwise.
 * It provides the mapped roles (`AsgardeoRoles`) too.
 *
 * Onboarding assigns the employee's role (one held already is not assigned again); a role change
 * assigns the new role before it unassigns the mapping's others (never role-less); offboarding
 * unassigns every mapped role the user holds. Roles outside the mapping, and groups, are never
 * touched (but the department group, when asked). Batches create users with Bulk where it helps
 * and assign roles one employee at a time; their scope check includes the Roles API's
 * (`roleOperations`).
 *
 * @example
 * ```ts
 * import { Directory } from "@asgardeo-scim/directory"
 * import { HrDirectory } from "@asgardeo-scim/hr"
 * import { FetchHttpClient } from "@effect/platform"
 * import { Effect, Layer } from "effect"
 *
 * const mapping = {
 *   hr_manager: { displayName: "HR Manager", audience: { type: "organization" } },
 *   employee: "Employee"
 * } as const
 *
 * // Fails to build with MissingRole unless both roles exist in the organization.
 * const HrRoles = HrDirectory.layerRoles(mapping).pipe(
 *   Layer.provideMerge(Directory.layerConfig()),
 *   Layer.provide(FetchHttpClient.layer)
 * )
 *
 * export const promote = (userId: string) =>
 *   Effect.gen(function*() {
 *     const hr = yield* HrDirectory.typed(mapping)
 *     // Assigned HR Manager first, then unassigned from Employee.
 *     const change = yield* hr.changeRole(userId, "hr_manager")
 *     return change.removedFrom // ["Employee"]
 *   }).pipe(Effect.provide(HrRoles))
 * ```
 *
 * @since 0.4.0
 * @category layers
 */
export const layerRoles = (
  mapping: AsgardeoRoles.Mapping,
  options?: AsgardeoRoles.Options
): Layer.Layer<HrDirectory | AsgardeoRoles.AsgardeoRoles, AsgardeoRoles.ResolveError, RolesRequirements> =>
  Layer.effect(HrDirectory, makeRoles).pipe(Layer.provideMerge(AsgardeoRoles.layer(mapping, options)))

/** An object whose values are all strings, as one (`undefined` for anything else). */
const namesOnly = (u: unknown): Record<string, string> | undefined => {
  if (typeof u !== "object" || u === null || Array.isArray(u)) return undefined
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(u)) {
    if (typeof value !== "string") return undefined
    out[key] = value
  }
  return out
}

/**
 * The service typed by its roles: the `HrDirectory` service itself, whose operations then take
 * only the roles of `roles` (`role: "ceo"` does not compile). Give it the mapping the
 * `RoleMapping` layer (or, since 0.4.0, `layerRoles`) was given, one whose keys TypeScript knows
 * (an object literal, `RoleMapping.defaultMapping`; a `Record<string, string>` types no role). It
 * checks once, before any request, that every role of `roles` is configured, and fails with `UnknownRole` naming the first one that is not (or with
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
export const typed = <const Roles extends Readonly<Record<string, string>> | AsgardeoRoles.Mapping>(
  roles: Roles
): Effect.Effect<Service<RoleMapping.RoleOf<Roles>>, UnknownRole | InvalidRoleMapping, HrDirectory> =>
  Effect.gen(function*() {
    const service = yield* HrDirectory
    // A mapping of names only is checked as role groups (a mapping of roles by name is one too).
    const names = namesOnly(roles)
    const wanted = names !== undefined
      ? (yield* RoleMapping.make(names)).mapping.map((m) => m.role)
      : Object.keys(yield* AsgardeoRoles.decodeMapping(roles))
    const missing = wanted.find((role) => !service.roles.includes(role))
    if (missing !== undefined) return yield* Effect.fail(new UnknownRole({ role: missing, known: service.roles }))
    return service
  }).pipe(Effect.withSpan("HrDirectory.typed"))
