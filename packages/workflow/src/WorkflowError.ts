/**
 * The errors of `@asgardeo-scim/workflow`. Each is a `Schema.TaggedError` (identified as
 * `@asgardeo-scim/workflow/WorkflowError/<tag>`): they cross processes in the cluster's storage,
 * so every field is serializable and every message is built from fields that hold no secret (the
 * directory's errors arrive here already scrubbed).
 *
 * @since 0.5.0
 */
import * as ErrorClass from "@asgardeo-scim/core/ErrorClass"
import * as ParseResult from "effect/ParseResult"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"

/**
 * @since 0.5.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("@asgardeo-scim/workflow/WorkflowError")

/**
 * @since 0.5.0
 * @category type ids
 */
export type TypeId = typeof TypeId

const Make = ErrorClass.make(TypeId, "@asgardeo-scim/workflow/WorkflowError")

/**
 * How an event's failure is handled:
 * - `permanent`: the event cannot be applied as it is (an unknown role, a user that belongs to
 *   another employee, no such user): the workflow ends with this failure at once;
 * - `transient`: the server or the network failed (5xx, 429 after the client's retries, a
 *   timeout, a step left `Incomplete` by one of these): tried again after a durable wait;
 * - `fatal`: the credentials, scopes or permissions are wrong (every event would fail the same way):
 *   tried again after a durable wait too, so that events wait for an operator's fix instead of
 *   being lost; a durable batch stops starting employees at the first one.
 *
 * @since 0.5.0
 * @category models
 */
export type Retry = "permanent" | "transient" | "fatal"

/**
 * An event that could not be applied: the error that stopped it (its tag and message), after the
 * attempts its `retry` class allows.
 *
 * @since 0.5.0
 * @category errors
 */
export class EventFailed extends Make<EventFailed>()(
  "EventFailed",
  {
    eventId: Schema.String,
    employeeId: Schema.String,
    /** The tag of the error that stopped it (`EmployeeConflict`, `ServerError`, ...). */
    reason: Schema.String,
    /** That error's message. */
    detail: Schema.String,
    retry: Schema.Literal("permanent", "transient", "fatal"),
    /** Attempts made. */
    attempts: Schema.Number
  },
  (self) =>
    `Event ${self.eventId} (employee ${self.employeeId}) failed after ${self.attempts} attempt${
      self.attempts === 1 ? "" : "s"
    }: ${self.reason}: ${self.detail}`
) {}

/**
 * An event or a batch request that is not what the API takes, refused before anything is stored.
 *
 * @since 0.5.0
 * @category errors
 */
export class InvalidEvent extends Make<InvalidEvent>()(
  "InvalidEvent",
  { field: Schema.String, reason: Schema.String },
  (self) => `Invalid event: ${self.field}: ${self.reason}`
) {}

/**
 * A decoding failure as `InvalidEvent`: the first issue's path is the field (`fallback.field`
 * when the issue is at the root), its message the reason. What the workflow's decoders answer,
 * and what an HTTP backend can answer for a request's own envelope.
 *
 * @since 0.5.0
 * @category constructors
 */
export const invalidEventFrom = (
  error: ParseResult.ParseError,
  fallback: { readonly field: string; readonly reason: string }
): InvalidEvent => {
  const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
  return new InvalidEvent({
    field: issue?.path.join(".") || fallback.field,
    reason: issue?.message ?? fallback.reason
  })
}

/**
 * A batch id already used for other input (another file, other options): a batch id names one
 * input for ever.
 *
 * @since 0.5.0
 * @category errors
 */
export class BatchMismatch extends Make<BatchMismatch>()(
  "BatchMismatch",
  { batchId: Schema.String, reason: Schema.String },
  (self) => `Batch ${self.batchId} was started with other input: ${self.reason}`
) {}

/**
 * No batch has this id in the storage.
 *
 * @since 0.5.0
 * @category errors
 */
export class BatchNotFound extends Make<BatchNotFound>()(
  "BatchNotFound",
  { batchId: Schema.String },
  (self) => `No batch ${self.batchId} in the storage`
) {}

/**
 * The storage (SQLite or PostgreSQL) failed: its message, without the connection's address or
 * credentials.
 *
 * @since 0.5.0
 * @category errors
 */
export class StorageError extends Make<StorageError>()(
  "StorageError",
  { operation: Schema.String, reason: Schema.String },
  (self) => `Storage failed (${self.operation}): ${self.reason}`
) {}

/**
 * @since 0.5.0
 * @category models
 */
export type WorkflowError = EventFailed | InvalidEvent | BatchMismatch | BatchNotFound | StorageError

/**
 * @since 0.5.0
 * @category guards
 */
export const isWorkflowError = (u: unknown): u is WorkflowError => Predicate.hasProperty(u, TypeId)
