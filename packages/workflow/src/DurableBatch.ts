/**
 * A durable batch of onboardings: a parent workflow (`OnboardBatch`) with one child per
 * employee (`ApplyEvent` of a hire). The employees are stored once, in a progress table, when
 * the batch is submitted; the parent reads them page by page and starts their children with one
 * concurrency bound, so its journal holds no employee (no giant journal), and each child is a
 * workflow of its own, on whichever runner holds its shard.
 *
 * A batch is identified by its id: given, or derived from a fingerprint of its input (the CLI's:
 * the file's bytes and the options). Submitting the same batch again attaches to it: a running one
 * goes on (after a crash, where it stopped); a finished one with failures starts a new run of the
 * failed employees only; a done one does nothing. The same id with other input is
 * `BatchMismatch`.
 *
 * The progress table (`asgardeo_scim_batch`, `asgardeo_scim_batch_item`) is what `progress`,
 * `items` and the CLI read: every employee's status (`pending`, `done`, `failed`, `invalid`),
 * outcome, user id and error. Records that are not employees (`InvalidEmployee`), and repeats of
 * an employee id or email within the batch, are stored `invalid` and never started.
 *
 * A fatal failure (credentials, scopes, permissions: `ApplyEvent.classify`) ends the run:
 * employees in flight finish, none is started after, and the batch is `aborted`; submitting it
 * again, once the cause is fixed, starts a new run.
 *
 * @since 0.5.0
 */
import * as Employee from "@asgardeo-scim/hr/Employee"
import * as HrError from "@asgardeo-scim/hr/HrError"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Workflow from "@effect/workflow/Workflow"
import type * as WorkflowEngine from "@effect/workflow/WorkflowEngine"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import * as Ref from "effect/Ref"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as ApplyEvent from "./ApplyEvent.js"
import * as Store from "./internal/batchStore.js"
import { BatchMismatch, BatchNotFound, InvalidEvent, invalidEventFrom, StorageError } from "./WorkflowError.js"

/**
 * A batch's status: `running`, `done` (every employee done or invalid), `failed` (some failed
 * for good), `aborted` (a fatal failure stopped the run).
 *
 * @since 0.5.0
 * @category models
 */
export type Status = Store.BatchStatus

/**
 * An employee's status in a batch.
 *
 * @since 0.5.0
 * @category models
 */
export type ItemStatus = Store.ItemStatus

/**
 * Whether a value (a query parameter, parsed JSON) is an `ItemStatus`.
 *
 * @since 0.5.0
 * @category guards
 */
export const isItemStatus: (u: unknown) => u is ItemStatus = Store.isItemStatus

/**
 * What a run ended with.
 *
 * @since 0.5.0
 * @category schemas
 */
export const Summary = Schema.Struct({
  batchId: Schema.String,
  run: Schema.Number,
  status: Schema.Literal("done", "failed", "aborted"),
  total: Schema.Number,
  done: Schema.Number,
  failed: Schema.Number,
  invalid: Schema.Number
})

/**
 * @since 0.5.0
 * @category models
 */
export interface Summary extends Schema.Schema.Type<typeof Summary> {}

/**
 * The parent workflow of a batch's run: idempotency key `batchId/run`.
 *
 * @since 0.5.0
 * @category workflows
 */
export const OnboardBatch = Workflow.make({
  name: "asgardeo-scim/OnboardBatch",
  payload: { batchId: Schema.String, run: Schema.Number },
  success: Summary,
  idempotencyKey: ({ batchId, run }) => `${batchId}/${run}`
})

const pageSize = 500

// The parent has no error channel: a storage failure is retried, then a defect (the run stays
// `running`; submitting the batch again resumes it).
const durable = <A>(effect: Effect.Effect<A, SqlError>): Effect.Effect<A> =>
  effect.pipe(
    Effect.retry({ schedule: Schedule.exponential("200 millis"), times: 6 }),
    Effect.orDie
  )

