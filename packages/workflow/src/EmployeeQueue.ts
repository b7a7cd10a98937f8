/**
 * One queue per employee, so that the events of one employee are applied in the order they were
 * submitted, across runners: an `@effect/cluster` entity keyed by the employee's id, whose
 * messages are persisted in the cluster's storage and handled one at a time. Each message runs
 * the event's workflow (`ApplyEvent`) and waits for its end before the next one starts; events of
 * different employees run in parallel, spread over the runners by the cluster's shards.
 *
 * A message's primary key is the event's id: the same event submitted twice is stored once. The
 * workflow's idempotency key is the same id, so even an event submitted again after its message
 * was handled (days later) is answered from the stored result, not applied again. An id reused
 * for another employee or another kind of event is answered `EventFailed` (`EventIdReused`), never
 * with the other event's result.
 *
 * When a runner dies, the shards it held move to the others (see `Runner` for how long that
 * takes) and its unfinished messages are handled there: the workflow resumes from its journal.
 *
 * @since 0.5.0
 */
import * as ClusterSchema from "@effect/cluster/ClusterSchema"
import * as Entity from "@effect/cluster/Entity"
import type * as Sharding from "@effect/cluster/Sharding"
import * as Rpc from "@effect/rpc/Rpc"
import type * as WorkflowEngine from "@effect/workflow/WorkflowEngine"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as ApplyEvent from "./ApplyEvent.js"
import * as HrEvent from "./HrEvent.js"
import type { InvalidEvent } from "./WorkflowError.js"
import { EventFailed, StorageError } from "./WorkflowError.js"

/**
 * The entity's one message: apply this event.
 *
 * @since 0.5.0
 * @category rpcs
 */
export const Apply = Rpc.make("Apply", {
  payload: { event: HrEvent.HrEvent },
  success: HrEvent.Applied,
  error: EventFailed,
  primaryKey: ({ event }) => event.eventId
})

/**
 * The entity: type `asgardeo-scim/EmployeeQueue`, id the employee's id, messages persisted.
 *
 * @since 0.5.0
 * @category entities
 */
export const EmployeeQueue = Entity.make("asgardeo-scim/EmployeeQueue", [Apply]).annotateRpcs(
  ClusterSchema.Persisted,
  true
)

/**
 * The workflow answers an event id with what it did the first time: an id reused for another
 * employee or another kind of event would be answered with someone else's result, the event never
 * applied. That is a permanent `EventIdReused`, not a success.
 */
const sameEvent = (
  event: HrEvent.HrEvent,
  applied: HrEvent.Applied
): Effect.Effect<HrEvent.Applied, EventFailed> => {
  const employeeId = HrEvent.employeeIdOf(event)
  return applied.kind === event._tag && applied.employeeId === employeeId
    ? Effect.succeed(applied)
    : Effect.fail(
      new EventFailed({
        eventId: event.eventId,
        employeeId,
        reason: "EventIdReused",
        detail:
          `event ${event.eventId} was applied before as a ${applied.kind} of employee ${applied.employeeId}: this ${event._tag} of employee ${employeeId} is not applied`,
        retry: "permanent",
        attempts: 0
      })
    )
}

/**
 * The entity's behaviour on this runner: each message runs `ApplyEvent` and answers its result,
 * one message of an employee at a time.
 *
 * @since 0.5.0
 * @category layers
 */
export const layer: Layer.Layer<never, never, Sharding.Sharding | WorkflowEngine.WorkflowEngine> = EmployeeQueue
  .toLayer(
    Effect.gen(function*() {
      const context = yield* Effect.context<WorkflowEngine.WorkflowEngine>()
      return EmployeeQueue.of({
        Apply: (request) =>
          ApplyEvent.ApplyEvent.execute({ event: request.payload.event }).pipe(
            Effect.flatMap((applied) => sameEvent(request.payload.event, applied)),
            Effect.provide(context)
          )
      })
    }),
    { concurrency: 1 }
  )

/**
 * An event as accepted: its workflow's execution id, for `status`.
 *
 * @since 0.5.0
 * @category models
 */
