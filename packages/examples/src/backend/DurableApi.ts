/**
 * The HTTP API of the durable HR backend: HR events and onboarding batches are accepted (202),
 * stored in the cluster's storage and applied by durable workflows (`@asgardeo-scim/workflow`) on
 * whichever replica holds the employee's shard; any replica answers where they stand.
 *
 * A separate API from `HrApi` (`HrApi.ts`), whose endpoints write to the directory while the caller
 * waits: that backend needs Asgardeo credentials only, this one a PostgreSQL database and a
 * cluster port, and a direct write next to queued events would bypass the per-employee order.
 *
 * @since 0.5.0
 */
import * as HrEvent from "@asgardeo-scim/workflow/HrEvent"
import * as WorkflowError from "@asgardeo-scim/workflow/WorkflowError"
import * as HttpApi from "@effect/platform/HttpApi"
import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiError from "@effect/platform/HttpApiError"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import * as Schema from "effect/Schema"

/**
 * An event as accepted (`EmployeeQueue.submit`): its workflow's execution id.
 *
 * @since 0.5.0
 * @category schemas
 */
export const EventAccepted = Schema.Struct({
  eventId: Schema.String,
  employeeId: Schema.String,
  executionId: Schema.String
})

/**
 * Where an event stands (`EmployeeQueue.status`): `Pending` (queued, running, or never
 * submitted), `Waiting` (an attempt failed, the next waits for its time), `Applied` with the
 * result, `Failed` with the error.
 *
 * @since 0.5.0
 * @category schemas
 */
export const EventStatus = Schema.Union(
  Schema.TaggedStruct("Pending", { eventId: Schema.String }),
  Schema.TaggedStruct("Waiting", { eventId: Schema.String }),
  Schema.TaggedStruct("Applied", { eventId: Schema.String, applied: HrEvent.Applied }),
  Schema.TaggedStruct("Failed", { eventId: Schema.String, error: WorkflowError.EventFailed })
)

/**
 * The body of `POST /batches`: the employees (each decoded by `DurableBatch.submit`: a record that
 * is not an employee, or repeats one, is stored `invalid`, not refused), an optional batch id
 * (default: from a hash of the employees, so the same list posted again is the same batch) and
 * how many employees are worked on at once (default 8, at most 64).
 *
 * @since 0.5.0
 * @category schemas
 */
export const BatchRequest = Schema.Struct({
  employees: Schema.Array(Schema.Unknown),
  batchId: Schema.optional(Schema.String),
  concurrency: Schema.optional(Schema.Int)
})

/**
 * A batch as accepted (`DurableBatch.submit`): `start` is `new`, `resumed` (it was running),
 * `rerun` (a new run of its failed employees) or `done` (nothing to do).
 *
 * @since 0.5.0
 * @category schemas
 */
export const BatchAccepted = Schema.Struct({
  batchId: Schema.String,
  run: Schema.Number,
  total: Schema.Number,
  invalid: Schema.Number,
  start: Schema.Literal("new", "resumed", "rerun", "done", "finishing")
})

/**
 * A batch's progress (`DurableBatch.progress`).
 *
 * @since 0.5.0
 * @category schemas
 */
export const BatchProgress = Schema.Struct({
  batchId: Schema.String,
  run: Schema.Number,
  status: Schema.Literal("running", "done", "failed", "aborted"),
  total: Schema.Number,
  pending: Schema.Number,
  done: Schema.Number,
  failed: Schema.Number,
  invalid: Schema.Number
})

/**
 * An employee of a batch (`DurableBatch.items`).
 *
 * @since 0.5.0
 * @category schemas
 */
export const BatchItem = Schema.Struct({
  index: Schema.Number,
  employeeId: Schema.String,
  status: Schema.Literal("pending", "done", "failed", "invalid"),
  outcome: Schema.optional(Schema.String),
  userId: Schema.optional(Schema.String),
  error: Schema.optional(Schema.String),
  detail: Schema.optional(Schema.String),
  attempts: Schema.Number,
  run: Schema.Number
})

/**
 * A request body over the endpoint's limit: nothing was read past it, nothing stored.
 *
 * @since 0.5.0
 * @category errors
 */
export class BodyTooLarge extends Schema.TaggedError<BodyTooLarge>("@asgardeo-scim/examples/DurableApi/BodyTooLarge")(
  "BodyTooLarge",
  { limit: Schema.Number },
  HttpApiSchema.annotations({ status: 413 })
) {}

/**
 * @since 0.5.0
 * @category groups
 */
export class Events extends HttpApiGroup.make("events")
  .add(
    HttpApiEndpoint.post("submit", "/events")
      .setPayload(HrEvent.HrEvent)
      .addSuccess(EventAccepted, { status: 202 })
  )
  .add(
    HttpApiEndpoint.get("status", "/events/:eventId")
      .setPath(Schema.Struct({ eventId: Schema.String }))
      .addSuccess(EventStatus)
  )
{}

/**
 * @since 0.5.0
 * @category groups
 */
export class Batches extends HttpApiGroup.make("batches")
  .add(
    HttpApiEndpoint.post("submit", "/batches")
      .setPayload(BatchRequest)
      .addSuccess(BatchAccepted, { status: 202 })
      .addError(WorkflowError.BatchMismatch, { status: 409 })
  )
  .add(
    HttpApiEndpoint.get("progress", "/batches/:batchId")
      .setPath(Schema.Struct({ batchId: Schema.String }))
      .addSuccess(BatchProgress)
      .addError(WorkflowError.BatchNotFound, { status: 404 })
  )
  .add(
    HttpApiEndpoint.get("items", "/batches/:batchId/items")
      .setPath(Schema.Struct({ batchId: Schema.String }))
      // Strings here, read by the handler: a bad number is `InvalidEvent` naming the parameter.
      .setUrlParams(Schema.Struct({
        status: Schema.optional(Schema.String),
        after: Schema.optional(Schema.String),
        limit: Schema.optional(Schema.String)
      }))
      .addSuccess(Schema.Array(BatchItem))
      .addError(WorkflowError.BatchNotFound, { status: 404 })
  )
{}

/**
 * The durable backend's API. Every endpoint can answer `InvalidEvent` (400, with the faulty
 * `field` and the `reason`), `BodyTooLarge` (413) and `ServiceUnavailable` (503, empty: the
 * storage failed; the details stay in the replica's log).
 *
 * @since 0.5.0
 * @category api
 */
export class DurableHrApi extends HttpApi.make("hr-durable")
  .add(Events)
  .add(Batches)
  .addError(WorkflowError.InvalidEvent, { status: 400 })
  .addError(BodyTooLarge)
  .addError(HttpApiError.ServiceUnavailable)
{}