const decodeRecord = Schema.decodeUnknown(Schema.parseJson(Employee.Employee))

/**
 * The parent workflow's implementation, registered with the engine (needs the storage's
 * `SqlClient`; its children run `ApplyEvent`, registered by `ApplyEvent.layer`).
 *
 * @since 0.5.0
 * @category layers
 */
export const layer: Layer.Layer<never, never, WorkflowEngine.WorkflowEngine | SqlClient.SqlClient> = OnboardBatch
  .toLayer(({ batchId, run }) =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const batch = yield* durable(Store.getBatch(sql, batchId))
      if (batch === undefined) return yield* Effect.dieMessage(`batch ${batchId} is not in the storage`)
      // Replayed after an abort: the row says so (the in-memory flag is gone).
      const aborted = yield* Ref.make(batch.run === run && batch.status === "aborted")
      let after = -1
      while (!(yield* Ref.get(aborted))) {
        const page = yield* durable(Store.pendingPage(sql, batchId, after, pageSize))
        if (page.length === 0) break
        after = page[page.length - 1]!.index
        yield* Effect.forEach(page, (item) =>
          Effect.gen(function*() {
            if (yield* Ref.get(aborted)) return
            const employee = yield* Effect.orDie(decodeRecord(item.record))
            const exit = yield* Effect.exit(ApplyEvent.ApplyEvent.execute({
              event: { _tag: "Hire", eventId: `${batchId}/${run}/${item.index}`, employee },
              inBatch: true
            }))
            const now = yield* Clock.currentTimeMillis
            if (Exit.isSuccess(exit)) {
              const applied = exit.value
              return yield* durable(Store.recordItem(sql, batchId, item.index, {
                status: "done",
                outcome: applied.outcome,
                userId: applied.userId ?? null,
                errorTag: null,
                errorDetail: null,
                attempts: applied.attempts
              }, now))
            }
            const failure = Cause.failureOption(exit.cause)
            // A defect or an interruption (the parent suspended): as it is.
            if (Option.isNone(failure)) return yield* Effect.orDie(exit)
            yield* durable(Store.recordItem(sql, batchId, item.index, {
              status: "failed",
              outcome: null,
              userId: null,
              errorTag: failure.value.reason,
              errorDetail: failure.value.detail,
              attempts: failure.value.attempts
            }, now))
            if (failure.value.retry === "fatal") {
              yield* Ref.set(aborted, true)
              yield* durable(Store.finish(sql, batchId, run, "aborted", now))
            }
          }), { concurrency: batch.concurrency, discard: true })
      }
      const counts = yield* durable(Store.counts(sql, batchId))
      const status = (yield* Ref.get(aborted)) ? "aborted" : counts.failed > 0 ? "failed" : "done"
      yield* durable(Store.finish(sql, batchId, run, status, yield* Clock.currentTimeMillis))
      return {
        batchId,
        run,
        status,
        total: batch.total,
        done: counts.done,
        failed: counts.failed,
        invalid: counts.invalid
      } as const
    }).pipe(Effect.withSpan("OnboardBatch.run", { attributes: { batchId, run } }))
  )

/**
 * @since 0.5.0
 * @category models
 */
export interface SubmitOptions {
  /** The batch's id (1 to 100 characters, no control characters). Default: from the fingerprint. */
  readonly batchId?: string | undefined
  /**
   * What identifies the input (the CLI: a hash of the file and the options). Default: a SHA-256
   * of the records as JSON.
   */
  readonly fingerprint?: string | undefined
  /** Employees worked on at once, across the runners (default 8, at most 64). */
  readonly concurrency?: number | undefined
}

/**
 * A batch as submitted.
 *
 * @since 0.5.0
 * @category models
 */
export interface Submitted {
  readonly batchId: string
  readonly run: number
  readonly total: number
  readonly invalid: number
  /**
   * `new`, `resumed` (it was running), `rerun` (a new run of its failures), `done` (nothing to
   * do), `finishing` (its run was aborted and still waits for the employees it had in flight:
   * nothing started; submit it again once `progress` no longer changes).
   */
  readonly start: "new" | "resumed" | "rerun" | "done" | "finishing"
}

