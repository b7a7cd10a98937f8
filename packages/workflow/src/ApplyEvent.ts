/**
 * The durable workflow that applies one HR event (`HrEvent`) to the directory. Its idempotency
 * key is the event's id: the same event executed twice (a redelivery, a retry of the HTTP call
 * that submitted it, a runner that died mid-way and whose work another runner takes over) runs
 * once; its result is kept in the cluster's storage and answered again.
 *
 * Each attempt is one activity: the shared per-employee step of `@asgardeo-scim/hr`
 * (`HrDirectory.onboardEmployee`, `changeRole`, `offboard`), each safe to run again (a create
 * that happened before a crash is found and reconciled, never duplicated). A failure is
 * classified (`WorkflowError.Retry`): a permanent one ends the workflow with `EventFailed`; a
 * transient or fatal one is tried again after a durable wait (`DurableClock`: a restart or a
 * takeover does not lose it), up to the `backoff` given, then ends it with `EventFailed`.
 *
 * @since 0.5.0
 */
import * as User from "@asgardeo-scim/directory/User"
import * as Users from "@asgardeo-scim/directory/Users"
import * as HrDirectory from "@asgardeo-scim/hr/HrDirectory"
import * as Onboarding from "@asgardeo-scim/hr/Onboarding"
import * as Activity from "@effect/workflow/Activity"
import * as DurableClock from "@effect/workflow/DurableClock"
import * as Workflow from "@effect/workflow/Workflow"
import type * as WorkflowEngine from "@effect/workflow/WorkflowEngine"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as HrEvent from "./HrEvent.js"
import type { Retry } from "./WorkflowError.js"
import { EventFailed } from "./WorkflowError.js"

/**
 * The workflow: payload `{ event }`, success `HrEvent.Applied`, error `EventFailed`.
 *
 * @since 0.5.0
 * @category workflows
 */
export const ApplyEvent = Workflow.make({
  name: "asgardeo-scim/ApplyEvent",
  payload: {
    event: HrEvent.HrEvent,
    /**
     * Part of a durable batch: a fatal failure ends the event at once (the batch stops and a new
     * run of it tries again), instead of waiting out the backoff.
     */
    inBatch: Schema.optional(Schema.Boolean)
  },
  success: HrEvent.Applied,
  error: EventFailed,
  // A batch's child (`batchId/run/index`) is keyed apart from the HR events: an HR event whose id
  // has that form must neither answer for a batch's hire nor be answered by one. An `EventId`
  // holds no control character, so no HR event's key can end in `\u0000batch`.
  idempotencyKey: ({ event, inBatch }) => inBatch === true ? `${event.eventId}\u0000batch` : event.eventId
})

/**
 * The execution id of an event's workflow, from its id alone (what `ApplyEvent.poll` takes):
 * the engine's own derivation (SHA-256 of the workflow's name and the idempotency key, 16 bytes in
 * hex), tested against `ApplyEvent.executionId`.
 *
 * @since 0.5.0
 * @category getters
 */
