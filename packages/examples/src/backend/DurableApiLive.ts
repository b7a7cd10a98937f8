/**
 * The handlers of {@link DurableHrApi}, over `@asgardeo-scim/workflow`: `EmployeeQueue` for the
 * events, `DurableBatch` for the batches. They need a runner's services (`Runner.layerSocket` or
 * `layerEmbedded`, which give `Sharding`, the `WorkflowEngine` and the storage's `SqlClient`);
 * the work itself is registered by `Runner.work`.
 *
 * The bodies are read here, not by `HttpApi` (which answers 500 to a body that is not JSON): a body
 * over the endpoint's limit is `BodyTooLarge` (413), one that is not JSON `InvalidEvent` with the
 * field `body`, then the workflow's decoders name the faulty field. A storage failure is logged and
 * answered `ServiceUnavailable` (503) without its text, which may name the database's host.
 *
 * @since 0.5.0
 */
import * as Tolerant from "@asgardeo-scim/core/Tolerant"
import * as DurableBatch from "@asgardeo-scim/workflow/DurableBatch"
import * as EmployeeQueue from "@asgardeo-scim/workflow/EmployeeQueue"
import * as WorkflowError from "@asgardeo-scim/workflow/WorkflowError"
import type * as Sharding from "@effect/cluster/Sharding"
import type * as HttpApi from "@effect/platform/HttpApi"
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpApiError from "@effect/platform/HttpApiError"
import type * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import type * as SqlClient from "@effect/sql/SqlClient"
import type * as WorkflowEngine from "@effect/workflow/WorkflowEngine"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { BodyTooLarge, DurableHrApi } from "./DurableApi.js"

/**
 * The largest body each endpoint reads, in bytes: an event 64 KiB, a batch 16 MiB (about 80,000
 * employees).
 *
 * @since 0.5.0
 * @category constants
 */
export const maxBodyBytes = { event: 64 * 1024, batch: 16 * 1024 * 1024 } as const

/**
 * A request's body as JSON, read up to `limit` bytes: `BodyTooLarge` when its `content-length`
 * says more (answered before reading it) or when more arrives; `InvalidEvent` (field `body`) when
 * it is empty, unreadable or not JSON. `__proto__` keys are dropped (`Tolerant.parseJson`).
 *
 * @since 0.5.0
 * @category decoding
 */
export const readJson = (
  request: HttpServerRequest.HttpServerRequest,
  limit: number
): Effect.Effect<unknown, WorkflowError.InvalidEvent | BodyTooLarge> =>
  Effect.gen(function*() {
    const declared = Number(request.headers["content-length"] ?? 0)
    if (declared > limit) return yield* new BodyTooLarge({ limit })
    const text = yield* request.text.pipe(
      HttpServerRequest.withMaxBodySize(Option.some(limit)),
      Effect.mapError((error) =>
        error.cause instanceof Error && error.cause.message === "maxBytes exceeded"
          ? new BodyTooLarge({ limit })
          : new WorkflowError.InvalidEvent({ field: "body", reason: "could not be read" })
      )
    )
    if (text.trim() === "") {
      return yield* new WorkflowError.InvalidEvent({ field: "body", reason: "is empty; a JSON document was expected" })
    }
    return yield* Effect.try({
      try: () => Tolerant.parseJson(text),
      catch: () => new WorkflowError.InvalidEvent({ field: "body", reason: "is not JSON" })
    })
  }).pipe(Effect.withSpan("DurableApi.readJson", { attributes: { limit } }))

/**
 * A storage failure for an HTTP caller: logged with its details, answered 503 without them.
 *
 * @since 0.5.0
 * @category errors
 */
export const storageUnavailable = (
  error: WorkflowError.StorageError
): Effect.Effect<never, HttpApiError.ServiceUnavailable> =>
  Effect.zipRight(
    Effect.logWarning("storage unavailable", error.operation, error.reason),
    new HttpApiError.ServiceUnavailable()
  )

// The envelope of POST /batches; batchId and concurrency are decoded by DurableBatch.submit.
const decodeBatchRequest = Schema.decodeUnknownEither(
  Schema.Struct({
    employees: Schema.Array(Schema.Unknown),
    batchId: Schema.optional(Schema.Unknown),
    concurrency: Schema.optional(Schema.Unknown)
  }),
  { onExcessProperty: "error", errors: "first" }
)

