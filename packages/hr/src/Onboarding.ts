/**
 * The models of onboarding, one employee or a batch (`HrDirectory.onboardEmployee`,
 * `HrDirectory.onboardMany`): options, results, and which errors end a batch. `HrDirectory`
 * exports each of them under the same name.
 *
 * Every path of onboarding (one employee, a batch's single requests, what a Bulk request could
 * not do) goes through one per-employee step: ensure the user (create it, or find it and
 * reconcile its attributes; a user holding another employee's number is left untouched), put it
 * in its role group (the new group added before old ones are left; in roles mode, assign its
 * Asgardeo role the same way), the department group when asked, and verify where cheap (an add
 * whose outcome is unknown is checked on the user).
 *
 * @since 0.2.0
 */
import type * as HrError from "./HrError.js"
import type * as Report from "./Report.js"

/**
 * @since 0.2.0
 * @category models
 */
export interface OnboardOptions {
  /** Also add the user to a group named after the department (created when missing). */
  readonly departmentGroup?: boolean | undefined
}

/**
 * @since 0.2.0
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
 * @since 0.2.0
 * @category models
 */
export interface BatchOptions extends OnboardOptions {
  /**
   * The batch's one concurrency bound (default 8): at most this many employees are worked on at
   * once, across the Bulk lane and the single-request lanes together, each sending its requests
   * one after another. A Bulk request holds one place for its whole chunk, from its wait for the
   * Bulk budget until its answer (so with Bulk on, give at least 2); the employees of the chunk
   * then take places before new employees do, for what the Bulk request could not do.
   */
  readonly concurrency?: number | undefined
  /** Employee ids to skip (from `Report.doneIds` of a previous run). */
  readonly skip?: ReadonlySet<string> | undefined
  /**
   * Use SCIM Bulk: `"auto"` (default) when the target is Asgardeo and the server advertises it
   * (`ServiceProviderConfig` `bulk.supported`); single requests do the whole batch where it does
   * not, and when Bulk fails or the token lacks the Bulk scopes (checked before the first write).
   * `true`: Bulk is required: a missing Bulk scope fails the batch with `MissingScopes`, a server
   * whose configuration says it has no Bulk with `Unsupported`, both before any write.
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
 * @since 0.2.0
 * @category models
 */
export interface BatchResult {
  /** 0-based position in the input. */
  readonly index: number
  readonly line: Report.Line
  /** The typed error, when the outcome is not a success. */
  readonly error?: HrError.OnboardError | undefined
  readonly progress: {
    readonly done: number
    readonly failed: number
    readonly total: number | undefined
  }
}

/**
 * Errors that end a whole batch: the credentials, scopes or permissions are wrong, so every
 * other employee would fail the same way. In a batch, an `Incomplete` whose `causeTag` is one of
 * these (a 403 on the group add after the user was created) ends it too.
 *
 * @since 0.2.0
 * @category models
 */
export type FatalError = Extract<
  HrError.DirectoryError,
  {
    readonly _tag:
      | "InvalidClient"
      | "TokenError"
      | "MissingScope"
      | "Forbidden"
      | "Unauthorized"
      | "OrganizationSwitchFailed"
      | "OrganizationNotFound"
      | "AmbiguousOrganization"
      | "MissingRole"
  }
>

/**
 * The tags of `FatalError`.
 *
 * @since 0.2.0
 * @category constants
 */
export const fatalTags: ReadonlySet<string> = new Set<FatalError["_tag"]>([
  "InvalidClient",
  "TokenError",
  "MissingScope",
  "Forbidden",
  "Unauthorized",
  // Every employee of a sub-organization would fail to switch to it the same way.
  "OrganizationSwitchFailed",
  "OrganizationNotFound",
  "AmbiguousOrganization",
  // Roles mode: a mapped role deleted (and not recreated) under a running batch.
  "MissingRole"
])

/**
 * @since 0.2.0
 * @category guards
 */
export const isFatal = (error: { readonly _tag: string }): error is FatalError => fatalTags.has(error._tag)

/**
 * How `onboardMany` can fail:
 * - before its first write: `MissingScopes` (the pre-check), or the error of the token request or
 *   of the role groups' lookup, as they are;
 * - once employees are started: `BatchAborted`, after every employee in flight got its result.
 *
 * @since 0.2.0
 * @category models
 */
export type BatchError = HrError.DirectoryError | HrError.MissingScopes | HrError.BatchAborted
