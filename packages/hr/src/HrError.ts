/**
 * Errors of the HR helpers, on top of core's `ScimError`s.
 *
 * @since 0.1.0
 */
import * as ErrorClass from "@asgardeo-scim/core/ErrorClass"
import type * as ScimError from "@asgardeo-scim/core/ScimError"
import * as Scopes from "@asgardeo-scim/core/Scopes"
import type * as Users from "@asgardeo-scim/directory/Users"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"

/**
 * @since 0.1.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("@asgardeo-scim/hr/HrError")

/**
 * @since 0.1.0
 * @category type ids
 */
export type TypeId = typeof TypeId

// Every class below: a Schema.TaggedError identified as `@asgardeo-scim/hr/HrError/<tag>`, carrying
// `[TypeId]` (see `isHrError`) and a message computed from its fields.
const Make = ErrorClass.make(TypeId, "@asgardeo-scim/hr/HrError")

/**
 * A role with no role group: never silently mapped to `Employees`.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnknownRole extends Make<UnknownRole>()(
  "UnknownRole",
  { role: Schema.String, known: Schema.Array(Schema.String) },
  (self) => `Unknown role ${JSON.stringify(self.role)}; known roles: ${self.known.join(", ")}`
) {}

/**
 * Employee input that fails validation (the field and why), before any request is sent.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidEmployee extends Make<InvalidEmployee>()(
  "InvalidEmployee",
  { employeeId: Schema.optional(Schema.String), field: Schema.String, reason: Schema.String },
  (self) => `Invalid employee${self.employeeId ? ` ${self.employeeId}` : ""}: ${self.field}: ${self.reason}`
) {}

/**
 * The userName exists, but belongs to another employee (a different employeeNumber): the user
 * is left untouched.
 *
 * @since 0.1.0
 * @category errors
 */
export class EmployeeConflict extends Make<EmployeeConflict>()(
  "EmployeeConflict",
  { employeeId: Schema.String, userName: Schema.String, userId: Schema.String, existingEmployeeNumber: Schema.String },
  (self) =>
    `${self.userName} already exists for employee ${self.existingEmployeeNumber}, not ${self.employeeId}: left untouched`
) {}

/**
 * A multi-step change stopped part way: what was done, what was not, and why. Re-running the
 * same operation completes it. A role change that could not remove an old role ends here, so a
 * demotion is never reported done while an old role is still held.
 *
 * @since 0.1.0
 * @category errors
 */
export class Incomplete extends Make<Incomplete>()(
  "Incomplete",
  {
    operation: Schema.Literal("onboardEmployee", "changeRole", "offboard"),
    userId: Schema.String,
    userName: Schema.optional(Schema.String),
    employeeId: Schema.optional(Schema.String),
    /** Steps that were applied, e.g. `created user`, `added to HR-Managers`. */
    completed: Schema.Array(Schema.String),
    /** Steps that were not, e.g. `remove from Employees`. */
    pending: Schema.Array(Schema.String),
    /** The tag of the error that stopped it (`ServerError`, `RateLimited`, ...). */
    causeTag: Schema.String,
    reason: Schema.String
  },
  (self) =>
    `${self.operation} of ${self.userName ?? self.userId} is incomplete: done [${self.completed.join("; ")}], ` +
    `not done [${self.pending.join("; ")}] (${self.causeTag}: ${self.reason}). Run it again to complete it`
) {}

/**
 * The token lacks scopes a batch can need: found before the batch's first request that changes
 * anything (it names every missing scope, not only the first one met). No SCIM request was sent.
 *
 * @since 0.2.0
 * @category errors
 */
export class MissingScopes extends Make<MissingScopes>()(
  "MissingScopes",
  {
    /** The operation checked, e.g. `HrDirectory.onboardMany`. */
    operation: Schema.String,
    /** The scopes missing, in the order of `Scopes.byOperation`. */
    scopes: Schema.Array(Schema.String),
    /** The scopes the token was granted. */
    granted: Schema.Array(Schema.String)
  },
  (self) => {
    const named = self.scopes.map((s) => `${s} (${Scopes.apiResource(s)})`).join(", ")
    const one = self.scopes.length === 1
    return `${self.operation} needs the scope${one ? "" : "s"} ${named}, which the token was not granted; ` +
      `nothing was sent. Authorize ${one ? "it" : "them"} on the application's API Authorization tab in the ` +
      "Asgardeo console"
  }
) {}