const sha256 = (text: string): Effect.Effect<string> =>
  Effect.map(
    Effect.promise(() => crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))),
    (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("")
  )

/**
 * A batch id: 1 to 100 printable ASCII characters (no space, no control character). `submit`,
 * `progress`, `watch` and `items` decode theirs with it; callers can check one before opening
 * the storage.
 *
 * @since 0.5.0
 * @category schemas
 */
export const BatchId = Schema.String.pipe(
  Schema.pattern(/^[\x21-\x7e]{1,100}$/, { message: () => "batchId must be 1 to 100 printable ASCII characters" })
)

/** A decoder that answers a getter or proxy trap that throws as `InvalidEvent` on `options`. */
const readable =
  <A>(decode: (u: unknown) => Either.Either<A, ParseResult.ParseError>) =>
  (u: unknown): Either.Either<A, ParseResult.ParseError | InvalidEvent> => {
    try {
      return decode(u)
    } catch {
      return Either.left(new InvalidEvent({ field: "options", reason: "unreadable value" }))
    }
  }

const invalidOptions = (error: ParseResult.ParseError | InvalidEvent): InvalidEvent =>
  error instanceof InvalidEvent ? error : invalidEventFrom(error, { field: "options", reason: "invalid options" })

const decodeOptions = readable(Schema.decodeUnknownEither(
  Schema.Struct({
    batchId: Schema.optional(BatchId),
    fingerprint: Schema.optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200))),
    concurrency: Schema.optional(Schema.Int.pipe(Schema.between(1, 64)))
  }),
  { onExcessProperty: "error", errors: "first" }
))

/** `Employee.decodeEmployee`, for a record whose getters or proxy traps may throw: invalid, not a defect. */
const decodeRecordSafely = (record: unknown): Either.Either<Employee.Employee, HrError.InvalidEmployee> => {
  try {
    return Employee.decodeEmployee(record)
  } catch {
    return Either.left(new HrError.InvalidEmployee({ field: "employee", reason: "unreadable record" }))
  }
}

/** At most this many records in one batch. */
const maxRecords = 1_000_000

const storage = (operation: string) => (error: SqlError) => new StorageError({ operation, reason: error.message })

/**
 * Stores a batch's records and starts (or resumes, or re-runs) it, without waiting for it: see
 * the module's description. Each record is decoded (`Employee`); invalid ones and repeats are
 * stored `invalid`. Bad options are `InvalidEvent` before anything is stored.
 *
 * @since 0.5.0
 * @category operations
 */
export const submit = (
  records: Iterable<unknown>,
  options: SubmitOptions = {}
): Effect.Effect<
  Submitted,
  InvalidEvent | BatchMismatch | StorageError,
  SqlClient.SqlClient | WorkflowEngine.WorkflowEngine