export const executionIdOf = (eventId: string): Effect.Effect<string> =>
  Effect.map(
    Effect.promise(() => crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${ApplyEvent.name}-${eventId}`))),
    (buffer) => Array.from(new Uint8Array(buffer).subarray(0, 16), (b) => b.toString(16).padStart(2, "0")).join("")
  )

/**
 * @since 0.5.0
 * @category models
 */
export interface Options {
  /**
   * The waits before each further attempt of a transient or fatal failure: as many attempts as
   * waits, plus the first. Default: 10 seconds, 1 minute, 5 minutes, 30 minutes (5 attempts over
   * about 36 minutes).
   */
  readonly backoff?: ReadonlyArray<Duration.DurationInput> | undefined
  /**
   * Waits up to this long are kept in memory; longer ones are durable timers in the storage
   * (default: 1 minute, the engine's). A wait in memory is lost with its runner: the attempt
   * before it runs again when the workflow resumes, which is safe (every step is idempotent).
   */
  readonly inMemoryThreshold?: Duration.DurationInput | undefined
}

/**
 * The default waits between attempts (`Options.backoff`).
 *
 * @since 0.5.0
 * @category constants
 */
export const defaultBackoff: ReadonlyArray<Duration.Duration> = [
  Duration.seconds(10),
  Duration.minutes(1),
  Duration.minutes(5),
  Duration.minutes(30)
]

const transientTags: ReadonlySet<string> = new Set(["RateLimited", "ServerError", "TransportError", "InvalidResponse"])

/**
 * How a failure of the directory is handled (`WorkflowError.Retry`): the batch's fatal tags
 * (`Onboarding.fatalTags`) are fatal; 5xx, 429, network failures and unreadable answers are
 * transient, and so is an `Incomplete` step stopped by one of them; the rest is permanent.
 *
 * @since 0.5.0
 * @category classification
 */
export const classify = (error: { readonly _tag: string; readonly causeTag?: unknown }): Retry => {
  const tag = error._tag === "Incomplete" && typeof error.causeTag === "string" ? error.causeTag : error._tag
  return Onboarding.fatalTags.has(tag) ? "fatal" : transientTags.has(tag) ? "transient" : "permanent"
}

const failed =
  (event: HrEvent.HrEvent, attempt: number) => (error: { readonly _tag: string; readonly message: string }) =>
    new EventFailed({
      eventId: event.eventId,
      employeeId: HrEvent.employeeIdOf(event),
      reason: error._tag,
      detail: error.message,
      retry: classify(error),
      attempts: attempt
    })

/**
 * The one user an event names: userName `email` in the default store, holding `employeeId`. Nobody
 * found fails the event (`UserNotFound`): for a leave, the account may live under another
 * userName, still active, so it is never a silent success.
 */
const findUser = (
  users: Users.Service,
  event: HrEvent.RoleChange | HrEvent.Leave,
  attempt: number
): Effect.Effect<User.User, EventFailed> =>
  Effect.gen(function*() {
    const found = yield* Effect.mapError(users.findByUserName(event.email), failed(event, attempt))
    const refuse = (reason: string, detail: string) =>
      new EventFailed({
        eventId: event.eventId,
        employeeId: event.employeeId,
        reason,
        detail,
        retry: "permanent",
        attempts: attempt
      })
    if (Option.isNone(found)) {
      return yield* refuse("UserNotFound", `no user ${event.email} in the directory: nothing was changed`)
    }
    const number = found.value[User.EnterpriseUrn]?.employeeNumber
    if (number === event.employeeId) return found.value
    return yield* refuse(
      "EmployeeConflict",
      `${event.email} belongs to employee ${number ?? "(none)"}, not ${event.employeeId}: left untouched`
    )
  })

/** One attempt: the shared per-employee step for the event's kind. */
const applyOnce = (
  hr: HrDirectory.Service,
  users: Users.Service,
  event: HrEvent.HrEvent,
  attempt: number
): Effect.Effect<HrEvent.Applied, EventFailed> =>
  Effect.gen(function*() {
    const base = {
      eventId: event.eventId,
      kind: event._tag,
      employeeId: HrEvent.employeeIdOf(event),
      attempts: attempt
    }
    const fail = failed(event, attempt)
    switch (event._tag) {
      case "Hire": {
        const r = yield* Effect.mapError(hr.onboardEmployee(event.employee), fail)
        return { ...base, userName: r.userName, userId: r.userId, outcome: r.outcome, removedFrom: [] }
      }
      case "RoleChange": {
        const user = yield* findUser(users, event, attempt)
        const c = yield* Effect.mapError(hr.changeRole(user.id, event.role), fail)
        const changed = c.added || c.removedFrom.length > 0
        return {
          ...base,
          userName: c.userName,
          userId: c.userId,
          outcome: changed ? "changed" : "unchanged",
          removedFrom: c.removedFrom
        }
      }
      case "Leave": {
        const user = yield* findUser(users, event, attempt)
        const o = yield* Effect.mapError(hr.offboard(user.id, { delete: event.delete }), fail)
        return {
          ...base,
          userName: o.userName,
          userId: o.userId,
          outcome: o.deleted ? "deleted" : "offboarded",
          removedFrom: o.removedFrom
        }
      }
    }
  })

/**
 * The workflow's implementation, registered with the engine: needs the HR service
 * (`HrDirectory.layer` or `layerRoles`) and the directory's `Users`.
 *
 * @since 0.5.0
 * @category layers
 */
export const layer = (
  options: Options = {}
): Layer.Layer<never, never, WorkflowEngine.WorkflowEngine | HrDirectory.HrDirectory | Users.Users> => {
  const backoff = (options.backoff ?? defaultBackoff).map(Duration.decode)
  const inMemoryThreshold = options.inMemoryThreshold
  return ApplyEvent.toLayer(({ event, inBatch }) =>
    Effect.gen(function*() {
      const hr = yield* HrDirectory.HrDirectory
      const users = yield* Users.Users
      let attempt = 1
      while (true) {
        const exit = yield* Effect.exit(Activity.make({
          name: `apply/${attempt}`,
          success: HrEvent.Applied,
          error: EventFailed,
          execute: applyOnce(hr, users, event, attempt).pipe(
            Effect.withSpan("ApplyEvent.attempt", {
              attributes: { eventId: event.eventId, kind: event._tag, attempt }
            })
          )
        }))
        if (Exit.isSuccess(exit)) return exit.value
        // A defect or an interruption is not a failure to classify: it ends the attempt as it is.
        const failure = Cause.failureOption(exit.cause)
        if (Option.isNone(failure)) return yield* exit
        const wait = backoff[attempt - 1]
        const retry = failure.value.retry
        if (retry === "permanent" || (retry === "fatal" && inBatch === true) || wait === undefined) {
          return yield* Effect.fail(failure.value)
        }
        yield* DurableClock.sleep({ name: `backoff/${attempt}`, duration: wait, inMemoryThreshold })
        attempt++
      }
    })
  )
}