const batchRequest = (body: unknown) =>
  Either.match(decodeBatchRequest(body), {
    onLeft: (error) => Effect.fail(WorkflowError.invalidEventFrom(error, { field: "body", reason: "not a batch" })),
    onRight: Effect.succeed
  })

/** A query parameter that must be an integer, as a number (undefined when absent). */
const integerParam = (field: string, value: string | undefined) =>
  value === undefined
    ? Effect.succeed(undefined)
    : /^-?\d{1,15}$/.test(value)
    ? Effect.succeed(Number(value))
    : Effect.fail(new WorkflowError.InvalidEvent({ field, reason: "must be an integer" }))

/**
 * The `events` group: `POST /events` stores an event in its employee's queue
 * (`EmployeeQueue.submit`) and answers 202; `GET /events/:eventId` is `EmployeeQueue.status`.
 *
 * @since 0.5.0
 * @category layers
 */
export const EventsLive: Layer.Layer<
  HttpApiGroup.ApiGroup<"hr-durable", "events">,
  never,
  Sharding.Sharding | WorkflowEngine.WorkflowEngine
> = HttpApiBuilder.group(DurableHrApi, "events", (handlers) =>
  Effect.gen(function*() {
    return handlers
      .handleRaw("submit", ({ request }) =>
        readJson(request, maxBodyBytes.event).pipe(
          Effect.flatMap(EmployeeQueue.submit),
          Effect.catchTag("StorageError", storageUnavailable)
        ))
      .handle("status", ({ path }) => EmployeeQueue.status(path.eventId))
  }))

/**
 * The `batches` group: `POST /batches` stores a batch and starts it (`DurableBatch.submit`, 202),
 * `GET /batches/:batchId` is its progress, `GET /batches/:batchId/items` its employees a page at
 * a time (both 404 for an unknown batch).
 *
 * @since 0.5.0
 * @category layers
 */
export const BatchesLive: Layer.Layer<
  HttpApiGroup.ApiGroup<"hr-durable", "batches">,
  never,
  SqlClient.SqlClient | WorkflowEngine.WorkflowEngine
> = HttpApiBuilder.group(DurableHrApi, "batches", (handlers) =>
  Effect.gen(function*() {
    return handlers
      .handleRaw("submit", ({ request }) =>
        readJson(request, maxBodyBytes.batch).pipe(
          Effect.flatMap(batchRequest),
          // The options as sent: DurableBatch.submit decodes them (and names the one at fault).
          Effect.flatMap((body) =>
            DurableBatch.submit(body.employees, {
              batchId: body.batchId as string | undefined,
              concurrency: body.concurrency as number | undefined
            })
          ),
          Effect.catchTag("StorageError", storageUnavailable)
        ))
      .handle("progress", ({ path }) =>
        DurableBatch.progress(path.batchId).pipe(
          Effect.catchTag("StorageError", storageUnavailable)
        ))
      .handle("items", ({ path, urlParams }) =>
        Effect.gen(function*() {
          const after = yield* integerParam("after", urlParams.after)
          const limit = yield* integerParam("limit", urlParams.limit)
          const status = urlParams.status
          if (status !== undefined && !DurableBatch.isItemStatus(status)) {
            return yield* new WorkflowError.InvalidEvent({
              field: "status",
              reason: "must be pending, done, failed or invalid"
            })
          }
          // An unknown batch is a 404, not an empty page.
          yield* DurableBatch.progress(path.batchId)
          return yield* DurableBatch.items(path.batchId, {
            status,
            after,
            limit
          })
        }).pipe(
          Effect.catchTag("StorageError", storageUnavailable)
        ))
  }))

/**
 * The API with its handlers; needs a runner's services (see the module's description).
 *
 * @since 0.5.0
 * @category layers
 */
export const DurableHrApiLive: Layer.Layer<
  HttpApi.Api,
  never,
  Sharding.Sharding | WorkflowEngine.WorkflowEngine | SqlClient.SqlClient
> = HttpApiBuilder.api(DurableHrApi).pipe(Layer.provide([EventsLive, BatchesLive]))