> =>
  Effect.gen(function*() {
    const decoded = decodeOptions(options)
    if (Either.isLeft(decoded)) return yield* invalidOptions(decoded.left)
    const all = yield* Effect.try({
      try: () => {
        const out: Array<unknown> = []
        for (const record of records) {
          if (out.length >= maxRecords) throw new RangeError(`more than ${maxRecords} records`)
          out.push(record)
        }
        return out
      },
      catch: (e) => new InvalidEvent({ field: "records", reason: e instanceof RangeError ? e.message : "not iterable" })
    })
    const fingerprint = decoded.right.fingerprint ?? (yield* Effect.flatMap(
      Effect.try({
        try: () => JSON.stringify(all) ?? "",
        // A bigint, a cycle, a getter or `toJSON` that throws: no fingerprint to take.
        catch: () => new InvalidEvent({ field: "records", reason: "not JSON: give a fingerprint or plain records" })
      }),
      sha256
    ))
    const batchId = decoded.right.batchId ?? `b-${fingerprint.slice(0, 16)}`
    const concurrency = decoded.right.concurrency ?? 8
    const sql = yield* SqlClient.SqlClient
    yield* Effect.mapError(Store.ensureTables(sql), storage("create tables"))
    const now = yield* Clock.currentTimeMillis

    // An aborted run writes `aborted` at once but lets the employees in flight finish: a new run
    // started before its workflow ends would start those employees again, beside them (two runs
    // onboarding one employee at once, the later result overwriting the other's row).
    const before = yield* Effect.mapError(Store.getBatch(sql, batchId), storage("submit"))
    if (before !== undefined && before.fingerprint === fingerprint && before.status === "aborted") {
      const ended = yield* OnboardBatch.poll(yield* OnboardBatch.executionId({ batchId, run: before.run }))
      if (ended === undefined || ended._tag === "Suspended") {
        const c = yield* Effect.mapError(Store.counts(sql, batchId), storage("submit"))
        return { batchId, total: before.total, invalid: c.invalid, run: before.run, start: "finishing" as const }
      }
    }

    const result = yield* sql.withTransaction(Effect.gen(function*() {
      const existing = yield* Store.getBatch(sql, batchId)
      if (existing !== undefined) {
        if (existing.fingerprint !== fingerprint) {
          return yield* new BatchMismatch({ batchId, reason: "its fingerprint differs" })
        }
        const c = yield* Store.counts(sql, batchId)
        const base = { batchId, total: existing.total, invalid: c.invalid }
        if (existing.status === "running") return { ...base, run: existing.run, start: "resumed" as const }
        if (existing.status === "done") return { ...base, run: existing.run, start: "done" as const }
        yield* Store.restart(sql, batchId, existing.run + 1, now)
        return { ...base, run: existing.run + 1, start: "rerun" as const }
      }
      const seenIds = new Map<string, number>()
      const seenEmails = new Map<string, number>()
      const items = all.map((record, index) => {
        const employee = decodeRecordSafely(record)
        if (Either.isLeft(employee)) {
          return {
            index,
            employeeId: employee.left.employeeId ?? "",
            record: "null",
            status: "invalid" as const,
            errorDetail: employee.left.message
          }
        }
        const e = employee.right
        const email = e.email.toLowerCase()
        const repeat = seenIds.get(e.employeeId) ?? seenEmails.get(email)
        if (repeat !== undefined) {
          return {
            index,
            employeeId: e.employeeId,
            record: "null",
            status: "invalid" as const,
            errorDetail: `employee ${e.employeeId} <${e.email}> repeats record ${repeat + 1} of this batch`
          }
        }
        seenIds.set(e.employeeId, index)
        seenEmails.set(email, index)
        return {
          index,
          employeeId: e.employeeId,
          record: JSON.stringify(e),
          status: "pending" as const,
          errorDetail: null
        }
      })
      yield* Store.insertBatch(sql, {
        batchId,
        fingerprint,
        total: all.length,
        run: 1,
        status: "running",
        concurrency,
        createdAt: now,
        updatedAt: now
      }, items)
      return {
        batchId,
        total: all.length,
        invalid: items.filter((i) => i.status === "invalid").length,
        run: 1,
        start: "new" as const
      }
    })).pipe(Effect.catchTag("SqlError", (e) => Effect.fail(storage("submit")(e))))
    if (result.start !== "done") {
      yield* OnboardBatch.execute({ batchId, run: result.run }, { discard: true })
    }
    return result
  }).pipe(Effect.withSpan("DurableBatch.submit"))

/**
 * A batch's progress.
 *
 * @since 0.5.0
 * @category models
 */
export interface Progress {
  readonly batchId: string
  readonly run: number
  readonly status: Status
  readonly total: number
  readonly pending: number
  readonly done: number
  readonly failed: number
  readonly invalid: number
}

/**
 * A batch's progress, read from the progress table (any runner, or none, can answer).
 *
 * @since 0.5.0
 * @category operations
 */
