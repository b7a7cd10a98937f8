/**
 * The batch progress tables, in SQL that SQLite and PostgreSQL both run. Integers are read with
 * `Number` (the SQLite client reads them as `bigint`, PostgreSQL's BIGINT as strings).
 *
 * @internal
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"

/** @internal */
export const batchStatuses = ["running", "done", "failed", "aborted"] as const

/** @internal */
export type BatchStatus = typeof batchStatuses[number]

/** @internal */
export const itemStatuses = ["pending", "done", "failed", "invalid"] as const

/** @internal */
export type ItemStatus = typeof itemStatuses[number]

/** @internal */
export const isItemStatus = (u: unknown): u is ItemStatus => (itemStatuses as ReadonlyArray<unknown>).includes(u)

const isBatchStatus = (u: unknown): u is BatchStatus => (batchStatuses as ReadonlyArray<unknown>).includes(u)

/** @internal */
export interface BatchRow {
  readonly batchId: string
  readonly fingerprint: string
  readonly total: number
  readonly run: number
  readonly status: BatchStatus
  readonly concurrency: number
  readonly createdAt: number
  readonly updatedAt: number
}

/** @internal */
export interface ItemRow {
  readonly index: number
  readonly employeeId: string
  readonly record: string
  readonly status: ItemStatus
  readonly outcome: string | null
  readonly userId: string | null
  readonly errorTag: string | null
  readonly errorDetail: string | null
  readonly attempts: number
  readonly run: number
}

/** @internal */
export const ensureTables = (sql: SqlClient.SqlClient): Effect.Effect<void, SqlError> =>
  Effect.all([
    sql`CREATE TABLE IF NOT EXISTS asgardeo_scim_batch (
      batch_id TEXT PRIMARY KEY,
      fingerprint TEXT NOT NULL,
      total BIGINT NOT NULL,
      run BIGINT NOT NULL,
      status TEXT NOT NULL,
      concurrency BIGINT NOT NULL,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL
    )`,
    sql`CREATE TABLE IF NOT EXISTS asgardeo_scim_batch_item (
      batch_id TEXT NOT NULL,
      idx BIGINT NOT NULL,
      employee_id TEXT NOT NULL,
      record TEXT NOT NULL,
      status TEXT NOT NULL,
      outcome TEXT,
      user_id TEXT,
      error_tag TEXT,
      error_detail TEXT,
      attempts BIGINT NOT NULL,
      run BIGINT NOT NULL,
      updated_at BIGINT NOT NULL,
      PRIMARY KEY (batch_id, idx)
    )`
  ], { discard: true }).pipe(
    // Two processes creating the tables at once on PostgreSQL: one fails on the catalog's unique
    // index although the table is there; again, it is found.
    Effect.retry({ times: 3, schedule: Schedule.spaced("50 millis") })
  )

const toBatch = (r: Record<string, unknown>): BatchRow => ({
  batchId: String(r.batch_id),
  fingerprint: String(r.fingerprint),
  total: Number(r.total),
  run: Number(r.run),
  // A status this code does not write (a row edited by hand): aborted, so that a new submit re-runs it.
  status: isBatchStatus(r.status) ? r.status : "aborted",
  concurrency: Number(r.concurrency),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at)
})

const text = (u: unknown): string | null => (u === null || u === undefined ? null : String(u))

const toItem = (r: Record<string, unknown>): ItemRow => ({
  index: Number(r.idx),
  employeeId: String(r.employee_id),
  record: String(r.record),
  // Likewise: failed, tried again by the next run (every step is idempotent).
  status: isItemStatus(r.status) ? r.status : "failed",
  outcome: text(r.outcome),
  userId: text(r.user_id),
  errorTag: text(r.error_tag),
  errorDetail: text(r.error_detail),
  attempts: Number(r.attempts),
  run: Number(r.run)
})

/** @internal */
export const getBatch = (sql: SqlClient.SqlClient, batchId: string): Effect.Effect<BatchRow | undefined, SqlError> =>
  Effect.map(
    sql<Record<string, unknown>>`SELECT * FROM asgardeo_scim_batch WHERE batch_id = ${batchId}`,
    (rows) => (rows[0] === undefined ? undefined : toBatch(rows[0]))
  )