/**
 * A batch stopped by an error that every other employee would meet too (credentials, scopes,
 * permissions: see `HrDirectory.isFatal`). Employees already in flight finished and got their
 * result; none was started after. The batch's report (one line per employee processed) lets a
 * re-run resume: done employees are skipped, partial ones completed.
 *
 * @since 0.2.0
 * @category errors
 */
export class BatchAborted extends Make<BatchAborted>()(
  "BatchAborted",
  {
    /** The tag of the error that stopped it (`Forbidden`, `MissingScope`, `InvalidClient`, ...). */
    causeTag: Schema.String,
    /** That error's message. */
    reason: Schema.String,
    /** Employees with a result in this run (every one of them has its report line). */
    processed: Schema.Number,
    /** Of those, the ones done (`created`, `existing`, `updated`). */
    done: Schema.Number
  },
  (self) =>
    `The batch stopped on ${self.causeTag}: ${self.reason}. ${self.processed} employee(s) processed ` +
    `(${self.done} done), none started after. Fix the cause, then run the batch again with this run's report: ` +
    "done employees are skipped, partial ones completed"
) {}

/**
 * A role mapping that cannot be used: empty, not an object of strings, a role or group name that
 * is empty, holds control characters or is too long, or two roles on one group. Found when the
 * mapping is made (`RoleMapping.make`, `RoleMapping.layer`), before any request. A mapping to
 * Asgardeo roles (`AsgardeoRoles`) fails with it too: the same rules for role names, an Asgardeo
 * role's name or audience that Asgardeo would refuse, two HR roles on one Asgardeo role (checked
 * again on the roles found when the layer is built).
 *
 * @since 0.2.0
 * @category errors
 */
export class InvalidRoleMapping extends Make<InvalidRoleMapping>()(
  "InvalidRoleMapping",
  {
    /** The role at fault, when the fault is one entry's. */
    role: Schema.optional(Schema.String),
    reason: Schema.String
  },
  (self) => {
    const role = self.role === undefined ? "" : ` (role ${JSON.stringify(self.role.slice(0, 80))})`
    return `Invalid role mapping${role}: ${self.reason}`
  }
) {}

/**
 * An Asgardeo role that an HR role maps to (`HrDirectory.layerRoles`, `AsgardeoRoles.layer`) is
 * not in the directory: found by neither its name nor its audience when the layer was built. No
 * role is created unless the layer is built with `ensure: true`.
 *
 * @since 0.4.0
 * @category errors
 */
export class MissingRole extends Make<MissingRole>()(
  "MissingRole",
  {
    /** The HR role (`hr_manager`). */
    role: Schema.String,
    /** The Asgardeo role's name as mapped (`HR Manager`). */
    displayName: Schema.String,
    /** The audience looked in: `organization` or `application`; absent: any audience. */
    audienceType: Schema.optional(Schema.String),
    /** The organization's or the application's id, when the mapping gives it. */
    audienceValue: Schema.optional(Schema.String)
  },
  (self) => {
    const where = self.audienceType === undefined
      ? "in any audience"
      : `in the ${self.audienceType} audience${self.audienceValue === undefined ? "" : ` ${self.audienceValue}`}`
    return `The Asgardeo role ${JSON.stringify(self.displayName)} of HR role ${JSON.stringify(self.role)} ` +
      `does not exist ${where}: create it in the Asgardeo console (User Management > Roles), or build the ` +
      "layer with ensure: true to create the missing roles (without permissions)"
  }
) {}

/**
 * @since 0.1.0
 * @category models
 */
export type HrError =
  | UnknownRole
  | InvalidEmployee
  | EmployeeConflict
  | Incomplete
  | MissingScopes
  | BatchAborted
  | InvalidRoleMapping
  | MissingRole

/**
 * The directory's errors as the HR operations meet them (`HrDirectory.DirectoryError` is this).
 *
 * @since 0.2.0
 * @category models
 */
export type DirectoryError =
  | Users.ListError
  | Users.WriteError
  | ScimError.PagingAborted
  | ScimError.AmbiguousUser
  | ScimError.AmbiguousGroup
  | ScimError.AmbiguousRole
  | MissingRole

/**
 * How onboarding one employee can fail (`HrDirectory.OnboardError` is this).
 *
 * @since 0.2.0
 * @category models
 */
export type OnboardError = DirectoryError | UnknownRole | InvalidEmployee | EmployeeConflict | Incomplete

/**
 * @since 0.1.0
 * @category guards
 */
export const isHrError = (u: unknown): u is HrError => Predicate.hasProperty(u, TypeId)