export const progress = (
  batchId: unknown
): Effect.Effect<Progress, InvalidEvent | BatchNotFound | StorageError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const id = yield* decodeBatchId(batchId)
    const sql = yield* SqlClient.SqlClient
    yield* Effect.mapError(Store.ensureTables(sql), storage("create tables"))
    const batch = yield* Effect.mapError(Store.getBatch(sql, id), storage("progress"))
    if (batch === undefined) return yield* new BatchNotFound({ batchId: id })
    const c = yield* Effect.mapError(Store.counts(sql, id), storage("progress"))
    return { batchId: id, run: batch.run, status: batch.status, total: batch.total, ...c }
  }).pipe(Effect.withSpan("DurableBatch.progress"))

/**
 * The progress every `every` (default 1 second) until the batch is no longer running; the last
 * element is its final progress.
 *
 * @since 0.5.0
 * @category operations
 */
export const watch = (
  batchId: unknown,
  options: { readonly every?: Duration.DurationInput | undefined } = {}
): Stream.Stream<Progress, InvalidEvent | BatchNotFound | StorageError, SqlClient.SqlClient> =>
  Stream.repeatEffectWithSchedule(progress(batchId), Schedule.spaced(options.every ?? "1 second")).pipe(
    Stream.takeUntil((p) => p.status !== "running")
  )

/**
 * An employee of a batch, as the progress table has it.
 *
 * @since 0.5.0
 * @category models
 */
export interface Item {
  /** 0-based position in the input. */
  readonly index: number
  readonly employeeId: string
  readonly status: ItemStatus
  readonly outcome: string | undefined
  readonly userId: string | undefined
  /** The tag of the error (`InvalidEmployee` for an invalid record). */
  readonly error: string | undefined
  readonly detail: string | undefined
  readonly attempts: number
  readonly run: number
}

/**
 * A batch's employees in input order, optionally of one status, a page at a time (`after`: the
 * last index of the previous page; `limit` up to 1,000, default 100).
 *
 * @since 0.5.0
 * @category operations
 */
export const items = (
  batchId: unknown,
  options: {
    readonly status?: ItemStatus | undefined
    readonly after?: number | undefined
    readonly limit?: number | undefined
  } = {}
): Effect.Effect<ReadonlyArray<Item>, InvalidEvent | StorageError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const id = yield* decodeBatchId(batchId)
    const o = decodeItemsOptions(options)
    if (Either.isLeft(o)) return yield* invalidOptions(o.left)
    const sql = yield* SqlClient.SqlClient
    yield* Effect.mapError(Store.ensureTables(sql), storage("create tables"))
    const rows = yield* Effect.mapError(
      Store.items(sql, id, { status: o.right.status, after: o.right.after ?? -1, limit: o.right.limit ?? 100 }),
      storage("items")
    )
    return rows.map((r) => ({
      index: r.index,
      employeeId: r.employeeId,
      status: r.status,
      outcome: r.outcome ?? undefined,
      userId: r.userId ?? undefined,
      error: r.errorTag ?? undefined,
      detail: r.errorDetail ?? undefined,
      attempts: r.attempts,
      run: r.run
    }))
  }).pipe(Effect.withSpan("DurableBatch.items"))

const decodeItemsOptions = readable(Schema.decodeUnknownEither(
  Schema.Struct({
    status: Schema.optional(Schema.Literal(...Store.itemStatuses)),
    after: Schema.optional(Schema.Int.pipe(Schema.greaterThanOrEqualTo(-1))),
    limit: Schema.optional(Schema.Int.pipe(Schema.between(1, 1000)))
  }),
  { onExcessProperty: "error", errors: "first" }
))

const decodeBatchId = (u: unknown): Effect.Effect<string, InvalidEvent> => {
  const r = Schema.decodeUnknownEither(BatchId)(u)
  return Either.isRight(r)
    ? Effect.succeed(r.right)
    : Effect.fail(new InvalidEvent({ field: "batchId", reason: "must be 1 to 100 printable ASCII characters" }))
}