export interface Submitted {
  readonly eventId: string
  readonly employeeId: string
  readonly executionId: string
}

const storageError = (operation: string) => (error: { readonly _tag: string }) =>
  new StorageError({ operation, reason: error._tag })

/**
 * Decodes an event (`HrEvent.decode`) and stores it in its employee's queue, without waiting for
 * it to be applied. Submitting an event again is harmless (see the module's description).
 *
 * @since 0.5.0
 * @category operations
 */
export const submit = (input: unknown): Effect.Effect<Submitted, InvalidEvent | StorageError, Sharding.Sharding> =>
  Effect.gen(function*() {
    const event = yield* HrEvent.decode(input)
    const employeeId = HrEvent.employeeIdOf(event)
    const client = yield* EmployeeQueue.client
    yield* Effect.mapError(client(employeeId).Apply({ event }, { discard: true }), storageError("submit"))
    return { eventId: event.eventId, employeeId, executionId: yield* ApplyEvent.executionIdOf(event.eventId) }
  }).pipe(Effect.withSpan("EmployeeQueue.submit"))

/**
 * Decodes an event, stores it in its employee's queue and waits until it is applied: its result,
 * or `EventFailed`. Waits as long as the event waits (its employee's earlier events, retries).
 *
 * @since 0.5.0
 * @category operations
 */
export const apply = (
  input: unknown
): Effect.Effect<HrEvent.Applied, InvalidEvent | EventFailed | StorageError, Sharding.Sharding> =>
  Effect.gen(function*() {
    const event = yield* HrEvent.decode(input)
    const client = yield* EmployeeQueue.client
    return yield* client(HrEvent.employeeIdOf(event)).Apply({ event }).pipe(
      Effect.catchIf(
        (e): e is Exclude<typeof e, EventFailed> => !(e instanceof EventFailed),
        (e) => Effect.fail(storageError("apply")(e))
      )
    )
  }).pipe(Effect.withSpan("EmployeeQueue.apply"))

/**
 * Where an event stands:
 * - `Pending`: not applied yet (queued, running, or never submitted: the storage cannot tell
 *   these apart);
 * - `Waiting`: an attempt failed and the next one waits for its time (`ApplyEvent.Options.backoff`);
 * - `Applied` with the result, `Failed` with the error.
 *
 * @since 0.5.0
 * @category models
 */
export type Status =
  | { readonly _tag: "Pending"; readonly eventId: string }
  | { readonly _tag: "Waiting"; readonly eventId: string }
  | { readonly _tag: "Applied"; readonly eventId: string; readonly applied: HrEvent.Applied }
  | { readonly _tag: "Failed"; readonly eventId: string; readonly error: EventFailed }

/**
 * An event's status by its id (any string: an id that was never submitted is `Pending`).
 *
 * @since 0.5.0
 * @category operations
 */
export const status = (eventId: unknown): Effect.Effect<Status, InvalidEvent, WorkflowEngine.WorkflowEngine> =>
  Effect.gen(function*() {
    const id = yield* HrEvent.decodeEventId(eventId)
    const result = yield* ApplyEvent.ApplyEvent.poll(yield* ApplyEvent.executionIdOf(id))
    if (result === undefined) return { _tag: "Pending", eventId: id } as const
    if (result._tag === "Suspended") return { _tag: "Waiting", eventId: id } as const
    const exit = result.exit
    if (Exit.isSuccess(exit)) return { _tag: "Applied", eventId: id, applied: exit.value } as const
    const failure = Cause.failureOption(exit.cause)
    return {
      _tag: "Failed",
      eventId: id,
      // A defect's text can hold anything: it stays in the runner's log.
      error: Option.getOrElse(failure, () =>
        new EventFailed({
          eventId: id,
          employeeId: "",
          reason: "Defect",
          detail: "the workflow died; see the runner's log",
          retry: "permanent",
          attempts: 0
        }))
    } as const
  }).pipe(Effect.withSpan("EmployeeQueue.status"))