/** @internal */
export const insertBatch = (
  sql: SqlClient.SqlClient,
  row: BatchRow,
  items: ReadonlyArray<
    {
      readonly index: number
      readonly employeeId: string
      readonly record: string
      readonly status: ItemStatus
      readonly errorDetail: string | null
    }
  >
): Effect.Effect<void, SqlError> =>
  Effect.gen(function*() {
    yield* sql`INSERT INTO asgardeo_scim_batch ${
      sql.insert({
        batch_id: row.batchId,
        fingerprint: row.fingerprint,
        total: row.total,
        run: row.run,
        status: row.status,
        concurrency: row.concurrency,
        created_at: row.createdAt,
        updated_at: row.updatedAt
      })
    }`
    // Chunks keep each statement under SQLite's and PostgreSQL's parameter limits.
    for (let i = 0; i < items.length; i += 200) {
      yield* sql`INSERT INTO asgardeo_scim_batch_item ${
        sql.insert(
          items.slice(i, i + 200).map((item) => ({
            batch_id: row.batchId,
            idx: item.index,
            employee_id: item.employeeId,
            record: item.record,
            status: item.status,
            outcome: null,
            user_id: null,
            error_tag: item.status === "invalid" ? "InvalidEmployee" : null,
            error_detail: item.errorDetail,
            attempts: 0,
            run: row.run,
            updated_at: row.createdAt
          }))
        )
      }`
    }
  })

/** A new run of a finished batch: its failed items pending again, the batch running. @internal */
export const restart = (sql: SqlClient.SqlClient, batchId: string, run: number, now: number) =>
  Effect.all([
    sql`UPDATE asgardeo_scim_batch_item SET status = 'pending', run = ${run}, updated_at = ${now}
      WHERE batch_id = ${batchId} AND status = 'failed'`,
    sql`UPDATE asgardeo_scim_batch SET status = 'running', run = ${run}, updated_at = ${now}
      WHERE batch_id = ${batchId}`
  ], { discard: true })

/** Pending items after `after`, in order. @internal */
export const pendingPage = (
  sql: SqlClient.SqlClient,
  batchId: string,
  after: number,
  limit: number
): Effect.Effect<ReadonlyArray<ItemRow>, SqlError> =>
  Effect.map(
    sql<Record<string, unknown>>`SELECT * FROM asgardeo_scim_batch_item
      WHERE batch_id = ${batchId} AND status = 'pending' AND idx > ${after}
      ORDER BY idx LIMIT ${limit}`,
    (rows) => rows.map(toItem)
  )

/** @internal */
export const recordItem = (
  sql: SqlClient.SqlClient,
  batchId: string,
  index: number,
  result: {
    readonly status: "done" | "failed"
    readonly outcome: string | null
    readonly userId: string | null
    readonly errorTag: string | null
    readonly errorDetail: string | null
    readonly attempts: number
  },
  now: number
): Effect.Effect<void, SqlError> =>
  Effect.asVoid(
    sql`UPDATE asgardeo_scim_batch_item SET status = ${result.status}, outcome = ${result.outcome},
      user_id = ${result.userId}, error_tag = ${result.errorTag}, error_detail = ${result.errorDetail},
      attempts = ${result.attempts}, updated_at = ${now}
      WHERE batch_id = ${batchId} AND idx = ${index}`
  )

/** @internal */
export const finish = (sql: SqlClient.SqlClient, batchId: string, run: number, status: BatchStatus, now: number) =>
  Effect.asVoid(
    sql`UPDATE asgardeo_scim_batch SET status = ${status}, updated_at = ${now}
      WHERE batch_id = ${batchId} AND run = ${run}`
  )

/** @internal */
export const counts = (
  sql: SqlClient.SqlClient,
  batchId: string
): Effect.Effect<Record<ItemStatus, number>, SqlError> =>
  Effect.map(
    sql<{ readonly status: string; readonly n: unknown }>`SELECT status, COUNT(*) AS n FROM asgardeo_scim_batch_item
      WHERE batch_id = ${batchId} GROUP BY status`,
    (rows) => {
      const out: Record<ItemStatus, number> = { pending: 0, done: 0, failed: 0, invalid: 0 }
      for (const row of rows) {
        if (isItemStatus(row.status)) out[row.status] = Number(row.n)
      }
      return out
    }
  )

/** Items of a batch in order, optionally of one status, from `after` on. @internal */
export const items = (
  sql: SqlClient.SqlClient,
  batchId: string,
  options: { readonly status?: ItemStatus | undefined; readonly after: number; readonly limit: number }
): Effect.Effect<ReadonlyArray<ItemRow>, SqlError> =>
  Effect.map(
    options.status === undefined
      ? sql<Record<string, unknown>>`SELECT * FROM asgardeo_scim_batch_item
        WHERE batch_id = ${batchId} AND idx > ${options.after} ORDER BY idx LIMIT ${options.limit}`
      : sql<Record<string, unknown>>`SELECT * FROM asgardeo_scim_batch_item
        WHERE batch_id = ${batchId} AND status = ${options.status} AND idx > ${options.after}
        ORDER BY idx LIMIT ${options.limit}`,
    (rows) => rows.map(toItem)
  )
